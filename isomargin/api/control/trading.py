"""Trading settings of the control plane (issue 11).

``PATCH /_isomargin/v1/accounts/{accountId}``: an account's maker and taker commission rates —
Binance's VIP0 rates (0.0002 / 0.0005) by default; ``GET /fapi/v1/commissionRate`` shows them and
every fill charges them. ``PUT /_isomargin/v1/settings`` ``{"nextOrderId": N}``: seed order ids
(and the shared margin-call ratio and ADL refresh interval; ``GET`` shows the shared ones).
``POST /_isomargin/v1/accounts/{accountId}/deposits`` and ``/withdrawals`` ``{"amount": "100"}``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from isomargin.api.control import common
from isomargin.money import decimal_string, fixed
from isomargin.service import adl, admin, funds, triggers
from isomargin.service.errors import AdminError
from isomargin.store import Tx

_FIELDS = {"makerCommissionRate", "takerCommissionRate"}
#: what ``PUT /settings`` takes, in the order its answer echoes them
_SETTINGS = ("nextOrderId", "marginCallRatio", "adlRefreshMs")


async def update_account(request: Request) -> Response:
    state = common.app_state(request)
    account_id = common.account_id(common.path_int(request, "accountId"))
    data = await common.json_object(request)
    common.only(data, _FIELDS)
    maker = common.money(data, "makerCommissionRate") if "makerCommissionRate" in data else None
    taker = common.money(data, "takerCommissionRate") if "takerCommissionRate" in data else None
    ctx = state.service_context()
    rates = await state.store.write(lambda tx: admin.set_commission_rates(tx, ctx, account_id, maker, taker))
    return JSONResponse(
        {
            "accountId": account_id,
            "makerCommissionRate": decimal_string(rates.maker),
            "takerCommissionRate": decimal_string(rates.taker),
        }
    )


async def put_settings(request: Request) -> Response:
    """``{"nextOrderId": N}`` seeds order ids; ``{"marginCallRatio": "0.8"}`` sets the margin-call
    threshold (issue 12); ``{"adlRefreshMs": 30000}`` how often a symbol's ADL quantiles are
    ranked again (issue 12, ``service.adl``). Any of them; the shared ones hold for every worker;
    the answer echoes what was set."""
    state = common.app_state(request)
    data = await common.json_object(request)
    common.only(data, set(_SETTINGS))
    if not data:
        raise AdminError("send nextOrderId, marginCallRatio, adlRefreshMs or several")
    next_id = common.integer(data, "nextOrderId") if "nextOrderId" in data else None
    ratio = common.money(data, "marginCallRatio") if "marginCallRatio" in data else None
    interval = common.integer(data, "adlRefreshMs") if "adlRefreshMs" in data else None
    ctx = state.service_context()

    def apply(tx: Tx) -> None:
        if next_id is not None:
            admin.seed_next_order_id(tx, ctx, next_id)
        if ratio is not None:
            triggers.set_margin_call_ratio(tx, ctx, ratio)
        if interval is not None:
            adl.set_refresh_interval(tx, interval)

    await state.store.write(apply)
    # this worker at once; the others at their next request (AppState.refresh_clock)
    if ratio is not None:
        state.margin_call_ratio = ratio
    if interval is not None:
        state.adl_refresh_ms = interval
    body: dict[str, object] = {}
    if next_id is not None:
        body["nextOrderId"] = next_id
    if ratio is not None:
        body["marginCallRatio"] = decimal_string(ratio)
    if interval is not None:
        body["adlRefreshMs"] = interval
    return JSONResponse({k: body[k] for k in _SETTINGS if k in body})


async def get_settings(request: Request) -> Response:
    """The settings every worker shares, as they stand (defaults until set; reset restores them)."""
    state = common.app_state(request)
    await state.refresh_clock()
    return JSONResponse(
        {"marginCallRatio": decimal_string(state.margin_call_ratio), "adlRefreshMs": state.adl_refresh_ms}
    )


async def _move(request: Request, sign: int) -> Response:
    state = common.app_state(request)
    account_id = common.account_id(common.path_int(request, "accountId"))
    data = await common.json_object(request)
    common.only(data, {"amount"})
    amount = common.money(data, "amount")
    if amount <= 0:
        raise AdminError("amount must be positive")
    admin.check_decimal("amount", amount)
    ctx = state.service_context()
    moved = await state.store.write(lambda tx: funds.move_funds(tx, ctx, account_id, sign * amount))
    return JSONResponse(
        {
            "accountId": account_id,
            "tranId": moved.tran_id,
            "amount": decimal_string(moved.amount),
            "crossWalletBalance": fixed(moved.cross_wallet),
        }
    )


async def deposit(request: Request) -> Response:
    return await _move(request, 1)


async def withdraw(request: Request) -> Response:
    return await _move(request, -1)
