"""Money as scaled integers: exact both ways, refused rather than rounded, and exact in SQL itself."""

from __future__ import annotations

from decimal import Context, Decimal, Inexact
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from isomargin.store import Tx, open_store, repo
from isomargin.store.money_sql import INT64_MAX, INT64_MIN, decode_money, encode_money

#: 40 digits hold any 64-bit integer divided by 10^8 exactly
_EXACT_DIVISION = Context(prec=40, traps=[Inexact])


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("0.00000001", 1),
        ("12345.6789", 1_234_567_890_000),
        ("-0.5", -50_000_000),
        ("9999999999.99999999", 999_999_999_999_999_999),
        ("1.000000000", 100_000_000),  # zeros past the 8th decimal are no loss
        ("0", 0),
    ],
)
def test_encoding_is_value_times_ten_to_the_eight(value: str, stored: int) -> None:
    assert encode_money(Decimal(value)) == stored
    assert decode_money(stored) == Decimal(value)


@pytest.mark.parametrize(
    "value",
    [
        "0.000000001",
        "1.0000000000000000000000000000001",
        "92233720368.54775808",
        "-92233720368.54775809",
        "NaN",
        "-Inf",
    ],
)
def test_values_that_cannot_be_stored_exactly_are_refused(value: str) -> None:
    with pytest.raises(ValueError):
        encode_money(Decimal(value))


@pytest.mark.parametrize(
    ("stored", "text"),
    [(10_000_000_000, "100"), (50_000_000, "0.5"), (-1_234_567_890_000, "-12345.6789"), (1, "1E-8"), (0, "0")],
)
def test_decoding_gives_the_canonical_decimal(stored: int, text: str) -> None:
    """What ``Decimal(format(value, "f"))`` of the old TEXT columns gave: no padding zeros, no ``1E+2``."""
    assert str(decode_money(stored)) == text


@given(
    st.one_of(
        st.integers(min_value=INT64_MIN, max_value=INT64_MAX),
        # whole amounts and few decimals too: the trailing zeros are where the text could differ
        st.builds(lambda n, zeros: n * 10**zeros, st.integers(-(10**10), 10**10), st.integers(0, 8)),
    )
)
def test_every_64_bit_integer_round_trips(stored: int) -> None:
    value = decode_money(stored)
    assert encode_money(value) == stored
    assert value == Decimal(stored) / Decimal(10**8)
    # the same text as an exact division by 10^8 (its ideal exponent), the form before the shift
    assert str(value) == str(_EXACT_DIVISION.divide(Decimal(stored), Decimal(10**8)))
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int) and exponent <= 0
    assert exponent == 0 or value.as_tuple().digits[-1] != 0  # no trailing zero after the point


# Binary floats get these wrong: 0.1 + 0.2 != 0.3, and a double keeps ~17 digits, so near 10^10
# the last decimals of 1234.56789012 are lost.
WALLETS = [
    Decimal("0.1"),
    Decimal("0.2"),
    Decimal("9999999999.99999999"),
    Decimal("0.00000001"),
    Decimal("-0.3"),
    Decimal("1234.56789012"),
]
CROSS = [Decimal("0.3"), Decimal("0.1") + Decimal("0.2") + Decimal("0.00000001"), Decimal("-0.00000001"), Decimal("0")]


def test_sql_sorts_and_sums_money_exactly(db_url: str) -> None:
    assert Decimal(repr(sum(float(w) for w in WALLETS))) != sum(WALLETS)  # the values do defeat floats
    store = open_store(db_url)
    try:

        def setup(tx: Tx) -> int:
            ids = [repo.insert_account(tx, cross_wallet=c, dual_side_position=True, now_ms=1) for c in CROSS]
            for n, wallet in enumerate(WALLETS):
                row = repo.PositionRow(f"S{n}USDT", "LONG", Decimal(1), Decimal(1), wallet, 1)
                repo.upsert_position(tx, ids[0], row, liquidation_key=None, margin_call_key=None, still_called=False)
            return ids[0]

        account_id = store.write_sync(setup)

        def query(tx: Tx) -> tuple[list[int], Decimal, Decimal]:
            order = [int(r[0]) for r in tx.all("SELECT id FROM accounts ORDER BY cross_wallet, id")]
            (total,) = tx.one("SELECT SUM(isolated_wallet) FROM positions WHERE account_id = ?", (account_id,)) or ()
            return order, repo.sum_isolated_wallets(tx, account_id), total

        order, summed, raw_total = store.read_sync(query)
    finally:
        store.close()
    by_value = sorted(range(len(CROSS)), key=lambda i: (CROSS[i], i))
    assert order == [account_id + i for i in by_value]  # -0.00000001, 0, 0.3, 0.30000001
    assert summed == sum(WALLETS) == Decimal("10000001234.56789012")
    assert int(raw_total) == encode_money(sum(WALLETS))  # the database added the integers itself


def test_sum_of_no_positions_is_zero(db_url: str) -> None:
    store = open_store(db_url)
    try:
        assert store.read_sync(lambda tx: repo.sum_isolated_wallets(tx, 1)) == 0
    finally:
        store.close()


@given(st.decimals(allow_nan=False, allow_infinity=False, places=None, min_value=-(10**12), max_value=10**12))
def test_encoding_agrees_with_exact_fractions(value: Decimal) -> None:
    """Any decimal, with any exponent and trailing zeros: stored exactly when ``value × 10^8`` is a
    whole 64-bit number (by exact fraction arithmetic), refused with ValueError otherwise."""
    scaled = Fraction(value) * 10**8
    if scaled.denominator == 1 and INT64_MIN <= scaled.numerator <= INT64_MAX:
        assert encode_money(value) == scaled.numerator
    else:
        with pytest.raises(ValueError):
            encode_money(value)
