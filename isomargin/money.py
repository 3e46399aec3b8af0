"""Decimal parsing and rendering at the wire edge.

Money is ``Decimal`` from parse to storage. Binance sends most numbers as decimal strings
(``"23.36332311"``) and a few as JSON numbers (``positionMargin``'s ``amount``), so there are
two renderers: :func:`decimal_string` and :func:`json_number`.
"""

from __future__ import annotations

import re
from decimal import (
    ROUND_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)

import orjson

# Plain decimal notation, as every Binance client sends it: "100", "100.0", "0.2", ".5", "5.".
# No exponent, no NaN/Infinity, no whitespace, no thousands separators, and ASCII digits only
# (Python's \d and Decimal() would accept "١" or fullwidth "１").
_DECIMAL_RE = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")
_INT_RE = re.compile(r"[+-]?[0-9]+")
# A negative zero ("-0", "-0.00") is malformed: fapi answered -1102 for quantity=-0 [I-MG4].
_NEGATIVE_ZERO_RE = re.compile(r"-(?:0+\.?0*|\.0+)")

# The wallet asset (USDT) keeps 8 decimals, as every balance Binance shows does [BAL2].
ASSET_PLACES = 8
ASSET_QUANTUM = Decimal(1).scaleb(-ASSET_PLACES)
MAX_DECIMAL_CHARS = 64
#: Rendering and place checks run in this context, never in the thread's default one (28 digits):
#: quantizing a 30-digit value to 8 places there raises InvalidOperation, and normalize() would
#: silently round. 200 digits hold every value a 64-character parameter or a product of two of
#: them can carry, so these operations are exact.
EXACT_CONTEXT = Context(prec=200, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow])
# The renderers below call these contexts' own methods with a cached quantum: half the cost of
# ``value.quantize(Decimal(1).scaleb(-digits), rounding=…, context=…)``, and every balance, price
# and history amount of every answer goes through them (docs/BENCHMARKS.md, 2026-12-02).
_HALF_UP = Context(prec=200, rounding=ROUND_HALF_UP, traps=[InvalidOperation, DivisionByZero, Overflow])
_DOWN = Context(prec=200, rounding=ROUND_DOWN, traps=[InvalidOperation, DivisionByZero, Overflow])
#: ``10^-digits`` for 0 to 16 places, which cover every price, quantity and balance rendered
_QUANTA = tuple(Decimal(1).scaleb(-digits) for digits in range(17))


def _quantum(digits: int) -> Decimal:
    return _QUANTA[digits] if 0 <= digits < len(_QUANTA) else Decimal(1).scaleb(-digits)


def parse_decimal(text: str) -> Decimal | None:
    """Strict plain-notation decimal, or None when the text is not one."""
    if len(text) > MAX_DECIMAL_CHARS or not _DECIMAL_RE.fullmatch(text) or _negative_zero(text):
        return None
    return Decimal(text)


def _negative_zero(text: str) -> bool:
    # only a text that starts with "-" can match: the regex's ~1,200 instructions are spent on those
    # alone (every signed request parses three or four numbers; docs/BENCHMARKS.md, perf2)
    return text.startswith("-") and _NEGATIVE_ZERO_RE.fullmatch(text) is not None


def parse_int(text: str, *, max_digits: int = 19) -> int | None:
    """Strict base-10 integer (Java ``long`` range), or None."""
    if text.isascii() and text.isdigit():
        # the common case (timestamp, recvWindow, type) without a regex: ASCII digits alone are
        # exactly what ``_INT_RE`` matches when no sign is given, and carry no negative zero
        if len(text) > max_digits:
            return None
    elif not _INT_RE.fullmatch(text) or len(text.lstrip("+-")) > max_digits or _negative_zero(text):
        return None
    value = int(text)
    if not -(2**63) <= value < 2**63:
        return None
    return value


def places(value: Decimal) -> int:
    """How many digits stand after the decimal point (``100.10`` → 2)."""
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def decimal_string(value: Decimal) -> str:
    """Binance's plain decimal string with no trailing zeros: ``Decimal("100.00")`` → ``"100"``."""
    if value.is_zero():
        return "0"
    return format(EXACT_CONTEXT.normalize(value), "f")


def fixed(value: Decimal, digits: int = ASSET_PLACES) -> str:
    """A decimal string with exactly ``digits`` places (half up), as Binance shows balances.

    A value that rounds to zero is shown without a sign: a PnL of -0.000000004 is "0.00000000",
    never "-0.00000000" (a client parsing it would get a negative zero).
    """
    rounded = _HALF_UP.quantize(value, _quantum(digits))
    if rounded.is_zero():
        rounded = abs(rounded)
    return _plain(rounded)


def _plain(value: Decimal) -> str:
    """``format(value, "f")`` for a value whose exponent is ≤ 0, at a third of its cost: ``str()``
    writes such a value the same way unless it is below 10^-6, where it switches to an exponent."""
    text = str(value)
    return text if "E" not in text else format(value, "f")


def truncate(value: Decimal, digits: int = ASSET_PLACES) -> Decimal:
    """``value`` cut towards zero to ``digits`` places."""
    return _DOWN.quantize(value, _quantum(digits))


def significant_places(value: Decimal) -> int:
    """Places after the point that carry a non-zero digit: ``1.2300`` → 2, ``100`` → 0."""
    if value.is_zero():
        return 0
    return places(value.normalize(EXACT_CONTEXT))


def json_number(value: Decimal) -> orjson.Fragment:
    """A JSON number with the exact digits of ``value``, rendered like a Java double.

    Binance's ``positionMargin`` reply has ``"amount": 100.0`` — a number, with ``.0`` when the
    value is whole (Java's ``Double.toString``). Rendering from the Decimal keeps every digit the
    client sent (up to the asset's 8 places) instead of going through a binary float.
    """
    text = decimal_string(value)
    if "." not in text:
        text += ".0"
    return orjson.Fragment(text.encode())
