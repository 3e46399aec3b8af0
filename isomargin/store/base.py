"""The store contract: run a function inside one database transaction.

Service functions are plain synchronous code that take a :class:`Tx` and do all their reads
and writes through it; the store decides where that code runs (inline on the event loop for
SQLite, where a whole transaction takes tens of microseconds; on a worker thread for
PostgreSQL, where each statement is a network round trip). A function that raises rolls its
transaction back, so a rejected request never leaves a half-written change.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
Row = tuple[Any, ...]


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


class Store(ABC):
    dialect: str
    url: str

    @abstractmethod
    async def write(self, fn: Callable[[Tx], T]) -> T:
        """Run ``fn`` in a transaction that may write; commit when it returns."""

    @abstractmethod
    async def read(self, fn: Callable[[Tx], T]) -> T:
        """Run ``fn`` in a read-only, consistent snapshot."""

    @abstractmethod
    def write_sync(self, fn: Callable[[Tx], T]) -> T: ...

    @abstractmethod
    def read_sync(self, fn: Callable[[Tx], T]) -> T: ...

    @abstractmethod
    def close(self) -> None: ...

    def api_keys_token(self) -> object | None:
        """A value that changes whenever ``api_keys`` may have changed, or None if unknown.

        Lets a process cache API keys safely (``api.state.KeyCache``): equal tokens mean no
        write to the table happened in between, by this process or any other. A store that
        cannot tell returns None and keys are read from the database on every request.
        """
        return None
