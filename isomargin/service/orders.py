"""``POST /fapi/v1/order`` and ``POST /fapi/v1/order/test`` [doc NO][doc NOT].

A new order is checked (``service.order_checks``, in Binance's order), then either fills at once
against the symbol's book as taker — a MARKET order always, at the ask (BUY) or the bid (SELL); a
LIMIT order whose price crosses the book, at the book's prices — or, a LIMIT order that does not
cross, rests on the book reserving its initial margin (GTC, GTX, GTD), expires (IOC) or is refused
(FOK -5021). A crossing GTX is refused (-5022). The book top has unlimited size unless a ladder is
configured (domain/depth.py): then a taker order walks its levels, one trade per level, and a
LIMIT order's rest beyond its price rests (GTC, GTD), expires (IOC) or is refused with the whole
order (FOK). Everything one order does is one transaction. ``order/test`` runs every check and
writes nothing.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass, replace
from decimal import Decimal, localcontext

from isomargin import errors
from isomargin.domain import changes, depth
from isomargin.domain.brackets import max_notional_for_leverage
from isomargin.domain.orders import (
    OrderSide,
    OrderStatus,
    OrderType,
    ResponseType,
    TimeInForce,
    check_best_price,
    check_notional,
    check_percent_price,
    check_price,
    check_quantity,
    commission,
    quote,
)
from isomargin.domain.position import DECIMAL_CONTEXT, PositionSide
from isomargin.service import fills
from isomargin.service.account import wallet_view
from isomargin.service.book import Book, book
from isomargin.service.context import ServiceContext
from isomargin.service.margin import holding as holding_of
from isomargin.service.order_checks import (
    closes_hedge_leg,
    filters_of,
    position_slot,
    reducible_quantity,
    refuse,
)
from isomargin.service.symbol_state import symbol_config
from isomargin.store import Tx, orders, outbox, repo, risk, trading
from isomargin.symbols import SymbolSpec

_ZERO = Decimal(0)
_ID_ALPHABET = string.ascii_letters + string.digits
#: auto-generated ``clientOrderId``: 22 characters of [A-Za-z0-9], like ``XWE2lEN9zwGvMtrWlBMD1F`` [obs RU-ACH]
CLIENT_ORDER_ID_LENGTH = 22

OrderRow = orders.OrderRow  # the API names order rows through the service layer


@dataclass(frozen=True, slots=True)
class NewOrder:
    symbol: str
    side: OrderSide
    type: OrderType
    quantity: Decimal
    price: Decimal | None  # LIMIT only
    time_in_force: TimeInForce
    position_side: PositionSide | None  # None: not sent
    reduce_only: bool | None  # None: not sent
    client_order_id: str | None  # None: generated
    response_type: ResponseType
    good_till_date: int  # 0 unless GTD


@dataclass(frozen=True, slots=True)
class PlacedOrder:
    """The order as stored after placement (FILLED, EXPIRED or resting NEW) and how to answer."""

    spec: SymbolSpec
    order: OrderRow
    response_type: ResponseType
    profile_2024: bool = False  # ``--order-response 2024``


@dataclass(frozen=True, slots=True)
class TestedOrder:
    """``order/test`` passed every check; nothing was placed."""


def new_client_order_id() -> str:
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(CLIENT_ORDER_ID_LENGTH))


def place_order(tx: Tx, ctx: ServiceContext, account_id: int, req: NewOrder) -> PlacedOrder:
    placed = _place(tx, ctx, account_id, req, test=False)
    assert isinstance(placed, PlacedOrder)
    return placed


def test_order(tx: Tx, ctx: ServiceContext, account_id: int, req: NewOrder) -> TestedOrder:
    _place(tx, ctx, account_id, req, test=True)
    return TestedOrder()


@dataclass(frozen=True, slots=True)
class _Checked:
    """An order that passed the checks that need no fill price, with what they read."""

    spec: SymbolSpec
    account: repo.Account
    rates: trading.FeeRates
    slot: PositionSide
    book: Book
    quantity: Decimal
    reduce_only: bool
    client_order_id: str
    fill: fills.FillContext


def _check(tx: Tx, ctx: ServiceContext, account_id: int, req: NewOrder) -> _Checked:
    spec = ctx.symbol(req.symbol)
    # the symbol before the account: the lock order of every change (store/risk.py)
    risk.lock_symbol(tx, spec.symbol, exclusive=False)
    locked = trading.lock_account_for_order(tx, account_id)
    if locked is None:
        raise errors.REJECTED_MBX_KEY.error()
    account, rates = locked
    slot = position_slot(account.dual_side_position, req.position_side, req.reduce_only is not None)
    filters = filters_of(spec)
    market = req.type is OrderType.MARKET
    refuse(check_quantity(req.quantity, filters, market=market), spec)
    if req.price is not None:
        refuse(check_price(req.price, filters), spec)
    top = book(tx, spec)
    # a hedge leg's closing order is reduce-only by nature, and so exempt from MIN_NOTIONAL (assumed)
    reduce_only = bool(req.reduce_only) or (account.dual_side_position and closes_hedge_leg(req.side, slot))
    order_price = top.mark if req.price is None else req.price
    refuse(check_notional(req.quantity, order_price, filters, reduce_only=reduce_only), spec)
    if req.price is None:
        refuse(check_best_price(req.side, top.best_for(req.side), top.mark, filters), spec)
    else:
        refuse(check_percent_price(req.price, top.mark, filters), spec)
    if req.client_order_id is not None and orders.open_order_with_client_id(
        tx, account_id, spec.symbol, req.client_order_id
    ):
        raise errors.DUPLICATED_CLIENT_ORDER_ID.error()
    row, accumulated = trading.get_position_for_fill(tx, account_id, spec.symbol, slot.value)
    held = changes.Holding.flat(spec.symbol, slot) if row is None else holding_of(row)
    quantity = req.quantity
    if reduce_only:
        quantity = reducible_quantity(held.position_amt, req.side, quantity, hedge=account.dual_side_position)
        if req.reduce_only and orders.open_reduce_only_quantity(
            tx, account_id, spec.symbol, slot.value, req.side.value
        ) >= abs(held.position_amt):
            # open reduce-only orders already cover the whole position [obs QX-386]
            raise errors.REDUCE_ONLY_MARGIN_CHECK_FAILED.error()
    config = symbol_config(tx, ctx, account_id, spec.symbol)
    fill_context = fills.FillContext(
        account=account,
        holding=held,
        accumulated_realized=accumulated,
        margin_type=config.margin_type,
        leverage=config.leverage,
        mark=top.mark,
        taker_rate=rates.taker,
        isolated_wallets=_ZERO,  # read with the wallet when a fill needs it
    )
    return _Checked(
        spec,
        account,
        rates,
        slot,
        top,
        quantity,
        reduce_only,
        req.client_order_id or new_client_order_id(),
        fill_context,
    )


def _place(tx: Tx, ctx: ServiceContext, account_id: int, req: NewOrder, *, test: bool) -> PlacedOrder | TestedOrder:
    checked = _check(tx, ctx, account_id, req)
    best = checked.book.best_for(req.side)
    slices = depth.walk(req.side, best, checked.book.ladder, checked.quantity, req.price)
    taken = sum((s.quantity for s in slices), _ZERO)
    if req.time_in_force is TimeInForce.GTX and slices:
        raise errors.GTX_ORDER_REJECT.error()
    if req.time_in_force is TimeInForce.FOK and taken < checked.quantity:
        raise errors.FOK_ORDER_REJECT.error()
    if slices:
        return _take(tx, ctx, account_id, req, checked, slices, taken, test=test)
    if req.time_in_force is TimeInForce.IOC:
        if test:
            return TestedOrder()
        order = _store_order(tx, ctx, account_id, req, checked, OrderStatus.EXPIRED, executed=_ZERO, price=best)
        expired = fills.step(tx, account_id, order, "EXPIRED", now_ms=ctx.now_ms)
        steps = [replace(expired, execution_type="NEW", order_status="NEW"), expired]
        outbox.append(tx, account_id, steps, ctx.now_ms)
        return PlacedOrder(checked.spec, order, req.response_type, ctx.order_response_2024)
    assert req.price is not None
    _check_open_order_count(tx, account_id, checked.spec)
    reserve = _reserve(checked, checked.quantity, req.price)
    _check_reserve(tx, ctx, account_id, reserve)
    if test:
        return TestedOrder()
    order = _store_order(
        tx, ctx, account_id, req, checked, OrderStatus.NEW, executed=_ZERO, price=best, reserved=reserve
    )
    outbox.append(tx, account_id, [fills.step(tx, account_id, order, "NEW", now_ms=ctx.now_ms)], ctx.now_ms)
    return PlacedOrder(checked.spec, order, req.response_type, ctx.order_response_2024)


def _take(
    tx: Tx,
    ctx: ServiceContext,
    account_id: int,
    req: NewOrder,
    checked: _Checked,
    slices: list[depth.Slice],
    taken: Decimal,
    *,
    test: bool,
) -> PlacedOrder | TestedOrder:
    """Fill what the book offers as taker (``taken`` of the order, in ``slices``), one trade per
    level (domain/depth.py); what is left rests (a GTC or GTD LIMIT order, PARTIALLY_FILLED) or
    expires (IOC, or a MARKET order the ladder could not fill)."""
    cum_quote = sum((quote(s.quantity, s.price) for s in slices), _ZERO)
    fees = [commission(s.quantity, s.price, checked.rates.taker) for s in slices]
    with localcontext(DECIMAL_CONTEXT):
        average = cum_quote / taken
    isolated_wallets = _check_margin(tx, ctx, account_id, checked, req.side, taken, average, sum(fees, _ZERO))
    left = checked.quantity - taken
    rests = left > 0 and req.type is OrderType.LIMIT and req.time_in_force in (TimeInForce.GTC, TimeInForce.GTD)
    reserve = _ZERO
    if rests:
        assert req.price is not None
        _check_open_order_count(tx, account_id, checked.spec)
        reserve = _reserve(checked, left, req.price)
        _check_reserve(tx, ctx, account_id, reserve)
    if test:
        return TestedOrder()
    status = OrderStatus.FILLED if left == 0 else OrderStatus.PARTIALLY_FILLED if rests else OrderStatus.EXPIRED
    order = _store_order(
        tx,
        ctx,
        account_id,
        req,
        checked,
        status,
        executed=taken,
        price=slices[0].price,
        cum_quote=cum_quote,
        reserved=reserve,
    )
    fill_context = _with_wallets(checked.fill, isolated_wallets)
    executed = quoted = _ZERO
    for n, (piece, fee) in enumerate(zip(slices, fees, strict=True)):
        executed += piece.quantity
        quoted += quote(piece.quantity, piece.price)
        last = n == len(slices) - 1
        state = (
            order
            if last and left == 0
            else replace(order, status=OrderStatus.PARTIALLY_FILLED.value, executed_qty=executed, cum_quote=quoted)
        )
        result = fills.apply_fill(
            tx,
            ctx,
            account_id,
            state,
            fill_context,
            quantity=piece.quantity,
            price=piece.price,
            commission=fee,
            maker=False,
            announce_new=n == 0,
        )
        if not last:  # the next level trades against the position and wallets this one left
            fill_context = _after(tx, account_id, fill_context, result)
    if status is OrderStatus.EXPIRED:  # the rest of an IOC or MARKET order: no more on the book
        outbox.append(tx, account_id, [fills.step(tx, account_id, order, "EXPIRED", now_ms=ctx.now_ms)], ctx.now_ms)
    return PlacedOrder(checked.spec, order, req.response_type, ctx.order_response_2024)


def _after(tx: Tx, account_id: int, before: fills.FillContext, result: fills.FillResult) -> fills.FillContext:
    """The fill context after ``result``: the account as written (its event sequence moved on)."""
    account = repo.get_account(tx, account_id)
    assert account is not None
    return replace(
        before,
        account=account,
        holding=result.outcome.after,
        accumulated_realized=before.accumulated_realized + result.outcome.realized_pnl,
        isolated_wallets=before.isolated_wallets + result.outcome.isolated_wallet_delta,
    )


def _check_open_order_count(tx: Tx, account_id: int, spec: SymbolSpec) -> None:
    if orders.open_order_count(tx, account_id, spec.symbol) >= spec.max_num_orders:
        raise errors.MAX_OPEN_ORDER_EXCEEDED.error()  # MAX_NUM_ORDERS of exchangeInfo, counted per symbol


def _reserve(checked: _Checked, quantity: Decimal, price: Decimal) -> Decimal:
    """A resting order's reserved initial margin (none for a reduce-only one)."""
    return _ZERO if checked.reduce_only else _initial_margin(quantity, price, checked.fill.leverage)


