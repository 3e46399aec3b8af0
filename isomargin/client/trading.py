"""Orders, trades, income and liquidation orders for :class:`isomargin.client.Client`: results and operations.

Endpoints and shapes as binance-usdm-trading-reference.md §1 gives them. Quantities and prices go
out as plain decimal text (never floats, as every money parameter of this client); results keep
Binance's JSON in ``raw`` and parse money as ``Decimal``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from isomargin.client.core import Call, Op, as_list, decimal_param, params
from isomargin.client.models import Raw, boolean, dec, integer, opt_dec
from isomargin.domain.position import PositionSide


@dataclass(frozen=True)
class Order:
    """An order as placement, query, cancel and list endpoints answer it."""

    order_id: int
    symbol: str
    status: str
    client_order_id: str
    side: str
    position_side: PositionSide
    type: str
    price: Decimal
    orig_qty: Decimal
    executed_qty: Decimal
    avg_price: Decimal | None
    reduce_only: bool
    update_time: int
    raw: Raw = field(repr=False)

    @classmethod
    def parse(cls, raw: Raw) -> Order:
        return cls(
            order_id=integer(raw, "orderId"),
            symbol=str(raw["symbol"]),
            status=str(raw["status"]),
            client_order_id=str(raw["clientOrderId"]),
            side=str(raw["side"]),
            position_side=PositionSide(raw["positionSide"]),
            type=str(raw["type"]),
            price=dec(raw, "price"),
            orig_qty=dec(raw, "origQty"),
            executed_qty=dec(raw, "executedQty"),
            avg_price=opt_dec(raw, "avgPrice"),  # absent from 2026 placement answers
            reduce_only=boolean(raw, "reduceOnly"),
            update_time=integer(raw, "updateTime"),
            raw=raw,
        )

    def __getitem__(self, name: str) -> Any:
        return self.raw[name]


@dataclass(frozen=True)
class Trade:
    """A ``GET /fapi/v1/userTrades`` row."""

    id: int
    order_id: int
    symbol: str
    side: str
    price: Decimal
    qty: Decimal
    realized_pnl: Decimal
    commission: Decimal
    maker: bool
    time: int
    raw: Raw = field(repr=False)

    @classmethod
    def parse(cls, raw: Raw) -> Trade:
        return cls(
            id=integer(raw, "id"),
            order_id=integer(raw, "orderId"),
            symbol=str(raw["symbol"]),
            side=str(raw["side"]),
            price=dec(raw, "price"),
            qty=dec(raw, "qty"),
            realized_pnl=dec(raw, "realizedPnl"),
            commission=dec(raw, "commission"),
            maker=boolean(raw, "maker"),
            time=integer(raw, "time"),
            raw=raw,
        )


@dataclass(frozen=True)
class Income:
    """A ``GET /fapi/v1/income`` row (``income`` signed: negative is paid)."""

    symbol: str
    income_type: str
    income: Decimal
    time: int
    tran_id: int
    trade_id: str
    raw: Raw = field(repr=False)

    @classmethod
    def parse(cls, raw: Raw) -> Income:
        return cls(
            symbol=str(raw["symbol"]),
            income_type=str(raw["incomeType"]),
            income=dec(raw, "income"),
            time=integer(raw, "time"),
            tran_id=integer(raw, "tranId"),
            trade_id=str(raw["tradeId"]),
            raw=raw,
        )


def new_order(
    symbol: str,
    side: str,
    quantity: Decimal | str,
    *,
    price: Decimal | str | None = None,
    time_in_force: str | None = None,
    reduce_only: bool = False,
    position_side: str | None = None,
    client_order_id: str | None = None,
) -> Op[Order]:
    """``POST /fapi/v1/order``: MARKET without ``price``, else LIMIT (GTC unless told); RESULT answers."""
    limit = price is not None
    data = yield Call(
        "POST",
        "/fapi/v1/order",
        params(
            ("symbol", symbol.upper()),
            ("side", side.upper()),
            ("positionSide", position_side.upper() if position_side else None),
            ("type", "LIMIT" if limit else "MARKET"),
            ("timeInForce", (time_in_force or "GTC") if limit else None),
            ("quantity", decimal_param(quantity, "quantity")),
            ("price", decimal_param(price, "price") if price is not None else None),
            ("reduceOnly", "true" if reduce_only else None),
            ("newClientOrderId", client_order_id),
            ("newOrderRespType", "RESULT"),
        ),
        signed=True,
    )
    return Order.parse(data)


def cancel_order(symbol: str, order_id: int | None, client_order_id: str | None) -> Op[Order]:
    data = yield Call(
        "DELETE",
        "/fapi/v1/order",
        params(("symbol", symbol.upper()), ("orderId", order_id), ("origClientOrderId", client_order_id)),
        signed=True,
    )
    return Order.parse(data)


def open_orders(symbol: str | None) -> Op[list[Order]]:
    data = yield Call("GET", "/fapi/v1/openOrders", params(("symbol", symbol.upper() if symbol else None)), signed=True)
    return [Order.parse(row) for row in as_list(data)]


def user_trades(symbol: str, limit: int | None) -> Op[list[Trade]]:
    data = yield Call("GET", "/fapi/v1/userTrades", params(("symbol", symbol.upper()), ("limit", limit)), signed=True)
    return [Trade.parse(row) for row in as_list(data)]


def income(symbol: str | None, income_type: str | None, limit: int | None) -> Op[list[Income]]:
    data = yield Call(
        "GET",
        "/fapi/v1/income",
        params(("symbol", symbol.upper() if symbol else None), ("incomeType", income_type), ("limit", limit)),
        signed=True,
    )
    return [Income.parse(row) for row in as_list(data)]


#: the most rows one ``userTrades`` or ``income`` request may ask for [doc ATL][doc INC]
HISTORY_MAX_LIMIT = 1000


def every_user_trade(symbol: str, from_id: int, page_limit: int) -> Op[list[Trade]]:
    """Every trade of ``symbol`` from ``from_id`` on, oldest first, however many requests it takes.

    Paged by ``fromId`` rather than by time: trade ids grow with every fill, so they also order the
    rows of one millisecond — with a frozen clock a whole session of fills can share one — where a
    time window could never split them.
    """
    limit = _page_limit(page_limit)
    rows: list[Trade] = []
    next_id = from_id
    while True:
        data = yield Call(
            "GET",
            "/fapi/v1/userTrades",
            params(("symbol", symbol.upper()), ("fromId", next_id), ("limit", limit)),
            signed=True,
        )
        page = [Trade.parse(row) for row in as_list(data)]
        rows.extend(page)
        if len(page) < limit:
            return rows
        next_id = page[-1].id + 1


def every_income(
    symbol: str | None, income_type: str | None, start_time: int | None, end_time: int | None, page_limit: int
) -> Op[list[Income]]:
    """Every income row in the window (the server's: the last 7 days without times), oldest first.

    Paged by Binance's ``page`` parameter [doc INC], which numbers the window's rows in the server's
    order, so many rows in one millisecond are read page by page like any others.
    """
    limit = _page_limit(page_limit)
    rows: list[Income] = []
    page_number = 1
    while True:
        data = yield Call(
            "GET",
            "/fapi/v1/income",
            params(
                ("symbol", symbol.upper() if symbol else None),
                ("incomeType", income_type),
                ("startTime", start_time),
                ("endTime", end_time),
                ("page", page_number),
                ("limit", limit),
            ),
            signed=True,
        )
        page = [Income.parse(row) for row in as_list(data)]
        rows.extend(page)
        if len(page) < limit:
            return rows
        page_number += 1


def _page_limit(page_limit: int) -> int:
    if not 1 <= page_limit <= HISTORY_MAX_LIMIT:
        raise ValueError(f"page_limit must be from 1 to {HISTORY_MAX_LIMIT}")
    return page_limit


def force_orders(
    symbol: str | None,
    auto_close_type: str | None,
    start_time: int | None,
    end_time: int | None,
    limit: int | None,
) -> Op[list[Order]]:
    """``GET /fapi/v1/forceOrders``: the orders the exchange placed to close the account's positions.

    A row has an order's fields (``origType``, ``time`` beside them), so it parses as an
    :class:`Order`. ``auto_close_type`` is ``LIQUIDATION`` or ``ADL`` (both when left out);
    without ``start_time`` the server answers the last 7 days [doc FO].
    """
    data = yield Call(
        "GET",
        "/fapi/v1/forceOrders",
        params(
            ("symbol", symbol.upper() if symbol else None),
            ("autoCloseType", auto_close_type.upper() if auto_close_type else None),
            ("startTime", start_time),
            ("endTime", end_time),
            ("limit", limit),
        ),
        signed=True,
    )
    return [Order.parse(row) for row in as_list(data)]
