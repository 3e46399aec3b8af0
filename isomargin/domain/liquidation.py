"""Liquidation price of an isolated position, and the price display rounding.

Formula from the liquidation FAQ [FAQ-LIQ]
(https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93), written out by Binance
staff in [DEV883] (https://dev.binance.vision/t/how-to-calculate-cumb-while-calculating-liquidation-price/883)
and implemented identically by freqtrade's ``dry_run_liquidation_price`` [FT]
(https://github.com/freqtrade/freqtrade/blob/develop/freqtrade/exchange/binance.py); reference §6.4.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext
from typing import Protocol

from isomargin.domain.brackets import Bracket, maintenance_margin
from isomargin.domain.position import DECIMAL_CONTEXT, IsolatedPosition
from isomargin.domain.value import value

_ZERO = Decimal(0)
_ONE = Decimal(1)


def liquidation_price_in_bracket(pos: IsolatedPosition, tier: Bracket, ratio: Decimal = Decimal(1)) -> Decimal:
    """The FAQ formula evaluated with one tier's MMR and cum, whatever tier the result falls in.

    [FAQ-LIQ] (https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93)::

        LP = (WB − TMM1 + UPNL1 + cumB + cumL + cumS
              − Side1BOTH × Position1BOTH × EP1BOTH − Position1LONG × EP1LONG + Position1SHORT × EP1SHORT)
           / (Position1BOTH × MMRB + Position1LONG × MMRL + Position1SHORT × MMRS
              − Side1BOTH × Position1BOTH − Position1LONG + Position1SHORT)

    "In Isolated margin mode, WB is isolatedWalletBalance of the isolated position, TMM=0, UPNL=0".
    An isolated position has exactly one non-zero leg, and a hedge LONG leg enters like a BOTH long
    (Side = +1) and a SHORT leg like a BOTH short (Side = −1), so with the signed amount
    ``a = Side × Q`` all three cases reduce to::

        LP = (WB + cum − a × EP) / (abs(a) × MMR − a)

    i.e. long ``(Q×EP − WB − cum) / (Q × (1 − MMR))``, short ``(WB + cum + Q×EP) / (Q × (1 + MMR))``.
    The position must not be flat.

    ``ratio`` generalises it to the price where the margin ratio (MM / margin balance,
    [FAQ-LIQP]) reaches ``ratio``: solving ``|a|×P×MMR − cum = ratio × (WB + a×(P − EP))`` gives
    ``P = (ratio × (WB − a×EP) + cum) / (|a|×MMR − ratio×a)``; ratio 1 is the liquidation price,
    a lower ratio the margin-call price (issue 12). A long whose tier MMR is at or above the ratio
    never reaches it as the price falls: 0 (no such price).
    """
    amt = pos.position_amt
    if not amt:
        raise ValueError("a flat position has no liquidation price")
    return _Terms(pos).price_in(tier, ratio)


def liquidation_price(pos: IsolatedPosition, brackets: Sequence[Bracket], ratio: Decimal = Decimal(1)) -> Decimal:
    """``liquidationPrice`` of an isolated position; ``Decimal(0)`` when none exists [FAQ-LIQ][PR2].

    The MMR and cum must be those of the tier holding the notional *at the liquidation price* ("if
    the notional at LP falls in another tier, recompute with that tier"). Tier search:

    1. start with the tier of the entry notional ``abs(amt) × EP``;
    2. compute LP with that tier (:func:`liquidation_price_in_bracket`);
    3. look up the tier of ``abs(amt) × max(LP, 0)`` (a non-positive long LP means notional 0, i.e.
       tier 1, which is where a long's margin runs out if it ever does); stop if that tier was
       already used (normally the one just used), else go to 2 with it.

    With a valid table (:func:`~isomargin.domain.brackets.validate_brackets`) maintenance margin is
    continuous and convex in notional, so every tier's formula errs on the same side of the true LP
    (below it for a long, above it for a short; the true tier's formula is exact, so the answer is
    the largest long / smallest short candidate). Hence after at most one jump past the true tier
    the search moves monotonically towards it and ends within ``len(brackets) + 1`` steps. Landing
    on an earlier, different tier can only happen when the true LP sits on a tier boundary and
    decimal rounding puts it a hair either side; both tiers give the same price there, so the
    search stops with the last price computed.

    Returns ``Decimal(0)`` for a flat position or a result ``<= 0`` (the UI shows "--": the margin
    covers the whole loss, e.g. a long whose isolated wallet is at least its entry notional), which
    is what positionRisk shows for no liquidation price [PR2]. Exact to the decimal context; callers
    quantize for display (:func:`quantize_price`). With ``ratio`` < 1: the margin-call price (the
    same search; maintenance margin is convex whatever the ratio).
    """
    if not pos.position_amt:
        return _ZERO
    terms = _Terms(pos)
    return terms.search(brackets, ratio, terms.entry_tier(brackets))


# DECIMAL_CONTEXT's methods, bound once: the same arithmetic as operators inside
# ``localcontext(DECIMAL_CONTEXT)`` without installing a context per call (~0.7 µs), and without
# looking the method up on the Context per call (its ``__getattr__`` compares the name against
# its own attributes first: ~500 instructions a lookup, measured under callgrind)
_add = DECIMAL_CONTEXT.add
_subtract = DECIMAL_CONTEXT.subtract
_multiply = DECIMAL_CONTEXT.multiply
_divide = DECIMAL_CONTEXT.divide
_abs = DECIMAL_CONTEXT.abs
_minus = DECIMAL_CONTEXT.minus


class Sized(Protocol):
    """What the liquidation searches read of a position: an :class:`IsolatedPosition`, or a stored
    ``domain.changes.Holding`` as it is (the change path passes one without building the other)."""

    @property
    def position_amt(self) -> Decimal: ...
    @property
    def entry_price(self) -> Decimal: ...
    @property
    def isolated_wallet(self) -> Decimal: ...


class _Terms:
    """What every tier's formula shares for one (non-flat) position, computed once: the signed
    amount ``a``, ``abs(a)`` and ``WB − a×EP`` — the same values each evaluation computed before,
    so every price is the same to the last digit (tests/unit/test_liquidation_fast_path.py)."""

    __slots__ = ("amt", "base", "entry_notional", "size")

    def __init__(self, pos: Sized) -> None:
        amt = pos.position_amt
        self.amt = amt
        self.size = _abs(amt)
        entry_notional = _multiply(amt, pos.entry_price)
        self.entry_notional = entry_notional
        self.base = _subtract(pos.isolated_wallet, entry_notional)

    def price_in(self, tier: Bracket, ratio: Decimal) -> Decimal:
        """:func:`liquidation_price_in_bracket`: ``(ratio × (WB − a×EP) + cum) / (|a|×MMR − ratio×a)``."""
        numerator = _add(_multiply(ratio, self.base), tier.cum)
        denominator = _subtract(_multiply(self.size, tier.maint_margin_ratio), _multiply(ratio, self.amt))
        if self.amt > _ZERO and denominator >= _ZERO:  # Decimal against Decimal: no int converted per call
            return _ZERO
        return _divide(numerator, denominator)

    def entry_tier(self, brackets: Sequence[Bracket]) -> int:
        """The tier of the entry notional, where every search starts (step 1 of :func:`liquidation_price`)."""
        return _tier_index(brackets, _abs(self.entry_notional))

    def search(self, brackets: Sequence[Bracket], ratio: Decimal, start: int) -> Decimal:
        """Steps 2-3 of :func:`liquidation_price` from the tier ``start``.

        The tiers tried are kept as a bit set of their indexes: a tier was "already used" exactly
        when its index was (a valid table's tiers all differ), without hashing a six-field
        ``Bracket`` per step.
        """
        index = start
        seen = 1 << index
        while True:
            price = self.price_in(brackets[index], ratio)
            index = _tier_index(brackets, _multiply(self.size, max(price, _ZERO)))
            if seen >> index & 1:
                break
            seen |= 1 << index
        return price if price > _ZERO else _ZERO


def _tier_index(brackets: Sequence[Bracket], size: Decimal) -> int:
    """:func:`~isomargin.domain.brackets.bracket_for_notional` as an index, for a ``size`` ≥ 0."""
    if not brackets:
        raise ValueError("no brackets")
    for index, tier in enumerate(brackets):
        if tier.notional_floor <= size < tier.notional_cap:
            return index
    return len(brackets) - 1


def quantize_price(d: Decimal, places: int = 8) -> Decimal:
    """Round ``d`` to ``places`` decimals, half away from zero, for display (Binance shows 8).

    Why ROUND_HALF_UP: the captured GASUSDT short (entry 8.616, iw 1.57109202, MMR 0.015) has exact
    LP 10.18709202 / 1.015 = 10.0365438620…, shown as 10.03654386, which rules out rounding up
    (…87); the §6.1 row values (3.82008, 191.004, 174.91529420) are exact. So the vectors admit
    half-up, half-even and truncation alike; Binance documents none of them (reference open question
    15). Half-up is the common display convention and differs from half-even only on an exact tie at
    the 9th decimal; change it here if a captured vector ever shows otherwise.
    """
    with localcontext(DECIMAL_CONTEXT):
        return d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


#: wallet and price decimals (the keys are stored as Money, exact to 8 places)
_KEY_PLACES = Decimal("0.00000001")
#: DECIMAL_CONTEXT rounding a key to the safe side: a long's up, a short's down (a context's own
#: ``quantize`` rounds as the context says; entering ``localcontext`` costs ~0.7 µs a call)
_CEILING = DECIMAL_CONTEXT.copy()
_CEILING.rounding = ROUND_CEILING
_FLOOR = DECIMAL_CONTEXT.copy()
_FLOOR.rounding = ROUND_FLOOR
_ceiling = _CEILING.quantize
_floor = _FLOOR.quantize


@value
class TriggerKeys:
    """The prices at which a position is liquidated and margin-called, as the engine finds them.

    Signed so one index range finds both directions (store/schema.py): a long's price as is, hit
    when the mark falls to it or below; a short's negated, hit when the mark rises to it or above.
    Each is rounded to the safe side of the exact price — a long's up, a short's down — so a mark
    at the 8-decimal ``liquidationPrice`` positionRisk shows always triggers (issue 12). None: no
    such price (flat, or a long whose wallet covers any fall).
    """

    liquidation: Decimal | None
    margin_call: Decimal | None


NO_TRIGGERS = TriggerKeys(None, None)


def trigger_key(price: Decimal, position_amt: Decimal) -> Decimal | None:
    """The signed, safe-side key of ``price`` for a position of ``position_amt`` (None when price ≤ 0)."""
    if price <= _ZERO or not position_amt:
        return None
    if position_amt > _ZERO:
        return _ceiling(price, _KEY_PLACES)
    return _minus(_floor(price, _KEY_PLACES))


def crossed(key: Decimal | None, mark: Decimal) -> bool:
    """Whether ``mark`` has reached the price behind ``key`` (:class:`TriggerKeys`)."""
    if key is None:
        return False
    return key >= mark if key > 0 else key >= -mark


def never_triggers(pos: Sized, margin_call_ratio: Decimal) -> bool:
    """Whether no mark price can liquidate or margin-call ``pos``, whatever its symbol's (valid)
    brackets and whatever margin-call ratio ≥ 0: it is flat, or it is a long whose isolated wallet
    covers its entry notional (``WB ≥ a×EP``). Its keys are then None (:func:`trigger_keys`).

    Why: every tier's formula for a long is ``(ratio×(WB − a×EP) + cum) / (a×MMR − ratio×a)``
    (:func:`liquidation_price_in_bracket`); with ``WB − a×EP ≥ 0``, ``ratio ≥ 0`` and ``cum ≥ 0``
    (a valid table derives every ``cum`` from increasing MMRs, ``validate_brackets``) the numerator
    is ≥ 0, so every tier gives no price (a denominator ≥ 0) or one ≤ 0: :func:`liquidation_price`
    is 0 for every ratio. ``WB ≥ a×EP`` is the sign of the formula's rounded ``WB − a×EP`` (a
    non-zero difference never rounds to 0 or across it). A short always has a liquidation price.
    """
    amt = pos.position_amt
    if not amt:
        return True
    return amt > _ZERO and margin_call_ratio >= _ZERO and pos.isolated_wallet >= _multiply(amt, pos.entry_price)


def trigger_keys(pos: Sized, brackets: Sequence[Bracket], margin_call_ratio: Decimal) -> TriggerKeys:
    """Both keys of a position: ``trigger_key(liquidation_price(pos, brackets, ratio), amt)`` for
    ratio 1 and ``margin_call_ratio``, the price positionRisk renders, to the last digit
    (tests/unit/test_trigger_keys_exact.py compares the two over random positions and tables).

    Computed for less than the two searches cost as :func:`liquidation_price` runs them (every
    position change runs this: ~45 k instructions before, docs/BENCHMARKS.md "The trigger keys,
    cheaper"): a long whose wallet covers any fall has none (:func:`never_triggers`), without a
    search; otherwise ``ratio × (WB − a×EP)`` and ``ratio × a`` are computed once per ratio
    instead of once per tier tried, each search runs in one function (no call per tier), and a
    price whose notional stays in the tier it was computed in ends the search without walking
    the table again — the same operations on the same values in the same context, so the same
    digits.
    """
    amt = pos.position_amt
    if not amt:
        return NO_TRIGGERS
    terms = _Terms(pos)
    base = terms.base
    long = amt > _ZERO
    if long and base >= _ZERO and margin_call_ratio >= _ZERO:  # never_triggers, on the terms computed
        return NO_TRIGGERS
    size = terms.size
    start = _tier_index(brackets, _abs(terms.entry_notional))
    # ratio 1: ``1 × x`` is ``x``, digit for digit (fewer than 34 digits: exact), so base and amt as they are
    liquidation = _search_price(brackets, start, long, size, base, amt)
    margin_call = _search_price(
        brackets, start, long, size, _multiply(margin_call_ratio, base), _multiply(margin_call_ratio, amt)
    )
    if long:
        return TriggerKeys(
            _ceiling(liquidation, _KEY_PLACES) if liquidation > _ZERO else None,
            _ceiling(margin_call, _KEY_PLACES) if margin_call > _ZERO else None,
        )
    return TriggerKeys(
        _minus(_floor(liquidation, _KEY_PLACES)) if liquidation > _ZERO else None,
        _minus(_floor(margin_call, _KEY_PLACES)) if margin_call > _ZERO else None,
    )


def _search_price(
    brackets: Sequence[Bracket], index: int, long: bool, size: Decimal, scaled_base: Decimal, scaled_amt: Decimal
) -> Decimal:
    """:meth:`_Terms.search` for one ratio, given ``ratio × (WB − a×EP)`` and ``ratio × a``: each
    tier's price as :meth:`_Terms.price_in` computes it, and the next tier as :func:`_tier_index`
    finds it. A price whose notional is still in the tier just used ends the search at once (a
    valid table's tiers do not overlap, so that tier is the one :func:`_tier_index` would find, and
    it was already used); only a price outside it walks the table."""
    seen = 1 << index
    while True:
        tier = brackets[index]
        denominator = _subtract(_multiply(size, tier.maint_margin_ratio), scaled_amt)
        # a long whose tier MMR is at or above the ratio never reaches it: no price (0)
        price = _ZERO if long and denominator >= _ZERO else _divide(_add(scaled_base, tier.cum), denominator)
        if price > _ZERO:
            notional = _multiply(size, price)
            if tier.notional_floor <= notional < tier.notional_cap:
                break
            index = _tier_index(brackets, notional)
        else:  # no price: a notional of 0, where a long's margin runs out if it ever does
            index = _tier_index(brackets, _ZERO)
        if seen >> index & 1:
            break
        seen |= 1 << index
    return price if price > _ZERO else _ZERO


def bankruptcy_price(pos: IsolatedPosition, tick: Decimal) -> Decimal:
    """Where the position's margin is exactly used up: ``EP ∓ WB / |amt|`` (reference §3.2, derived
    from margin balance = 0), on the price tick, rounded towards the entry (a long's up, a short's
    down) so a fill there never loses more than the margin. At least one tick."""
    amt = pos.position_amt
    if not amt:
        raise ValueError("a flat position has no bankruptcy price")
    with localcontext(DECIMAL_CONTEXT):
        exact = pos.entry_price - pos.isolated_wallet / amt
        steps = (exact / tick).to_integral_value(rounding=ROUND_CEILING if amt > 0 else ROUND_FLOOR)
        return max(steps * tick, tick)


def margin_ratio(maint_margin: Decimal, margin_balance: Decimal) -> Decimal | None:
    """MM / margin balance [FAQ-LIQP]; None when the margin balance is not positive (past liquidation)."""
    if margin_balance <= 0:
        return None
    with localcontext(DECIMAL_CONTEXT):
        return maint_margin / margin_balance


def cross_margin_use(pos: IsolatedPosition, mark: Decimal, brackets: Sequence[Bracket]) -> Decimal:
    """What one CROSSED position takes from the cross wallet's margin at ``mark``: its maintenance
    margin less its unrealized PnL (0 when flat).

    The cross form of the liquidation formula (reference §6.4: ``WB − TMM1 + UPNL1``) prices one
    cross position against the wallet less the *other* cross positions' use, so a position's
    wallet for :func:`liquidation_price` is ``cross wallet − (Σ use − its own use)``.
    """
    if not pos.position_amt:
        return _ZERO
    with localcontext(DECIMAL_CONTEXT):
        notional = abs(pos.position_amt) * mark
        return maintenance_margin(brackets, notional) - pos.position_amt * (mark - pos.entry_price)
