"""Alembic environment: online migrations only, URL from the programmatic config.

``target_metadata`` is the one schema source (``isomargin/store/schema.py``): autogenerate
drafts a migration from the difference between it and a database (review it by hand), and
``tests/store/test_migrations.py`` fails while the migrated database and the metadata differ.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import create_engine, pool

from isomargin.store.schema import Money, include_object, metadata

config = context.config


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Autogenerate writes a money column as the BIGINT it is, so migrations never import the app."""
    if type_ == "type" and isinstance(obj, Money):
        return "sa.BigInteger()"
    return False


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url is not None
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            compare_type=True,
            compare_server_default=True,
            # SQLite alters a table by recreating it: drafts come out as batch operations
            render_as_batch=True,
            render_item=render_item,
            # constraints one dialect alone has (schema.postgresql_only) are not drafted for the other
            include_object=include_object(connection.dialect.name),
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
