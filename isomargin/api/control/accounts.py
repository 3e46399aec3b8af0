"""``/_isomargin/v1/accounts``: create an account, read one, list them a page at a time."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from isomargin.api.control import common
from isomargin.api.render import position_risk_v2
from isomargin.money import fixed
from isomargin.service import admin, keys
from isomargin.service.errors import AdminError
from isomargin.service.overview import DEFAULT_PAGE, MAX_PAGE, AccountSummary, account_summaries, account_summary

_MAX_OFFSET = 2**63 - 1  # a 64-bit database integer, as account ids


async def create_account(request: Request) -> Response:
    state = common.app_state(request)
    data = await common.json_object(request)
    balance = common.money(data, "balance", default=Decimal(0))
    dual = common.boolean(data, "dualSidePosition", False)
    api_key, secret = common.optional_string(data, "apiKey"), common.optional_string(data, "secretKey")
    ctx = state.service_context()
    account_id, creds = await state.store.write(
        lambda tx: admin.create_account(
            tx, ctx, balance=balance, dual_side_position=dual, api_key=api_key, secret_key=secret
        )
    )
    return JSONResponse(
        {"accountId": account_id, "apiKey": creds.api_key, "secretKey": creds.secret_key}, status_code=201
    )


def render_summary(summary: AccountSummary) -> dict[str, Any]:
    account = summary.account
    return {
        "accountId": account.id,
        "dualSidePosition": account.dual_side_position,
        "crossWalletBalance": fixed(account.cross_wallet),
        "walletBalance": fixed(summary.wallet_balance),
        "positions": [position_risk_v2(v) for v in summary.positions],
        "apiKeys": [keys.describe(k) for k in summary.api_keys],
    }


async def get_account(request: Request) -> Response:
    state = common.app_state(request)
    account_id = common.account_id(common.path_int(request, "accountId"))
    ctx = state.service_context()
    summary = await state.store.read(lambda tx: account_summary(tx, ctx, account_id))
    if summary is None:
        raise AdminError(f"account {account_id} does not exist", 404)
    return JSONResponse(render_summary(summary))


def _page_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    value = int(raw) if raw.isascii() and raw.isdigit() else None
    if value is None or not low <= value <= high:
        raise AdminError(f"{name} must be an integer from {low} to {high}")
    return value


async def list_accounts(request: Request) -> Response:
    """A page of accounts by id: ``?offset=0&limit=100`` (the defaults; ``limit`` at most 1000)."""
    state = common.app_state(request)
    offset = _page_param(request, "offset", 0, 0, _MAX_OFFSET)
    limit = _page_param(request, "limit", DEFAULT_PAGE, 1, MAX_PAGE)
    ctx = state.service_context()
    summaries = await state.store.read(lambda tx: account_summaries(tx, ctx, offset, limit))
    return JSONResponse([render_summary(s) for s in summaries])
