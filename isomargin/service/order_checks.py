"""The checks a new order passes before anything fills, in one place and one order.

Each raises the catalogue error Binance answers (binance-usdm-trading-reference.md §1.6). The
order of the checks is Binance's where it is known and otherwise assumed (docs/COVERAGE.md):

1. (parser) missing or malformed parameters -1102, side -1117, type -1116 / -4120, timeInForce
   -1115, newOrderRespType -1136, positionSide -4060, reduceOnly -1130, client order id -4015;
2. -1121 unknown symbol;
3. position side against the account's mode: -4061; reduceOnly sent in hedge mode -1106;
4. quantity: -4003, -1111, -4004, -4005, -4023 (LOT_SIZE, MARKET_LOT_SIZE for MARKET);
5. LIMIT price: -4001, -1111, -4002, -4014 (PRICE_FILTER);
6. MIN_NOTIONAL -4164 (MARKET at the mark price), unless reduce-only;
7. PERCENT_PRICE: LIMIT price -4016 / -4024; MARKET best opposite price -4131;
8. -4116 newClientOrderId of an open order;
9. reduce-only against the position: -2022 (nothing to reduce, or a hedge close larger than the
   leg); a one-way reduce-only order larger than the position is cut to its size [obs NT-3983];
   -4118 when open reduce-only orders on that side already cover the position [obs QX-386];
10. (at the fill) -2027 past the leverage's notional cap, -2019 margin insufficient; (resting)
    -2025 past MAX_NUM_ORDERS open orders on the symbol, -2019 for the reserved margin.
"""

from __future__ import annotations

from decimal import Decimal

from isomargin import errors
from isomargin.domain.orders import Filters, OrderSide, Refusal
from isomargin.domain.position import PositionSide
from isomargin.money import decimal_string
from isomargin.symbols import SymbolSpec

_REFUSALS: dict[Refusal, errors.ErrorSpec] = {
    Refusal.QTY_NOT_POSITIVE: errors.QTY_LESS_THAN_ZERO,
    Refusal.QTY_PRECISION: errors.BAD_PRECISION,
    Refusal.QTY_BELOW_MIN: errors.QTY_LESS_THAN_MIN_QTY,
    Refusal.QTY_ABOVE_MAX: errors.QTY_GREATER_THAN_MAX_QTY,
    Refusal.QTY_STEP: errors.QTY_NOT_INCREASED_BY_STEP_SIZE,
    Refusal.PRICE_NOT_POSITIVE: errors.PRICE_LESS_THAN_ZERO,
    Refusal.PRICE_PRECISION: errors.BAD_PRECISION,
    Refusal.PRICE_ABOVE_MAX: errors.PRICE_GREATER_THAN_MAX_PRICE,
    Refusal.PRICE_TICK: errors.PRICE_NOT_INCREASED_BY_TICK_SIZE,
    Refusal.PRICE_ABOVE_CAP: errors.PRICE_HIGHTER_THAN_MULTIPLIER_UP,
    Refusal.PRICE_BELOW_FLOOR: errors.PRICE_LOWER_THAN_MULTIPLIER_DOWN,
    Refusal.BEST_PRICE_OUTSIDE: errors.MARKET_ORDER_REJECT,
}


def refuse(refusal: Refusal | None, spec: SymbolSpec) -> None:
    """Raise the catalogue error of a filter's refusal (nothing when it passed)."""
    if refusal is None:
        return
    if refusal is Refusal.NOTIONAL_TOO_SMALL:
        raise errors.MIN_NOTIONAL.error(decimal_string(spec.min_notional))
    raise _REFUSALS[refusal].error()


def filters_of(spec: SymbolSpec) -> Filters:
    """The filters exchangeInfo renders for ``spec`` (api/handlers/market.py reads the same fields)."""
    return Filters(
        price_precision=spec.price_precision,
        quantity_precision=spec.quantity_precision,
        tick_size=spec.tick_size,
        min_price=spec.price_floor,
        max_price=spec.max_price,
        step_size=spec.step_size,
        min_qty=spec.min_qty,
        max_qty=spec.max_qty,
        market_max_qty=spec.market_max_qty,
        min_notional=spec.min_notional,
        multiplier_up=spec.multiplier_up,
        multiplier_down=spec.multiplier_down,
    )


def position_slot(dual_side_position: bool, requested: PositionSide | None, reduce_only_sent: bool) -> PositionSide:
    """The side an order trades: BOTH in one-way mode, the requested leg in hedge mode.

    -4061 when the side does not fit the mode [obs CCXT-7534] (a hedge account must name LONG or
    SHORT); -1106 for ``reduceOnly`` from a hedge account, sent at all [obs PB-947].
    """
    if not dual_side_position:
        if requested not in (None, PositionSide.BOTH):
            raise errors.POSITION_SIDE_NOT_MATCH.error()
        return PositionSide.BOTH
    if requested not in (PositionSide.LONG, PositionSide.SHORT):
        raise errors.POSITION_SIDE_NOT_MATCH.error()
    if reduce_only_sent:
        raise errors.PARAM_NOT_REQUIRED.error("reduceOnly")
    return requested


def closes_hedge_leg(side: OrderSide, slot: PositionSide) -> bool:
    """SELL on LONG and BUY on SHORT close a hedge leg, and are reduce-only by nature [obs CCXT-8304]."""
    return (slot is PositionSide.LONG and side is OrderSide.SELL) or (
        slot is PositionSide.SHORT and side is OrderSide.BUY
    )


def reducible_quantity(held: Decimal, side: OrderSide, quantity: Decimal, *, hedge: bool) -> Decimal:
    """The quantity a reduce-only order may fill against ``held`` (signed positionAmt).

    -2022 when it would reduce nothing: no position, or a one-way order on the position's own
    side [obs TR-GATE0]. A hedge close larger than its leg is -2022 too [obs CCXT-8304]; a one-way
    reduce-only order larger than the position is silently cut to it (reference open question 8:
    "reduce-only auto-reductions" [obs NT-3983]; cut at placement, assumed).
    """
    reduces = (held > 0 and side is OrderSide.SELL) or (held < 0 and side is OrderSide.BUY)
    if held == 0 or not reduces:
        raise errors.REDUCE_ONLY_REJECT.error()
    if quantity <= abs(held):
        return quantity
    if hedge:
        raise errors.REDUCE_ONLY_REJECT.error()
    return abs(held)
