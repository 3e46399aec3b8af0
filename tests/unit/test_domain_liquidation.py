"""Isolated liquidation price [FAQ-LIQ][DEV883][FT], reference §6.4; worked examples by hand."""

from decimal import Decimal, localcontext

import pytest

from isomargin.domain.brackets import DEFAULT_BRACKETS, Bracket, maintenance_margin
from isomargin.domain.liquidation import liquidation_price, liquidation_price_in_bracket, quantize_price
from isomargin.domain.position import DECIMAL_CONTEXT, IsolatedPosition, PositionSide, isolated_margin

BTC = DEFAULT_BRACKETS["BTCUSDT"]


def _exact(numerator: str, denominator: str) -> Decimal:
    """The hand-derived quotient at the domain's 34-digit precision."""
    with localcontext(DECIMAL_CONTEXT):
        return Decimal(numerator) / Decimal(denominator)


GAS = (Bracket(1, 50, Decimal("0"), Decimal("5000"), Decimal("0.015"), Decimal("0")),)


def _pos(
    amt: str, entry: str, wallet: str, side: PositionSide = PositionSide.BOTH, leverage: int = 10
) -> IsolatedPosition:
    return IsolatedPosition(side, Decimal(amt), Decimal(entry), Decimal(wallet), leverage)


def test_gas_short_captured_vector() -> None:
    gas = _pos("-1", "8.616", "1.57109202", PositionSide.SHORT, 15)
    # short: (WB + cum + Q × EP) / (Q × (1 + MMR)) = (1.57109202 + 0 + 8.616) / 1.015
    #      = 10.18709202 / 1.015 = 10.0365438620689… → 10.03654386
    lp = liquidation_price(gas, GAS)
    assert lp == _exact("10.18709202", "1.015")
    assert quantize_price(lp) == Decimal("10.03654386")


def test_long_tier_one() -> None:
    # (Q × EP − WB − cum) / (Q × (1 − MMR)) = (1000 − 100 − 0) / (0.01 × 0.996) = 900 / 0.00996
    #   = 90361.445783132530…; notional at LP 903.61 stays in tier 1
    assert quantize_price(liquidation_price(_pos("0.01", "100000", "100"), BTC)) == Decimal("90361.44578313")


def test_short_tier_one() -> None:
    # (100 + 0 + 1000) / (0.01 × 1.004) = 1100 / 0.01004 = 109561.752988047808…
    assert quantize_price(liquidation_price(_pos("-0.01", "100000", "100"), BTC)) == Decimal("109561.75298805")


def test_hedge_legs_match_one_way() -> None:
    long_leg = _pos("0.01", "100000", "100", PositionSide.LONG)
    short_leg = _pos("-0.01", "100000", "100", PositionSide.SHORT)
    # LONG leg: (WB + cumL − PosL × EPL) / (PosL × MMRL − PosL), the same as a BOTH long
    assert liquidation_price(long_leg, BTC) == _exact("900", "0.00996")
    # SHORT leg: (WB + cumS + PosS × EPS) / (PosS × MMRS + PosS), the same as a BOTH short
    assert liquidation_price(short_leg, BTC) == _exact("1100", "0.01004")


def test_long_crosses_down_into_tier_two() -> None:
    pos = _pos("10", "70000", "140000", leverage=5)
    # entry notional 700000 → tier 3 (0.0065, cum 950):
    #   (700000 − 140000 − 950) / (10 × 0.9935) = 559050 / 9.935 = 56270.76 → notional 562707.6 < 600000
    assert liquidation_price_in_bracket(pos, BTC[2]) == _exact("559050", "9.935")
    # so recompute with tier 2 (0.005, cum 50):
    #   (700000 − 140000 − 50) / (10 × 0.995) = 559950 / 9.95 = 56276.3819095477…
    #   notional 562763.82 ∈ [50000, 600000) → tier 2 again: stable
    lp = liquidation_price(pos, BTC)
    assert lp == _exact("559950", "9.95")
    assert quantize_price(lp) == Decimal("56276.38190955")
    # check: margin 140000 + 10 × (56276.3819 − 70000) = 2763.819…
    #      = MM 562763.819 × 0.005 − 50 = 2763.819…
    assert quantize_price(isolated_margin(pos, lp)) == quantize_price(maintenance_margin(BTC, 10 * lp))


