"""``/_isomargin/v1/depth/{symbol}``: a ladder of levels behind the book top (domain/depth.py).

- ``PUT`` ``{"step": "0.10", "quantity": "0.5"}``: ``quantity`` at the bid and every ``step`` below,
  at the ask and every ``step`` above; taker orders walk the levels, ``GET /fapi/v1/depth`` shows them.
- ``GET`` shows it (404 when none); ``DELETE`` puts the book back to its top alone, unlimited.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from isomargin.api.control import common
from isomargin.domain.depth import Ladder
from isomargin.money import decimal_string
from isomargin.service import depth
from isomargin.service.errors import AdminError


def _body(symbol: str, ladder: Ladder) -> dict[str, str]:
    return {"symbol": symbol, "step": decimal_string(ladder.step), "quantity": decimal_string(ladder.quantity)}


async def put_depth(request: Request) -> Response:
    state = common.app_state(request)
    symbol = request.path_params["symbol"]
    data = await common.json_object(request)
    common.only(data, {"step", "quantity"})
    step, quantity = common.money(data, "step"), common.money(data, "quantity")
    ctx = state.service_context()
    ladder = await state.store.write(lambda tx: depth.set_ladder(tx, ctx, symbol, step, quantity))
    return JSONResponse(_body(symbol, ladder))


async def get_depth(request: Request) -> Response:
    state = common.app_state(request)
    symbol = request.path_params["symbol"]
    ctx = state.service_context()
    ladder = await state.store.read(lambda tx: depth.ladder_of(tx, ctx, symbol))
    if ladder is None:
        raise AdminError(f"no depth is configured for {symbol}: its book is the top alone", 404)
    return JSONResponse(_body(symbol, ladder))


async def delete_depth(request: Request) -> Response:
    state = common.app_state(request)
    symbol = request.path_params["symbol"]
    ctx = state.service_context()
    deleted = await state.store.write(lambda tx: depth.drop_ladder(tx, ctx, symbol))
    return JSONResponse({"symbol": symbol, "deleted": deleted})
