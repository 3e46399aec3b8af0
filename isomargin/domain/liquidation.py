"""Liquidation price of an isolated position, and the price display rounding.

Formula from the liquidation FAQ [FAQ-LIQ]
(https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93), written out by Binance
staff in [DEV883] (https://dev.binance.vision/t/how-to-calculate-cumb-while-calculating-liquidation-price/883)
and implemented identically by freqtrade's ``dry_run_liquidation_price`` [FT]
(https://github.com/freqtrade/freqtrade/blob/develop/freqtrade/exchange/binance.py); reference §6.4.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext

from isomargin.domain.brackets import Bracket, bracket_for_notional, maintenance_margin
from isomargin.domain.position import DECIMAL_CONTEXT, IsolatedPosition

_ZERO = Decimal(0)


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
    with localcontext(DECIMAL_CONTEXT):
        numerator = ratio * (pos.isolated_wallet - amt * pos.entry_price) + tier.cum
        denominator = abs(amt) * tier.maint_margin_ratio - ratio * amt
        if amt > 0 and denominator >= 0:
            return _ZERO
        return numerator / denominator


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
    amt = pos.position_amt
    if not amt:
        return _ZERO
    with localcontext(DECIMAL_CONTEXT):
        tier = bracket_for_notional(brackets, amt * pos.entry_price)
        seen = {tier}
        while True:
            price = liquidation_price_in_bracket(pos, tier, ratio)
            tier = bracket_for_notional(brackets, abs(amt) * max(price, _ZERO))
            if tier in seen:
                break
            seen.add(tier)
        return price if price > 0 else _ZERO


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


@dataclass(frozen=True, slots=True)
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
    if price <= 0 or position_amt == 0:
        return None
    with localcontext(DECIMAL_CONTEXT):
        if position_amt > 0:
            return price.quantize(_KEY_PLACES, rounding=ROUND_CEILING)
        return -price.quantize(_KEY_PLACES, rounding=ROUND_FLOOR)


def crossed(key: Decimal | None, mark: Decimal) -> bool:
    """Whether ``mark`` has reached the price behind ``key`` (:class:`TriggerKeys`)."""
    if key is None:
        return False
    return key >= mark if key > 0 else key >= -mark


def trigger_keys(pos: IsolatedPosition, brackets: Sequence[Bracket], margin_call_ratio: Decimal) -> TriggerKeys:
    """Both keys of a position, from :func:`liquidation_price` — the function positionRisk renders."""
    if not pos.position_amt:
        return NO_TRIGGERS
    amt = pos.position_amt
    return TriggerKeys(
        trigger_key(liquidation_price(pos, brackets), amt),
        trigger_key(liquidation_price(pos, brackets, margin_call_ratio), amt),
    )


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
