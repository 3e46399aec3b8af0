"""Resting LIMIT orders fill as makers when the book moves through them (issue 11).

A control-plane book or mark update (``PUT /_isomargin/v1/markPrices/{symbol}``) runs
:func:`fill_crossed` in its own transaction: every resting order of the symbol that the new book
crosses — a BUY priced at or above the ask, a SELL at or below the bid — fills in full at its own
price as maker (the account's maker rate), account by account in id order (the lock order), each
through the one change path. A reduce-only order (or a hedge leg's close) fills only what is left
of its position: cut to it, or expired when nothing is left (reference open question 8, assumed).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from isomargin.domain import changes
from isomargin.domain.orders import OrderSide, OrderStatus, commission, quote
from isomargin.domain.position import PositionSide
from isomargin.service import algo_updates, fills
from isomargin.service.book import Book
from isomargin.service.context import ServiceContext
from isomargin.service.margin import holding as holding_of
from isomargin.service.order_checks import closes_hedge_leg
from isomargin.service.symbol_state import symbol_config
from isomargin.store import Tx, orders, repo, trading

_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class RestingFill:
    """One resting order a price move filled (the ``fills`` of the move's reply)."""

    account_id: int
    symbol: str
    order_id: int
    client_order_id: str
    side: str
    position_side: str
    price: Decimal
    quantity: Decimal


def fill_crossed(tx: Tx, ctx: ServiceContext, symbol: str, book: Book) -> list[RestingFill]:
    """Fill every resting order of ``symbol`` that ``book`` crosses; what filled, in the lock order."""
    filled = []
    for account_id, order in orders.crossed_orders(tx, symbol, book.bid, book.ask):
        done = _fill_resting(tx, ctx, account_id, order, book)
        if done is not None:
            filled.append(done)
    return filled


def _fill_resting(
    tx: Tx, ctx: ServiceContext, account_id: int, order: orders.OrderRow, book: Book
) -> RestingFill | None:
    locked = trading.lock_account_for_order(tx, account_id)
    assert locked is not None, "an order's account exists (orders cascade with it)"
    account, rates = locked
    slot = PositionSide(order.position_side)
    side = OrderSide(order.side)
    row, accumulated = trading.get_position_for_fill(tx, account_id, order.symbol, slot.value)
    held = changes.Holding.flat(order.symbol, slot) if row is None else holding_of(row)
    remaining = order.orig_qty - order.executed_qty
    if order.reduce_only or (account.dual_side_position and closes_hedge_leg(side, slot)):
        reduces = (held.position_amt > 0 and side is OrderSide.SELL) or (
            held.position_amt < 0 and side is OrderSide.BUY
        )
        remaining = min(remaining, abs(held.position_amt)) if reduces else _ZERO
    if remaining == 0:
        fills.expire(tx, account_id, order, now_ms=ctx.now_ms)
        return None
    config = symbol_config(tx, ctx, account_id, order.symbol)
    fee = commission(remaining, order.price, rates.maker)
    done = replace(
        order,
        status=OrderStatus.FILLED.value,
        executed_qty=order.executed_qty + remaining,
        cum_quote=order.cum_quote + quote(remaining, order.price),
        reserved_margin=_ZERO,
        update_time=ctx.now_ms,
    )
    _save(tx, done, ctx.now_ms)
    context = fills.FillContext(
        account=account,
        holding=held,
        accumulated_realized=accumulated,
        margin_type=config.margin_type,
        leverage=config.leverage,
        mark=book.mark,
        taker_rate=rates.taker,
        isolated_wallets=repo.sum_isolated_wallets(tx, account_id),
    )
    fills.apply_fill(
        tx, ctx, account_id, done, context, quantity=remaining, price=order.price, commission=fee, maker=True,
        announce_new=False,
    )  # fmt: skip
    algo_updates.order_ended(tx, account_id, done, now_ms=ctx.now_ms)  # after its ORDER_TRADE_UPDATE
    return RestingFill(
        account_id,
        order.symbol,
        order.id,
        order.client_order_id,
        order.side,
        order.position_side,
        order.price,
        remaining,
    )


def _save(tx: Tx, order: orders.OrderRow, now_ms: int) -> None:
    orders.update_order(
        tx,
        order.id,
        status=order.status,
        executed_qty=order.executed_qty,
        cum_quote=order.cum_quote,
        reserved=order.reserved_margin,
        now_ms=now_ms,
    )
