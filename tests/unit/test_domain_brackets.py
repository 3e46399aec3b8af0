"""Bracket tables: lookup, maintenance margin, leverage caps, validation ([FAQ-LIQ], [LB], [FT])."""

from dataclasses import replace
from decimal import Decimal

import pytest

from isomargin.domain.brackets import (
    DEFAULT_BRACKETS,
    Bracket,
    bracket_for_notional,
    derive_cum,
    maintenance_margin,
    max_leverage,
    max_notional_for_leverage,
    validate_brackets,
)

BTC = DEFAULT_BRACKETS["BTCUSDT"]
ETH = DEFAULT_BRACKETS["ETHUSDT"]

# The ~2021 BTCUSDT table behind the FAQ examples (reference §6.6).
OLD_BTC = (
    Bracket(1, 125, Decimal("0"), Decimal("50000"), Decimal("0.004"), Decimal("0")),
    Bracket(2, 100, Decimal("50000"), Decimal("250000"), Decimal("0.005"), Decimal("50")),
    Bracket(3, 50, Decimal("250000"), Decimal("3000000"), Decimal("0.01"), Decimal("1300")),
    Bracket(4, 20, Decimal("3000000"), Decimal("20000000"), Decimal("0.025"), Decimal("46300")),
)


def test_default_tables_are_the_2024_snapshot() -> None:
    assert set(DEFAULT_BRACKETS) == {"BTCUSDT", "ETHUSDT"}
    assert len(BTC) == 12 and len(ETH) == 12
    assert BTC[2] == Bracket(3, 75, Decimal("600000"), Decimal("3000000"), Decimal("0.0065"), Decimal("950"))
    assert BTC[-1] == Bracket(12, 1, Decimal("1200000000"), Decimal("1800000000"), Decimal("0.5"), Decimal("421481450"))
    # ETHUSDT diverges from BTCUSDT from tier 5 on.
    assert ETH[5] == Bracket(6, 20, Decimal("50000000"), Decimal("65000000"), Decimal("0.025"), Decimal("381450"))
    assert ETH[-1].cum == Decimal("280506450")


@pytest.mark.parametrize(
    ("notional", "expected_bracket"),
    [
        (Decimal("0"), 1),
        (Decimal("49999.99"), 1),
        (Decimal("50000"), 2),  # floor is inclusive, cap exclusive
        (Decimal("-50000"), 2),  # a short's negative notional is looked up by size
        (Decimal("599999.99999999"), 2),
        (Decimal("600000"), 3),
        (Decimal("1799999999"), 12),
        (Decimal("5000000000"), 12),  # beyond the last cap stays in the last tier
    ],
)
def test_bracket_for_notional(notional: Decimal, expected_bracket: int) -> None:
    assert bracket_for_notional(BTC, notional).bracket == expected_bracket


def test_bracket_for_notional_needs_a_table() -> None:
    with pytest.raises(ValueError):
        bracket_for_notional((), Decimal("1"))


def test_maintenance_margin_real_row_tier_one() -> None:
    # [obs I239]: notional 955.02 in tier 1 → 955.02 × 0.004 − 0 = 3.82008
    assert maintenance_margin(BTC, Decimal("955.02")) == Decimal("3.82008")
    assert maintenance_margin(BTC, Decimal("-955.02")) == Decimal("3.82008")


def test_maintenance_margin_faq_examples() -> None:
    # FAQ-LIQ: "264,000 USDT → MMR 1%": 264000 × 0.01 − 1300 = 2640 − 1300 = 1340
    assert maintenance_margin(OLD_BTC, Decimal("264000")) == Decimal("1340")
    # "500,000 USDT → maintenance amount 1,300": 500000 × 0.01 − 1300 = 3700
    assert maintenance_margin(OLD_BTC, Decimal("500000")) == Decimal("3700")