def _with_wallets(fc: fills.FillContext, isolated_wallets: Decimal) -> fills.FillContext:
    return replace(fc, isolated_wallets=isolated_wallets)


def _store_order(
    tx: Tx,
    ctx: ServiceContext,
    account_id: int,
    req: NewOrder,
    checked: _Checked,
    status: OrderStatus,
    *,
    executed: Decimal,
    price: Decimal,
    cum_quote: Decimal | None = None,
    reserved: Decimal = _ZERO,
) -> OrderRow:
    row = OrderRow(
        id=0,
        symbol=checked.spec.symbol,
        client_order_id=checked.client_order_id,
        side=req.side.value,
        position_side=checked.slot.value,
        type=req.type.value,
        time_in_force=req.time_in_force.value,
        orig_qty=checked.quantity,
        price=_ZERO if req.price is None else req.price,
        executed_qty=executed,
        cum_quote=cum_quote if cum_quote is not None else quote(executed, price) if executed else _ZERO,
        # a hedge leg's closing order (sent without reduceOnly, which hedge mode refuses) is shown
        # reduce-only: "reduceOnly":true on a SELL/LONG LIMIT placement [obs dapi 2022-02, index
        # ids 37442845902, 36997752111], on a SELL/LONG fill (ALICEUSDT 2021, id 1852233754)
        reduce_only=checked.reduce_only,
        status=status.value,
        good_till_date=req.good_till_date,
        time=ctx.now_ms,
        update_time=ctx.now_ms,
        reserved_margin=reserved,
    )
    return replace(row, id=orders.insert_order(tx, account_id, row))


