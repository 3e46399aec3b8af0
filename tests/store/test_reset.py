"""POST /_isomargin/v1/reset empties every table of the schema source, whatever tables it has.

The rows are made from the metadata itself (one per table, parents first, foreign keys pointing
at the parent's row), so a table added to ``schema.py`` later is filled here and must be emptied
by the reset without anyone editing this test. A column type this test cannot fill yet fails
loudly instead of leaving its table out.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from isomargin.store import schema
from tests.store.engine import engine_for
from tests.support import CONTROL, Api

#: a value for each Python type a column may hold (money is a Decimal with every decimal used)
SAMPLES: dict[type, object] = {
    bool: True,
    int: 7,
    str: "x",
    bytes: b"x",
    datetime: datetime(2026, 1, 1, tzinfo=UTC),
    uuid.UUID: uuid.UUID(int=7),
}


def _value(column: sa.Column[Any], rows: dict[str, dict[str, object]]) -> object:
    for fk in column.foreign_keys:
        return rows[fk.column.table.name][fk.column.name]
    if isinstance(column.type, schema.Money):
        return Decimal("-12345.67890123")
    if isinstance(column.type, sa.JSON):  # its python_type is object
        return {"k": [1]}
    try:
        python_type: type | None = column.type.python_type
    except NotImplementedError:
        python_type = None
    if python_type not in SAMPLES:
        raise AssertionError(f"teach this test to fill {column.table.name}.{column.name} ({column.type})")
    return SAMPLES[python_type]


def fill_every_table(engine: sa.Engine) -> None:
    rows: dict[str, dict[str, object]] = {}
    with engine.begin() as db:
        for table in schema.metadata.sorted_tables:  # parents before children
            rows[table.name] = {c.name: _value(c, rows) for c in table.columns}
            db.execute(table.insert().values(rows[table.name]))


def counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as db:
        return {
            t.name: int(db.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())
            for t in schema.metadata.sorted_tables
        }


async def test_reset_empties_every_table_of_the_schema(api: Api, db_url: str) -> None:
    with engine_for(db_url) as engine:
        fill_every_table(engine)
        before = counts(engine)
        assert all(n == 1 for n in before.values()), before
        r = await api.http.post(f"{CONTROL}/reset")
        assert r.status_code == 200, r.text
        assert counts(engine) == dict.fromkeys(before, 0)
        with engine.connect() as db:  # the schema itself stays: the server keeps running on it
            assert db.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar_one() == 1


async def test_a_table_added_to_the_schema_later_is_reset_too(api: Api, db_url: str) -> None:
    """What the lead's outbox table (or any other) gets for free: no list of tables to update."""
    probe = sa.Table(
        "reset_probe",
        schema.metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),  # no cascade
        sa.Column("amount", schema.Money, nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
    )
    try:
        with engine_for(db_url) as engine:
            probe.create(engine)
            fill_every_table(engine)
            assert counts(engine)["reset_probe"] == 1
            r = await api.http.post(f"{CONTROL}/reset")
            assert r.status_code == 200, r.text  # a child without ON DELETE CASCADE: emptied before accounts
            assert set(counts(engine).values()) == {0}
    finally:
        schema.metadata.remove(probe)
