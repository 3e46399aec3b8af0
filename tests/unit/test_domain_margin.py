"""Max removable / addable margin [FAQ-ADJ], reference §6.2–§6.3."""

from decimal import Decimal

from isomargin.domain.brackets import DEFAULT_BRACKETS
from isomargin.domain.margin import max_addable, max_removable, position_maintenance_margin
from isomargin.domain.position import IsolatedPosition, PositionSide

BTC = DEFAULT_BRACKETS["BTCUSDT"]
LONG = IsolatedPosition(PositionSide.BOTH, Decimal("0.01"), Decimal("100000"), Decimal("200"), 10)


def test_reference_worked_example() -> None:
    mark = Decimal("98000")
    # notional 0.01 × 98000 = 980 (tier 1) → MM = 980 × 0.004 = 3.92
    assert position_maintenance_margin(LONG, mark, BTC) == Decimal("3.92")
    # min(200 − 3.92, 200 + 0.01 × (98000 − 100000) − 98000 × 0.01 / 10) = min(196.08, 200 − 20 − 98) = 82
    assert max_removable(LONG, mark, BTC) == Decimal("82")


def test_maintenance_term_binds_on_a_big_profit() -> None:
    mark = Decimal("150000")
    # MM = 1500 × 0.004 = 6; second term 200 + 500 − 150 = 550 → min(194, 550) = 194.
    # (The older FAQ variant, without − MM, would allow the whole 200.)
    assert max_removable(LONG, mark, BTC) == Decimal("194")


def test_short_loses_when_price_rises() -> None:
    short = IsolatedPosition(PositionSide.SHORT, Decimal("-0.01"), Decimal("100000"), Decimal("200"), 10)
    mark = Decimal("102000")
    # MM = 1020 × 0.004 = 4.08 → 195.92; second: 200 + (−0.01) × 2000 − 102000 × 0.01 / 10 = 200 − 20 − 102 = 78
    assert max_removable(short, mark, BTC) == Decimal("78")


def test_nothing_removable_when_below_initial_margin() -> None:
    thin = IsolatedPosition(PositionSide.BOTH, Decimal("0.01"), Decimal("100000"), Decimal("50"), 10)
    # 50 − 20 − 98 = −68 → floored at 0
    assert max_removable(thin, Decimal("98000"), BTC) == Decimal("0")


def test_flat_position_can_remove_whole_wallet() -> None:
    flat = IsolatedPosition(PositionSide.BOTH, Decimal("0"), Decimal("0"), Decimal("12.5"), 20)
    # MM = 0 and the second term is iw + 0 − 0
    assert max_removable(flat, Decimal("98000"), BTC) == Decimal("12.5")


def test_max_addable() -> None:
    # 1000 − 50 (isolated open-order IM) − 100 (cross MM) = 850
    assert max_addable(Decimal("1000"), Decimal("100"), Decimal("50")) == Decimal("850")
    assert max_addable(Decimal("23.72469206")) == Decimal("23.72469206")
    # 10 − 0 − 25 < 0 → 0
    assert max_addable(Decimal("10"), cross_positions_maint_margin=Decimal("25")) == Decimal("0")
