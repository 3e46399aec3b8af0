"""Conditional (algo) orders as pure rules: which way each fires, its index key [doc New-Algo-Order].

Binance's rule for conditional orders (New Order page before 2025-12, now the algo order page):
STOP / STOP_MARKET BUY fire when the price rises to the trigger, SELL when it falls to it;
TAKE_PROFIT / TAKE_PROFIT_MARKET the other way round (a SELL take-profit above the market fires as
the price rises to it). "Reaches" includes equality: a long's stop at 48,000 fires at 48,000.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from isomargin.domain.orders import OrderSide


class AlgoOrderType(StrEnum):
    STOP_MARKET = "STOP_MARKET"
    TAKE_PROFIT_MARKET = "TAKE_PROFIT_MARKET"
    STOP = "STOP"
    TAKE_PROFIT = "TAKE_PROFIT"

    @property
    def is_market(self) -> bool:
        return self in (AlgoOrderType.STOP_MARKET, AlgoOrderType.TAKE_PROFIT_MARKET)

    @property
    def is_stop(self) -> bool:
        return self in (AlgoOrderType.STOP_MARKET, AlgoOrderType.STOP)


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
