"""Orders as Binance defines them, and the pure rules that accept or refuse one.

``POST /fapi/v1/order`` [doc NO] (binance-usdm-trading-reference.md §1.1, §1.6): the enumerations,
the exchangeInfo filters (PRICE_FILTER, LOT_SIZE / MARKET_LOT_SIZE, MIN_NOTIONAL, PERCENT_PRICE)
and the commission of a fill. Nothing here reads storage or knows the wire: the service layer
calls these checks in Binance's order and raises the catalogue error each returns.

A check returns the :class:`Refusal` it would answer (None when the value passes), so the domain
stays free of the API's error catalogue and the service decides how to raise it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum

from isomargin.domain.position import DECIMAL_CONTEXT

PLACES = Decimal("0.00000001")


class OrderSide(StrEnum):
    BUY = "BUY"
    SELL = "SELL"


class OrderType(StrEnum):
    """Types ``POST /fapi/v1/order`` places since 2025-12-09 (the conditional ones moved to the Algo API)."""

    LIMIT = "LIMIT"
    MARKET = "MARKET"


#: Answered -4120 on /fapi/v1/order since 2025-12-09 [doc CL][obs QC-59]
CONDITIONAL_TYPES = frozenset({"STOP", "STOP_MARKET", "TAKE_PROFIT", "TAKE_PROFIT_MARKET", "TRAILING_STOP_MARKET"})


class TimeInForce(StrEnum):
    GTC = "GTC"
    IOC = "IOC"
    FOK = "FOK"
    GTX = "GTX"  # post only
    GTD = "GTD"


class OrderStatus(StrEnum):
    NEW = "NEW"
    PARTIALLY_FILLED = "PARTIALLY_FILLED"
    FILLED = "FILLED"
    CANCELED = "CANCELED"
    EXPIRED = "EXPIRED"

    @property
    def is_open(self) -> bool:
        return self in (OrderStatus.NEW, OrderStatus.PARTIALLY_FILLED)


class ResponseType(StrEnum):
    """``newOrderRespType``: ACK (default) answers at once, RESULT with the final state [doc NO]."""

    ACK = "ACK"
    RESULT = "RESULT"


class Refusal(StrEnum):
    """Why a filter refuses a value; the service maps each to its catalogue error."""

    QTY_NOT_POSITIVE = "-4003"
    QTY_PRECISION = "-1111 quantity"
    QTY_BELOW_MIN = "-4004"
    QTY_ABOVE_MAX = "-4005"
    QTY_STEP = "-4023"
    PRICE_NOT_POSITIVE = "-4001"
    PRICE_PRECISION = "-1111 price"
    PRICE_ABOVE_MAX = "-4002"
    PRICE_TICK = "-4014"
    PRICE_ABOVE_CAP = "-4016"
    PRICE_BELOW_FLOOR = "-4024"
    BEST_PRICE_OUTSIDE = "-4131"
    NOTIONAL_TOO_SMALL = "-4164"


@dataclass(frozen=True, slots=True)
class Filters:
    """One symbol's exchangeInfo filters, as the service builds them from its symbol table."""

    price_precision: int
    quantity_precision: int
    tick_size: Decimal
    min_price: Decimal
    max_price: Decimal
    step_size: Decimal
    min_qty: Decimal
    max_qty: Decimal
    market_max_qty: Decimal
    min_notional: Decimal
    multiplier_up: Decimal
    multiplier_down: Decimal


def _places(value: Decimal) -> int:
    """Significant digits after the point: ``0.0100`` → 2 (trailing zeros do not count)."""
    if value.is_zero():
        return 0
    exponent = value.normalize(DECIMAL_CONTEXT).as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def _on_grid(value: Decimal, origin: Decimal, step: Decimal) -> bool:
    with localcontext(DECIMAL_CONTEXT):
        return step == 0 or (value - origin) % step == 0


def check_quantity(quantity: Decimal, filters: Filters, *, market: bool) -> Refusal | None:
    """LOT_SIZE (LIMIT) or MARKET_LOT_SIZE (MARKET) [doc EI].

    Order (assumed; Binance's is unpublished): not positive (-4003), more decimals than
    ``quantityPrecision`` (-1111: BTCUSDT ``0.268118`` [obs NBA-577]), below minQty, above maxQty,
    off the step.
    """
    if quantity <= 0:
        return Refusal.QTY_NOT_POSITIVE
    if _places(quantity) > filters.quantity_precision:
        return Refusal.QTY_PRECISION
    if quantity < filters.min_qty:
        return Refusal.QTY_BELOW_MIN
    if quantity > (filters.market_max_qty if market else filters.max_qty):
        return Refusal.QTY_ABOVE_MAX
    if not _on_grid(quantity, filters.min_qty, filters.step_size):
        return Refusal.QTY_STEP
    return None


