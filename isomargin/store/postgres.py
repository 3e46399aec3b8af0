"""PostgreSQL store: a pool of connections, each transaction on a worker thread.

Concurrent transfers on one account serialize on ``SELECT … FOR UPDATE`` of the account row
(account before position, always — so two transactions never wait on each other in a cycle).
Money columns are BIGINT of value × 10^8, as on SQLite (``money_sql.py``). The same SQL as
SQLite runs here: ``?`` placeholders are rewritten to psycopg's ``%s`` once per statement text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

import anyio.to_thread
import psycopg
from psycopg import IsolationLevel
from psycopg_pool import ConnectionPool

from isomargin.store.base import OutboxEvent, Row, Store, T, Tx, insert_at_once, log


@lru_cache(maxsize=512)
def _pg_sql(sql: str) -> str:
    return sql.replace("%", "%%").replace("?", "%s")


class PgTx:
    dialect = "postgresql"
    for_update = " FOR UPDATE"

    def __init__(self, conn: psycopg.Connection[Row]) -> None:
        # One cursor for every statement of the transaction: ``Connection.execute`` builds a new
        # cursor per call, ~27k of the ~98k instructions psycopg spends on a statement (measured
        # under callgrind, docs/BENCHMARKS.md). A client-side cursor holds a whole result once
        # ``execute`` returns, and each method below takes what it needs before the next statement.
        self._cur = conn.cursor()
        self.outbox: list[OutboxEvent] = []

    def one(self, sql: str, params: Sequence[object] = ()) -> Row | None:
        return self._cur.execute(_pg_sql(sql), params).fetchone()

    def all(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        return self._cur.execute(_pg_sql(sql), params).fetchall()

    def run(self, sql: str, params: Sequence[object] = ()) -> int:
        return self._cur.execute(_pg_sql(sql), params).rowcount

    def insert(self, sql: str, params: Sequence[object] = ()) -> int:
        row = self._cur.execute(_pg_sql(sql + " RETURNING id"), params).fetchone()
        assert row is not None
        return int(row[0])

    def insert_later(self, sql: str, params: Sequence[object], into: OutboxEvent | None = None) -> None:
        # at once: a PostgreSQL change sends its rows in its one statement already (store.write_plan)
        insert_at_once(self, sql, params, into)


class _LoneStatementTx(PgTx):
    """A :class:`PgTx` outside a transaction block (``Store.read_statement``): one statement only.

    A second statement would run on a snapshot of its own, so it is refused rather than run.
    """

    def __init__(self, conn: psycopg.Connection[Row]) -> None:
        super().__init__(conn)
        self._sent = False

    def _one_only(self) -> None:
        if self._sent:
            raise RuntimeError("read_statement runs one statement: use read for more")
        self._sent = True

    def one(self, sql: str, params: Sequence[object] = ()) -> Row | None:
        self._one_only()
        return super().one(sql, params)

    def all(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        self._one_only()
        return super().all(sql, params)

    def run(self, sql: str, params: Sequence[object] = ()) -> int:
        self._one_only()
        return super().run(sql, params)

    def insert(self, sql: str, params: Sequence[object] = ()) -> int:
        self._one_only()
        return super().insert(sql, params)


def _rollback(conn: psycopg.Connection[Row]) -> None:
    """Roll back after a failed transaction function; the function's exception is the one raised.

    A connection that cannot even roll back (the server went away) is left to the pool, which
    discards a broken connection when it comes back.
    """
    try:
        conn.rollback()
    except psycopg.Error:
        log.warning("rollback failed; the pool will discard the connection", exc_info=True)


def libpq_url(url: str) -> str:
    """Accept SQLAlchemy-style ``postgresql+psycopg://`` as well as plain ``postgresql://``."""
    for prefix in ("postgresql+psycopg://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql://" + url[len(prefix) :]
    return url


class PostgresStore(Store):
    dialect = "postgresql"

    def __init__(self, url: str, *, pool_min: int = 1, pool_max: int = 10) -> None:
        self.url = url
        self._pool: ConnectionPool[psycopg.Connection[Row]] = ConnectionPool(
            libpq_url(url), min_size=pool_min, max_size=pool_max, open=True, kwargs={"autocommit": False}
        )
        self._pool.wait(timeout=10)
        # At most one thread per pooled connection: more threads cannot run a transaction
        # anyway, they only wait for a connection and fight over the GIL while they do.
        self._limiter = anyio.CapacityLimiter(pool_max)

    def _transaction(self, fn: Callable[[Tx], T], *, read_only: bool) -> tuple[T, list[OutboxEvent]]:
        """``fn``'s result and the events it appended, once its transaction has committed."""
        with self._pool.connection() as conn:
            # Set on the connection, psycopg puts them in the BEGIN it sends itself: a read is one
            # round trip shorter than with a separate SET TRANSACTION. A read gets one snapshot
            # for every statement, as SQLite's BEGIN gives; a write the server's default level.
            # Set only when they differ: each setter runs psycopg's wait machinery even when idle.
            level = IsolationLevel.REPEATABLE_READ if read_only else None
            if conn.autocommit:  # left so by read_statement
                conn.autocommit = False
            if conn.read_only != read_only:
                conn.read_only = read_only
            if conn.isolation_level != level:
                conn.isolation_level = level
            tx = PgTx(conn)
            # The connection is not in autocommit mode: psycopg sends that BEGIN before the first
            # statement, and the transaction ends here, committed or rolled back — what
            # ``conn.transaction()`` does, without its Transaction object and savepoint
            # bookkeeping (~30k instructions a transaction, docs/BENCHMARKS.md).
            try:
                result = fn(tx)
            except BaseException:
                _rollback(conn)
                raise
            conn.commit()
            return result, tx.outbox

    def _lone_statement(self, fn: Callable[[Tx], T]) -> T:
        """``fn``'s one statement outside a transaction block: PostgreSQL runs a lone statement in a
        transaction of its own, on one snapshot, as BEGIN … COMMIT around it did — without their two
        round trips (the API key's read before every signed request). The connection is left in
        autocommit mode; :meth:`_transaction` switches it back (psycopg only records the mode: no
        round trip either way)."""
        with self._pool.connection() as conn:
            if not conn.autocommit:
                conn.autocommit = True
            return fn(_LoneStatementTx(conn))

    def write_sync(self, fn: Callable[[Tx], T]) -> T:
        result, events = self._transaction(fn, read_only=False)
        self.publish(events)
        return result

    def read_sync(self, fn: Callable[[Tx], T]) -> T:
        return self._transaction(fn, read_only=True)[0]

    async def write(self, fn: Callable[[Tx], T]) -> T:
        # The transaction runs on a worker thread; its events are published back on the event
        # loop, where listeners (stream queues) live.
        result, events = await anyio.to_thread.run_sync(
            lambda: self._transaction(fn, read_only=False), limiter=self._limiter
        )
        self.publish(events)
        return result

    async def read(self, fn: Callable[[Tx], T]) -> T:
        return await anyio.to_thread.run_sync(self.read_sync, fn, limiter=self._limiter)

    async def read_statement(self, fn: Callable[[Tx], T]) -> T:
        return await anyio.to_thread.run_sync(self._lone_statement, fn, limiter=self._limiter)

    def close(self) -> None:
        self._pool.close()
