"""Notional and leverage brackets (tiers): maintenance margin and the leverage cap per notional.

Shape follows ``GET /fapi/v1/leverageBracket`` [LB]
(https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Notional-and-Leverage-Brackets);
the maintenance-margin formula and the ``cum`` recursion come from the liquidation FAQ [FAQ-LIQ]
(https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from types import MappingProxyType

from isomargin.domain.position import DECIMAL_CONTEXT


@dataclass(frozen=True, slots=True)
class Bracket:
    """One tier: notional in ``[notional_floor, notional_cap)`` gets ``maint_margin_ratio`` and ``cum``.

    ``cum`` is Binance's "maintenance amount", the constant that keeps maintenance margin continuous
    at tier boundaries (see :func:`derive_cum`).
    """

    bracket: int
    initial_leverage: int
    notional_floor: Decimal
    notional_cap: Decimal
    maint_margin_ratio: Decimal
    cum: Decimal


def _tiers(rows: str) -> tuple[Bracket, ...]:
    """Parse ``bracket leverage floor cap mmr cum`` groups separated by ``|`` (reference §6.6 layout)."""
    brackets = []
    for row in rows.split("|"):
        number, leverage, floor, cap, mmr, cum = row.split()
        brackets.append(Bracket(int(number), int(leverage), Decimal(floor), Decimal(cap), Decimal(mmr), Decimal(cum)))
    return tuple(brackets)


# Verbatim from reference §6.6: `/fapi/v1/leverageBracket` as cached by freqtrade, file last changed
# 2024-10-24 [FT] (https://github.com/freqtrade/freqtrade/blob/develop/freqtrade/exchange/binance_leverage_tiers.json).
# Binance changes tiers over time; servers should let configuration override these.
DEFAULT_BRACKETS: Mapping[str, tuple[Bracket, ...]] = MappingProxyType(
    {
        "BTCUSDT": _tiers(
            "1 125 0 50000 0.004 0 | 2 100 50000 600000 0.005 50 | 3 75 600000 3000000 0.0065 950"
            " | 4 50 3000000 12000000 0.01 11450 | 5 25 12000000 70000000 0.02 131450"
            " | 6 20 70000000 100000000 0.025 481450 | 7 10 100000000 230000000 0.05 2981450"
            " | 8 5 230000000 480000000 0.1 14481450 | 9 4 480000000 600000000 0.125 26481450"
            " | 10 3 600000000 800000000 0.15 41481450 | 11 2 800000000 1200000000 0.25 121481450"
            " | 12 1 1200000000 1800000000 0.5 421481450"
        ),
        "ETHUSDT": _tiers(
            "1 125 0 50000 0.004 0 | 2 100 50000 600000 0.005 50 | 3 75 600000 3000000 0.0065 950"
            " | 4 50 3000000 12000000 0.01 11450 | 5 25 12000000 50000000 0.02 131450"
            " | 6 20 50000000 65000000 0.025 381450 | 7 10 65000000 150000000 0.05 2006450"
            " | 8 5 150000000 320000000 0.1 9506450 | 9 4 320000000 400000000 0.125 17506450"
            " | 10 3 400000000 530000000 0.15 27506450 | 11 2 530000000 800000000 0.25 80506450"
            " | 12 1 800000000 1200000000 0.5 280506450"
        ),
    }
)


def bracket_for_notional(brackets: Sequence[Bracket], notional: Decimal) -> Bracket:
    """The tier holding ``abs(notional)``: ``notional_floor <= n < notional_cap`` [LB].

    The floor is inclusive and the cap exclusive, so a notional exactly on a boundary belongs to the
    higher tier (maintenance margin is the same either way, as tiers meet continuously). A notional
    above the last cap stays in the last tier.
    """
    if not brackets:
        raise ValueError("no brackets")
    size = abs(notional)
    for tier in brackets:
        if tier.notional_floor <= size < tier.notional_cap:
            return tier
    return brackets[-1]


def maintenance_margin(brackets: Sequence[Bracket], notional: Decimal) -> Decimal:
    """``maintMargin`` = ``abs(notional) × MMR − cum`` of the notional's tier [FAQ-LIQ], reference §6.1.

    "Maintenance Margin = Position Notional Value × Maintenance Margin Rate − Maintenance Amount"
    (https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93).
    """
    tier = bracket_for_notional(brackets, notional)
    c = DECIMAL_CONTEXT  # its methods, not localcontext(): see domain/position.py
    return c.subtract(c.multiply(c.abs(notional), tier.maint_margin_ratio), tier.cum)


def max_notional_for_leverage(brackets: Sequence[Bracket], leverage: int) -> Decimal:
    """``maxNotionalValue`` for a leverage: the cap of the last tier with ``initialLeverage >= leverage``.

    E.g. BTCUSDT at 20x → tier 6 (20x) → 100,000,000 [LEV][LB]
    (https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Change-Initial-Leverage).
    Raises ``ValueError`` for a leverage below 1 or above the first tier's (Binance rejects those).
    """
    if leverage < 1:
        raise ValueError(f"leverage must be >= 1, got {leverage}")
    allowed = [tier for tier in brackets if tier.initial_leverage >= leverage]
    if not allowed:
        raise ValueError(f"leverage {leverage} exceeds the maximum {max_leverage(brackets)}")
    return allowed[-1].notional_cap


def max_leverage(brackets: Sequence[Bracket]) -> int:
    """The highest leverage the symbol allows: tier 1's ``initialLeverage`` [LB]."""
    if not brackets:
        raise ValueError("no brackets")
    return brackets[0].initial_leverage


