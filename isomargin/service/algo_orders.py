"""Stop and take-profit orders: Binance's algo order API and the engine's triggers (issue 13).

``POST /fapi/v1/algoOrder`` (algoType CONDITIONAL) stores a conditional order; nothing is
reserved and nothing trades until a price move reaches its trigger price. Then, inside the move's
transaction — after resting fills, before liquidations (``service.price_moves``) — the order it
stands for is placed through the one trading path (``service.orders.place_order``): a MARKET
order for STOP_MARKET / TAKE_PROFIT_MARKET / TRAILING_STOP_MARKET, a LIMIT order at ``price`` for
STOP / TAKE_PROFIT; ``closePosition`` closes the whole position as a reduce-only order. Statuses
and ALGO_UPDATE steps as the doc lists them [doc Event-Algo-Order-Update]: NEW on placement;
TRIGGERED when the order was placed, then FINISHED once it is final: a MARKET order at once, a
LIMIT order that rests when it fills, is cancelled or expires (``service.algo_updates``);
REJECTED when the trading path refuses it (margin, reduce-only); CANCELED by the user; EXPIRED by
the system (the position was liquidated, or closed under a closePosition order).

A TRAILING_STOP_MARKET order (``domain.algo``) is active from the first working price at or past
its ``activatePrice`` (at once when none was sent: "default as the latest price"); from then on
each move that betters its best price moves its trigger with it, in the move's transaction
(:func:`trail_crossed`, after the triggers), and a move back by ``callbackRate`` percent fires it.

``priceProtect`` [doc New-Algo-Order]: "when price reaches the triggerPrice, the difference rate
between MARK_PRICE and CONTRACT_PRICE cannot be larger than the triggerProtect of the symbol"
(exchangeInfo ``triggerProtect``). An order with it whose trigger is reached while the two
differ by more stays NEW and is looked at again on the next move (:func:`protected`).

Assumed (docs/COVERAGE.md): CONTRACT_PRICE is the book price the triggered order would trade at
(:func:`working_price`), isomargin keeping no last-trade price of others; ``triggerPrice`` is
checked for being positive and within pricePrecision only (a price off the tick was accepted on
testnet [obs TR-GATE0]); MIN_NOTIONAL and margin are checked when the order is placed at the
trigger, not at the algo placement; a trailing stop's ``triggerPrice`` shows the trigger its best
price puts it at (0 before it is active), its ``activatePrice`` the working price at placement
when none was sent; priceProtect holds back every conditional type that carries it, the
difference rate being |mark − contract price| / mark.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from isomargin import errors
from isomargin.domain import algo
from isomargin.domain.algo import AlgoOrderType, AlgoStatus, WorkingType
from isomargin.domain.orders import (
    OrderSide,
    OrderStatus,
    OrderType,
    ResponseType,
    TimeInForce,
    check_price,
    check_quantity,
)
from isomargin.domain.position import PositionSide
from isomargin.service import orders as trading_path
from isomargin.service.algo_updates import average_price, update_event
from isomargin.service.book import Book, book
from isomargin.service.context import ServiceContext
from isomargin.service.order_checks import filters_of, position_slot, refuse
from isomargin.store import Tx, algo_orders, outbox, risk, trading
from isomargin.symbols import SymbolSpec

_ZERO = Decimal(0)
AlgoRow = algo_orders.AlgoRow
#: ``timeInForce`` of a closePosition order: "GTE_GTC" on the stream [obs TR-GATE0]
GTE_GTC = "GTE_GTC"


@dataclass(frozen=True, slots=True)
class NewAlgoOrder:
    symbol: str
    side: OrderSide
    order_type: AlgoOrderType
    trigger_price: Decimal | None  # None for TRAILING_STOP_MARKET
    quantity: Decimal | None  # None: not sent (closePosition)
    price: Decimal | None  # STOP / TAKE_PROFIT only
    time_in_force: TimeInForce
    working_type: WorkingType
    position_side: PositionSide | None
    reduce_only: bool | None
    close_position: bool
    price_protect: bool
    client_algo_id: str | None
    #: TRAILING_STOP_MARKET only
    activate_price: Decimal | None = None
    callback_rate: Decimal | None = None


@dataclass(frozen=True, slots=True)
class AlgoView:
    spec: SymbolSpec
    order: AlgoRow


@dataclass(frozen=True, slots=True)
class AlgoRef:
    algo_id: int | None
    client_algo_id: str | None


@dataclass(frozen=True, slots=True)
class AlgoList:
    symbol: str | None
    algo_id: int | None = None
    start_time: int | None = None
    end_time: int | None = None
    page: int = 1
    limit: int = 500


@dataclass(frozen=True, slots=True)
class Triggered:
    """One conditional order a price move triggered (the ``triggers`` of the move's reply)."""

    account_id: int
    symbol: str
    algo_id: int
    client_algo_id: str
    order_type: str
    side: str
    position_side: str
    trigger_price: Decimal
    status: str  # FINISHED, TRIGGERED, REJECTED or EXPIRED
    order_id: int | None  # the order it placed
    quantity: Decimal  # what that order filled


def working_price(top: Book, working_type: str, side: str) -> Decimal:
    """The price a conditional order watches. MARK_PRICE: the mark. CONTRACT_PRICE (Binance: the
    last trade price): isomargin has no trades of others, so the book price the triggered order
    would take — the bid for a SELL, the ask for a BUY (assumed)."""
    if working_type == WorkingType.MARK_PRICE:
        return top.mark
    return top.bid if side == OrderSide.SELL else top.ask


def place_algo_order(tx: Tx, ctx: ServiceContext, account_id: int, req: NewAlgoOrder) -> AlgoView:
    """Check and store a conditional order (reference §1.6 errors, in the order of ``order_checks``)."""
    spec = ctx.symbol(req.symbol)
    risk.lock_symbol(tx, spec.symbol, exclusive=False)
    locked = trading.lock_account_for_order(tx, account_id)
    if locked is None:
        raise errors.REJECTED_MBX_KEY.error()
    account, _rates = locked
    slot = position_slot(account.dual_side_position, req.position_side, req.reduce_only is not None)
    filters = filters_of(spec)
    quantity = _ZERO
    if not req.close_position:
        assert req.quantity is not None
        refuse(check_quantity(req.quantity, filters, market=req.order_type.is_market), spec)
        quantity = req.quantity
    if req.price is not None:
        refuse(check_price(req.price, filters), spec)
    for given in (req.trigger_price, req.activate_price):
        if given is not None:
            _check_trigger_price(given, spec)
    if req.close_position and algo_orders.open_close_position_exists(
        tx, account_id, spec.symbol, slot.value, req.side.value, req.order_type.value
    ):
        raise errors.CLOSE_POSITION_ORDER_EXISTS.error()  # [obs TR-GATE0]
    top = book(tx, spec)
    now = working_price(top, req.working_type, req.side)
    trailing = _trailing_start(req, now) if req.order_type.is_trailing else None
    if trailing is None and algo.reached(req.order_type, req.side, _given(req.trigger_price), now):
        raise errors.ORDER_WOULD_IMMEDIATELY_TRIGGER.error()
    row = AlgoRow(
        id=0,
        symbol=spec.symbol,
        client_algo_id=req.client_algo_id or trading_path.new_client_order_id(),
        order_type=req.order_type.value,
        side=req.side.value,
        position_side=slot.value,
        time_in_force=GTE_GTC if req.close_position else req.time_in_force.value,
        quantity=quantity,
        price=_ZERO if req.price is None else req.price,
        trigger_price=_ZERO if req.trigger_price is None else req.trigger_price,
        working_type=req.working_type.value,
        close_position=req.close_position,
        # a closePosition order is reduce-only by nature and shows it ("R": true on the stream [obs TR-GATE0])
        reduce_only=req.close_position or bool(req.reduce_only),
        price_protect=req.price_protect,
        status=AlgoStatus.NEW.value,
        actual_order_id=None,
        actual_price=_ZERO,
        create_time=ctx.now_ms,
        update_time=ctx.now_ms,
        trigger_time=0,
        trigger_key=None if trailing else algo.trigger_key(req.order_type, req.side, _given(req.trigger_price)),
    )
    if trailing is not None:
        activate, moving = trailing
        row = moving.on(replace(row, activate_price=activate, callback_rate=req.callback_rate))
    row = replace(row, id=algo_orders.insert(tx, account_id, row))
    outbox.append(tx, account_id, [update_event(row)], ctx.now_ms)
    return AlgoView(spec, row)


def _given(value: Decimal | None) -> Decimal:
    assert value is not None
    return value


def _check_trigger_price(price: Decimal, spec: SymbolSpec) -> None:
    if price <= 0:
        raise errors.PRICE_LESS_THAN_ZERO.error()
    exponent = price.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > spec.price_precision:
        raise errors.BAD_PRECISION.error()  # -1111 as for a price (assumed; the tick is not enforced)


@dataclass(frozen=True, slots=True)
class _Trail:
    """A trailing stop's moving parts (the columns ``store.algo_orders.retrail`` writes)."""

    best_price: Decimal | None
    trigger_price: Decimal
    trigger_key: Decimal | None
    trail_key: Decimal

    def on(self, row: AlgoRow) -> AlgoRow:
        return replace(
            row,
            best_price=self.best_price,
            trigger_price=self.trigger_price,
            trigger_key=self.trigger_key,
            trail_key=self.trail_key,
        )


def _trailing_start(req: NewAlgoOrder, now: Decimal) -> tuple[Decimal, _Trail]:
    """A new trailing stop's activation price and moving parts: waiting for ``activatePrice``
    (-2021 when the working price is already at or past it), or active at once from the working
    price when none was sent."""
    rate = _given(req.callback_rate)
    if req.activate_price is None:
        return now, _trailed(req.side, now, rate)
    if algo.activation_would_trigger(req.side, req.activate_price, now):
        raise errors.ORDER_WOULD_IMMEDIATELY_TRIGGER.error()  # [doc New-Algo-Order]
    return req.activate_price, _Trail(None, _ZERO, None, algo.trail_key(req.side, req.activate_price, strictly=False))


def _trailed(side: OrderSide, best: Decimal, rate: Decimal) -> _Trail:
    """Active from ``best``: the trigger ``callbackRate`` percent back from it, and a watch for a better one."""
    level = algo.trailing_trigger(side, best, rate)
    return _Trail(
        best,
        level,
        algo.trigger_key(AlgoOrderType.TRAILING_STOP_MARKET, side, level),
        algo.trail_key(side, best, strictly=True),
    )


def _find(tx: Tx, ctx: ServiceContext, account_id: int, ref: AlgoRef) -> AlgoRow | None:
    if ref.algo_id is None and ref.client_algo_id is None:
        raise errors.ALGO_ID_MISSING.error()
    return algo_orders.find(tx, account_id, ref.algo_id, ref.client_algo_id)


def query_algo_order(tx: Tx, ctx: ServiceContext, account_id: int, ref: AlgoRef) -> AlgoView:
    found = _find(tx, ctx, account_id, ref)
    if found is None:
        raise errors.NO_SUCH_ORDER.error()  # as GET /fapi/v1/order answers (assumed)
    return AlgoView(ctx.symbols[found.symbol], found)


def _end(tx: Tx, ctx: ServiceContext, account_id: int, row: AlgoRow, status: AlgoStatus) -> AlgoRow:
    done = replace(row, status=status.value, update_time=ctx.now_ms, trigger_key=None, trail_key=None)
    algo_orders.finish(tx, row.id, status=status.value, now_ms=ctx.now_ms)
    outbox.append(tx, account_id, [update_event(done)], ctx.now_ms)
    return done


def cancel_algo_order(tx: Tx, ctx: ServiceContext, account_id: int, ref: AlgoRef) -> AlgoView:
    """Cancel an open conditional order; -2011 if unknown or no longer NEW (as DELETE order, assumed)."""
    if trading.lock_account_for_order(tx, account_id) is None:
        raise errors.REJECTED_MBX_KEY.error()
    found = _find(tx, ctx, account_id, ref)
    if found is None or found.status != AlgoStatus.NEW:
        raise errors.UNKNOWN_ORDER.error()
    return AlgoView(ctx.symbols[found.symbol], _end(tx, ctx, account_id, found, AlgoStatus.CANCELED))


def cancel_all_algo_orders(tx: Tx, ctx: ServiceContext, account_id: int, req: AlgoList) -> int:
    assert req.symbol is not None
    spec = ctx.symbol(req.symbol)
    if trading.lock_account_for_order(tx, account_id) is None:
        raise errors.REJECTED_MBX_KEY.error()
    rows = algo_orders.list_for(tx, account_id, spec.symbol, open_only=True)
    for row in rows:
        _end(tx, ctx, account_id, row, AlgoStatus.CANCELED)
    return len(rows)


def open_algo_orders(tx: Tx, ctx: ServiceContext, account_id: int, req: AlgoList) -> list[AlgoView]:
    symbol = None if req.symbol is None else ctx.symbol(req.symbol).symbol
    rows = algo_orders.list_for(tx, account_id, symbol, open_only=True, from_id=req.algo_id)
    return [AlgoView(ctx.symbols[r.symbol], r) for r in rows]


#: allAlgoOrders without times: the last 7 days, as allOrders (assumed)
RECENT_WINDOW_MS = 7 * 86_400_000


def all_algo_orders(tx: Tx, ctx: ServiceContext, account_id: int, req: AlgoList) -> list[AlgoView]:
    assert req.symbol is not None
    spec = ctx.symbol(req.symbol)
    start, end = req.start_time, req.end_time
    if req.algo_id is None and start is None:
        start = (ctx.now_ms if end is None else end) - RECENT_WINDOW_MS
    rows = algo_orders.list_for(
        tx,
        account_id,
        spec.symbol,
        from_id=req.algo_id,
        start_ms=start,
        end_ms=end,
        limit=req.limit,
        offset=(req.page - 1) * req.limit,
    )
    return [AlgoView(spec, r) for r in rows]


def expire_for_position(tx: Tx, ctx: ServiceContext, account_id: int, symbol: str, position_side: str) -> int:
    """EXPIRED by the system: the open conditional orders of one position (its liquidation)."""
    rows = algo_orders.open_of_position(tx, account_id, symbol, position_side)
    for row in rows:
        _end(tx, ctx, account_id, row, AlgoStatus.EXPIRED)
    return len(rows)


def trigger_crossed(tx: Tx, ctx: ServiceContext, spec: SymbolSpec, top: Book) -> list[Triggered]:
    """Trigger every open conditional order of the symbol that ``top`` reaches, in account then
    algoId order (the lock order); each places its order through the trading path in this
    transaction. The caller (``price_moves.move_price``) holds the price-move and symbol locks."""
    found: list[tuple[int, AlgoRow]] = []
    for working in WorkingType:
        for side in OrderSide:
            price = working_price(top, working.value, side.value)
            found += algo_orders.reached(tx, spec.symbol, working.value, side.value, price)
    done = []
    for account_id, row in sorted(found, key=lambda item: (item[0], item[1].id)):
        if row.price_protect and protected(spec, top, row.side):
            continue  # stays NEW: the next move looks at it again
        fired = _trigger(tx, ctx, account_id, row.id)
        if fired is not None:
            done.append(fired)
    return done


def protected(spec: SymbolSpec, top: Book, side: str) -> bool:
    """Whether priceProtect holds an order back: mark and contract price differ by more than the
    symbol's ``triggerProtect`` (the rate taken on the mark, assumed)."""
    contract = working_price(top, WorkingType.CONTRACT_PRICE, side)
    return abs(top.mark - contract) > spec.trigger_protect * top.mark


def trail_crossed(tx: Tx, ctx: ServiceContext, spec: SymbolSpec, top: Book) -> int:
    """Activate, or move the trigger of, every open trailing stop whose working price ``top``
    reaches its activation price or betters its best price; how many moved. No event: Binance
    sends none while a trailing stop follows the price (assumed: none is documented)."""
    moved = 0
    for working in WorkingType:
        for side in OrderSide:
            price = working_price(top, working.value, side.value)
            for _account_id, row in algo_orders.trail_reached(tx, spec.symbol, working.value, side.value, price):
                activate, rate = _given(row.activate_price), _given(row.callback_rate)
                if not algo.trailing_moves(side, activate, row.best_price, price):
                    continue  # a key written before a change of grid (never, today); exact check first
                trailed = _trailed(side, price, rate)
                algo_orders.retrail(
                    tx,
                    row.id,
                    best=price,
                    trigger_price=trailed.trigger_price,
                    trigger_key=_given(trailed.trigger_key),
                    trail_key=trailed.trail_key,
                    now_ms=ctx.now_ms,
                )
                moved += 1
    return moved


def _trigger(tx: Tx, ctx: ServiceContext, account_id: int, algo_id: int) -> Triggered | None:
    locked = trading.lock_account_for_order(tx, account_id)
    assert locked is not None, "an algo order's account exists (algo orders cascade with it)"
    account, _rates = locked
    # read under the account's lock: a cancel (which takes it first) or an earlier trigger of this
    # move (a closePosition sibling it expired) may have ended it since the index was read
    row = algo_orders.find(tx, account_id, algo_id, None)
    if row is None or row.status != AlgoStatus.NEW:
        return None
    hedge = account.dual_side_position
    quantity = row.quantity
    if row.close_position:
        position, _acc = trading.get_position_for_fill(tx, account_id, row.symbol, row.position_side)
        quantity = _ZERO if position is None else abs(position.position_amt)
        if quantity == 0:  # nothing left to close: the system cancels a GTE_GTC order [doc Event-Algo-Order-Update]
            ended = _end(tx, ctx, account_id, row, AlgoStatus.EXPIRED)
            return _report(account_id, ended, None)
    market = AlgoOrderType(row.order_type).is_market
    request = trading_path.NewOrder(
        symbol=row.symbol,
        side=OrderSide(row.side),
        type=OrderType.MARKET if market else OrderType.LIMIT,
        quantity=quantity,
        price=None if market else row.price,
        time_in_force=TimeInForce.GTC if market or row.time_in_force == GTE_GTC else TimeInForce(row.time_in_force),
        position_side=PositionSide(row.position_side) if hedge else None,
        # hedge mode refuses reduceOnly (-1106); a leg's close is reduce-only there anyway
        reduce_only=None if hedge or not row.reduce_only else True,
        client_order_id=None,
        response_type=ResponseType.RESULT,
        good_till_date=0,
    )
    try:
        placed = trading_path.place_order(tx, ctx, account_id, request)
    except errors.ApiError:
        # refused by the trading path (margin, reduce-only…): REJECTED [doc Event-Algo-Order-Update]
        ended = _end(tx, ctx, account_id, row, AlgoStatus.REJECTED)
        return _report(account_id, ended, None)
    order = placed.order
    final = not OrderStatus(order.status).is_open
    avg = average_price(order)
    status = AlgoStatus.FINISHED if final else AlgoStatus.TRIGGERED
    algo_orders.triggered(tx, row.id, status=status.value, now_ms=ctx.now_ms, order_id=order.id, avg_price=avg)
    fired = replace(
        row,
        status=AlgoStatus.TRIGGERED.value,
        actual_order_id=order.id,
        actual_price=avg,
        update_time=ctx.now_ms,
        trigger_time=ctx.now_ms,
        trigger_key=None,
        trail_key=None,
    )
    steps = [update_event(fired, order=order)]
    if final:
        fired = replace(fired, status=AlgoStatus.FINISHED.value)
        steps.append(update_event(fired, order=order))
    outbox.append(tx, account_id, steps, ctx.now_ms)
    _expire_if_closed(tx, ctx, account_id, row)
    return _report(account_id, fired, order)


def _expire_if_closed(tx: Tx, ctx: ServiceContext, account_id: int, row: AlgoRow) -> None:
    """A position the trigger closed takes its other closePosition orders with it (GTE_GTC)."""
    position, _acc = trading.get_position_for_fill(tx, account_id, row.symbol, row.position_side)
    if position is not None and position.position_amt != 0:
        return
    for other in algo_orders.open_of_position(tx, account_id, row.symbol, row.position_side):
        if other.close_position:
            _end(tx, ctx, account_id, other, AlgoStatus.EXPIRED)


def _report(account_id: int, row: AlgoRow, order: trading_path.OrderRow | None) -> Triggered:
    return Triggered(
        account_id=account_id,
        symbol=row.symbol,
        algo_id=row.id,
        client_algo_id=row.client_algo_id,
        order_type=row.order_type,
        side=row.side,
        position_side=row.position_side,
        trigger_price=row.trigger_price,
        status=row.status,
        order_id=None if order is None else order.id,
        quantity=_ZERO if order is None else order.executed_qty,
    )
