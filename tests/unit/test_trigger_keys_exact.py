"""The trigger keys as every position change computes them (``trigger_keys``: one function per
search, the per-ratio terms computed once, a covered long skipped) are exactly the keys of the
prices positionRisk renders (``trigger_key(liquidation_price(…))``, the search as it was written
first), over random positions and random valid bracket tables, longs and shorts, the liquidation
ratio and margin-call ratios; and a position ``never_triggers`` says has none has none.

Positions are what the store holds: amounts, entries and wallets with up to 8 decimals, from
dust to past the last tier's cap, wallets on both sides of the entry notional.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from isomargin.domain.brackets import DEFAULT_BRACKETS, Bracket, derive_cum, validate_brackets
from isomargin.domain.changes import Holding
from isomargin.domain.liquidation import (
    NO_TRIGGERS,
    TriggerKeys,
    liquidation_price,
    never_triggers,
    trigger_key,
    trigger_keys,
)
from isomargin.domain.position import DECIMAL_CONTEXT, PositionSide

ONE = Decimal(1)
PLACES = Decimal("1E-8")


def keys_from_prices(pos: Holding, brackets: Sequence[Bracket], ratio: Decimal) -> TriggerKeys:
    """The keys as the engine's contract states them: positionRisk's prices, rounded to the safe side."""
    amt = pos.position_amt
    return TriggerKeys(
        trigger_key(liquidation_price(pos, brackets, ONE), amt),  # type: ignore[arg-type]
        trigger_key(liquidation_price(pos, brackets, ratio), amt),  # type: ignore[arg-type]
    )


def scaled(low: int, high: int, max_places: int = 8) -> st.SearchStrategy[Decimal]:
    """Decimals ``n × 10^-places`` for n in [low, high] and up to ``max_places`` places."""
    return st.builds(lambda n, places: Decimal(n).scaleb(-places), st.integers(low, high), st.integers(0, max_places))


@st.composite
def tables(draw: st.DrawFn) -> tuple[Bracket, ...]:
    """A valid tier table (``validate_brackets``): floors from 0, increasing MMRs in (0, 1) with up
    to 5 decimals, non-increasing leverage, every ``cum`` derived."""
    count = draw(st.integers(1, 12))
    gaps = draw(st.lists(st.integers(1, 10**9), min_size=count, max_size=count))
    floors = [Decimal(0)]
    for gap in gaps[:-1]:
        floors.append(floors[-1] + Decimal(gap).scaleb(-draw(st.integers(0, 2))))
    caps = [*floors[1:], floors[-1] + Decimal(gaps[-1])]
    mmr_points = sorted(draw(st.sets(st.integers(1, 99_999), min_size=count, max_size=count)))
    mmrs = [Decimal(m).scaleb(-5) for m in mmr_points]
    leverages = sorted(draw(st.lists(st.integers(1, 125), min_size=count, max_size=count)), reverse=True)
    cums = derive_cum(zip(floors, mmrs, strict=True))
    table = tuple(Bracket(i + 1, leverages[i], floors[i], caps[i], mmrs[i], cums[i]) for i in range(count))
    validate_brackets(table)
    return table


TABLES = st.one_of(st.sampled_from([DEFAULT_BRACKETS["BTCUSDT"], DEFAULT_BRACKETS["ETHUSDT"]]), tables())
#: below 10^10, as the control plane bounds every stored decimal (``service.admin.MAX_INTEGER_DIGITS``)
AMOUNTS = scaled(-(10**10) + 1, 10**10 - 1).filter(bool)
PRICES = scaled(1, 10**10 - 1)
#: margin-call ratios as the control plane accepts them (0 < ratio < 1, up to 8 decimals), and 0
RATIOS = st.one_of(
    st.sampled_from([Decimal("0.8"), Decimal("0.5"), Decimal("0.99999999"), Decimal(0)]),
    st.integers(1, 99_999_999).map(lambda n: Decimal(n).scaleb(-8)),
)


@st.composite
def holdings(draw: st.DrawFn) -> Holding:
    amt, entry = draw(AMOUNTS), draw(PRICES)
    notional = DECIMAL_CONTEXT.multiply(abs(amt), entry)
    # a wallet as a share of the entry notional (0 to 1.5: a long covered or not), or any amount
    wallet = draw(
        st.one_of(
            st.integers(0, 15_000).map(
                lambda n: DECIMAL_CONTEXT.quantize(DECIMAL_CONTEXT.multiply(notional, Decimal(n).scaleb(-4)), PLACES)
            ),
            scaled(0, 10**10 - 1),
        )
    )
    side = draw(st.sampled_from([PositionSide.BOTH, PositionSide.LONG if amt > 0 else PositionSide.SHORT]))
    return Holding("BTCUSDT", side, amt, entry, wallet)


@settings(max_examples=1500)
@given(holdings(), TABLES, RATIOS)
def test_keys_are_the_rendered_prices_keys(pos: Holding, brackets: Sequence[Bracket], ratio: Decimal) -> None:
    assert trigger_keys(pos, brackets, ratio) == keys_from_prices(pos, brackets, ratio)


@settings(max_examples=1000)
@given(holdings(), TABLES, RATIOS)
def test_a_position_that_never_triggers_has_no_keys(pos: Holding, brackets: Sequence[Bracket], ratio: Decimal) -> None:
    if never_triggers(pos, ratio):
        assert keys_from_prices(pos, brackets, ratio) == NO_TRIGGERS
    # the covered long exactly: a wallet of the entry notional, and one 10^-8 less (which has a price)
    covered = Holding(pos.symbol, pos.position_side, abs(pos.position_amt), pos.entry_price, Decimal(0))
    notional = DECIMAL_CONTEXT.multiply(covered.position_amt, covered.entry_price)
    if notional == DECIMAL_CONTEXT.quantize(notional, PLACES):
        at = Holding(covered.symbol, covered.position_side, covered.position_amt, covered.entry_price, notional)
        assert never_triggers(at, ratio)
        assert trigger_keys(at, brackets, ratio) == keys_from_prices(at, brackets, ratio) == NO_TRIGGERS
        below = Holding(
            at.symbol, at.position_side, at.position_amt, at.entry_price, DECIMAL_CONTEXT.subtract(notional, PLACES)
        )
        assert not never_triggers(below, ratio)
        assert trigger_keys(below, brackets, ratio) == keys_from_prices(below, brackets, ratio)


def test_flat_and_short_positions() -> None:
    btc = DEFAULT_BRACKETS["BTCUSDT"]
    flat = Holding.flat("BTCUSDT", PositionSide.BOTH)
    assert never_triggers(flat, Decimal("0.8")) and trigger_keys(flat, btc, Decimal("0.8")) == NO_TRIGGERS
    # a short is liquidated by a rise whatever its wallet
    rich_short = Holding("BTCUSDT", PositionSide.SHORT, Decimal("-0.01"), Decimal(50000), Decimal(10**6))
    assert not never_triggers(rich_short, Decimal("0.8"))
    keys = trigger_keys(rich_short, btc, Decimal("0.8"))
    assert keys == keys_from_prices(rich_short, btc, Decimal("0.8"))
    assert keys.liquidation is not None and keys.liquidation < 0
