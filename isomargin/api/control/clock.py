"""``/_isomargin/v1/clock`` and ``/_isomargin/v1/reset``: the server's time, and a clean slate."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from isomargin.api.control import common
from isomargin.service import admin
from isomargin.service.clock import set_offset
from isomargin.service.errors import AdminError

#: the clock may be shifted by up to 100 years either way: enough for any recvWindow or 30-day
#: history test, and serverTime stays a 13-digit millisecond time Binance clients parse
MAX_CLOCK_OFFSET_MS = 100 * 365 * 86_400_000


async def set_clock(request: Request) -> Response:
    state = common.app_state(request)
    data = await common.json_object(request)
    offset = common.integer(data, "offsetMs")
    if abs(offset) > MAX_CLOCK_OFFSET_MS:
        raise AdminError(f"offsetMs must be within ±{MAX_CLOCK_OFFSET_MS} (100 years)")
    await state.store.write(lambda tx: set_offset(tx, offset))
    state.clock.offset_ms = offset
    return JSONResponse({"offsetMs": offset, "serverTime": state.clock.now_ms()})


async def get_clock(request: Request) -> Response:
    clock = common.app_state(request).clock
    return JSONResponse({"offsetMs": clock.offset_ms, "serverTime": clock.now_ms()})


async def reset(request: Request) -> Response:
    state = common.app_state(request)
    ctx = state.service_context()
    await state.store.write(lambda tx: admin.reset(tx, ctx))
    state.clock.offset_ms = 0
    await state.weights.reset()
    await state.orders.reset()
    return JSONResponse({"reset": True})
