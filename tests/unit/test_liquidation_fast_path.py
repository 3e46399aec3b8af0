"""The liquidation-price search and the trigger keys, as written for every position change, answer
exactly like the general expressions they replaced (``localcontext`` around operators, tiers found
by ``bracket_for_notional`` and remembered in a set of ``Bracket``s, each search starting on its
own): equal to the last digit, for longs and shorts, every tier, wallets on both sides of the
entry notional and ratios from margin-call to liquidation."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext

from hypothesis import given, settings
from hypothesis import strategies as st

from isomargin.domain.brackets import DEFAULT_BRACKETS, Bracket, bracket_for_notional
from isomargin.domain.liquidation import (
    TriggerKeys,
    liquidation_price,
    liquidation_price_in_bracket,
    trigger_key,
    trigger_keys,
)
from isomargin.domain.position import DECIMAL_CONTEXT, IsolatedPosition, PositionSide

ZERO = Decimal(0)
PLACES = Decimal("0.00000001")


def general_in_bracket(pos: IsolatedPosition, tier: Bracket, ratio: Decimal) -> Decimal:
    amt = pos.position_amt
    with localcontext(DECIMAL_CONTEXT):
        numerator = ratio * (pos.isolated_wallet - amt * pos.entry_price) + tier.cum
        denominator = abs(amt) * tier.maint_margin_ratio - ratio * amt
        if amt > 0 and denominator >= 0:
            return ZERO
        return numerator / denominator


def general_price(pos: IsolatedPosition, brackets: Sequence[Bracket], ratio: Decimal = Decimal(1)) -> Decimal:
    amt = pos.position_amt
    if not amt:
        return ZERO
    with localcontext(DECIMAL_CONTEXT):
        tier = bracket_for_notional(brackets, amt * pos.entry_price)
        seen = {tier}
        while True:
            price = general_in_bracket(pos, tier, ratio)
            tier = bracket_for_notional(brackets, abs(amt) * max(price, ZERO))
            if tier in seen:
                break
            seen.add(tier)
        return price if price > 0 else ZERO


def general_key(price: Decimal, amt: Decimal) -> Decimal | None:
    if price <= 0 or amt == 0:
        return None
    with localcontext(DECIMAL_CONTEXT):
        if amt > 0:
            return price.quantize(PLACES, rounding=ROUND_CEILING)
        return -price.quantize(PLACES, rounding=ROUND_FLOOR)


def general_keys(pos: IsolatedPosition, brackets: Sequence[Bracket], ratio: Decimal) -> TriggerKeys:
    if not pos.position_amt:
        return TriggerKeys(None, None)
    amt = pos.position_amt
    return TriggerKeys(
        general_key(general_price(pos, brackets), amt), general_key(general_price(pos, brackets, ratio), amt)
    )


TABLES = st.sampled_from([DEFAULT_BRACKETS["BTCUSDT"], DEFAULT_BRACKETS["ETHUSDT"]])
# quantities on a 0.001 step up to 40,000 and prices up to 200,000: notionals from nothing to past the
# last tier's cap (8e9), so every tier is entered and left
AMOUNTS = st.integers(-40_000_000, 40_000_000).filter(bool).map(lambda n: Decimal(n).scaleb(-3))
PRICES = st.integers(1, 20_000_000).map(lambda n: Decimal(n).scaleb(-2))
WALLET_SHARE = st.integers(0, 12_000).map(lambda n: Decimal(n).scaleb(-4))  # of the entry notional: 0 to 1.2
RATIOS = st.sampled_from([Decimal(1), Decimal("0.8"), Decimal("0.5"), Decimal("0.95"), Decimal("0.0001")])


@st.composite
def positions(draw: st.DrawFn) -> IsolatedPosition:
    amt, entry, share = draw(AMOUNTS), draw(PRICES), draw(WALLET_SHARE)
    wallet = (abs(amt) * entry * share).quantize(PLACES)
    side = draw(st.sampled_from([PositionSide.BOTH, PositionSide.LONG if amt > 0 else PositionSide.SHORT]))
    return IsolatedPosition(side, amt, entry, wallet, 10)


@settings(max_examples=400)
@given(positions(), TABLES, RATIOS)
def test_search_equals_general_expressions(pos: IsolatedPosition, brackets: Sequence[Bracket], ratio: Decimal) -> None:
    assert liquidation_price(pos, brackets, ratio) == general_price(pos, brackets, ratio)
    assert trigger_keys(pos, brackets, ratio) == general_keys(pos, brackets, ratio)


@given(positions(), TABLES, RATIOS)
def test_in_bracket_equals_general_expression(
    pos: IsolatedPosition, brackets: Sequence[Bracket], ratio: Decimal
) -> None:
    for tier in brackets:
        assert liquidation_price_in_bracket(pos, tier, ratio) == general_in_bracket(pos, tier, ratio)


@given(st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=20), AMOUNTS)
def test_key_rounding_equals_general_expression(price: Decimal, amt: Decimal) -> None:
    assert trigger_key(price, amt) == general_key(price, amt)


def test_tier_boundary_prices_agree() -> None:
    # a long whose liquidation notional lands exactly on BTCUSDT's tier 2/3 boundary (600,000):
    # 10 BTC entered at 70,000 (tier 3) with the wallet that puts LP at 60,000 in tier 3's formula,
    # (Q×EP − WB − cum) / (Q × (1 − MMR)) = 60,000 ⇒ WB = 700,000 − 950 − 600,000 × 0.9935 = 102,950
    btc = DEFAULT_BRACKETS["BTCUSDT"]
    pos = IsolatedPosition(PositionSide.BOTH, Decimal(10), Decimal(70000), Decimal(102950), 5)
    assert liquidation_price(pos, btc) == general_price(pos, btc) == Decimal(60000)
    assert trigger_keys(pos, btc, Decimal("0.8")) == general_keys(pos, btc, Decimal("0.8"))
