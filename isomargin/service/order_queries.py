"""Reading and cancelling orders; the account's trades, income and commission rates.

``GET /fapi/v1/order``, ``openOrder``, ``openOrders``, ``allOrders``, ``DELETE /fapi/v1/order``,
``allOpenOrders``, ``GET /fapi/v1/userTrades``, ``income``, ``commissionRate`` (reference §1.3–§1.5).
Windows and limits as documented; where Binance's rule is unpublished the choice is marked assumed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from isomargin import errors
from isomargin.domain.orders import OrderStatus
from isomargin.service import algo_updates, fills
from isomargin.service.context import ServiceContext
from isomargin.store import Tx, orders, outbox, trading
from isomargin.symbols import SymbolSpec

DAY_MS = 86_400_000
#: userTrades and income without times: "the recent 7-day data" [doc ATL][doc INC]
RECENT_WINDOW_MS = 7 * DAY_MS

TradeRow = orders.TradeRow
IncomeRow = orders.IncomeRow
FeeRates = trading.FeeRates


@dataclass(frozen=True, slots=True)
class OrderRef:
    symbol: str
    order_id: int | None
    client_order_id: str | None


@dataclass(frozen=True, slots=True)
class OrderView:
    spec: SymbolSpec
    order: orders.OrderRow
    profile_2024: bool = False  # a cancel's answer under ``--order-response 2024``


@dataclass(frozen=True, slots=True)
class OrderList:
    symbol: str | None
    order_id: int | None = None
    start_time: int | None = None
    end_time: int | None = None
    limit: int = 500


@dataclass(frozen=True, slots=True)
class TradeQuery:
    symbol: str
    order_id: int | None
    start_time: int | None
    end_time: int | None
    from_id: int | None
    limit: int


@dataclass(frozen=True, slots=True)
class IncomeQuery:
    symbol: str | None
    income_type: str | None
    start_time: int | None
    end_time: int | None
    page: int
    limit: int


def _find(tx: Tx, ctx: ServiceContext, account_id: int, ref: OrderRef) -> tuple[SymbolSpec, orders.OrderRow | None]:
    spec = ctx.symbol(ref.symbol)
    if ref.order_id is None and ref.client_order_id is None:
        raise errors.ORDER_ID_MISSING.error()
    return spec, orders.find_order(tx, account_id, spec.symbol, ref.order_id, ref.client_order_id)


def query_order(tx: Tx, ctx: ServiceContext, account_id: int, ref: OrderRef) -> OrderView:
    spec, found = _find(tx, ctx, account_id, ref)
    if found is None:
        raise errors.NO_SUCH_ORDER.error()
    return OrderView(spec, found)


def query_open_order(tx: Tx, ctx: ServiceContext, account_id: int, ref: OrderRef) -> OrderView:
    """Filled or cancelled orders are "Order does not exist." here [doc QCO]."""
    view = query_order(tx, ctx, account_id, ref)
    if not OrderStatus(view.order.status).is_open:
        raise errors.NO_SUCH_ORDER.error()
    return view


def open_orders(tx: Tx, ctx: ServiceContext, account_id: int, req: OrderList) -> list[OrderView]:
    symbol = None if req.symbol is None else ctx.symbol(req.symbol).symbol
    rows = orders.list_orders(tx, account_id, symbol, open_only=True)
    return [OrderView(ctx.symbols[r.symbol], r) for r in rows]


def all_orders(tx: Tx, ctx: ServiceContext, account_id: int, req: OrderList) -> list[OrderView]:
    """``orderId`` → orders from that id on; else the window, 7 days before ``endTime`` by default [doc AO]."""
    symbol = None if req.symbol is None else ctx.symbol(req.symbol).symbol
    start, end = req.start_time, req.end_time
    if req.order_id is None and start is None:
        start = (ctx.now_ms if end is None else end) - RECENT_WINDOW_MS
    rows = orders.list_orders(tx, account_id, symbol, from_id=req.order_id, start_ms=start, end_ms=end, limit=req.limit)
    return [OrderView(ctx.symbols[r.symbol], r) for r in rows]


def cancel_order(tx: Tx, ctx: ServiceContext, account_id: int, ref: OrderRef) -> OrderView:
    """Cancel an open order: its reserved margin is freed; ``-2011`` if unknown or final [sdk HB]."""
    if trading.lock_account_for_order(tx, account_id) is None:
        raise errors.REJECTED_MBX_KEY.error()
    spec, found = _find(tx, ctx, account_id, ref)
    if found is None or not OrderStatus(found.status).is_open:
        raise errors.UNKNOWN_ORDER.error()
    return OrderView(spec, _cancel(tx, ctx, account_id, found), ctx.order_response_2024)


def _cancel(tx: Tx, ctx: ServiceContext, account_id: int, order: orders.OrderRow) -> orders.OrderRow:
    cancelled = replace(order, status=OrderStatus.CANCELED.value, reserved_margin=Decimal(0), update_time=ctx.now_ms)
    orders.update_order(
        tx,
        order.id,
        status=cancelled.status,
        executed_qty=order.executed_qty,
        cum_quote=order.cum_quote,
        reserved=Decimal(0),
        now_ms=ctx.now_ms,
    )
    outbox.append(tx, account_id, [fills.step(tx, account_id, cancelled, "CANCELED", now_ms=ctx.now_ms)], ctx.now_ms)
    algo_updates.order_ended(tx, account_id, cancelled, now_ms=ctx.now_ms)
    return cancelled


def cancel_all_open_orders(tx: Tx, ctx: ServiceContext, account_id: int, req: OrderList) -> int:
    """Cancel every open order of the symbol; how many were cancelled."""
    assert req.symbol is not None
    symbol = ctx.symbol(req.symbol).symbol
    if trading.lock_account_for_order(tx, account_id) is None:
        raise errors.REJECTED_MBX_KEY.error()
    rows = orders.list_orders(tx, account_id, symbol, open_only=True)
    for row in rows:
        _cancel(tx, ctx, account_id, row)
    return len(rows)


def _window(now_ms: int, start: int | None, end: int | None, days: int) -> tuple[int, int]:
    """``[start, end]``: the last 7 days without times, else from the given ones; -1023 start > end;
    -4165 past ``days`` (assumed code for an over-long window)."""
    end_ms = end if end is not None else (now_ms if start is None else start + days * DAY_MS)
    start_ms = start if start is not None else end_ms - RECENT_WINDOW_MS
    if start_ms > end_ms:
        raise errors.START_TIME_GREATER_THAN_END_TIME.error()
    if end_ms - start_ms > days * DAY_MS:
        raise errors.INVALID_TIME_INTERVAL.error(days)
    return start_ms, end_ms


@dataclass(frozen=True, slots=True)
class TradeList:
    """The trades of one symbol, with the symbol (its precisions format the rows)."""

    spec: SymbolSpec
    rows: list[TradeRow]


def user_trades(tx: Tx, ctx: ServiceContext, account_id: int, req: TradeQuery) -> TradeList:
    """Trades oldest first: by ``fromId`` (no window) or in a window of at most 7 days [doc ATL]."""
    spec = ctx.symbol(req.symbol)
    if req.from_id is not None or req.order_id is not None:
        rows = orders.list_trades(
            tx, account_id, spec.symbol, order_id=req.order_id, from_id=req.from_id, limit=req.limit
        )
        return TradeList(spec, rows)
    start, end = _window(ctx.now_ms, req.start_time, req.end_time, 7)
    return TradeList(spec, orders.list_trades(tx, account_id, spec.symbol, start_ms=start, end_ms=end, limit=req.limit))


def income(tx: Tx, ctx: ServiceContext, account_id: int, req: IncomeQuery) -> list[IncomeRow]:
    """Income rows oldest first in the window (7 days by default; at most 3 months back, assumed 90 days)."""
    symbol = None if req.symbol is None else ctx.symbol(req.symbol).symbol
    start, end = _window(ctx.now_ms, req.start_time, req.end_time, 90)
    return orders.list_income(
        tx,
        account_id,
        symbol=symbol,
        income_type=req.income_type,
        start_ms=start,
        end_ms=end,
        offset=(req.page - 1) * req.limit,
        limit=req.limit,
    )


@dataclass(frozen=True, slots=True)
class CommissionRate:
    symbol: str
    rates: FeeRates


def commission_rate(tx: Tx, ctx: ServiceContext, account_id: int, req: OrderList) -> CommissionRate:
    assert req.symbol is not None
    spec = ctx.symbol(req.symbol)
    rates = trading.fee_rates(tx, account_id)
    assert rates is not None, "an authenticated key always has an account"
    return CommissionRate(spec.symbol, rates)


def multi_assets_margin(tx: Tx, ctx: ServiceContext, account_id: int, req: object) -> bool:
    """Multi-Assets mode is never on: isomargin accounts hold USDT only (freqtrade reads it at start)."""
    return False
