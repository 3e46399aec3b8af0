"""Several writes sent to PostgreSQL as one statement: one round trip instead of one per write.

On PostgreSQL every statement is a network round trip, and the round trip, not the database's
work, is what a position change waits for (docs/BENCHMARKS.md). A change writes up to five tables'
rows (``store.changes.write_change``); :class:`WritePlan` collects those writes and sends them as
data-modifying common table expressions of one statement::

    WITH w0 AS (UPDATE accounts …), w1 AS (INSERT INTO positions … ON CONFLICT …),
         w2 AS (INSERT INTO margin_history …)
    INSERT INTO events … RETURNING id, …

PostgreSQL's rules for such a statement, which every part added here must respect:

- every part runs on the same snapshot and none sees another's effects: no part may read what
  another writes, and no row may be written by two parts (which one wins is undefined);
- row locks the transaction took before (the caller's ``SELECT … FOR UPDATE``) still hold;
- every part runs to completion, whether or not its rows are read.

SQLite has no data-modifying CTEs (and its statements are calls within the process, not round
trips): it runs the same writes one by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from isomargin.store.base import Row, Tx


class WritePlan:
    """The parts of one statement: writes without ``RETURNING``, then the statement that answers."""

    __slots__ = ("_params", "_parts")

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._params: list[object] = []

    def add(self, sql: str, params: Sequence[object]) -> None:
        """One INSERT, UPDATE or DELETE (no RETURNING: nothing reads its rows); ``sql`` is a
        constant of its caller's, so the statement texts sent stay few (psycopg prepares a text
        it has run five times, and PostgreSQL then skips parsing and planning it)."""
        self._parts.append(sql)
        self._params.extend(params)

    def run(self, tx: Tx) -> None:
        """Send every part in one statement, the last one as its main statement (nothing comes back)."""
        *parts, last = self._parts
        tx.run(_statement(tuple(parts), last), self._params)

    def send(self, tx: Tx, last: str, params: Sequence[object]) -> list[Row]:
        """Send every part and ``last`` (a statement with ``RETURNING``) in one statement; its rows."""
        return tx.all(_statement(tuple(self._parts), last), (*self._params, *params))


@lru_cache(maxsize=256)
def _statement(parts: tuple[str, ...], last: str) -> str:
    """The one statement: each part a CTE nobody reads (PostgreSQL runs it all the same)."""
    if not parts:
        return last
    return "WITH " + ", ".join(f"w{i} AS ({part})" for i, part in enumerate(parts)) + " " + last
