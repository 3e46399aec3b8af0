"""SQLite store: one file in WAL mode, one connection per process.

Why inline and not on a thread: a margin transfer is one ``BEGIN IMMEDIATE`` … ``COMMIT`` of a
few statements, about 25 µs with ``synchronous=NORMAL`` on these machines
(ARCHITECTURE.md); handing it to a thread costs more than running it. Running it inline also
means transactions of one process never interleave, and ``BEGIN IMMEDIATE`` takes the
database's write lock up front, so transactions of several processes on one file serialize
without deadlocks or lost updates.

Group commit: ``write()`` does not commit each request on its own. Writes that arrive in the
same turn of the event loop run back to back in ONE ``BEGIN IMMEDIATE`` … ``COMMIT``; a
rejected request still rolls back alone (see ``_commit_batch``), and no caller resumes before
the COMMIT that made its change durable. Under concurrent load the COMMIT (the
WAL write, the largest single cost of a transfer in the profile, docs/BENCHMARKS.md) is then
shared by every request of the batch; a lone request pays one extra loop hop.

Money columns are BIGINT holding value × 10^8 (``money_sql.py``): exact, and comparable and
summable in SQL, which TEXT was not (SQLite's NUMERIC affinity would store binary floats).
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from isomargin.store.base import OutboxEvent, Row, Store, T, Tx, insert_at_once

PAGE_CACHE_KIB = 64 * 1024
WAL_AUTOCHECKPOINT_PAGES = 50_000
CHECKPOINT_INTERVAL_S = 0.5


class _WroteThenFailed(Exception):
    """A batched request raised after writing: the batch is re-run with savepoints."""


class _GatheredRowsFailed(_WroteThenFailed):
    """Writing a batch's gathered rows failed: which request's row it was is not known, and the
    rows of requests that had already returned went with it. The batch is re-run with savepoints,
    each row inserted at once, whichever request's statement the failure surfaced in."""


#: one request of a group-commit batch: its future, whether it succeeded, its result or
#: exception, and the outbox events it appended
_Outcome = tuple["asyncio.Future[Any]", bool, Any, list[OutboxEvent]]


_WRITES, _TOUCHES_KEYS, _TOUCHES_STATE, _MEETS_GATHERED = 1, 2, 4, 8
_KINDS_MAX = 4096

#: The tables whose INSERTs a group commit gathers into one statement per batch
#: (:meth:`SqliteTx.insert_later`): append-only logs that every change writes a row to, and that a
#: write reads only through a statement naming them. A margin transfer's history row and outbox
#: event were two of its five statements; gathered, a batch of 32 writes them with two.
GATHERED_TABLES = ("events", "margin_history")
_NAMES_GATHERED = re.compile(r"\b(?:" + "|".join(GATHERED_TABLES) + r")\b")
#: rows per gathered statement at most (a batch under load holds 32; its text is cached per size)
GATHER_CHUNK = 64


def _kind(sql: str) -> int:
    """What a statement may do, as :meth:`SqliteTx._note` counts it: a write (anything but a
    SELECT), flagged when it may touch ``api_keys`` or ``server_state``; and whether it may meet
    a gathered table's rows — it names one, or it is a DELETE, which may cascade into one — so
    the rows gathered so far are written before it runs."""
    meets = _MEETS_GATHERED if sql.startswith("DELETE") or _NAMES_GATHERED.search(sql) else 0
    if sql.startswith("SELECT"):
        return meets
    return (
        _WRITES | (_TOUCHES_KEYS if "api_keys" in sql else 0) | (_TOUCHES_STATE if "server_state" in sql else 0) | meets
    )


_SINGLE_ROW_INSERT = re.compile(r"INSERT INTO (\w+) \(([^)]*)\) VALUES (\([?, ]*\))")


@dataclass(frozen=True)
class _GatherPlan:
    """How rows of one single-row INSERT are written together."""

    table: str
    columns: str
    row: str  # the one row's placeholders, ``(?, ?, ?)``

    @lru_cache(maxsize=64)  # noqa: B019 - the plans are few and live as long as the process
    def statement(self, rows: int, with_ids: bool) -> str:
        """One INSERT of ``rows`` rows; ``with_ids``: each row's ``id`` bound first."""
        row, columns = (f"(?, {self.row[1:]}", f"id, {self.columns}") if with_ids else (self.row, self.columns)
        return f"INSERT INTO {self.table} ({columns}) VALUES {', '.join([row] * rows)}"


@lru_cache(maxsize=16)
def _gather_plan(sql: str) -> _GatherPlan:
    match = _SINGLE_ROW_INSERT.fullmatch(sql)
    if match is None or match[1] not in GATHERED_TABLES:
        raise ValueError(f"insert_later gathers single-row INSERTs into {GATHERED_TABLES} only, not {sql!r}")
    return _GatherPlan(match[1], match[2], match[3])


