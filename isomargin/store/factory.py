"""Open the store a database URL names, after bringing its schema up to date."""

from __future__ import annotations

from isomargin.store.base import Store
from isomargin.store.migrate import upgrade


def open_store(url: str, *, migrate: bool = True, sqlite_synchronous: str = "NORMAL", pool_max: int = 10) -> Store:
    if migrate:
        upgrade(url)
    if url.startswith("sqlite:"):
        from isomargin.store.sqlite import SqliteStore

        return SqliteStore(url, synchronous=sqlite_synchronous)
    if url.startswith(("postgresql:", "postgresql+psycopg:", "postgres:")):
        from isomargin.store.postgres import PostgresStore

        return PostgresStore(url, pool_max=pool_max)
    raise ValueError(f"unsupported database URL {url!r}: use sqlite:///FILE.db or postgresql://…")
