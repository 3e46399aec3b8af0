"""Property tests: the liquidation price really is where margin meets maintenance, and removal bounds."""

from decimal import Decimal, localcontext

from hypothesis import assume, given
from hypothesis import strategies as st

from isomargin.domain.brackets import DEFAULT_BRACKETS, Bracket, maintenance_margin
from isomargin.domain.liquidation import liquidation_price, liquidation_price_in_bracket
from isomargin.domain.margin import max_removable
from isomargin.domain.position import DECIMAL_CONTEXT, IsolatedPosition, PositionSide, initial_margin, isolated_margin

TABLES = st.sampled_from([DEFAULT_BRACKETS["BTCUSDT"], DEFAULT_BRACKETS["ETHUSDT"]])


@st.composite
def positions(draw: st.DrawFn) -> IsolatedPosition:
    qty = draw(st.decimals(min_value=Decimal("0.001"), max_value=Decimal("20000"), places=3))
    entry = draw(st.decimals(min_value=Decimal("1"), max_value=Decimal("200000"), places=2))
    # wallet as a fraction of the entry notional: thin, normal, and over-collateralised positions
    fraction = draw(st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("1.5"), places=4))
    wallet = (qty * entry * fraction).quantize(Decimal("0.00000001"))
    short = draw(st.booleans())
    side = draw(st.sampled_from([PositionSide.BOTH, PositionSide.SHORT if short else PositionSide.LONG]))
    leverage = draw(st.integers(min_value=1, max_value=125))
    return IsolatedPosition(side, -qty if short else qty, entry, wallet, leverage)


@given(positions(), TABLES)
def test_margin_equals_maintenance_at_liquidation_price(pos: IsolatedPosition, table: tuple[Bracket, ...]) -> None:
    lp = liquidation_price(pos, table)
    assume(lp > 0)
    margin = isolated_margin(pos, lp)
    maintenance = maintenance_margin(table, pos.position_amt * lp)  # tier of the notional AT the LP
    assert abs(margin - maintenance) <= Decimal("1e-18") * maintenance


@given(positions(), TABLES)
def test_liquidation_price_is_the_envelope_of_tier_candidates(
    pos: IsolatedPosition, table: tuple[Bracket, ...]
) -> None:
    # Every tier's line lies below the convex maintenance curve, so the true long LP is the largest
    # candidate and the true short LP the smallest; the tier search must land on it.
    candidates = [liquidation_price_in_bracket(pos, tier) for tier in table]
    best = max(candidates) if pos.position_amt > 0 else min(candidates)
    expected = best if best > 0 else Decimal(0)
    assert abs(liquidation_price(pos, table) - expected) <= Decimal("1e-24") * max(expected, Decimal(1))


@given(positions(), TABLES, st.decimals(min_value=Decimal("0.01"), max_value=Decimal("400000"), places=2))
def test_max_removable_bounds(pos: IsolatedPosition, table: tuple[Bracket, ...], mark: Decimal) -> None:
    removable = max_removable(pos, mark, table)
    assert Decimal(0) <= removable <= pos.isolated_wallet
    if removable > 0:
        # what stays still covers initial margin at the mark, and the wallet covers maintenance
        # (up to the last of 34 digits: the removable amount is itself a rounded quotient)
        with localcontext(DECIMAL_CONTEXT):
            wallet = pos.isolated_wallet - removable
        after = IsolatedPosition(pos.position_side, pos.position_amt, pos.entry_price, wallet, pos.leverage)
        # the terms summed are as large as the notional, so their rounding scales with it
        scale = max(Decimal(1), pos.isolated_wallet, abs(pos.position_amt) * max(mark, pos.entry_price))
        slack = Decimal("1e-28") * scale
        # the subtraction too at 34 digits: in the default 28-digit context "x - slack" rounds up past x
        with localcontext(DECIMAL_CONTEXT):
            assert isolated_margin(after, mark) >= initial_margin(after, mark) - slack
            assert wallet >= maintenance_margin(table, pos.position_amt * mark) - slack