def derive_cum(tiers: Iterable[tuple[Decimal, Decimal]]) -> tuple[Decimal, ...]:
    """``cum`` per tier from ``(notional_floor, maint_margin_ratio)`` pairs, in tier order [FAQ-LIQ].

    ``cum_n = floor_n × (MMR_n − MMR_{n−1}) + cum_{n−1}`` with ``MMR_0 = cum_0 = 0``; FAQ example:
    "250,000 × (1% − 0.5%) + 50 = 1,300"
    (https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93).
    Lets a bracket configuration omit ``cum``.
    """
    cums: list[Decimal] = []
    previous_mmr = previous_cum = Decimal(0)
    with localcontext(DECIMAL_CONTEXT):
        for floor, mmr in tiers:
            previous_cum = floor * (mmr - previous_mmr) + previous_cum
            previous_mmr = mmr
            cums.append(previous_cum)
    return tuple(cums)


def validate_brackets(brackets: Sequence[Bracket]) -> None:
    """Raise ``ValueError`` unless ``brackets`` form a consistent tier table.

    Checked: numbered 1..n; first floor 0; ``floor_n == cap_{n−1}`` and ``floor < cap``;
    ``0 < MMR < 1`` and strictly increasing; ``initialLeverage >= 1`` and never increasing (equal
    neighbours allowed); ``cum`` equal to :func:`derive_cum` [FAQ-LIQ]. These are what make
    maintenance margin continuous, increasing and convex in notional, which the liquidation-price
    tier search relies on.
    """
    if not brackets:
        raise ValueError("no brackets")
    if brackets[0].notional_floor != 0:
        raise ValueError(f"first bracket must start at notional 0, not {brackets[0].notional_floor}")
    expected_cums = derive_cum((tier.notional_floor, tier.maint_margin_ratio) for tier in brackets)
    previous: Bracket | None = None
    for index, (tier, cum) in enumerate(zip(brackets, expected_cums, strict=True), start=1):
        where = f"bracket {tier.bracket}"
        if tier.bracket != index:
            raise ValueError(f"{where}: expected bracket number {index}")
        if not tier.notional_floor < tier.notional_cap:
            raise ValueError(f"{where}: notional_floor must be below notional_cap")
        if not 0 < tier.maint_margin_ratio < 1:
            raise ValueError(f"{where}: maint_margin_ratio must be in (0, 1)")
        if tier.initial_leverage < 1:
            raise ValueError(f"{where}: initial_leverage must be >= 1")
        if previous is not None:
            if tier.notional_floor != previous.notional_cap:
                raise ValueError(f"{where}: floor {tier.notional_floor} != previous cap {previous.notional_cap}")
            if tier.maint_margin_ratio <= previous.maint_margin_ratio:
                raise ValueError(f"{where}: maint_margin_ratio must increase")
            if tier.initial_leverage > previous.initial_leverage:
                raise ValueError(f"{where}: initial_leverage must not increase")
        if tier.cum != cum:
            raise ValueError(f"{where}: cum {tier.cum} != derived {cum}")
        previous = tier
