"""``/_isomargin/v1/markPrices``: move one symbol's price (and see what it caused), list every symbol's."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from isomargin.api.control import common
from isomargin.money import decimal_string, fixed
from isomargin.service import admin
from isomargin.service.errors import AdminError
from isomargin.service.price_moves import DryRun, MoveReport
from isomargin.service.symbol_state import mark_prices

#: the values ``?dryRun=`` takes
_FLAGS = {"true": True, "false": False}


async def set_mark_price(request: Request) -> Response:
    """Move the price; the reply lists what the move caused (issue 12). ``?dryRun=true``: the same
    answer, nothing applied — a "what would this move do" preview."""
    state = common.app_state(request)
    symbol = request.path_params["symbol"]
    dry_run = _FLAGS.get(request.query_params.get("dryRun", "false").lower())
    if dry_run is None:
        raise AdminError("dryRun must be true or false")
    data = await common.json_object(request)
    price = common.money(data, "markPrice")
    # the book top (issue 11): optional; without them both sit at the mark
    bid = common.money(data, "bidPrice") if data.get("bidPrice") is not None else None
    ask = common.money(data, "askPrice") if data.get("askPrice") is not None else None
    ctx = state.service_context()
    try:
        report = await state.store.write(
            lambda tx: admin.set_mark_price(tx, ctx, symbol, price, bid, ask, dry_run=dry_run)
        )
    except DryRun as preview:
        report = preview.report
    return JSONResponse(move_body(report, echo_book=bid is not None or ask is not None, dry_run=dry_run))


def move_body(report: MoveReport, *, echo_book: bool, dry_run: bool) -> dict[str, Any]:
    body: dict[str, Any] = {"symbol": report.symbol, "markPrice": decimal_string(report.book.mark), "time": report.time}
    if echo_book:  # echoed only when sent: the plain answer keeps its shape
        body["bidPrice"] = decimal_string(report.book.bid)
        body["askPrice"] = decimal_string(report.book.ask)
    if dry_run:
        body["dryRun"] = True
    body["fills"] = [
        {
            "accountId": f.account_id,
            "symbol": f.symbol,
            "orderId": f.order_id,
            "clientOrderId": f.client_order_id,
            "side": f.side,
            "positionSide": f.position_side,
            "price": decimal_string(f.price),
            "quantity": decimal_string(f.quantity),
        }
        for f in report.fills
    ]
    body["triggers"] = [
        {
            "accountId": t.account_id,
            "symbol": t.symbol,
            "algoId": t.algo_id,
            "clientAlgoId": t.client_algo_id,
            "orderType": t.order_type,
            "side": t.side,
            "positionSide": t.position_side,
            "triggerPrice": decimal_string(t.trigger_price),
            "algoStatus": t.status,
            "orderId": t.order_id,
            "quantity": decimal_string(t.quantity),
        }
        for t in report.triggers
    ]
    body["liquidations"] = [
        {
            "accountId": liq.account_id,
            "symbol": liq.symbol,
            "positionSide": liq.position_side,
            "orderId": liq.order_id,
            "clientOrderId": liq.client_order_id,
            "price": decimal_string(liq.price),
            "quantity": decimal_string(liq.quantity),
            "avgPrice": decimal_string(liq.fill_price),
            "realizedPnl": fixed(liq.realized_pnl),
            "insuranceClear": fixed(liq.clearance),
            "insuranceGap": fixed(liq.gap),
        }
        for liq in report.liquidations
    ]
    body["marginCalls"] = [
        {
            "accountId": c.account_id,
            "symbol": c.symbol,
            "positionSide": c.position_side,
            "marginRatio": fixed(c.margin_ratio),
        }
        for c in report.margin_calls
    ]
    return body


async def list_mark_prices(request: Request) -> Response:
    """Every configured symbol, in configuration order: its stored price, else its default."""
    state = common.app_state(request)
    specs = list(state.settings.symbols.values())
    prices = await state.store.read(lambda tx: mark_prices(tx, specs))
    return JSONResponse([{"symbol": s.symbol, "markPrice": decimal_string(prices[s.symbol])} for s in specs])
