"""``GET /fapi/v1/forceOrders``: the orders the engine placed for an account (reference §3.4) [doc FO]."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from isomargin import errors
from isomargin.service.context import ServiceContext
from isomargin.service.order_queries import RECENT_WINDOW_MS, OrderView
from isomargin.store import Tx, orders


class AutoCloseType(StrEnum):
    """``autoCloseType``: which engine closed the position (both when absent) [doc FO]."""

    LIQUIDATION = "LIQUIDATION"
    ADL = "ADL"


@dataclass(frozen=True, slots=True)
class ForceOrderQuery:
    symbol: str | None
    auto_close_type: AutoCloseType | None
    start_time: int | None
    end_time: int | None
    limit: int


def force_orders(tx: Tx, ctx: ServiceContext, account_id: int, req: ForceOrderQuery) -> list[OrderView]:
    """Newest first; without ``startTime`` the 7 days before ``endTime`` (now by default) [doc FO]."""
    symbol = None if req.symbol is None else ctx.symbol(req.symbol).symbol
    end = ctx.now_ms if req.end_time is None else req.end_time
    start = end - RECENT_WINDOW_MS if req.start_time is None else req.start_time
    if start > end:
        raise errors.START_TIME_GREATER_THAN_END_TIME.error()
    kind = None if req.auto_close_type is None else req.auto_close_type.value
    rows = orders.force_orders(
        tx, account_id, symbol=symbol, auto_close_type=kind, start_ms=start, end_ms=end, limit=req.limit
    )
    return [OrderView(ctx.symbols[r.symbol], r) for r in rows if r.symbol in ctx.symbols]


def stream_start(tx: Tx) -> int:
    """Where a worker's forceOrder streams start reading: after the newest order there is."""
    return orders.last_order_id(tx)


def latest_liquidations(tx: Tx, ctx: ServiceContext, after_id: int) -> tuple[int, list[OrderView]]:
    """Each symbol's latest liquidation order placed after ``after_id``, and the id to read after
    next time (``api/stream/force_order.py``)."""
    rows = orders.latest_liquidations(tx, after_id)
    cursor = max((r.id for r in rows), default=after_id)
    return cursor, [OrderView(ctx.symbols[r.symbol], r) for r in rows if r.symbol in ctx.symbols]
