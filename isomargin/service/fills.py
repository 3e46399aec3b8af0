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
from isomargin.domain.orders import OrderSide, break_even_price, quote
from isomargin.service.context import WALLET_ASSET, ServiceContext
from isomargin.service.events import account_update, position_update
from isomargin.store import Tx, orders, repo
from isomargin.store.changes import RiskTerms, write_change

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


def order_step(order: orders.OrderRow, execution: str, *, now_ms: int) -> OrderTradeUpdate:
    """An ORDER_TRADE_UPDATE with no fill in it (NEW, CANCELED, EXPIRED) [doc OU]."""
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
        bids_notional=_ZERO,
        asks_notional=_ZERO,
        maker=False,
        reduce_only=order.reduce_only,
        position_side=order.position_side,
        realized_pnl=_ZERO,
        stp_mode=STP_MODE,
        good_till_date=order.good_till_date,
    )


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
        )
    ]
    if announce_new:
        events.append(order_step(_before_fill(order, quantity, trade.quote_qty), "NEW", now_ms=ctx.now_ms))
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
    events.append(_trade_step(order, trade, ctx.now_ms))
    terms = RiskTerms(ctx.symbol(order.symbol).brackets, isolated, fc.mark, ctx.margin_call_ratio)
    write_change(tx, fc.account, outcome, events=events, now_ms=ctx.now_ms, risk=terms)
    _income(tx, account_id, trade)
    return FillResult(outcome, trade, cross)


def _before_fill(order: orders.OrderRow, quantity: Decimal, quote_qty: Decimal) -> orders.OrderRow:
    """The order as it stood before this fill (the NEW step precedes the fill)."""
    return replace(order, executed_qty=order.executed_qty - quantity, cum_quote=order.cum_quote - quote_qty)


def _trade_step(order: orders.OrderRow, trade: orders.TradeRow, now_ms: int) -> OrderTradeUpdate:
    step = order_step(order, "TRADE", now_ms=now_ms)
    return replace(
        step,
        order_status=order.status,
        last_filled_qty=trade.qty,
        last_filled_price=trade.price,
        commission=trade.commission,
        trade_id=trade.id,
        maker=trade.maker,
        realized_pnl=trade.realized_pnl,
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
