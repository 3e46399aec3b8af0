"""Wire-edge rendering of Decimals: exact for any value a parameter can carry, no negative zero."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from isomargin.money import EXACT_CONTEXT, decimal_string, fixed, significant_places, truncate


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


# --- the fast renderers answer exactly like the general expressions they replaced ---------------
# (docs/BENCHMARKS.md, 2026-12-02: context methods with cached quanta, str() for plain values)


def reference_fixed(value: Decimal, digits: int) -> str:
    rounded = value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP, context=EXACT_CONTEXT)
    return format(abs(rounded) if rounded.is_zero() else rounded, "f")


def reference_truncate(value: Decimal, digits: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_DOWN, context=EXACT_CONTEXT)


def reference_decimal_string(value: Decimal) -> str:
    return "0" if value.is_zero() else format(value.normalize(EXACT_CONTEXT), "f")


#: every size that reaches a renderer: tiny (exponent form in str()), money, big, past 28 digits
DECIMALS = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, places=12, min_value=-(10**12), max_value=10**12),
    st.decimals(allow_nan=False, allow_infinity=False, min_value=Decimal("-1e-5"), max_value=Decimal("1e-5")),
    st.integers(min_value=-(10**35), max_value=10**35).map(lambda n: Decimal(n).scaleb(-9)),
)


@given(DECIMALS, st.integers(min_value=0, max_value=20))
def test_fast_renderers_equal_the_general_expressions(value: Decimal, digits: int) -> None:
    assert fixed(value, digits) == reference_fixed(value, digits)
    assert truncate(value, digits) == reference_truncate(value, digits)
    assert str(truncate(value, digits)) == str(reference_truncate(value, digits))  # same exponent too
    assert decimal_string(value) == reference_decimal_string(value)
