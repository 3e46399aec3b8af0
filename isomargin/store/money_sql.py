"""Money in SQL: a Decimal is stored as a BIGINT holding ``value × 10^8``, on every database.

Why scaled integers: SQLite has no exact decimal type (its NUMERIC affinity stores binary
floats, and TEXT cannot be compared or summed), and one encoding on both databases means one
code path. Integers compare, sort, ``SUM`` and index exactly on SQLite and PostgreSQL alike.

Eight decimals are what the wallet asset keeps (``money.ASSET_PLACES``), and every price and
quantity isomargin stores has at most that many (the control plane checks it). A signed 64-bit
integer then holds ±9.2 × 10^10, which is why the control plane bounds every decimal below
10^10 (``service.admin.MAX_INTEGER_DIGITS``).

Both directions are exact or fail: :func:`encode_money` raises ``ValueError`` for a value with
more than 8 significant decimals or outside the 64-bit range (never rounds), and
:func:`decode_money` returns exactly the value stored.
"""

from __future__ import annotations

from decimal import Context, Decimal, Inexact, InvalidOperation

#: decimals kept; a stored integer ``n`` means ``n / 10^MONEY_SCALE``
MONEY_SCALE = 8
SCALE_FACTOR = 10**MONEY_SCALE
#: a signed 64-bit integer (SQLite INTEGER, PostgreSQL BIGINT)
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
#: scaleb rounds to its context's precision: trap Inexact so that digits are never dropped (a
#: 29-digit value would lose its last digit in the default 28-digit context)
_EXACT = Context(prec=1000, traps=[Inexact, InvalidOperation])
#: decoding shifts a 64-bit integer (at most 19 digits) by 8 places: 40 digits always hold it
#: exactly (Inexact trapped all the same, so a digit could never be dropped silently)
_DECODE = Context(prec=40, traps=[Inexact, InvalidOperation])
#: bound once: looking a method up on a Context goes through its own getattr (measured ~5% of a
#: transfer's instructions across its eight decodes before it was bound)
_SHIFT_DOWN = _DECODE.scaleb
_STRIP_ZEROS = _DECODE.normalize
_MINUS_SCALE = Decimal(-MONEY_SCALE)


#: bound once, as the decoding methods above; the scale as a Decimal, so no int is converted per call
_SCALEB = _EXACT.scaleb
_TO_INTEGRAL_EXACT = _EXACT.to_integral_exact
_SCALE = Decimal(MONEY_SCALE)


def encode_money(value: Decimal) -> int:
    """``value × 10^8`` as an int; ValueError if that is not a whole number or not 64-bit."""
    if not value.is_finite():
        raise ValueError(f"money must be a finite number, not {value}")
    try:
        # both steps exact or trapped: scaleb never rounds in _EXACT's 1,000 digits, and
        # to_integral_exact signals Inexact (trapped) when a non-zero digit lies past the point.
        # One C call each, bound once: ~40% less than a Decimal-to-int comparison afterwards
        # (five encodes per margin transfer; docs/BENCHMARKS.md)
        number = int(_TO_INTEGRAL_EXACT(_SCALEB(value, _SCALE)))
    except Inexact as exc:
        raise ValueError(f"{value} has more than {MONEY_SCALE} decimals: it cannot be stored exactly") from exc
    except InvalidOperation as exc:
        raise ValueError(f"{value} cannot be stored exactly") from exc
    if not INT64_MIN <= number <= INT64_MAX:
        raise ValueError(f"{value} is outside the range money can be stored in (±9.2 × 10^10)")
    return number


def decode_money(stored: int | Decimal) -> Decimal:
    """The Decimal ``stored / 10^8`` stands for, written with no trailing zeros and no exponent.

    That is the exact quotient with the exponent closest to 0 (the "ideal exponent" of the
    decimal arithmetic specification): ``100``, ``0.5``, ``-12345.6789``, never ``100.00000000``
    or ``1E+2``. It is the form the old TEXT columns held for every value isomargin wrote, and
    every renderer normalises anyway (``money.decimal_string``, ``fixed``).

    A whole number is the integer quotient; anything else is shifted down 8 places and its
    trailing zeros stripped (a non-zero digit stays after the point, so ``normalize`` never
    writes an ``E+`` exponent). That gives what dividing by 10^8 gives (tests/store/
    test_money_sql.py holds every 64-bit integer to it) at ~40% fewer instructions: a decimal
    division is a long division even by a power of ten, and this runs for every money value
    read, eight times a margin transfer (docs/BENCHMARKS.md).
    """
    # int(): PostgreSQL's SUM(bigint) is NUMERIC, a Decimal holding a whole number; an int (every
    # column read) skips the call, which costs ~300 instructions even when it returns its argument
    number = stored if type(stored) is int else int(stored)
    if number % SCALE_FACTOR:
        return _STRIP_ZEROS(_SHIFT_DOWN(number, _MINUS_SCALE))
    return Decimal(number // SCALE_FACTOR)