def _initial_margin(quantity: Decimal, price: Decimal, leverage: int) -> Decimal:
    with localcontext(DECIMAL_CONTEXT):
        return (quantity * price / leverage).quantize(Decimal("0.00000001"))


def _check_reserve(tx: Tx, ctx: ServiceContext, account_id: int, reserve: Decimal) -> None:
    """-2019 when a resting order's initial margin is more than what is available for orders."""
    if reserve == 0:
        return
    wallet = wallet_view(tx, ctx, account_id)
    if reserve > wallet.available_balance - orders.reserved_margin(tx, account_id):
        raise errors.MARGIN_INSUFFICIENT.error()


def _check_margin(
    tx: Tx,
    ctx: ServiceContext,
    account_id: int,
    checked: _Checked,
    side: OrderSide,
    quantity: Decimal,
    price: Decimal,
    fee: Decimal,
) -> Decimal:
    """-2027 / -2019 for the part of a fill of ``quantity`` at (on average) ``price`` that opens
    exposure; Σ isolated wallets as read.

    Required (reference §1.6, assumed): the opened quantity's initial margin at the fill price,
    its loss against the mark (a BUY above the mark starts in loss), and the commission; available:
    the wallet's available balance less open orders' reserved margin, plus, for a flip, what the
    closing part frees (the isolated wallet, or a cross position's initial margin, with its PnL).
    """
    fc = checked.fill
    held = fc.holding.position_amt
    signed = quantity if side is OrderSide.BUY else -quantity
    if held != 0 and (held > 0) != (signed > 0) and quantity <= abs(held):
        return repo.sum_isolated_wallets(tx, account_id)  # a pure reduce opens nothing
    wallet = wallet_view(tx, ctx, account_id)
    with localcontext(DECIMAL_CONTEXT):
        flip = held != 0 and (held > 0) != (signed > 0)
        opened = quantity - abs(held) if flip else quantity
        if abs(held + signed) * price > max_notional_for_leverage(checked.spec.brackets, fc.leverage):
            raise errors.MAX_LEVERAGE_RATIO.error()
        initial = opened * price / fc.leverage
        loss = max(_ZERO, (price - fc.mark) * opened if side is OrderSide.BUY else (fc.mark - price) * opened)
        freed = _ZERO
        if flip:
            pnl = (price - fc.holding.entry_price) * held
            kept = fc.holding.isolated_wallet if fc.margin_type == "ISOLATED" else abs(held) * fc.mark / fc.leverage
            freed = kept + pnl
        available = wallet.available_balance - orders.reserved_margin(tx, account_id) + freed
        if initial + loss + fee > available:
            raise errors.MARGIN_INSUFFICIENT.error()
    return wallet.isolated_wallets


