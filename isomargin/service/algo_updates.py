"""An algo order's ALGO_UPDATE steps, and its end when the order it placed ends.

Apart from ``service.algo_orders`` because the order paths (``service.fills``, ``matching``,
``order_queries``) call :func:`order_ended`, and ``service.algo_orders`` places orders through
those paths: this module imports neither.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from isomargin.domain.algo import AlgoStatus
from isomargin.domain.events import AlgoUpdate
from isomargin.domain.orders import OrderStatus
from isomargin.store import Tx, algo_orders, orders, outbox
from isomargin.store.algo_orders import AlgoRow

_ZERO = Decimal(0)


def average_price(order: orders.OrderRow) -> Decimal:
    """What the order filled at on average (0 before any fill): an algo order's ``actualPrice``."""
    return _ZERO if order.executed_qty == 0 else order.cum_quote / order.executed_qty


def update_event(row: AlgoRow, *, order: orders.OrderRow | None = None) -> AlgoUpdate:
    """The ALGO_UPDATE frame of ``row`` as it is now, with what its placed ``order`` filled."""
    return AlgoUpdate(
        client_algo_id=row.client_algo_id,
        algo_id=row.id,
        order_type=row.order_type,
        symbol=row.symbol,
        side=row.side,
        position_side=row.position_side,
        time_in_force=row.time_in_force,
        quantity=row.quantity,
        status=row.status,
        actual_order_id="" if order is None else str(order.id),
        avg_price=_ZERO if order is None else average_price(order),
        executed_qty=_ZERO if order is None else order.executed_qty,
        actual_type="" if order is None else order.type,
        trigger_price=row.trigger_price,
        price=row.price,
        working_type=row.working_type,
        close_position=row.close_position,
        price_protect=row.price_protect,
        reduce_only=row.reduce_only,
        trigger_time=row.trigger_time,
    )


def order_ended(tx: Tx, account_id: int, order: orders.OrderRow, *, now_ms: int) -> None:
    """``order`` has just become final (filled, cancelled or expired): the TRIGGERED algo order
    that placed it, if any, is FINISHED — "the triggered conditional order has been filled or
    canceled in the matching engine" [doc Event-Algo-Order-Update] — with one ALGO_UPDATE,
    after the order's own ORDER_TRADE_UPDATE. An order no algo order placed costs one probe of
    a partial index (``ix_algo_orders_triggered_order``) and nothing else."""
    if OrderStatus(order.status).is_open:
        raise ValueError(f"order {order.id} is still {order.status}")
    avg = average_price(order)
    row = algo_orders.finish_triggered(tx, order.id, status=AlgoStatus.FINISHED.value, now_ms=now_ms, avg_price=avg)
    if row is not None:
        done = replace(row, status=AlgoStatus.FINISHED.value, actual_price=avg, update_time=now_ms)
        outbox.append(tx, account_id, [update_event(done, order=order)], now_ms)
