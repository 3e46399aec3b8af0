"""SQLite store: one file in WAL mode, one connection per process.

Why inline and not on a thread: a margin transfer is one ``BEGIN IMMEDIATE`` … ``COMMIT`` of a
few statements, about 25 µs with ``synchronous=NORMAL`` on these machines
(ARCHITECTURE.md); handing it to a thread costs more than running it. Running it inline also
means transactions of one process never interleave, and ``BEGIN IMMEDIATE`` takes the
database's write lock up front, so transactions of several processes on one file serialize
without deadlocks or lost updates.

Money columns are TEXT (see the migrations): SQLite's NUMERIC affinity would turn them into
binary floats.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

from isomargin.store.base import Row, Store, T, Tx


class SqliteTx:
    dialect = "sqlite"
    for_update = ""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def one(self, sql: str, params: Sequence[object] = ()) -> Row | None:
        row: Row | None = self._conn.execute(sql, params).fetchone()
        return row

    def all(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        return self._conn.execute(sql, params).fetchall()

    def run(self, sql: str, params: Sequence[object] = ()) -> int:
        return self._conn.execute(sql, params).rowcount


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
        self._tx = SqliteTx(self._conn)

    def _transaction(self, fn: Callable[[Tx], T], begin: str) -> T:
        conn = self._conn
        conn.execute(begin)
        try:
            result = fn(self._tx)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return result

    def write_sync(self, fn: Callable[[Tx], T]) -> T:
        return self._transaction(fn, "BEGIN IMMEDIATE")

    def read_sync(self, fn: Callable[[Tx], T]) -> T:
        return self._transaction(fn, "BEGIN")

    async def write(self, fn: Callable[[Tx], T]) -> T:
        return self._transaction(fn, "BEGIN IMMEDIATE")

    async def read(self, fn: Callable[[Tx], T]) -> T:
        return self._transaction(fn, "BEGIN")

    def close(self) -> None:
        self._conn.close()
