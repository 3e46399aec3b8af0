"""One fill of an order, written as Binance records it: the position change, a trade, income
rows and the fill's events — all in the caller's transaction.

The money moves through the one change path (``domain.changes.apply`` → ``store.changes.
write_change``); this module adds what a trade records beside it: the ``trades`` row (userTrades),
``REALIZED_PNL`` and ``COMMISSION`` income rows, and the event sequence of a real MARKET fill
(reference §2.6): ``TRADE_LITE`` → ``ORDER_TRADE_UPDATE`` (NEW) → ``ACCOUNT_UPDATE`` (ORDER) →
``ORDER_TRADE_UPDATE`` (TRADE, FILLED). A maker fill of a resting order has no NEW step (that was
sent when it was placed).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from isomargin.domain import changes
from isomargin.domain.events import AccountUpdateReason, Event, OrderTradeUpdate, TradeLite
from isomargin.domain.orders import OrderSide, OrderStatus, break_even_price, quote
from isomargin.service import algo_updates
from isomargin.service.context import WALLET_ASSET, ServiceContext
from isomargin.service.events import account_update, position_update
from isomargin.store import Tx, orders, outbox, repo
from isomargin.store.changes import RiskTerms, write_change
from isomargin.symbols import SymbolSpec

_ZERO = Decimal(0)
#: selfTradePreventionMode of every order: Binance's default since 2025 (``V`` in streams) [obs PY-BTC]
STP_MODE = "EXPIRE_MAKER"


@dataclass(frozen=True, slots=True)
class FillContext:
    """What a fill reads before it: the locked account's wallet, the position and its settings."""

    account: repo.Account
    holding: changes.Holding
    accumulated_realized: Decimal
    margin_type: str  # ISOLATED | CROSSED
    leverage: int
    mark: Decimal
    taker_rate: Decimal
    isolated_wallets: Decimal  # Σ isolated wallets of the account before the fill


@dataclass(frozen=True, slots=True)
class FillResult:
    outcome: changes.Outcome
    trade: orders.TradeRow
    cross_wallet: Decimal


def order_step(
    order: orders.OrderRow,
    execution: str,
    *,
    now_ms: int,
    open_notional: tuple[Decimal, Decimal] = (_ZERO, _ZERO),
) -> OrderTradeUpdate:
    """An ORDER_TRADE_UPDATE with no fill in it (NEW, CANCELED, EXPIRED) [doc OU].

    ``open_notional``: the account's open BUY and SELL order notional on the symbol after the
    step (``b``/``a``, reference §4.3): :func:`step` reads it.
    """
    bids, asks = open_notional
    return OrderTradeUpdate(
        symbol=order.symbol,
        client_order_id=order.client_order_id,
        side=order.side,
        order_type=order.type,
        time_in_force=order.time_in_force,
        orig_qty=order.orig_qty,
        price=order.price,
        avg_price=average_price(order),
        execution_type=execution,
        order_status=execution,
        order_id=order.id,
        last_filled_qty=_ZERO,
        cumulative_filled_qty=order.executed_qty,
        last_filled_price=_ZERO,
        commission=_ZERO,
        commission_asset=WALLET_ASSET,
        trade_time=now_ms,
        trade_id=0,
        bids_notional=bids,
        asks_notional=asks,
        maker=False,
        reduce_only=order.reduce_only,
        position_side=order.position_side,
        realized_pnl=_ZERO,
        stp_mode=STP_MODE,
        good_till_date=order.good_till_date,
    )


def step(tx: Tx, account_id: int, order: orders.OrderRow, execution: str, *, now_ms: int) -> OrderTradeUpdate:
    """:func:`order_step` with ``b``/``a`` read after the step: a resting order's own notional
    counts once it is stored (``"b":"50000"`` on the NEW frame of a 1 BTC BUY at 50000 [obs RS-BTC]),
    a cancelled one no more (``"b":"5"`` while resting, ``"0"`` after cancel [obs MAXT])."""
    notional = orders.open_notional(tx, account_id, order.symbol)
    return order_step(order, execution, now_ms=now_ms, open_notional=notional)


def expire(tx: Tx, account_id: int, order: orders.OrderRow, *, now_ms: int) -> orders.OrderRow:
    """Expire an open order: EXPIRED, its reserved margin released, an ORDER_TRADE_UPDATE EXPIRED
    (a reduce-only order with nothing left to reduce, a GTD order's end, a liquidated position's)."""
    expired = replace(order, status=OrderStatus.EXPIRED.value, reserved_margin=_ZERO, update_time=now_ms)
    orders.update_order(
        tx,
        order.id,
        status=expired.status,
        executed_qty=expired.executed_qty,
        cum_quote=expired.cum_quote,
        reserved=_ZERO,
        now_ms=now_ms,
    )
    outbox.append(tx, account_id, [step(tx, account_id, expired, "EXPIRED", now_ms=now_ms)], now_ms)
    algo_updates.order_ended(tx, account_id, expired, now_ms=now_ms)
    return expired


