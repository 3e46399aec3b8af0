"""domain/algo.py: which way conditional orders fire, and the trailing stop's stored trigger and keys.

The defining property of the stored trigger of a trailing stop: rounded onto the price grid, it
fires at exactly the prices the exact level ``best × (1 ∓ rate%)`` fires at (every price the store
holds lies on that grid). The keys are checked against the store's two range predicates
(``store.algo_orders``: a falling key is reached when ``key >= p``, a rising one when ``-p <= key < 0``).
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from isomargin.domain import algo
from isomargin.domain.algo import AlgoOrderType
from isomargin.domain.orders import OrderSide

GRID = algo.PRICE_GRID
prices = st.integers(min_value=1, max_value=10**15).map(lambda n: Decimal(n) * GRID)
rates = st.integers(min_value=1, max_value=100).map(lambda n: Decimal(n) / 10)
sides = st.sampled_from(list(OrderSide))


def key_reached(key: Decimal, price: Decimal) -> bool:
    """The store's predicate: one of its two ranges holds the key."""
    return key >= price if key > 0 else -price <= key < 0


def test_worked_levels() -> None:
    # 52,500 × (1 − 2%) = 51,450; 49,000 × (1 + 1%) = 49,490
    assert algo.trailing_trigger(OrderSide.SELL, Decimal("52500"), Decimal("2")) == Decimal("51450")
    assert algo.trailing_trigger(OrderSide.BUY, Decimal("49000"), Decimal("1")) == Decimal("49490")
    # 0.12345679 × 0.997 = 0.12308641963: floored for a SELL, ceiled for a BUY (× 1.003 = 0.12382716037)
    assert algo.trailing_trigger(OrderSide.SELL, Decimal("0.12345679"), Decimal("0.3")) == Decimal("0.12308641")
    assert algo.trailing_trigger(OrderSide.BUY, Decimal("0.12345679"), Decimal("0.3")) == Decimal("0.12382717")


def test_callback_rate_range_and_step() -> None:
    assert [algo.valid_callback_rate(Decimal(r)) for r in ("0.1", "1", "2.5", "10", "10.0")] == [True] * 5
    assert [algo.valid_callback_rate(Decimal(r)) for r in ("0", "0.05", "0.68", "10.1", "-1")] == [False] * 5


@given(sides, prices, rates, prices)
def test_the_stored_trigger_fires_where_the_exact_level_does(
    side: OrderSide, best: Decimal, rate: Decimal, price: Decimal
) -> None:
    stored = algo.trailing_trigger(side, best, rate)
    exact = best * (100 - rate) / 100 if side is OrderSide.SELL else best * (100 + rate) / 100
    fires = price <= exact if side is OrderSide.SELL else price >= exact
    assert algo.reached(AlgoOrderType.TRAILING_STOP_MARKET, side, stored, price) == fires
    key = algo.trigger_key(AlgoOrderType.TRAILING_STOP_MARKET, side, stored)
    assert key_reached(key, price) == fires


@given(sides, prices, prices)
def test_the_trail_key_is_reached_exactly_when_the_order_moves(
    side: OrderSide, watched: Decimal, price: Decimal
) -> None:
    # before activation: the activation price itself counts ("highest price >= activatePrice")
    assert key_reached(algo.trail_key(side, watched, strictly=False), price) == algo.trailing_moves(
        side, watched, None, price
    )
    # once active: only a better price than the best one moves it
    assert key_reached(algo.trail_key(side, watched, strictly=True), price) == algo.trailing_moves(
        side, watched, watched, price
    )


def test_activation_must_lie_ahead_of_the_price() -> None:
    # SELL: activatePrice above the latest price; BUY: below (else -2021)
    assert algo.activation_would_trigger(OrderSide.SELL, Decimal("50000"), Decimal("50000"))
    assert not algo.activation_would_trigger(OrderSide.SELL, Decimal("50000.1"), Decimal("50000"))
    assert algo.activation_would_trigger(OrderSide.BUY, Decimal("50000"), Decimal("50000"))
    assert not algo.activation_would_trigger(OrderSide.BUY, Decimal("49999.9"), Decimal("50000"))
