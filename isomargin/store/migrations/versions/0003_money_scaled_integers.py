"""Money as scaled integers: every amount, price and quantity a BIGINT of ``value × 10^8``.

Before: TEXT on SQLite (exact, but SQL could neither compare nor sum it) and NUMERIC on
PostgreSQL. After: BIGINT on both, so both compare, sort, sum and index money exactly in SQL
(``isomargin/store/money_sql.py``). Drafted with ``alembic revision --autogenerate`` against the
schema source (``isomargin/store/schema.py``), reviewed and completed by hand: autogenerate
alone would have converted with ``CAST(col AS BIGINT)``, which keeps only the integer part.

Every row is converted exactly, or the migration fails naming the value: a stored value with
more than 8 decimals or beyond ±9.2 × 10^10 cannot be held, and is never rounded. Every value
is checked before the first table changes.

- SQLite: each value is rewritten in Python as its scaled integer (still in the TEXT column),
  then ``batch_alter_table`` recreates the table with BIGINT columns, where ``CAST`` of those
  integer texts is exact. The recreate drops the old table, which must not cascade to the
  child tables: the migration refuses to run with ``PRAGMA foreign_keys`` on.
- PostgreSQL: one ``ALTER COLUMN … TYPE BIGINT USING (col * 100000000)::bigint`` per column,
  after a check that every value has at most 8 decimals (the cast would round it) and fits.

Downgrade converts back exactly (to TEXT / NUMERIC, with no trailing zeros).

The scale is written here, not imported: a migration is history and must keep meaning what it
did when it ran.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

from decimal import Context, Decimal, Inexact, InvalidOperation
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SCALE = 8
FACTOR = 10**SCALE
MONEY = {
    "accounts": ("cross_wallet",),
    "positions": ("position_amt", "entry_price", "isolated_wallet"),
    "mark_prices": ("mark_price",),
    "margin_history": ("amount",),
}
_EXACT = Context(prec=1000, traps=[Inexact, InvalidOperation])


def _old_type() -> sa.types.TypeEngine[Any]:
    """Money before this revision (0001's ``money()``)."""
    return sa.Text() if op.get_bind().dialect.name == "sqlite" else sa.Numeric()


def _to_scaled(table: str, column: str, value: object) -> int:
    try:
        scaled = Decimal(str(value)).scaleb(SCALE, _EXACT)
    except (Inexact, InvalidOperation) as exc:
        raise ValueError(f"{table}.{column} holds {value!r}, not an exact decimal") from exc
    number = int(scaled)
    if number != scaled or not -(2**63) <= number < 2**63:
        raise ValueError(
            f"{table}.{column} holds {value}, which has more than {SCALE} decimals or is beyond ±9.2 × 10^10:"
            " it cannot be stored as a scaled integer without rounding; correct it and migrate again"
        )
    return number


def _from_scaled(value: object) -> str:
    """``1234567890000`` → ``"12345.6789"``: the plain decimal text, no trailing zeros."""
    number = int(str(value))
    whole, fraction = divmod(abs(number), FACTOR)
    text = f"{whole}.{fraction:0{SCALE}d}".rstrip("0").rstrip(".")
    return f"-{text}" if number < 0 else text


def _rewrite_sqlite(table: str, columns: tuple[str, ...], convert: Any) -> None:
    """Rewrite every value of ``columns`` in place through ``convert(table, column, value)``.

    In chunks by rowid, so that a million history rows never sit in memory at once.
    """
    bind = op.get_bind()
    select = sa.text(f"SELECT rowid, {', '.join(columns)} FROM {table} WHERE rowid > :after ORDER BY rowid LIMIT 10000")
    update = sa.text(f"UPDATE {table} SET {', '.join(f'{c} = :{c}' for c in columns)} WHERE rowid = :rowid")
    after = -(2**63)
    while rows := bind.execute(select, {"after": after}).all():
        bind.execute(
            update,
            [{"rowid": r[0], **{c: convert(table, c, v) for c, v in zip(columns, r[1:], strict=True)}} for r in rows],
        )
        after = rows[-1][0]


def _check_sqlite(table: str, columns: tuple[str, ...]) -> None:
    """Every value converts exactly (raises, naming the first that doesn't), before anything changes."""
    for row in op.get_bind().execute(sa.text(f"SELECT {', '.join(columns)} FROM {table}")):
        for column, value in zip(columns, row, strict=True):
            _to_scaled(table, column, value)


def _refuse_cascading_drops() -> None:
    """The batch recreate drops ``accounts``; with foreign keys on, SQLite would delete every child row."""
    if op.get_bind().execute(sa.text("PRAGMA foreign_keys")).scalar():
        raise RuntimeError("migration 0003 recreates tables on SQLite: run it with PRAGMA foreign_keys off")


def _check_exact_postgres(table: str, column: str) -> None:
    scaled = f"{column} * {FACTOR}"
    outside = f"{scaled} NOT BETWEEN {-(2**63)} AND {2**63 - 1}"
    bad = op.get_bind().execute(
        sa.text(f"SELECT {column} FROM {table} WHERE {scaled} <> trunc({scaled}) OR {outside} LIMIT 1")
    )
    value = bad.scalar()
    if value is not None:
        _to_scaled(table, column, value)  # raises, naming the value


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        _refuse_cascading_drops()
    # Check every value of every table first: a value that cannot be converted stops the
    # migration before any table has changed.
    for table, columns in MONEY.items():
        if sqlite:
            _check_sqlite(table, columns)
        else:
            for column in columns:
                _check_exact_postgres(table, column)
    for table, columns in MONEY.items():
        if sqlite:
            _rewrite_sqlite(table, columns, _to_scaled)
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(
                    column,
                    existing_type=_old_type(),
                    type_=sa.BigInteger(),
                    existing_nullable=False,
                    postgresql_using=f"({column} * {FACTOR})::bigint",
                )


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        _refuse_cascading_drops()
    for table, columns in MONEY.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(
                    column,
                    existing_type=sa.BigInteger(),
                    type_=_old_type(),
                    existing_nullable=False,
                    # × 0.00000001: exact at scale 8 (a division picks its own scale); trim_scale
                    # then writes 100, not 100.00000000 (equal, but what the old code wrote)
                    postgresql_using=f"trim_scale({column} * {Decimal(1).scaleb(-SCALE):f})",
                )
        if sqlite:  # the recreate cast the integers to text; now give them their decimal point
            _rewrite_sqlite(table, columns, lambda _t, _c, value: _from_scaled(value))
