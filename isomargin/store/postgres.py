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

from isomargin.store.base import OutboxEvent, Row, Store, T, Tx


@lru_cache(maxsize=512)
def _pg_sql(sql: str) -> str:
    return sql.replace("%", "%%").replace("?", "%s")


class PgTx:
    dialect = "postgresql"
    for_update = " FOR UPDATE"

    def __init__(self, conn: psycopg.Connection[Row]) -> None:
        self._conn = conn
        self.outbox: list[OutboxEvent] = []

    def one(self, sql: str, params: Sequence[object] = ()) -> Row | None:
        return self._conn.execute(_pg_sql(sql), params).fetchone()

    def all(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        return self._conn.execute(_pg_sql(sql), params).fetchall()

    def run(self, sql: str, params: Sequence[object] = ()) -> int:
        return self._conn.execute(_pg_sql(sql), params).rowcount

    def insert(self, sql: str, params: Sequence[object] = ()) -> int:
        row = self._conn.execute(_pg_sql(sql + " RETURNING id"), params).fetchone()
        assert row is not None
        return int(row[0])


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
            conn.read_only = read_only
            conn.isolation_level = IsolationLevel.REPEATABLE_READ if read_only else None
            tx = PgTx(conn)
            with conn.transaction():
                result = fn(tx)
            return result, tx.outbox

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

    def close(self) -> None:
        self._pool.close()
