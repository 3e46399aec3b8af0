"""Migrations and the schema source agree, and 0003 converts existing money exactly both ways.

A database at revision 0002 holds money as TEXT (SQLite) or NUMERIC (PostgreSQL); 0003 turns
every amount into a BIGINT of value × 10^8. The values below are the awkward ones: the smallest
unit, a value with trailing zeros stored, negative amounts, the largest value the control plane
accepts, and a value float arithmetic cannot hold.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from isomargin.store import open_store, repo, schema
from isomargin.store.migrate import downgrade, upgrade
from tests.store.engine import engine_for, table_names

CROSS = [Decimal("0.00000001"), Decimal("9999999999.99999999"), Decimal("100.50000000")]
POSITION = (Decimal("-12345.678"), Decimal("12345.6789"), Decimal("0.30000001"))  # amt, entry, wallet
MARK = Decimal("9999999999.99999999")
HISTORY = [Decimal("0.1"), Decimal("-0.2"), Decimal("0.00000001")]


def _money(engine: sa.Engine, value: Decimal) -> object:
    """Money as revision 0002 stored it: ``format(value, "f")`` text on SQLite, NUMERIC on PostgreSQL."""
    return format(value, "f") if engine.dialect.name == "sqlite" else value


def _fill_0002(engine: sa.Engine) -> None:
    """Rows in every table, written the way the code of revision 0002 wrote them."""
    m = lambda value: _money(engine, value)  # noqa: E731
    with engine.begin() as db:
        for i, cross in enumerate(CROSS, start=1):
            db.execute(
                sa.text("INSERT INTO accounts VALUES (:id, :dual, :cross, 1, 2)"),
                {"id": i, "dual": i == 3, "cross": m(cross)},
            )
        db.execute(
            sa.text(
                "INSERT INTO api_keys (api_key, account_id, key_type, secret, can_trade, enabled, ip_whitelist,"
                " created_at, futures_enabled) VALUES ('k1', 1, 'ED25519', 'pem', :t, :f, '10.0.0.0/8', 3, :t)"
            ),
            {"t": True, "f": False},
        )
        db.execute(sa.text("INSERT INTO symbol_configs VALUES (1, 'BTCUSDT', 'ISOLATED', 7)"))
        amt, entry, wallet = (m(v) for v in POSITION)
        db.execute(
            sa.text("INSERT INTO positions VALUES (1, 'BTCUSDT', 'BOTH', :amt, :entry, :wallet, 4)"),
            {"amt": amt, "entry": entry, "wallet": wallet},
        )
        db.execute(
            sa.text("INSERT INTO positions VALUES (1, 'ETHUSDT', 'BOTH', :amt, :entry, :wallet, 5)"),
            {"amt": m(Decimal("1")), "entry": m(Decimal("2000")), "wallet": m(Decimal("0.1"))},
        )
        db.execute(sa.text("INSERT INTO mark_prices VALUES ('BTCUSDT', :p, 6)"), {"p": m(MARK)})
        for t, amount in enumerate(HISTORY, start=10):
            db.execute(
                sa.text("INSERT INTO margin_history VALUES (:id, 1, 'BTCUSDT', 'BOTH', 1, :amount, 'USDT', :t)"),
                {"id": t, "amount": m(amount), "t": t},
            )
        db.execute(sa.text("INSERT INTO server_state VALUES ('clock_offset_ms', '-5')"))


def _read_through_repo(url: str) -> dict[str, Any]:
    store = open_store(url, migrate=False)
    try:

        def read(tx: repo.Tx) -> dict[str, Any]:
            return {
                "accounts": repo.list_accounts(tx),
                "key": repo.get_api_key(tx, "k1"),
                "config": repo.get_symbol_config(tx, 1, "BTCUSDT"),
                "positions": repo.list_positions(tx, 1),
                "marks": repo.all_mark_prices(tx),
                "history": repo.query_history(tx, 1, "BTCUSDT", type_=None, start_ms=0, end_ms=99, limit=10),
                "isolated": repo.sum_isolated_wallets(tx, 1),
                "state": repo.get_state(tx, "clock_offset_ms"),
            }

        return store.read_sync(read)
    finally:
        store.close()


def test_upgrade_keeps_every_value_exactly(db_url: str) -> None:
    upgrade(db_url, "0002")
    with engine_for(db_url) as engine:
        _fill_0002(engine)
    upgrade(db_url)
    read = _read_through_repo(db_url)
    assert [(a.id, a.dual_side_position, a.cross_wallet, a.update_time) for a in read["accounts"]] == [
        (1, False, CROSS[0], 2),
        (2, False, CROSS[1], 2),
        (3, True, CROSS[2], 2),
    ]
    assert read["key"] == repo.ApiKey("k1", 1, "ED25519", "pem", True, False, "10.0.0.0/8", True)
    assert read["config"] == repo.SymbolConfig("BTCUSDT", "ISOLATED", 7)
    btc, eth = read["positions"]
    assert (btc.position_amt, btc.entry_price, btc.isolated_wallet, btc.update_time) == (*POSITION, 4)
    assert eth.isolated_wallet == Decimal("0.1")
    assert read["isolated"] == Decimal("0.40000001")  # 0.30000001 + 0.1, summed by the database
    assert read["marks"] == {"BTCUSDT": (MARK, 6)}
    assert [(h.amount, h.time) for h in read["history"]] == list(zip(HISTORY, [10, 11, 12], strict=True))
    assert read["state"] == "-5"
    # The stored form is the scaled integer itself, not a rounded or truncated cast.
    with engine_for(db_url) as engine, engine.connect() as db:
        assert db.execute(sa.text("SELECT cross_wallet FROM accounts ORDER BY id")).scalars().all() == [
            1,
            999_999_999_999_999_999,
            10_050_000_000,
        ]


def test_migrated_database_matches_the_schema_source(db_url: str) -> None:
    """What keeps migrations and schema.py honest: after upgrade, autogenerate finds nothing to do."""
    upgrade(db_url)
    with engine_for(db_url) as engine:
        with engine.connect() as db:
            include = schema.include_object(db.dialect.name)  # what only PostgreSQL has is not SQLite's
            opts = {"compare_type": True, "compare_server_default": True, "include_object": include}
            context = MigrationContext.configure(db, opts=opts)
            assert compare_metadata(context, schema.metadata) == []
        assert table_names(engine) == {t.name for t in schema.metadata.sorted_tables} | {"alembic_version"}
        # compare_metadata does not look at ON DELETE: every foreign key must still cascade
        inspector = sa.inspect(engine)
        for table in schema.metadata.sorted_tables:
            expected = sorted((fk.parent.name, fk.ondelete) for fk in table.foreign_keys)
            found = sorted(
                (fk["constrained_columns"][0], fk["options"].get("ondelete"))
                for fk in inspector.get_foreign_keys(table.name)
            )
            assert found == expected, table.name


def test_the_outbox_numbers_are_unique_by_index_on_postgresql_only(db_url: str) -> None:
    """SQLite reads an account's events by id and drops the index a database migrated before had
    (0017); PostgreSQL keeps it, its readers go by number (schema.events)."""
    upgrade(db_url, "0016")
    with engine_for(db_url) as engine:
        assert [u["name"] for u in sa.inspect(engine).get_unique_constraints("events")] == ["uq_events_account_seq"]
    upgrade(db_url)
    with engine_for(db_url) as engine:
        names = [u["name"] for u in sa.inspect(engine).get_unique_constraints("events")]
        assert names == ([] if engine.dialect.name == "sqlite" else ["uq_events_account_seq"])


def test_downgrade_restores_the_old_values(db_url: str) -> None:
    upgrade(db_url, "0002")
    with engine_for(db_url) as engine:
        _fill_0002(engine)
    upgrade(db_url)
    downgrade(db_url, "0002")
    with engine_for(db_url) as engine, engine.connect() as db:
        cross = db.execute(sa.text("SELECT cross_wallet FROM accounts ORDER BY id")).scalars().all()
        position = db.execute(
            sa.text("SELECT position_amt, entry_price, isolated_wallet FROM positions WHERE symbol = 'BTCUSDT'")
        ).one()
        (mark,) = db.execute(sa.text("SELECT mark_price FROM mark_prices")).one()
        history = db.execute(sa.text("SELECT amount FROM margin_history ORDER BY id")).scalars().all()
        sqlite = engine.dialect.name == "sqlite"
    assert [Decimal(v) for v in cross] == CROSS
    assert tuple(Decimal(v) for v in position) == POSITION
    assert Decimal(mark) == MARK
    assert [Decimal(v) for v in history] == HISTORY
    if sqlite:  # the text the old code wrote, no padding: "0.00000001", not "1E-8" or "0.000000010"
        assert cross == ["0.00000001", "9999999999.99999999", "100.5"]
        assert history == ["0.1", "-0.2", "0.00000001"]
    else:
        assert [str(v) for v in cross] == ["1E-8", "9999999999.99999999", "100.5"]
    upgrade(db_url)  # and up again: the round trip is lossless
    assert [a.cross_wallet for a in _read_through_repo(db_url)["accounts"]] == CROSS


@pytest.mark.parametrize("bad", ["0.000000001", "92233720368.54775808"])
def test_a_value_that_cannot_be_held_stops_the_upgrade_before_any_change(db_url: str, bad: str) -> None:
    upgrade(db_url, "0002")
    with engine_for(db_url) as engine:
        _fill_0002(engine)
        with engine.begin() as db:  # the last table converted: every other one would have changed first
            db.execute(
                sa.text("UPDATE margin_history SET amount = :v WHERE id = 12"), {"v": _money(engine, Decimal(bad))}
            )
    with pytest.raises(ValueError, match=r"margin_history\.amount holds"):
        upgrade(db_url)
    with engine_for(db_url) as engine, engine.connect() as db:
        assert db.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0002"
        (cross,) = db.execute(sa.text("SELECT cross_wallet FROM accounts WHERE id = 1")).one()
    assert Decimal(cross) == CROSS[0]  # still the old text/numeric, not a scaled integer


def test_stored_reduce_rows_turn_negative_and_back(db_url: str) -> None:
    """0006: a type-2 row written positive by the older code reads back negative, once; add rows stay."""
    upgrade(db_url, "0005")
    with engine_for(db_url) as engine, engine.begin() as db:
        db.execute(
            sa.text(
                "INSERT INTO accounts (id, dual_side_position, cross_wallet, created_at, update_time)"
                " VALUES (1, :f, 0, 1, 1)"
            ),
            {"f": False},
        )
        for row_id, type_, scaled in ((1, 1, 10_000_000_000), (2, 2, 5_000_000_000), (3, 2, -1)):
            db.execute(
                sa.text(
                    "INSERT INTO margin_history (id, account_id, symbol, position_side, type, amount, asset, time)"
                    " VALUES (:id, 1, 'BTCUSDT', 'BOTH', :type, :amount, 'USDT', :id)"
                ),
                {"id": row_id, "type": type_, "amount": scaled},
            )
    upgrade(db_url, "0006")
    # only the history through today's repo: its other reads name columns later migrations add
    store = open_store(db_url, migrate=False)
    try:
        history = store.read_sync(
            lambda tx: repo.query_history(tx, 1, "BTCUSDT", type_=None, start_ms=0, end_ms=99, limit=10)
        )
    finally:
        store.close()
    assert [(h.type, h.amount) for h in history] == [(1, Decimal(100)), (2, Decimal(-50)), (2, Decimal("-0.00000001"))]
    downgrade(db_url, "0005")
    with engine_for(db_url) as engine, engine.connect() as db:
        amounts = db.execute(sa.text("SELECT amount FROM margin_history ORDER BY id")).scalars().all()
    assert amounts == [10_000_000_000, 5_000_000_000, 1]  # the downgrade cannot tell row 3 was negative before
