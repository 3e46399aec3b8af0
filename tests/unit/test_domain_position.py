"""Per-position quantities against real captured rows ([obs I239], GASUSDT capture)."""

from decimal import Decimal, localcontext

import pytest

from isomargin.domain.brackets import DEFAULT_BRACKETS
from isomargin.domain.margin import position_maintenance_margin
from isomargin.domain.position import (
    IsolatedPosition,
    PositionSide,
    direction,
    initial_margin,
    isolated_margin,
    notional,
    unrealized_pnl,
)

BTC = DEFAULT_BRACKETS["BTCUSDT"]

# Real /fapi/v3/account row [obs I239]: isolatedWallet 195.16329420, unrealizedProfit −20.248,
# notional 955.02. Symbol and size are not in the row, so size 1 is assumed: mark = 955.02 and
# entry = 955.02 + 20.248 = 975.268; leverage 5 is inferred from initialMargin.
REAL_ROW = IsolatedPosition(PositionSide.BOTH, Decimal("1"), Decimal("975.268"), Decimal("195.16329420"), 5)
REAL_MARK = Decimal("955.02")

# Real captured GASUSDT hedge SHORT leg.
GAS_SHORT = IsolatedPosition(PositionSide.SHORT, Decimal("-1"), Decimal("8.616"), Decimal("1.57109202"), 15)
GAS_MARK = Decimal("8.736")


def test_real_row_vector() -> None:
    # unrealized = 1 × (955.02 − 975.268) = −20.248
    assert unrealized_pnl(REAL_ROW, REAL_MARK) == Decimal("-20.248")
    # isolatedMargin = 195.16329420 − 20.248 = 174.91529420
    assert isolated_margin(REAL_ROW, REAL_MARK) == Decimal("174.91529420")
    assert notional(REAL_ROW, REAL_MARK) == Decimal("955.02")
    # initialMargin = 955.02 / 5 = 191.004
    assert initial_margin(REAL_ROW, REAL_MARK) == Decimal("191.004")
    # maintMargin = 955.02 × 0.004 − 0 = 3.82008 (tier 1)
    assert position_maintenance_margin(REAL_ROW, REAL_MARK, BTC) == Decimal("3.82008")


def test_gas_short_vector() -> None:
    # short: unrealized = −1 × (8.736 − 8.616) = −0.12; the price rose against the short
    assert unrealized_pnl(GAS_SHORT, GAS_MARK) == Decimal("-0.12")
    # isolatedMargin = 1.57109202 − 0.12 = 1.45109202
    assert isolated_margin(GAS_SHORT, GAS_MARK) == Decimal("1.45109202")
    # Binance shows a short's notional negative: −1 × 8.736
    assert notional(GAS_SHORT, GAS_MARK) == Decimal("-8.736")
    # 8.736 / 15 = 0.5824
    assert initial_margin(GAS_SHORT, GAS_MARK) == Decimal("0.5824")


def test_short_profits_when_price_falls() -> None:
    short = IsolatedPosition(PositionSide.BOTH, Decimal("-0.5"), Decimal("3000"), Decimal("150"), 10)
    # −0.5 × (2900 − 3000) = +50
    assert unrealized_pnl(short, Decimal("2900")) == Decimal("50")
    assert isolated_margin(short, Decimal("2900")) == Decimal("200")


@pytest.mark.parametrize(
    ("side", "amt", "expected"),
    [
        (PositionSide.BOTH, Decimal("0.001"), 1),
        (PositionSide.BOTH, Decimal("-0.001"), -1),
        (PositionSide.BOTH, Decimal("0"), 0),
        (PositionSide.LONG, Decimal("2"), 1),
        (PositionSide.SHORT, Decimal("-2"), -1),
        (PositionSide.SHORT, Decimal("0"), 0),
    ],
)
def test_direction(side: PositionSide, amt: Decimal, expected: int) -> None:
    assert direction(IsolatedPosition(side, amt, Decimal("100"), Decimal("10"), 10)) == expected


@pytest.mark.parametrize(
    ("side", "amt", "leverage"),
    [
        (PositionSide.LONG, Decimal("-1"), 10),  # LONG legs are never negative
        (PositionSide.SHORT, Decimal("1"), 10),  # SHORT legs are shown negative
        (PositionSide.BOTH, Decimal("1"), 0),
    ],
)
def test_position_rejects_inconsistent_fields(side: PositionSide, amt: Decimal, leverage: int) -> None:
    with pytest.raises(ValueError):
        IsolatedPosition(side, amt, Decimal("100"), Decimal("10"), leverage)


def test_initial_margin_ignores_caller_context() -> None:
    # 1000 / 3 = 333.333… to 34 significant digits, even when the caller runs at prec 5.
    pos = IsolatedPosition(PositionSide.BOTH, Decimal("1"), Decimal("1000"), Decimal("400"), 3)
    with localcontext(prec=5):
        low = initial_margin(pos, Decimal("1000"))
    assert low == Decimal("333.3333333333333333333333333333333")
