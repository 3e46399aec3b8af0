"""Order queries and cancels, userTrades, income, commissionRate, multiAssetsMargin (reference §1.3–§1.5).

Row shapes in the server's order as captured: a queried order as [obs FR-ETH] (``avgPrice`` and
``cumQuote``, ``time`` before ``updateTime``, no ``cumQty``); a cancel answers the placement shape
with ``status: CANCELED`` [SDK-CL 14.0.0]; a trade as [obs CN-AAPL] (2026, with ``pair`` and
``baseQty``); an income row as the doc prints it [doc INC].
"""

from __future__ import annotations

from collections.abc import Sequence

from isomargin import errors
from isomargin.api.handlers.orders import order_fields
from isomargin.api.params import Params
from isomargin.money import fixed
from isomargin.service.context import WALLET_ASSET
from isomargin.service.order_queries import (
    CommissionRate,
    IncomeQuery,
    IncomeRow,
    OrderList,
    OrderRef,
    OrderView,
    TradeList,
    TradeQuery,
)


def _limit(params: Params, default: int, top: int) -> int:
    value = params.integer("limit", mandatory=False)
    if value is not None and not 1 <= value <= top:  # outside [1, max]: -1130 (assumed)
        raise errors.INVALID_PARAMETER.error("limit")
    return default if value is None else value


def parse_order_ref(params: Params) -> OrderRef:
    symbol = params.symbol()
    assert symbol is not None
    return OrderRef(
        symbol, params.integer("orderId", mandatory=False), params.string("origClientOrderId", mandatory=False)
    )


def parse_symbol_list(params: Params) -> OrderList:
    return OrderList(params.symbol(mandatory=False))


def parse_required_symbol(params: Params) -> OrderList:
    return OrderList(params.symbol())


def parse_all_orders(params: Params) -> OrderList:
    return OrderList(
        params.symbol(mandatory=False),
        params.integer("orderId", mandatory=False),
        params.integer("startTime", mandatory=False),
        params.integer("endTime", mandatory=False),
        _limit(params, 500, 1000),
    )


def open_orders_weight(params: Params) -> int:
    """1 with a symbol, 40 without [doc CAO]."""
    return 1 if params.raw("symbol") else 40


def queried_order(view: OrderView) -> dict[str, object]:
    body = order_fields(view.spec, view.order, acknowledged=False, profile_2024=True)
    del body["cumQty"]
    updated = body.pop("updateTime")
    body["time"] = view.order.time
    body["updateTime"] = updated
    return body


def order(req: OrderRef, view: OrderView) -> object:
    return queried_order(view)


def orders_list(req: OrderList, views: Sequence[OrderView]) -> object:
    return [queried_order(v) for v in views]


def cancelled(req: OrderRef, view: OrderView) -> object:
    return order_fields(view.spec, view.order, acknowledged=False, profile_2024=view.profile_2024)


def all_cancelled(req: OrderList, count: int) -> object:
    return {"code": 200, "msg": "The operation of cancel all open order is done."}


def parse_trades(params: Params) -> TradeQuery:
    symbol = params.symbol()
    assert symbol is not None
    return TradeQuery(
        symbol,
        params.integer("orderId", mandatory=False),
        params.integer("startTime", mandatory=False),
        params.integer("endTime", mandatory=False),
        params.integer("fromId", mandatory=False),
        _limit(params, 500, 1000),
    )


def user_trades(req: TradeQuery, trades: TradeList) -> object:
    """Rows as the 2026 server writes them (AAPLUSDT, pricePrecision 5, quantityPrecision 2 [obs CN-AAPL]):
    ``price`` at the price precision (``"313.20000"``), ``qty`` at the quantity precision (``"0.02"``),
    ``quoteQty`` at both added (``"6.2640000"``), ``realizedPnl`` ``"0"`` for an opening fill and 8
    decimals otherwise (``"-0.00020000"``). A 2022 recording wrote ``"price":"2779"`` [obs NT-TRADES]."""
    spec = trades.spec
    price_places, quantity_places = spec.price_precision, spec.quantity_precision
    return [
        {
            "symbol": t.symbol,
            "id": t.id,
            "orderId": t.order_id,
            "pair": t.symbol,
            "side": t.side,
            "price": fixed(t.price, price_places),
            "qty": fixed(t.qty, quantity_places),
            "realizedPnl": "0" if t.realized_pnl == 0 else fixed(t.realized_pnl, 8),
            "quoteQty": fixed(t.quote_qty, price_places + quantity_places),
            "commission": fixed(t.commission, 8),  # positive on the wire [obs]
            "commissionAsset": WALLET_ASSET,
            "time": t.time,
            "positionSide": t.position_side,
            "baseQty": "0",
            "marginAsset": WALLET_ASSET,
            "buyer": t.side == "BUY",
            "maker": t.maker,
        }
        for t in trades.rows
    ]


def parse_income(params: Params) -> IncomeQuery:
    page = params.integer("page", mandatory=False)
    if page is not None and page < 1:
        raise errors.INVALID_PARAMETER.error("page")
    return IncomeQuery(
        params.symbol(mandatory=False),
        params.string("incomeType", mandatory=False),
        params.integer("startTime", mandatory=False),
        params.integer("endTime", mandatory=False),
        page or 1,
        _limit(params, 100, 1000),
    )


def income(req: IncomeQuery, rows: Sequence[IncomeRow]) -> object:
    # The server writes time before info, unlike the doc's example [doc INC]: a real row printed by
    # node-binance-api (issue 686, 2021) and ccxt's funding history (PR 16764, 2023) agree
    # (parity case income-row).
    return [
        {
            "symbol": r.symbol,
            "incomeType": r.income_type,
            "income": fixed(r.income, 8),
            "asset": r.asset,
            "time": r.time,
            "info": r.info,
            "tranId": r.id,
            "tradeId": r.trade_id,
        }
        for r in rows
    ]


def commission_rate(req: OrderList, res: CommissionRate) -> object:
    # 6-decimal strings and rpiCommissionRate (2025-11-26), as a real 2026 answer [obs CN-AAPL]
    return {
        "symbol": res.symbol,
        "makerCommissionRate": fixed(res.rates.maker, 6),
        "takerCommissionRate": fixed(res.rates.taker, 6),
        "rpiCommissionRate": "0",
    }


def multi_assets_margin(req: object, on: bool) -> object:
    return {"multiAssetsMargin": on}
