"""``parse_int``'s digits-only fast path and the negative-zero test's sign check (perf2) answer
exactly like the regular expressions they skip."""

from __future__ import annotations

import re
from decimal import Decimal

from hypothesis import example, given
from hypothesis import strategies as st

from isomargin import money

_INT_RE = re.compile(r"[+-]?[0-9]+")
_DECIMAL_RE = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")
_NEGATIVE_ZERO_RE = re.compile(r"-(?:0+\.?0*|\.0+)")


def general_int(text: str, max_digits: int = 19) -> int | None:
    """``parse_int`` as it was: every text through the three regular-expression checks."""
    if not _INT_RE.fullmatch(text) or len(text.lstrip("+-")) > max_digits or _NEGATIVE_ZERO_RE.fullmatch(text):
        return None
    value = int(text)
    if not -(2**63) <= value < 2**63:
        return None
    return value


def general_decimal(text: str) -> Decimal | None:
    if len(text) > money.MAX_DECIMAL_CHARS or not _DECIMAL_RE.fullmatch(text) or _NEGATIVE_ZERO_RE.fullmatch(text):
        return None
    return Decimal(text)


# digits (ASCII, Arabic-Indic, fullwidth, superscript: str.isdigit() says yes to the last three),
# signs, a point, a space, letters
CHARS = st.sampled_from(list("0123456789+-. a٣１²"))


@given(st.text(CHARS, max_size=24), st.integers(min_value=1, max_value=20))
@example("", 19)
@example("0", 19)
@example("-0", 19)
@example("+0", 19)
@example("9223372036854775807", 19)
@example("9223372036854775808", 19)
@example("12345678901234567890", 19)
@example("١٢", 19)
@example("²", 19)
def test_parse_int_equals_the_regular_expressions(text: str, max_digits: int) -> None:
    assert money.parse_int(text, max_digits=max_digits) == general_int(text, max_digits)


@given(st.text(CHARS, max_size=24))
@example("-0")
@example("-0.00")
@example("-.0")
@example("-0.01")
@example("0.")
def test_parse_decimal_equals_the_regular_expressions(text: str) -> None:
    got, want = money.parse_decimal(text), general_decimal(text)
    assert got == want and str(got) == str(want)
