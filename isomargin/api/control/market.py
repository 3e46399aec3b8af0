"""``/_isomargin/v1/markPrices``: set one mark price, list every symbol's."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from isomargin.api.control import common
from isomargin.money import decimal_string
from isomargin.service import admin
from isomargin.service.symbol_state import mark_prices


async def set_mark_price(request: Request) -> Response:
    state = common.app_state(request)
    symbol = request.path_params["symbol"]
    data = await common.json_object(request)
    price = common.money(data, "markPrice")
    # the book top (issue 11): optional; without them both sit at the mark
    bid = common.money(data, "bidPrice") if data.get("bidPrice") is not None else None
    ask = common.money(data, "askPrice") if data.get("askPrice") is not None else None
    ctx = state.service_context()
    await state.store.write(lambda tx: admin.set_mark_price(tx, ctx, symbol, price, bid, ask))
    body = {"symbol": symbol, "markPrice": decimal_string(price), "time": ctx.now_ms}
    if bid is not None or ask is not None:  # echoed only when sent: the plain answer keeps its shape
        body["bidPrice"] = decimal_string(price if bid is None else bid)
        body["askPrice"] = decimal_string(price if ask is None else ask)
    return JSONResponse(body)


async def list_mark_prices(request: Request) -> Response:
    """Every configured symbol, in configuration order: its stored price, else its default."""
    state = common.app_state(request)
    specs = list(state.settings.symbols.values())
    prices = await state.store.read(lambda tx: mark_prices(tx, specs))
    return JSONResponse([{"symbol": s.symbol, "markPrice": decimal_string(prices[s.symbol])} for s in specs])