def check_price(price: Decimal, filters: Filters) -> Refusal | None:
    """PRICE_FILTER [doc EI]: positive, at most ``pricePrecision`` decimals, ≤ maxPrice, on the tick."""
    if price <= 0:
        return Refusal.PRICE_NOT_POSITIVE
    if _places(price) > filters.price_precision:
        return Refusal.PRICE_PRECISION
    if price > filters.max_price:
        return Refusal.PRICE_ABOVE_MAX
    if not _on_grid(price, filters.min_price, filters.tick_size):
        return Refusal.PRICE_TICK
    return None


def check_percent_price(price: Decimal, mark: Decimal, filters: Filters) -> Refusal | None:
    """PERCENT_PRICE for a LIMIT price: within ``mark × [multiplierDown, multiplierUp]`` [doc EI]."""
    with localcontext(DECIMAL_CONTEXT):
        if price > mark * filters.multiplier_up:
            return Refusal.PRICE_ABOVE_CAP
        if price < mark * filters.multiplier_down:
            return Refusal.PRICE_BELOW_FLOOR
    return None


def check_best_price(side: OrderSide, best: Decimal, mark: Decimal, filters: Filters) -> Refusal | None:
    """-4131: a MARKET order's counterparty best price is outside PERCENT_PRICE of the mark [obs CCXT-21792]."""
    with localcontext(DECIMAL_CONTEXT):
        if side is OrderSide.BUY and best > mark * filters.multiplier_up:
            return Refusal.BEST_PRICE_OUTSIDE
        if side is OrderSide.SELL and best < mark * filters.multiplier_down:
            return Refusal.BEST_PRICE_OUTSIDE
    return None


def check_notional(quantity: Decimal, price: Decimal, filters: Filters, *, reduce_only: bool) -> Refusal | None:
    """MIN_NOTIONAL: ``quantity × price`` ≥ notional unless reduce-only [obs QC-82].

    ``price`` is the order's price for a LIMIT, the mark price for a MARKET order [doc CD].
    """
    if reduce_only:
        return None
    with localcontext(DECIMAL_CONTEXT):
        return Refusal.NOTIONAL_TOO_SMALL if quantity * price < filters.min_notional else None


def commission(quantity: Decimal, price: Decimal, rate: Decimal) -> Decimal:
    """``|q| × p × rate`` to the asset's 8 decimals, cut (reference §1.4, §2.4).

    6.264 × 0.0004 = 0.0025056 and 13.89175 × 0.0004 = 0.0055567 are exact [obs]; one real fee
    is 1e-8 below the exact product (0.00250551 for 0.00250552), which no simple rounding of the
    exact value explains: cutting is the choice closest to it (assumed).
    """
    with localcontext(DECIMAL_CONTEXT):
        return (abs(quantity) * price * rate).quantize(PLACES, rounding=ROUND_DOWN)


def quote(quantity: Decimal, price: Decimal) -> Decimal:
    """``quoteQty`` / ``cumQuote`` of a fill, kept to 8 decimals (half up)."""
    with localcontext(DECIMAL_CONTEXT):
        return (abs(quantity) * price).quantize(PLACES, rounding=ROUND_HALF_UP)


_ZERO = Decimal(0)
_ONE = Decimal(1)
# DECIMAL_CONTEXT's methods bound once (not localcontext(): see domain/position.py): reading one off
# the Context costs ~700 instructions, and every margin transfer, fill and positionRisk row computes
# a break-even price
_add, _subtract, _multiply = DECIMAL_CONTEXT.add, DECIMAL_CONTEXT.subtract, DECIMAL_CONTEXT.multiply


def break_even_price(position_amt: Decimal, entry_price: Decimal, taker_rate: Decimal) -> Decimal:
    """``breakEvenPrice``: long ``ep × (1 + taker)`` (exact on six real samples, reference §2.5);
    short ``ep × (1 − taker)`` (assumed, open question 10); 0 when flat."""
    # Decimal operands only: an int (``0``, ``1``) is converted to a Decimal at every use (~300
    # instructions each); the same arithmetic, ~6.3k → ~2k instructions a call (docs/BENCHMARKS.md)
    if position_amt == _ZERO:
        return _ZERO
    factor = _add(_ONE, taker_rate) if position_amt > _ZERO else _subtract(_ONE, taker_rate)
    return _multiply(entry_price, factor)
