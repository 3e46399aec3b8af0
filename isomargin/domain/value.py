"""``@value``: an immutable record that is cheap to build, for the types every request builds.

A ``@dataclass(frozen=True, slots=True)`` sets each field in ``__init__`` through
``object.__setattr__`` (its own ``__setattr__`` refuses), a call that costs about four times a
plain attribute store: measured on positionMargin, the ~16 records a transfer builds (the rows it
reads, the domain change and its outcome, the typed event, the outbox row, the result) spent more
instructions being built than SQLite spent running the transfer's statements (docs/BENCHMARKS.md,
2026-12-02). ``@value`` keeps what ``frozen`` promises where it is checked — mypy (``--strict``,
part of ``make test``) reports any assignment to a field as an error, through
``dataclass_transform(frozen_default=True)`` — and builds the record as a plain slotted dataclass,
hashable and compared by value as a frozen one is. What it gives up is the runtime refusal: code
that mypy does not check could assign a field without an error.

Only the records of the hot paths use it; everything else stays ``@dataclass(frozen=True)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar, dataclass_transform

T = TypeVar("T")


@dataclass_transform(frozen_default=True)
def value(cls: type[T]) -> type[T]:
    """A slotted dataclass, compared and hashed by its fields, immutable to the type checker."""
    return dataclass(slots=True, unsafe_hash=True)(cls)
