"""Conditional (algo) orders as pure rules: which way each fires, its index key [doc New-Algo-Order].

Binance's rule for conditional orders (New Order page before 2025-12, now the algo order page):
STOP / STOP_MARKET BUY fire when the price rises to the trigger, SELL when it falls to it;
TAKE_PROFIT / TAKE_PROFIT_MARKET the other way round (a SELL take-profit above the market fires as
the price rises to it). "Reaches" includes equality: a long's stop at 48,000 fires at 48,000.

TRAILING_STOP_MARKET (the New Algo Order notes, as the official SDK's ``new_algo_order`` carries
them): a SELL fires when "the highest price after order placed >= activatePrice, and the latest
price <= the highest price * (1 - callbackRate)"; a BUY when "the lowest price after order placed
<= activatePrice, and the latest price >= the lowest price * (1 + callbackRate)"; ``callbackRate``
is a percentage, "min 0.1, max 10 where 1 for 1%" [doc New-UM-Algo-Order]. So a SELL trailing stop
is a falling stop whose trigger follows its best price up; a BUY one a rising stop following the
lowest price down.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from enum import StrEnum

from isomargin.domain.orders import OrderSide


class AlgoOrderType(StrEnum):
    STOP_MARKET = "STOP_MARKET"
    TAKE_PROFIT_MARKET = "TAKE_PROFIT_MARKET"
    STOP = "STOP"
    TAKE_PROFIT = "TAKE_PROFIT"
    TRAILING_STOP_MARKET = "TRAILING_STOP_MARKET"

    @property
    def is_market(self) -> bool:
        """Places a MARKET order when it fires (the others a LIMIT order at ``price``)."""
        return self in (AlgoOrderType.STOP_MARKET, AlgoOrderType.TAKE_PROFIT_MARKET, AlgoOrderType.TRAILING_STOP_MARKET)

    @property
    def may_close_position(self) -> bool:
        """``closePosition`` is "used with STOP_MARKET or TAKE_PROFIT_MARKET" [doc New-Algo-Order]."""
        return self in (AlgoOrderType.STOP_MARKET, AlgoOrderType.TAKE_PROFIT_MARKET)

    @property
    def is_stop(self) -> bool:
        return self in (AlgoOrderType.STOP_MARKET, AlgoOrderType.STOP, AlgoOrderType.TRAILING_STOP_MARKET)

    @property
    def is_trailing(self) -> bool:
        return self is AlgoOrderType.TRAILING_STOP_MARKET


class WorkingType(StrEnum):
    MARK_PRICE = "MARK_PRICE"
    CONTRACT_PRICE = "CONTRACT_PRICE"


class AlgoStatus(StrEnum):
    """``algoStatus`` / ALGO_UPDATE ``X`` [doc Event-Algo-Order-Update]."""

    NEW = "NEW"
    CANCELED = "CANCELED"
    TRIGGERING = "TRIGGERING"
    TRIGGERED = "TRIGGERED"
    FINISHED = "FINISHED"
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"


def fires_on_fall(order_type: AlgoOrderType, side: OrderSide) -> bool:
    """A SELL stop and a BUY take-profit fire when the price falls to the trigger; the rest as it rises."""
    return order_type.is_stop == (side is OrderSide.SELL)


def reached(order_type: AlgoOrderType, side: OrderSide, trigger: Decimal, price: Decimal) -> bool:
    """Whether ``price`` has reached ``trigger`` for this order (equality fires)."""
    return price <= trigger if fires_on_fall(order_type, side) else price >= trigger


def trigger_key(order_type: AlgoOrderType, side: OrderSide, trigger: Decimal) -> Decimal:
    """The signed key ``store.algo_orders`` ranges over: the price, negated for the rising kind."""
    return trigger if fires_on_fall(order_type, side) else -trigger


# --- TRAILING_STOP_MARKET --------------------------------------------------------------------------
CALLBACK_RATE_MIN = Decimal("0.1")
CALLBACK_RATE_MAX = Decimal("10")
#: callbackRate moves in tenths of a percent: 0.68 is refused, 0.7 accepted (reported by bots that
#: met -2007; assumed, the doc names only the range)
CALLBACK_RATE_STEP = Decimal("0.1")
#: the grid every stored price lies on (``store.money_sql``: 8 decimals)
PRICE_GRID = Decimal("0.00000001")
_HUNDRED = Decimal(100)


def valid_callback_rate(rate: Decimal) -> bool:
    return CALLBACK_RATE_MIN <= rate <= CALLBACK_RATE_MAX and rate % CALLBACK_RATE_STEP == 0


def activation_would_trigger(side: OrderSide, activate: Decimal, price: Decimal) -> bool:
    """-2021 at placement: "BUY: activatePrice should be smaller than latest price. SELL:
    activatePrice should be larger than latest price" [doc New-Algo-Order]."""
    return activate <= price if side is OrderSide.SELL else activate >= price


def trailing_trigger(side: OrderSide, best: Decimal, callback_rate: Decimal) -> Decimal:
    """The price that fires a trailing stop whose best price is ``best``: ``best × (1 − rate%)``
    for a SELL, ``best × (1 + rate%)`` for a BUY, rounded onto the price grid towards the best
    price. Prices lie on that grid, so ``price <= floor(level)`` exactly when ``price <= level``
    (and ``>= ceil`` for a BUY): the rounding never moves the moment it fires."""
    if side is OrderSide.SELL:
        return (best * (_HUNDRED - callback_rate) / _HUNDRED).quantize(PRICE_GRID, ROUND_FLOOR)
    return (best * (_HUNDRED + callback_rate) / _HUNDRED).quantize(PRICE_GRID, ROUND_CEILING)


def trail_key(side: OrderSide, watched: Decimal, *, strictly: bool) -> Decimal:
    """The signed key of the price a trailing stop next moves at — its activation price (reached
    with equality) or, once active, any price better than its best (``strictly``): the SELL one
    watches the price rise (a negated key), the BUY one watches it fall. A strict watch is one grid
    step past the best, so a tick at the best price itself does not wake the order up."""
    if side is OrderSide.SELL:
        return -(watched + PRICE_GRID if strictly else watched)
    return watched - PRICE_GRID if strictly else watched


def trailing_moves(side: OrderSide, activate: Decimal, best: Decimal | None, price: Decimal) -> bool:
    """Whether ``price`` activates the order (best is None) or improves its best price."""
    if best is None:
        return price >= activate if side is OrderSide.SELL else price <= activate
    return price > best if side is OrderSide.SELL else price < best
