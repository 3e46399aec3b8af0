"""Wire-edge rendering of Decimals: exact for any value a parameter can carry, no negative zero."""

from __future__ import annotations

from decimal import Decimal

import pytest

from isomargin.money import decimal_string, fixed, significant_places, truncate


def test_fixed_never_shows_a_negative_zero() -> None:
    # a PnL of -0.000000004 (a mark price with more than 5 decimals) rounds to zero
    assert fixed(Decimal("-0.000000004")) == "0.00000000"
    assert fixed(Decimal("-0.000000005")) == "-0.00000001"


def test_rendering_is_exact_past_the_default_28_digits() -> None:
    big = Decimal("1" + "0" * 30 + ".123456789")
    assert fixed(big) == "1" + "0" * 30 + ".12345679"
    assert format(truncate(big), "f") == "1" + "0" * 30 + ".12345678"
    # normalize() in the default context would round this to 28 significant digits
    assert decimal_string(Decimal("1234567890123456789012345678901.5")) == "1234567890123456789012345678901.5"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("100", 0), ("100.00", 0), ("1.2300", 2), ("0.00000001", 8), ("1.000000000", 0), ("1" + "0" * 40 + ".5", 1)],
)
def test_significant_places(text: str, expected: int) -> None:
    assert significant_places(Decimal(text)) == expected