@dataclass
class _Gathered:
    """One statement's gathered rows, and the outbox event (if any) each row's id goes to."""

    params: list[Sequence[object]] = field(default_factory=list)
    into: list[OutboxEvent | None] = field(default_factory=list)


class SqliteTx:
    dialect = "sqlite"
    for_update = ""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        # One cursor for every statement of every transaction: ``Connection.execute`` builds a
        # cursor per statement (and registers a weak reference to it), ~1,300 instructions of the
        # ~13,000 a simple statement costs; a transfer runs five. Each statement is run to its end
        # (``one`` fetches all rows), so none is left in progress for the next, for a COMMIT or for
        # a schema change to trip over.
        self._cursor = conn.cursor()
        #: bumped by every statement of this connection that may change ``api_keys``
        self.api_keys_epoch = 0
        #: bumped by every statement of this connection that may change ``server_state``
        self.state_epoch = 0
        #: statements that may have written (anything but SELECT), for the group commit
        self.writes = 0
        #: events the running transaction function appended (reset before each one)
        self.outbox: list[OutboxEvent] = []
        #: :func:`_kind` of each statement text seen: looked up, not scanned, on every statement
        self._kinds: dict[str, int] = {}
        #: rows :meth:`insert_later` holds back, by statement; None: not gathering (write now)
        self._gathered: dict[str, _Gathered] | None = None

    def _note(self, sql: str) -> None:
        kind = self._kinds.get(sql)
        if kind is None:
            kind = _kind(sql)
            if len(self._kinds) >= _KINDS_MAX:  # statements built with IN lists: keep it bounded
                self._kinds.clear()
            self._kinds[sql] = kind
        if kind:
            if kind & _MEETS_GATHERED and self._gathered:
                self.write_gathered()
            if kind & _WRITES:
                self.writes += 1
                if kind & _TOUCHES_KEYS:
                    self.api_keys_epoch += 1
                if kind & _TOUCHES_STATE:
                    self.state_epoch += 1

    def one(self, sql: str, params: Sequence[object] = ()) -> Row | None:
        self._note(sql)
        # fetchall, not fetchone: a statement with more rows (or an INSERT … RETURNING) is stepped
        # to its end and reset, as a cursor of its own would have been when it was dropped
        rows = self._cursor.execute(sql, params).fetchall()
        return rows[0] if rows else None

    def all(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        self._note(sql)
        return self._cursor.execute(sql, params).fetchall()

    def run(self, sql: str, params: Sequence[object] = ()) -> int:
        self._note(sql)
        return self._cursor.execute(sql, params).rowcount

    def insert(self, sql: str, params: Sequence[object] = ()) -> int:
        self._note(sql)
        row_id = self._cursor.execute(sql, params).lastrowid
        assert row_id is not None
        return row_id

    def insert_later(self, sql: str, params: Sequence[object], into: OutboxEvent | None = None) -> None:
        """Insert one row into a :data:`GATHERED_TABLES` table: now, or — while a group commit
        gathers (:meth:`gather`) — together with the batch's other rows of the same statement.

        Gathered rows are written before any statement that may meet them (:func:`_kind`) and
        before COMMIT (:meth:`write_gathered`), so the transaction reads and commits what it would
        have with each row inserted at once. ``into``: the outbox event whose ``id`` becomes the
        row's id when it is written.
        """
        gathered = self._gathered
        if gathered is None:
            insert_at_once(self, sql, params, into)
            return
        rows = gathered.get(sql)
        if rows is None:
            _gather_plan(sql)  # refuses a statement it could not gather, at its first row
            rows = gathered[sql] = _Gathered()
        rows.params.append(params)
        rows.into.append(into)
        self.writes += 1

    def gather(self) -> None:
        """Hold back :meth:`insert_later`'s rows until :meth:`write_gathered` (a group commit's batch)."""
        self._gathered = {}

    def write_gathered(self) -> None:
        """Insert every row held back, a few statements for all (:data:`GATHER_CHUNK` rows each).

        Rows that need their id (``into``) are given the ids SQLite would have given them one by
        one: the table's largest id + 1, + 2, … (no AUTOINCREMENT on these tables), read under the
        write lock this transaction holds. Bound explicitly, they need no assumption about the
        order of a multi-row INSERT's RETURNING rows, which SQLite leaves unspecified.
        """
        gathered, self._gathered = self._gathered, {}
        if not gathered:
            return
        try:
            self._insert_gathered(gathered)
        except sqlite3.Error as exc:
            raise _GatheredRowsFailed from exc

    def _insert_gathered(self, gathered: dict[str, _Gathered]) -> None:
        cursor = self._cursor
        for sql, rows in gathered.items():
            plan = _gather_plan(sql)
            for start in range(0, len(rows.params), GATHER_CHUNK):
                chunk = rows.params[start : start + GATHER_CHUNK]
                into = rows.into[start : start + GATHER_CHUNK]
                if len(chunk) == 1:  # the statement as written: its id is the connection's last
                    row_id = cursor.execute(sql, chunk[0]).lastrowid
                    if into[0] is not None and row_id is not None:
                        into[0].id = row_id
                    continue
                values: list[object] = []
                if not any(into):
                    for params in chunk:
                        values += params
                    cursor.execute(plan.statement(len(chunk), False), values)
                    continue
                ((last_id,),) = cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {plan.table}").fetchall()
                for row_id, params in enumerate(chunk, start=last_id + 1):
                    values.append(row_id)
                    values += params
                cursor.execute(plan.statement(len(chunk), True), values)
                for row_id, event in enumerate(into, start=last_id + 1):
                    if event is not None:
                        event.id = row_id

    def stop_gathering(self) -> None:
        """Insert at once again; rows still held back are dropped (their batch was rolled back)."""
        self._gathered = None


def sqlite_path(url: str) -> str:
    """``sqlite:///isomargin.db`` → ``isomargin.db``; ``sqlite:////abs/x.db`` → ``/abs/x.db``."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        raise ValueError(f"not a SQLite URL: {url!r} (expected sqlite:///path/to/file.db)")
    path = url[len(prefix) :]
    if not path or path == ":memory:":
        raise ValueError("isomargin needs a SQLite file (sqlite:///path/to/file.db), not :memory:")
    return path


class SqliteStore(Store):
    dialect = "sqlite"

    def __init__(self, url: str, *, synchronous: str = "NORMAL", busy_timeout_ms: int = 10_000) -> None:
        self.url = url
        path = sqlite_path(url)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, so a write transaction can
        # start with BEGIN IMMEDIATE (take the write lock before reading what it will change).
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, cached_statements=256)
        self._conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        self._conn.execute("PRAGMA journal_mode = WAL")
        if synchronous.upper() not in {"OFF", "NORMAL", "FULL", "EXTRA"}:
            raise ValueError(f"bad SQLite synchronous mode {synchronous!r}")
        self._conn.execute(f"PRAGMA synchronous = {synchronous.upper()}")
        self._conn.execute("PRAGMA foreign_keys = ON")
        # 64 MiB of page cache instead of SQLite's 2 MiB default: a large database (100,000
        # accounts, a million history rows) keeps the B-tree pages a transfer touches in memory.
        self._conn.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
        # Checkpoints (copying the WAL back into the database file, with an fsync) would run
        # inside whichever COMMIT crossed the threshold, stalling the event loop for every
        # request in flight; the profile showed COMMIT at 18% of a transfer. A background
        # thread checkpoints instead (PASSIVE: it never blocks a writer); the automatic one
        # stays only as a backstop, at ~200 MB of WAL. See docs/BENCHMARKS.md.
        self._conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}")
        self._tx = SqliteTx(self._conn)
        self._pending: list[tuple[Callable[[Tx], Any], asyncio.Future[Any]]] = []
        #: (loop, data_version) read in the current turn of that loop
        self._turn: tuple[asyncio.AbstractEventLoop, int] | None = None
        self._closing = threading.Event()
        self._checkpointer = threading.Thread(
            target=self._checkpoint_loop, args=(path,), name="isomargin-sqlite-checkpoint", daemon=True
        )
        self._checkpointer.start()

    def _checkpoint_loop(self, path: str) -> None:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA busy_timeout = 0")
            while not self._closing.wait(CHECKPOINT_INTERVAL_S):
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error:
                    continue  # busy (another process checkpoints) or closing: try again later
        finally:
            conn.close()

    def _transaction(self, fn: Callable[[Tx], T], begin: str) -> T:
        conn, tx = self._conn, self._tx
        conn.execute(begin)
        tx.outbox = []
        try:
            result = fn(tx)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        self.publish(tx.outbox)
        return result

    def write_sync(self, fn: Callable[[Tx], T]) -> T:
        return self._transaction(fn, "BEGIN IMMEDIATE")

    def read_sync(self, fn: Callable[[Tx], T]) -> T:
        return self._transaction(fn, "BEGIN")

    def write(self, fn: Callable[[Tx], T]) -> asyncio.Future[T]:
        """Queue ``fn`` for this loop turn's group commit; the future it resolves with its result."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._pending.append((fn, future))
        if len(self._pending) == 1:
            loop.call_soon(self._commit_batch)
        return future

    def _commit_batch(self) -> None:
        """Run every queued write in one transaction, then answer all.

        Fast path: no savepoints. A request rejected before it wrote anything (every check of
        a margin transfer comes before its writes) needs nothing undone. Only when a request
        fails AFTER writing is the whole batch rolled back and run again, each request in its
        own savepoint, so that its statements alone are undone.
        """
        batch, self._pending = self._pending, []
        conn = self._conn
        outcomes: list[_Outcome] = []
        committed = False
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                outcomes = self._run_batch(batch, savepoints=False)
            except _WroteThenFailed:
                conn.execute("ROLLBACK")
                conn.execute("BEGIN IMMEDIATE")
                outcomes = self._run_batch(batch, savepoints=True)
            conn.execute("COMMIT")
            committed = True
        except BaseException as exc:
            # BEGIN or COMMIT failed (e.g. the database stayed locked): nothing of the batch is stored.
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            outcomes = [(future, False, exc, []) for _, future in batch]
            if not isinstance(exc, Exception):
                raise
        finally:
            if committed:
                # Only the run that committed publishes: a batch re-run with savepoints built its
                # outcomes (and their events) afresh, and a rolled-back request's are dropped.
                self.publish([event for *_, events in outcomes for event in events])
            for future, ok, value, _ in outcomes:
                if future.done():  # its caller went away; its change is committed all the same
                    continue
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)

    def _run_batch(
        self, batch: list[tuple[Callable[[Tx], Any], asyncio.Future[Any]]], *, savepoints: bool
    ) -> list[_Outcome]:
        if savepoints or len(batch) == 1:
            # with savepoints each request's rows are inserted at once, so its savepoint can undo
            # them; a lone request has nothing to gather its rows with
            return self._run_each(batch, savepoints=savepoints)
        # the fast path gathers the batch's history and outbox rows (SqliteTx.insert_later)
        tx = self._tx
        tx.gather()
        try:
            outcomes = self._run_each(batch, savepoints=False)
            tx.write_gathered()  # before COMMIT; a failure re-runs the batch (_GatheredRowsFailed)
        finally:
            tx.stop_gathering()
        return outcomes

    def _run_each(
        self, batch: list[tuple[Callable[[Tx], Any], asyncio.Future[Any]]], *, savepoints: bool
    ) -> list[_Outcome]:
        conn, tx = self._conn, self._tx
        outcomes: list[_Outcome] = []
        for fn, future in batch:
            if savepoints:
                conn.execute("SAVEPOINT request")
            writes_before = tx.writes
            tx.outbox = []
            try:
                result = fn(tx)
            except Exception as exc:
                if isinstance(exc, _GatheredRowsFailed):  # other requests' rows: re-run them all
                    raise
                if savepoints:  # this request only: undo its statements, keep the others'
                    conn.execute("ROLLBACK TO request")
                    conn.execute("RELEASE request")
                elif tx.writes != writes_before:
                    raise _WroteThenFailed from exc
                outcomes.append((future, False, exc, []))
            else:
                if savepoints:
                    conn.execute("RELEASE request")
                outcomes.append((future, True, result, tx.outbox))
        return outcomes

    async def read(self, fn: Callable[[Tx], T]) -> T:
        return self._transaction(fn, "BEGIN")

    def state_token(self) -> object | None:
        # as api_keys_token: other processes' commits, and this connection's own state writes
        return (self._data_version(), self._tx.state_epoch)

    def api_keys_token(self) -> object | None:
        # data_version changes when ANOTHER connection (another worker process, a CLI) commits;
        # the epoch when this one writes to api_keys. Together: no api_keys write went unseen.
        return (self._data_version(), self._tx.api_keys_epoch)

    def _data_version(self) -> int:
        """``PRAGMA data_version``, read once per turn of the event loop.

        Every request handled in one turn was read off its socket in that turn's I/O poll,
        before the first of them asks: a commit another process finished before any of those
        requests was sent is already visible in the value read. Reading it again for each
        request of the same turn would show nothing new (and cost ~8% of a transfer, profiled).
        """
        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            loop = None  # outside an event loop: no turn to share the value with
        if loop is not None and self._turn is not None and self._turn[0] is loop:
            return self._turn[1]
        value = int(self._conn.execute("PRAGMA data_version").fetchone()[0])
        if loop is not None:
            self._turn = (loop, value)
            loop.call_soon(self._end_turn)
        return value

    def _end_turn(self) -> None:
        self._turn = None

    def close(self) -> None:
        self._closing.set()
        self._checkpointer.join(timeout=5)
        self._conn.close()
