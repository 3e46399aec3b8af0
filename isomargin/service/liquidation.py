"""The liquidation step of a price move (issue 12; trading reference §3).

A position is liquidated when the mark reaches its liquidation price — the price positionRisk
shows, from the same function (``domain.liquidation.liquidation_price``): an isolated position
against its isolated wallet, a CROSSED one against the cross wallet less the account's other cross
positions' use (reference §6.4's cross form). Isolated positions are found through their stored
keys (``store.risk``, an index range, not a scan); cross positions are re-checked per account
holding the symbol.

What a liquidation does (reference §3.2; choices marked GUESS there are assumed, COVERAGE.md):

1. the position's open orders on that symbol and side expire (``EXPIRED``);
2. a liquidation order ``autoclose-<ms><6-digit seq>`` — LIMIT, IOC, reduce-only in effect,
   ``LIQUIDATION`` on the stream — is priced at the bankruptcy price (on the tick, towards the
   entry) and fills in full at the mark; when the mark is past the bankruptcy price (a gap) the
   user's fill is at the bankruptcy price and the insurance fund pays the difference;
3. an isolated position's realized loss comes out of its wallet and what is left of the wallet
   goes to the insurance fund as the clearance fee (``INSURANCE_CLEAR``): the user loses the
   isolated wallet and nothing else. A cross position's clearance fee is its liquidated notional
   × ``liquidationFee``, capped at the margin it had left (assumed);
4. the trade, the REALIZED_PNL and INSURANCE_CLEAR income rows, the positionMargin/history row,
   the order (``forceOrders``, ``allOrders``), the ledger rows and the events are written with
   the position change, through the one change path.

No trading fee is charged on the liquidation fill (the clearance fee is the fee; assumed).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal, localcontext

from isomargin.domain import changes
from isomargin.domain.events import AccountUpdateReason, Event, OrderTradeUpdate
from isomargin.domain.liquidation import bankruptcy_price, crossed, liquidation_price, trigger_key
from isomargin.domain.orders import OrderSide, OrderStatus, quote
from isomargin.domain.position import DECIMAL_CONTEXT, IsolatedPosition, PositionSide
from isomargin.money import ASSET_QUANTUM
from isomargin.service import algo_orders, fills
from isomargin.service.context import WALLET_ASSET, ServiceContext
from isomargin.service.events import account_update, position_update
from isomargin.service.positions import cross_uses, cross_wallet_for
from isomargin.service.symbol_state import DEFAULT_MARGIN_TYPE, mark_prices, symbol_config
from isomargin.store import Tx, insurance, orders, repo, risk, trading
from isomargin.store.changes import RiskTerms, write_change
from isomargin.symbols import SymbolSpec

_ZERO = Decimal(0)
AUTO_CLOSE_LIQUIDATION = "LIQUIDATION"
#: ``o`` of a liquidation order on the stream (REST shows ``type``/``origType`` LIMIT) [obs NT-3453]
STREAM_ORDER_TYPE = "LIQUIDATION"


@dataclass(frozen=True, slots=True)
class Liquidated:
    """One position a price move liquidated (a ``liquidations`` row of the move's reply)."""

    account_id: int
    symbol: str
    position_side: str
    order_id: int
    client_order_id: str
    #: the liquidation order's limit price: the bankruptcy price
    price: Decimal
    quantity: Decimal
    #: the user's fill price: the mark, or the bankruptcy price when the mark is past it
    fill_price: Decimal
    realized_pnl: Decimal
    #: to the insurance fund (INSURANCE_CLEAR); negative when the fund paid the account
    clearance: Decimal
    #: what the fund paid past the bankruptcy price (the mark's distance beyond it × quantity)
    gap: Decimal


def client_order_id(now_ms: int, order_id: int) -> str:
    """``autoclose-`` + ms + a 6-digit sequence (``autoclose-1768962991505050083`` [obs NT-3453]);
    the sequence is the order id's last six digits, so it is deterministic and unique per ms."""
    return f"autoclose-{now_ms}{order_id % 1_000_000:06d}"


def liquidate_reached(tx: Tx, ctx: ServiceContext, spec: SymbolSpec, mark: Decimal) -> list[Liquidated]:
    """Liquidate every position of ``spec``'s symbol the mark has reached, in the lock order."""
    isolated = risk.liquidation_candidates(tx, spec.symbol, mark)
    cross = [(h.account_id, h.position_side) for h in risk.cross_holders(tx, spec.symbol, DEFAULT_MARGIN_TYPE)]
    done = []
    for account_id, side in sorted(set(isolated) | set(cross)):
        liquidated = _liquidate_if_reached(tx, ctx, spec, mark, account_id, PositionSide(side))
        if liquidated is not None:
            done.append(liquidated)
    return done


def _liquidate_if_reached(
    tx: Tx, ctx: ServiceContext, spec: SymbolSpec, mark: Decimal, account_id: int, side: PositionSide
) -> Liquidated | None:
    locked = trading.lock_account_for_order(tx, account_id)
    assert locked is not None, "a position's account exists (positions cascade with it)"
    account, _ = locked
    row, accumulated = trading.get_position_for_fill(tx, account_id, spec.symbol, side.value)
    if row is None or row.position_amt == 0:
        return None
    config = symbol_config(tx, ctx, account_id, spec.symbol)
    isolated = config.margin_type == "ISOLATED"
    wallet = row.isolated_wallet if isolated else _cross_wallet(tx, ctx, account, spec.symbol, side.value)
    position = IsolatedPosition(side, row.position_amt, row.entry_price, wallet, config.leverage)
    if not crossed(trigger_key(liquidation_price(position, spec.brackets), row.position_amt), mark):
        return None  # a stale key, or a cross position its account's margin still carries

    held = changes.Holding(spec.symbol, side, row.position_amt, row.entry_price, row.isolated_wallet)
    quantity = abs(row.position_amt)
    bankrupt = bankruptcy_price(position, spec.tick_size)
    long = row.position_amt > 0
    # the user's fill: the mark, unless the mark is past the bankruptcy price (then the fund pays)
    fill_price = max(mark, bankrupt) if long else min(mark, bankrupt)
    with localcontext(DECIMAL_CONTEXT):
        gap = (abs(fill_price - mark) * quantity).quantize(ASSET_QUANTUM)
    if _expire_open_orders(tx, ctx, account_id, spec.symbol, side.value):
        # their events took outbox numbers: read the account's sequence again before the change's
        relocked = trading.lock_account_for_order(tx, account_id)
        assert relocked is not None
        account = relocked[0]

    order = _record_order(tx, ctx, account_id, row, bankrupt, fill_price, quantity)
    outcome = changes.apply(held, changes.Liquidation(fill_price, isolated))
    if not isolated:  # the fee on the liquidated notional, capped at the margin left (assumed)
        with localcontext(DECIMAL_CONTEXT):
            left = max(_ZERO, wallet + outcome.realized_pnl)
            fee = (quantity * fill_price * spec.liquidation_fee).quantize(ASSET_QUANTUM)
        outcome = changes.apply(held, changes.Liquidation(fill_price, isolated, min(left, fee)))
    trade = orders.TradeRow(
        0,
        spec.symbol,
        order.id,
        order.side,
        side.value,
        fill_price,
        quantity,
        quote(quantity, fill_price),
        outcome.realized_pnl,
        _ZERO,
        False,
        ctx.now_ms,
    )
    trade = replace(trade, id=orders.insert_trade(tx, account_id, trade))
    new_step = replace(fills.order_step(_before_fill(order), "NEW", now_ms=ctx.now_ms), order_type=STREAM_ORDER_TYPE)
    events: list[Event] = [
        new_step,
        account_update(
            AccountUpdateReason.ORDER,
            cross_wallet=account.cross_wallet + outcome.cross_wallet_delta,
            isolated_wallets=repo.sum_isolated_wallets(tx, account_id) + outcome.isolated_wallet_delta,
            positions=(
                position_update(
                    outcome.after,
                    config.margin_type,
                    mark,
                    accumulated_realized=accumulated + outcome.realized_pnl,
                ),
            ),
        ),
        _calculated_step(order, trade, ctx.now_ms),
    ]
    terms = RiskTerms(spec.brackets, isolated, mark, ctx.margin_call_ratio)
    write_change(tx, account, outcome, events=events, now_ms=ctx.now_ms, risk=terms)
    _record_money(tx, ctx, account_id, spec.symbol, order.id, trade, outcome.insurance, gap)
    return Liquidated(
        account_id,
        spec.symbol,
        side.value,
        order.id,
        order.client_order_id,
        bankrupt,
        quantity,
        fill_price,
        outcome.realized_pnl,
        outcome.insurance,
        gap,
    )


def _cross_wallet(tx: Tx, ctx: ServiceContext, account: repo.Account, symbol: str, side: str) -> Decimal:
    """The wallet a cross position is liquidated against, as positionRisk computes it."""
    rows = repo.list_positions(tx, account.id)
    configs = {c.symbol: c for c in repo.list_symbol_configs(tx, account.id)}
    marks = mark_prices(tx, ctx.symbols.values())
    return cross_wallet_for(account.cross_wallet, cross_uses(ctx, rows, configs, marks), symbol, side)


def _expire_open_orders(tx: Tx, ctx: ServiceContext, account_id: int, symbol: str, side: str) -> int:
    """The position's open orders expire first (reference §3.2 step 1; that symbol and side only,
    assumed), its conditional orders with them; how many expired."""
    open_orders = orders.open_orders_of(tx, account_id, symbol, side)
    for order in open_orders:
        fills.expire(tx, account_id, order, now_ms=ctx.now_ms)
    return len(open_orders) + algo_orders.expire_for_position(tx, ctx, account_id, symbol, side)


def _record_order(
    tx: Tx,
    ctx: ServiceContext,
    account_id: int,
    row: repo.PositionRow,
    price: Decimal,
    fill_price: Decimal,
    quantity: Decimal,
) -> orders.OrderRow:
    """The liquidation order, filled (forceOrders and allOrders show it as LIMIT IOC) [doc FO]."""
    side = OrderSide.SELL if row.position_amt > 0 else OrderSide.BUY
    order = orders.OrderRow(
        id=0,
        symbol=row.symbol,
        client_order_id=f"autoclose-{ctx.now_ms}",
        side=side.value,
        position_side=row.position_side,
        type="LIMIT",
        time_in_force="IOC",
        orig_qty=quantity,
        price=price,
        executed_qty=quantity,
        cum_quote=quote(quantity, fill_price),
        reduce_only=False,
        status=OrderStatus.FILLED.value,
        good_till_date=0,
        time=ctx.now_ms,
        update_time=ctx.now_ms,
        reserved_margin=_ZERO,
        auto_close_type=AUTO_CLOSE_LIQUIDATION,
    )
    order_id = orders.insert_order(tx, account_id, order)
    named = client_order_id(ctx.now_ms, order_id)
    orders.set_client_order_id(tx, order_id, named)
    return replace(order, id=order_id, client_order_id=named)


def _before_fill(order: orders.OrderRow) -> orders.OrderRow:
    return replace(order, status=OrderStatus.NEW.value, executed_qty=_ZERO, cum_quote=_ZERO)


def _calculated_step(order: orders.OrderRow, trade: orders.TradeRow, now_ms: int) -> OrderTradeUpdate:
    """The fill frame: ``x`` CALCULATED ("Liquidation Execution"), ``X`` FILLED [doc OU][sdk NT-FIX]."""
    step = fills.order_step(order, "CALCULATED", now_ms=now_ms)
    return replace(
        step,
        order_type=STREAM_ORDER_TYPE,
        order_status=OrderStatus.FILLED.value,
        last_filled_qty=trade.qty,
        last_filled_price=trade.price,
        trade_id=trade.id,
        realized_pnl=trade.realized_pnl,
    )


def _record_money(
    tx: Tx,
    ctx: ServiceContext,
    account_id: int,
    symbol: str,
    order_id: int,
    trade: orders.TradeRow,
    clearance: Decimal,
    gap: Decimal,
) -> None:
    """Income rows (REALIZED_PNL, INSURANCE_CLEAR) and the insurance fund's ledger rows."""
    income = [("REALIZED_PNL", trade.realized_pnl), ("INSURANCE_CLEAR", -clearance)]
    for income_type, amount in income:
        if amount:
            orders.insert_income(
                tx,
                account_id,
                orders.IncomeRow(0, symbol, income_type, amount, WALLET_ASSET, income_type, ctx.now_ms, str(trade.id)),
            )
    ledger = [("CLEARANCE", clearance), ("GAP", -gap)]
    for kind, amount in ledger:
        if amount:
            insurance.add_entry(
                tx,
                symbol=symbol,
                asset=WALLET_ASSET,
                amount=amount,
                kind=kind,
                account_id=account_id,
                order_id=order_id,
                now_ms=ctx.now_ms,
            )