def test_maintenance_margin_is_continuous_at_tier_boundary() -> None:
    # Just below 600000 (tier 2): 599999.99 × 0.005 − 50 = 2999.99995 − 50 = 2949.99995
    assert maintenance_margin(BTC, Decimal("599999.99")) == Decimal("2949.99995")
    # At 600000 (tier 3): 600000 × 0.0065 − 950 = 3900 − 950 = 2950 = 600000 × 0.005 − 50
    assert maintenance_margin(BTC, Decimal("600000")) == Decimal("2950")


def test_derive_cum_faq_recursion() -> None:
    # cum_2 = 50000 × (0.5% − 0.4%) + 0 = 50; cum_3 = "250,000 × (1% − 0.5%) + 50 = 1,300";
    # cum_4 = 3,000,000 × (2.5% − 1%) + 1300 = 45000 + 1300 = 46300
    tiers = [(b.notional_floor, b.maint_margin_ratio) for b in OLD_BTC]
    assert derive_cum(tiers) == (Decimal("0"), Decimal("50"), Decimal("1300"), Decimal("46300"))


@pytest.mark.parametrize("symbol", ["BTCUSDT", "ETHUSDT"])
def test_derive_cum_reproduces_snapshot(symbol: str) -> None:
    table = DEFAULT_BRACKETS[symbol]
    assert derive_cum((b.notional_floor, b.maint_margin_ratio) for b in table) == tuple(b.cum for b in table)


@pytest.mark.parametrize(
    ("leverage", "expected"),
    [
        (125, Decimal("50000")),  # only tier 1 allows 125x
        (101, Decimal("50000")),
        (100, Decimal("600000")),  # tiers 1–2 allow 100x → cap of tier 2
        (20, Decimal("100000000")),  # tier 6 is the last with initialLeverage >= 20
        (1, Decimal("1800000000")),  # every tier allows 1x → last cap
    ],
)
def test_max_notional_for_leverage_btc(leverage: int, expected: Decimal) -> None:
    assert max_notional_for_leverage(BTC, leverage) == expected


def test_max_notional_for_leverage_eth_differs() -> None:
    # ETHUSDT tier 6 (20x) caps at 65,000,000 where BTCUSDT's caps at 100,000,000.
    assert max_notional_for_leverage(ETH, 20) == Decimal("65000000")


@pytest.mark.parametrize("leverage", [0, 126])
def test_max_notional_for_leverage_rejects_out_of_range(leverage: int) -> None:
    with pytest.raises(ValueError):
        max_notional_for_leverage(BTC, leverage)


def test_max_leverage() -> None:
    assert max_leverage(BTC) == 125
    assert max_leverage(OLD_BTC[2:]) == 50


@pytest.mark.parametrize("table", [BTC, ETH, OLD_BTC], ids=["BTCUSDT", "ETHUSDT", "BTCUSDT-2021"])
def test_validate_accepts_real_tables(table: tuple[Bracket, ...]) -> None:
    validate_brackets(table)


def _with(index: int, **changes: object) -> tuple[Bracket, ...]:
    table = list(BTC)
    table[index] = replace(table[index], **changes)  # type: ignore[arg-type]
    return tuple(table)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (_with(1, notional_floor=Decimal("60000")), "floor"),  # gap 50000..60000
        (_with(2, cum=Decimal("951")), "cum"),  # 600000 × (0.65% − 0.5%) + 50 = 950, not 951
        (_with(0, notional_floor=Decimal("1")), "notional 0"),
        (_with(3, maint_margin_ratio=Decimal("0.006")), "increase"),  # below tier 3's 0.0065
        (_with(3, initial_leverage=80), "initial_leverage"),  # above tier 3's 75
        (_with(4, bracket=7), "bracket number"),
        (_with(0, notional_cap=Decimal("0"), notional_floor=Decimal("0")), "below notional_cap"),
        ((), "no brackets"),
    ],
)
def test_validate_rejects(table: tuple[Bracket, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_brackets(table)