def test_short_crosses_up_into_tier_three() -> None:
    pos = _pos("-10", "58000", "116000", leverage=5)
    # entry notional 580000 → tier 2: (116000 + 50 + 580000) / (10 × 1.005) = 696050 / 10.05
    #   = 69258.71 → notional 692587.1 ≥ 600000 → tier 3
    assert liquidation_price_in_bracket(pos, BTC[1]) == _exact("696050", "10.05")
    # tier 3: (116000 + 950 + 580000) / (10 × 1.0065) = 696950 / 10.065 = 69244.9080973671…
    #   notional 692449.08 ∈ [600000, 3000000) → stable
    lp = liquidation_price(pos, BTC)
    assert lp == _exact("696950", "10.065")
    assert quantize_price(lp) == Decimal("69244.90809737")


def test_long_whose_entry_tier_gives_negative_price_still_liquidates() -> None:
    pos = _pos("1000", "100000", "98000000", leverage=1)
    # entry notional 100,000,000 = tier 7's floor: (1e8 − 9.8e7 − 2981450) / (1000 × 0.95) = −1033.1 < 0,
    # so the notional at LP is 0 → tier 1: 2,000,000 / (1000 × 0.996) = 2008.03 → notional 2,008,032
    # → tier 3: (2,000,000 − 950) / (1000 × 0.9935) = 1999050 / 993.5 = 2012.12883744…
    # notional 2,012,128.8 ∈ [600000, 3000000) → stable. The wallet covers 98% of the position, not all.
    assert liquidation_price_in_bracket(pos, BTC[6]) < 0
    lp = liquidation_price(pos, BTC)
    assert lp == _exact("1999050", "993.5")
    assert quantize_price(lp) == Decimal("2012.12883744")


@pytest.mark.parametrize("wallet", ["1000", "1500"])
def test_fully_collateralised_long_has_no_liquidation_price(wallet: str) -> None:
    # (1000 − wallet − 0) / (0.01 × 0.996) is 0 (wallet = notional) or negative → shown as 0
    assert liquidation_price(_pos("0.01", "100000", wallet, leverage=1), BTC) == Decimal("0")


def test_fully_collateralised_short_still_has_one() -> None:
    # a short's loss is unbounded: (1000 + 0 + 1000) / (0.01 × 1.004) = 199203.187250996…
    lp = liquidation_price(_pos("-0.01", "100000", "1000", leverage=1), BTC)
    assert quantize_price(lp) == Decimal("199203.18725100")


@pytest.mark.parametrize("side", [PositionSide.BOTH, PositionSide.LONG, PositionSide.SHORT])
def test_flat_position_is_zero(side: PositionSide) -> None:
    assert liquidation_price(_pos("0", "0", "5", side), BTC) == Decimal("0")
    with pytest.raises(ValueError):
        liquidation_price_in_bracket(_pos("0", "0", "5", side), BTC[0])


def test_result_does_not_depend_on_caller_context() -> None:
    pos = _pos("10", "70000", "140000", leverage=5)
    with localcontext(prec=6):
        low_precision_caller = liquidation_price(pos, BTC)
    assert low_precision_caller == liquidation_price(pos, BTC)
    assert quantize_price(low_precision_caller) == Decimal("56276.38190955")


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("10.036543862068"), 8, Decimal("10.03654386")),
        (Decimal("1.000000005"), 8, Decimal("1.00000001")),  # a tie goes up (half-even would give …00)
        (Decimal("-1.000000005"), 8, Decimal("-1.00000001")),  # half away from zero
        (Decimal("69244.908097367"), 2, Decimal("69244.91")),
        (Decimal("0"), 8, Decimal("0E-8")),
    ],
)
def test_quantize_price(value: Decimal, places: int, expected: Decimal) -> None:
    result = quantize_price(value, places)
    assert result == expected
    assert result.as_tuple().exponent == -places
