"""The store contract: run a function inside one database transaction.

Service functions are plain synchronous code that take a :class:`Tx` and do all their reads
and writes through it; the store decides where that code runs (inline on the event loop for
SQLite, where a whole transaction takes tens of microseconds; on a worker thread for
PostgreSQL, where each statement is a network round trip). A function that raises rolls its
transaction back, so a rejected request never leaves a half-written change.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar

from isomargin.domain.events import Event, from_payload, to_payload

T = TypeVar("T")
Row = tuple[Any, ...]
log = logging.getLogger("isomargin.store")


class OutboxEvent:
    """One committed event as the outbox table holds it (``store.outbox`` writes it).

    ``seq`` counts the account's events from 1 with no gaps, so a subscriber can tell a missed or
    repeated event; ``id`` orders all events of the database in commit order per account.

    The event is held in whichever form it came in, and the other form is made only when asked
    for: an event this process appended carries its typed :attr:`event` (the stream renders its
    frame from that directly; the payload dict is never built on the write path, ~18k instructions
    a margin transfer, docs/BENCHMARKS.md), a row read back from the table carries its
    :attr:`payload` (typed only for an account this process streams). Compared and hashed as the
    row: id, account, number, type, time and payload.
    """

    __slots__ = ("_event", "_payload", "account_id", "id", "seq", "time", "type")

    def __init__(
        self,
        id: int,
        account_id: int,
        seq: int,
        type: str,
        time: int,
        payload: dict[str, Any] | None = None,
        event: Event | None = None,
    ) -> None:
        if payload is None and event is None:
            raise ValueError("an outbox event needs its payload or its typed event")
        self.id = id
        self.account_id = account_id
        self.seq = seq
        self.type = type
        self.time = time
        self._payload = payload
        self._event = event

    @property
    def payload(self) -> dict[str, Any]:
        """The event as the JSON-safe dict stored in the row (``domain.events.to_payload``)."""
        if self._payload is None:
            assert self._event is not None
            self._payload = to_payload(self._event)
        return self._payload

    @property
    def event(self) -> Event:
        """The typed event (``domain.events.from_payload`` of a row read back)."""
        if self._event is None:
            assert self._payload is not None
            self._event = from_payload(self.type, self._payload)
        return self._event

    def _key(self) -> tuple[int, int, int, str, int]:
        return (self.id, self.account_id, self.seq, self.type, self.time)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, OutboxEvent):
            return NotImplemented
        return self._key() == other._key() and self.payload == other.payload

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"OutboxEvent(id={self.id!r}, account_id={self.account_id!r}, seq={self.seq!r}, "
            f"type={self.type!r}, time={self.time!r}, payload={self.payload!r})"
        )


#: Called after COMMIT with the events the transaction appended, in the order they were appended.
OutboxListener = Callable[[Sequence[OutboxEvent]], None]


class Tx(Protocol):
    """One open transaction. SQL is written with ``?`` placeholders for every dialect."""

    dialect: str
    #: appended to a SELECT that must lock its rows until commit (empty on SQLite, whose
    #: ``BEGIN IMMEDIATE`` already holds the database's single write lock)
    for_update: str

    def one(self, sql: str, params: Sequence[object] = ()) -> Row | None: ...

    def all(self, sql: str, params: Sequence[object] = ()) -> list[Row]: ...

    def run(self, sql: str, params: Sequence[object] = ()) -> int:
        """Execute a statement; the number of rows it changed."""
        ...

    def insert(self, sql: str, params: Sequence[object] = ()) -> int:
        """Execute an INSERT of one row into a table with an ``id`` key; the new row's id.

        SQLite reads the connection's last row id (``RETURNING`` costs ~3 µs more through Python's
        sqlite3, on the hot path of every change that records an event); PostgreSQL appends
        ``RETURNING id``.
        """
        ...

    def insert_later(self, sql: str, params: Sequence[object], into: OutboxEvent | None = None) -> None:
        """Execute an INSERT of one row into an append-only log (``margin_history``, ``events``),
        now or later in this transaction: SQLite's group commit writes a batch's rows of one
        statement together, before any statement that may read them and before COMMIT. ``into``:
        the outbox event whose ``id`` is set to the new row's id once it is written.
        """
        ...

    #: Events this transaction function appended to the outbox table (``store.outbox.append``).
    #: The store hands them to its listeners after COMMIT, and only then: a transaction that
    #: rolls back, or a SQLite group-commit batch that is re-run, publishes nothing twice.
    outbox: list[OutboxEvent]


def insert_at_once(tx: Tx, sql: str, params: Sequence[object], into: OutboxEvent | None) -> None:
    """:meth:`Tx.insert_later` when the row is written now: its id, if asked for, from ``insert``."""
    if into is None:
        tx.run(sql, params)
    else:
        into.id = tx.insert(sql, params)


class Store(ABC):
    dialect: str
    url: str
    _listeners: tuple[OutboxListener, ...] = ()

    def subscribe(self, listener: OutboxListener) -> Callable[[], None]:
        """Call ``listener`` with every batch of committed events; returns the unsubscribe function.

        Listeners run in the thread that awaited the write (the event loop for ``write``), right
        after COMMIT and before the writer resumes: they must not block (hand off to a queue).
        """
        self._listeners = (*self._listeners, listener)

        def unsubscribe() -> None:
            self._listeners = tuple(x for x in self._listeners if x is not listener)

        return unsubscribe

    def publish(self, events: Sequence[OutboxEvent]) -> None:
        """Hand committed events to every listener; a failing listener never undoes a commit."""
        if not events:
            return
        for listener in self._listeners:
            try:
                listener(events)
            except Exception:
                log.exception("outbox listener %r failed", listener)

    @abstractmethod
    def write(self, fn: Callable[[Tx], T]) -> Awaitable[T]:
        """Run ``fn`` in a transaction that may write; commit when it returns.

        Awaitable, not necessarily a coroutine: SQLite hands back the future its group commit
        resolves (a coroutine around it cost a frame on every suspension and resumption of a
        write request). Await it, or pass it to ``asyncio.gather``/``ensure_future``; ``fn`` may
        be queued as soon as ``write`` is called.
        """

    @abstractmethod
    async def read(self, fn: Callable[[Tx], T]) -> T:
        """Run ``fn`` in a read-only, consistent snapshot."""

    async def read_statement(self, fn: Callable[[Tx], T]) -> T:
        """:meth:`read` for a function that sends exactly one statement (a lone statement is
        consistent by itself): PostgreSQL sends it without BEGIN and COMMIT, two round trips
        fewer, and refuses a second statement; other stores run it as :meth:`read`."""
        return await self.read(fn)

    @abstractmethod
    def write_sync(self, fn: Callable[[Tx], T]) -> T: ...

    @abstractmethod
    def read_sync(self, fn: Callable[[Tx], T]) -> T: ...

    @abstractmethod
    def close(self) -> None: ...

    def state_token(self) -> object | None:
        """A value that changes whenever ``server_state`` may have changed, or None if unknown.

        Lets a worker skip re-reading shared state (the clock offset) while nothing committed:
        equal tokens mean no write to the table happened in between, by this process or any
        other. A store that cannot tell cheaply returns None (``api.state.AppState`` then reads
        the state with each request).
        """
        return None

    def api_keys_token(self) -> object | None:
        """A value that changes whenever ``api_keys`` may have changed, or None if unknown.

        Lets a process cache API keys safely (``api.state.KeyCache``): equal tokens mean no
        write to the table happened in between, by this process or any other. A store that
        cannot tell returns None and keys are read from the database on every request.
        """
        return None