#: "Max 5 orders" per batch [doc Place-Multiple-Orders]
MAX_BATCH = 5


@dataclass(frozen=True, slots=True)
class BatchItem:
    """One order of a batch: parsed, or the error its parameters earned."""

    order: NewOrder | None
    error: errors.ApiError | None


def place_batch(
    tx: Tx, ctx: ServiceContext, account_id: int, batch: tuple[BatchItem, ...]
) -> list[PlacedOrder | errors.ApiError]:
    """``POST /fapi/v1/batchOrders``: each order placed or refused on its own, in the batch's order.

    One transaction for the batch: every refusal is raised before its order writes anything
    (``_place`` checks first, then writes), so a refused item leaves nothing behind.
    """
    results: list[PlacedOrder | errors.ApiError] = []
    # every symbol of the batch before any account lock (store/risk.py's lock order)
    for symbol in sorted({item.order.symbol for item in batch if item.order and item.order.symbol in ctx.symbols}):
        risk.lock_symbol(tx, symbol, exclusive=False)
    for item in batch:
        if item.error is not None or item.order is None:
            assert item.error is not None
            results.append(item.error)
            continue
        try:
            results.append(place_order(tx, ctx, account_id, item.order))
        except errors.ApiError as exc:
            results.append(exc)
    return results
