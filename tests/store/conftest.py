"""Fixtures of the store tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from isomargin.store import Store, open_store


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """A store on a fresh database of each backend, closed after the test."""
    opened = open_store(db_url)
    try:
        yield opened
    finally:
        opened.close()
