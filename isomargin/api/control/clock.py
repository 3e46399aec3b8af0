"""``/_isomargin/v1/clock`` and ``/_isomargin/v1/reset``: the server's time, and a clean slate.

``PUT /clock`` ``{"offsetMs": N}`` shifts the clock, ``{"serverTime": T}`` sets it to an absolute
time (a suite that freezes at the same ``T`` every run gets the same times in every answer);
``{"frozen": true}`` stops it where it is (or at the ``offsetMs``/``serverTime`` sent);
``{"frozen": false}`` lets it run again from there. ``POST
/clock/advance`` ``{"ms": N}`` moves it forward and applies, in time order, every scheduled event
it passes (issue 13: path points, funding times, GTD ends and listen keys' ends, each through the
engine), answering with what each caused. ADL refreshes it passes (issue 12, ``service.adl``) are
applied too, in their place, but not listed: they move no money and cause nothing a bot acts on
but the quantiles it reads.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from isomargin.api.control import common
from isomargin.api.control.market import move_body
from isomargin.api.state import AppState
from isomargin.clock import wall_ms
from isomargin.money import decimal_string, fixed
from isomargin.service import adl, admin, funding, scheduler
from isomargin.service.book import Book
from isomargin.service.clock import set_frozen, set_offset
from isomargin.service.errors import AdminError
from isomargin.service.price_moves import MoveReport
from isomargin.store import Tx

#: the clock may be shifted by up to 100 years either way: enough for any recvWindow or 30-day
#: history test, and serverTime stays a 13-digit millisecond time Binance clients parse
MAX_CLOCK_OFFSET_MS = 100 * 365 * 86_400_000
#: one advance moves at most a year
MAX_ADVANCE_MS = 365 * 86_400_000


def _clock_body(state: AppState) -> dict[str, Any]:
    clock = state.clock
    return {"offsetMs": clock.offset_ms, "serverTime": clock.now_ms(), "frozen": clock.frozen_at_ms is not None}


async def set_clock(request: Request) -> Response:
    state = common.app_state(request)
    data = await common.json_object(request)
    common.only(data, {"offsetMs", "serverTime", "frozen"})
    if not data:
        raise AdminError("send offsetMs or serverTime, frozen, or both")
    if "offsetMs" in data and "serverTime" in data:
        raise AdminError("send offsetMs or serverTime, not both")
    await state.refresh_clock()
    clock = state.clock
    wall = wall_ms()
    moved = "offsetMs" in data or "serverTime" in data
    if "serverTime" in data:
        server_time = common.integer(data, "serverTime")
        offset = server_time - wall
        if server_time <= 0 or abs(offset) > MAX_CLOCK_OFFSET_MS:
            raise AdminError("serverTime must be a positive ms time within 100 years of now")
    else:
        offset = common.integer(data, "offsetMs") if "offsetMs" in data else clock.offset_ms
        if abs(offset) > MAX_CLOCK_OFFSET_MS:
            raise AdminError(f"offsetMs must be within ±{MAX_CLOCK_OFFSET_MS} (100 years)")
    was_frozen = clock.frozen_at_ms is not None
    frozen = common.boolean(data, "frozen", was_frozen)
    if frozen:
        # frozen where it is — or, with a new offset or time, where that puts it
        frozen_at = wall + offset if moved or not was_frozen else clock.frozen_at_ms
    else:
        frozen_at = None
        if was_frozen and not moved:
            assert clock.frozen_at_ms is not None
            offset = clock.frozen_at_ms - wall  # runs again from where it stood

    def apply(tx: Tx) -> None:
        set_offset(tx, offset)
        set_frozen(tx, frozen_at)

    await state.store.write(apply)
    clock.offset_ms, clock.frozen_at_ms = offset, frozen_at
    return JSONResponse(_clock_body(state))


async def get_clock(request: Request) -> Response:
    state = common.app_state(request)
    await state.refresh_clock()
    return JSONResponse(_clock_body(state))


async def advance_clock(request: Request) -> Response:
    state = common.app_state(request)
    data = await common.json_object(request)
    common.only(data, {"ms"})
    ms = common.integer(data, "ms")
    if not 0 < ms <= MAX_ADVANCE_MS:
        raise AdminError(f"ms must be from 1 to {MAX_ADVANCE_MS} (a year)")
    await state.refresh_clock()
    frozen = state.clock.frozen_at_ms is not None
    ctx = state.service_context()
    until = ctx.now_ms + ms
    applied = await scheduler.advance(state.store, ctx, ms, frozen=frozen)

    def finish(tx: Tx) -> None:
        if frozen:
            set_frozen(tx, until)
        else:
            set_offset(tx, state.clock.offset_ms + ms)

    await state.store.write(finish)
    if frozen:
        state.clock.frozen_at_ms = until
    else:
        state.clock.offset_ms += ms
    events = [_event(e) for e in applied if not isinstance(e.report, adl.Refreshed)]
    return JSONResponse({**_clock_body(state), "events": events})


def _event(applied: scheduler.Applied) -> dict[str, Any]:
    report = applied.report
    if isinstance(report, MoveReport):
        return {"type": "MARK_PRICE", **move_body(report, echo_book=True, dry_run=False)}
    if isinstance(report, scheduler.GtdExpiry):
        return {
            "type": "GTD_EXPIRY",
            "time": applied.time,
            "accountId": report.account_id,
            "symbol": report.symbol,
            "orderId": report.order_id,
            "clientOrderId": report.client_order_id,
            "liquidations": [],
            "marginCalls": [],
        }
    if isinstance(report, scheduler.ListenKeyEnd):
        return {
            "type": "LISTEN_KEY_EXPIRED",
            "time": applied.time,
            "accountId": report.account_id,
            "listenKey": report.listen_key,
            "liquidations": [],
            "marginCalls": [],
        }
    assert isinstance(report, funding.Settlement), "ADL refreshes are left out of the reply"
    return {"type": "FUNDING", **settlement_body(report)}


def settlement_body(s: funding.Settlement) -> dict[str, Any]:
    moved = move_body(
        MoveReport(s.symbol, Book(s.mark, s.mark, s.mark), s.time, (), s.liquidations, s.margin_calls),
        echo_book=False,
        dry_run=False,
    )
    return {
        "symbol": s.symbol,
        "time": s.time,
        "fundingRate": fixed(s.rate),
        "markPrice": decimal_string(s.mark),
        "payments": s.payments,
        "liquidations": moved["liquidations"],
        "marginCalls": moved["marginCalls"],
    }


async def reset(request: Request) -> Response:
    state = common.app_state(request)
    ctx = state.service_context()
    await state.store.write(lambda tx: admin.reset(tx, ctx))
    state.clock.offset_ms = 0
    state.clock.frozen_at_ms = None
    await state.weights.reset()
    await state.orders.reset()
    return JSONResponse({"reset": True})