def average_price(order: orders.OrderRow) -> Decimal:
    """``avgPrice`` = cumQuote / executedQty, 0 before any fill."""
    if order.executed_qty == 0:
        return _ZERO
    return order.cum_quote / order.executed_qty


def apply_fill(
    tx: Tx,
    ctx: ServiceContext,
    account_id: int,
    order: orders.OrderRow,
    fc: FillContext,
    *,
    quantity: Decimal,
    price: Decimal,
    commission: Decimal,
    maker: bool,
    announce_new: bool,
) -> FillResult:
    """Fill ``quantity`` (unsigned) of ``order`` (already stored, with its state after this fill) at ``price``."""
    signed = quantity if order.side == OrderSide.BUY.value else -quantity
    isolated = fc.margin_type == "ISOLATED"
    outcome = changes.apply(fc.holding, changes.Fill(signed, price, fc.leverage, isolated, commission))
    trade = orders.TradeRow(
        0,
        order.symbol,
        order.id,
        order.side,
        order.position_side,
        price,
        quantity,
        quote(quantity, price),
        outcome.realized_pnl,
        commission,
        maker,
        ctx.now_ms,
    )
    trade = replace(trade, id=orders.insert_trade(tx, account_id, trade))
    cross = fc.account.cross_wallet + outcome.cross_wallet_delta
    after = outcome.after
    spec = ctx.symbols[order.symbol]
    # the order is stored with its state after this fill: a filled one no longer counts
    notional = orders.open_notional(tx, account_id, order.symbol)
    events: list[Event] = [
        TradeLite(
            order.symbol,
            order.orig_qty,
            order.price,
            maker,
            order.client_order_id,
            order.side,
            price,
            quantity,
            trade.id,
            order.id,
            price_places=spec.price_precision,
            quantity_places=spec.quantity_precision,
        )
    ]
    if announce_new:
        before = _before_fill(order, quantity, trade.quote_qty)
        events.append(order_step(before, "NEW", now_ms=ctx.now_ms, open_notional=notional))
    events.append(
        account_update(
            AccountUpdateReason.ORDER,
            cross_wallet=cross,
            isolated_wallets=fc.isolated_wallets + outcome.isolated_wallet_delta,
            positions=(
                position_update(
                    after,
                    fc.margin_type,
                    fc.mark,
                    accumulated_realized=fc.accumulated_realized + outcome.realized_pnl,
                    break_even_price=break_even_price(after.position_amt, after.entry_price, fc.taker_rate),
                ),
            ),
        )
    )
    events.append(_trade_step(order, trade, ctx.now_ms, notional, spec))
    terms = RiskTerms(spec.brackets, isolated, fc.mark, ctx.margin_call_ratio)
    write_change(tx, fc.account, outcome, events=events, now_ms=ctx.now_ms, risk=terms)
    _income(tx, account_id, trade)
    return FillResult(outcome, trade, cross)


def _before_fill(order: orders.OrderRow, quantity: Decimal, quote_qty: Decimal) -> orders.OrderRow:
    """The order as it stood before this fill (the NEW step precedes the fill)."""
    return replace(order, executed_qty=order.executed_qty - quantity, cum_quote=order.cum_quote - quote_qty)


def _trade_step(
    order: orders.OrderRow,
    trade: orders.TradeRow,
    now_ms: int,
    open_notional: tuple[Decimal, Decimal],
    spec: SymbolSpec,
) -> OrderTradeUpdate:
    """The fill's step: its prices and quantities at the symbol's precision (reference §4.3)."""
    return replace(
        order_step(order, "TRADE", now_ms=now_ms, open_notional=open_notional),
        order_status=order.status,
        last_filled_qty=trade.qty,
        last_filled_price=trade.price,
        commission=trade.commission,
        trade_id=trade.id,
        maker=trade.maker,
        realized_pnl=trade.realized_pnl,
        price_places=spec.price_precision,
        quantity_places=spec.quantity_precision,
    )


def _income(tx: Tx, account_id: int, trade: orders.TradeRow) -> None:
    """REALIZED_PNL (when the fill closed anything) and COMMISSION rows of one fill, same time
    and tradeId (reference §1.5: assumed shape of an emulated fill's income)."""
    rows = []
    if trade.realized_pnl:
        rows.append(("REALIZED_PNL", trade.realized_pnl))
    if trade.commission:
        rows.append(("COMMISSION", -trade.commission))
    for income_type, amount in rows:
        orders.insert_income(
            tx,
            account_id,
            orders.IncomeRow(
                0, trade.symbol, income_type, amount, WALLET_ASSET, income_type, trade.time, str(trade.id)
            ),
        )
