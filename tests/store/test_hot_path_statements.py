"""A margin transfer keeps its statement count: neither the schema source nor the outbox adds a read.

SQLite: one SELECT (account with its last event number, position, settings, mark price and
Σ isolated wallets joined); one UPDATE of the account (cross wallet and event number); one UPDATE of
the position (the row exists: no INSERT … ON CONFLICT, which costs more); the history row and the
event are INSERTs.
PostgreSQL: the account (after the symbol's lock, in the same statement) and the position are read
and locked in that order (two SELECTs); the writes are one statement (``store.write_plan``: every
statement is a round trip there).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from isomargin.domain.position import PositionSide
from isomargin.service import admin
from isomargin.service.context import ServiceContext
from isomargin.service.margin import MarginChange, modify_position_margin
from isomargin.store import Tx, open_store, repo
from isomargin.store.base import OutboxEvent, Row
from isomargin.symbols import DEFAULT_SYMBOLS


class CountingTx:
    """The store's transaction, recording each statement it is given."""

    def __init__(self, tx: Tx) -> None:
        self._tx = tx
        self.dialect = tx.dialect
        self.for_update = tx.for_update
        self.statements: list[str] = []
        self.texts: list[str] = []
        self.outbox = tx.outbox

    def _record(self, sql: str) -> None:
        self.statements.append(sql.split()[0])
        self.texts.append(sql)

    def one(self, sql: str, params: Sequence[object] = ()) -> Row | None:
        self._record(sql)
        return self._tx.one(sql, params)

    def all(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        self._record(sql)
        return self._tx.all(sql, params)

    def run(self, sql: str, params: Sequence[object] = ()) -> int:
        self._record(sql)
        return self._tx.run(sql, params)

    def insert(self, sql: str, params: Sequence[object] = ()) -> int:
        self._record(sql)
        return self._tx.insert(sql, params)

    def insert_later(self, sql: str, params: Sequence[object], into: OutboxEvent | None = None) -> None:
        self._record(sql)
        self._tx.insert_later(sql, params, into)


def test_a_transfer_runs_one_read_and_one_write_per_row_it_changes(db_url: str) -> None:
    store = open_store(db_url)
    ctx = ServiceContext(dict(DEFAULT_SYMBOLS), 1_000_000)
    try:
        account_id = store.write_sync(
            lambda tx: repo.insert_account(tx, cross_wallet=Decimal(10_000), dual_side_position=False, now_ms=1)
        )
        position = admin.OpenPosition(account_id, "BTCUSDT", PositionSide.BOTH, Decimal("0.01"), Decimal(50_000), 10)
        store.write_sync(lambda tx: admin.open_position(tx, ctx, position))
        counted: list[CountingTx] = []

        def transfer(tx: Tx) -> Decimal:
            counted.append(CountingTx(tx))
            change = MarginChange("BTCUSDT", Decimal(1), 1, None)
            return modify_position_margin(counted[-1], ctx, account_id, change).amount

        assert store.write_sync(transfer) == 1
    finally:
        store.close()
    if store.dialect == "sqlite":
        assert counted[0].statements == ["SELECT", "UPDATE", "UPDATE", "INSERT", "INSERT"]
        return
    # PostgreSQL: the account with the symbol's shared advisory lock taken first (issue 12's lock
    # order), the position; then the account, the position, the history row and the event in one
    # statement
    assert counted[0].statements == ["SELECT", "SELECT", "WITH"]
    assert "pg_advisory_xact_lock_shared" in counted[0].texts[0] and "FROM accounts" in counted[0].texts[0]
    writes = counted[0].texts[-1]
    assert [writes.count(part) for part in WRITES] == [1, 1, 1, 1]
    assert writes.index("INSERT INTO events") > writes.index("INSERT INTO margin_history")


#: the write parts of a margin transfer, as the statements that send them begin
WRITES = ("UPDATE accounts", "INSERT INTO positions", "INSERT INTO margin_history", "INSERT INTO events")


def test_a_first_fill_inserts_the_position_it_opens(db_url: str) -> None:
    """The UPDATE finds no row for a position never held: the INSERT writes it, once (SQLite;
    PostgreSQL upserts in the change's one statement)."""
    store = open_store(db_url)
    ctx = ServiceContext(dict(DEFAULT_SYMBOLS), 1_000_000)
    try:
        account_id = store.write_sync(
            lambda tx: repo.insert_account(tx, cross_wallet=Decimal(10_000), dual_side_position=True, now_ms=1)
        )
        position = admin.OpenPosition(account_id, "BTCUSDT", PositionSide.SHORT, Decimal("-0.01"), Decimal(50_000), 10)
        counted: list[CountingTx] = []

        def open_short(tx: Tx) -> None:
            counted.append(CountingTx(tx))
            admin.open_position(counted[-1], ctx, position)

        store.write_sync(open_short)
        rows = store.read_sync(lambda tx: repo.list_positions(tx, account_id, "BTCUSDT"))
    finally:
        store.close()
    if store.dialect == "sqlite":
        position_writes = [t for t in counted[0].texts if t.startswith(("UPDATE positions", "INSERT INTO positions"))]
        assert [" ".join(t.split()[:3]) for t in position_writes] == ["UPDATE positions SET", "INSERT INTO positions"]
    else:  # PostgreSQL: always the upsert, a part of the change's one statement
        assert [t.split()[0] for t in counted[0].texts][-1] == "WITH"
        assert "UPDATE positions" not in counted[0].texts[-1]
        assert counted[0].texts[-1].count("INSERT INTO positions") == 1
    assert [(r.position_side, r.position_amt, r.entry_price) for r in rows] == [
        ("SHORT", Decimal("-0.01"), Decimal(50_000))
    ]
