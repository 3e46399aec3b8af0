"""A SQLAlchemy engine on a test database, for tests that look under the store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from isomargin.store.migrate import sqlalchemy_url


@contextmanager
def engine_for(url: str) -> Iterator[sa.Engine]:
    engine = sa.create_engine(sqlalchemy_url(url), poolclass=sa.pool.NullPool)
    try:
        yield engine
    finally:
        engine.dispose()


def table_names(engine: sa.Engine) -> set[str]:
    """Tables in the database (the test's PostgreSQL schema), Alembic's own included."""
    return set(sa.inspect(engine).get_table_names())
