"""The databases every test runs on: SQLite always, PostgreSQL when configured (always in CI).

PostgreSQL isolation: every test gets a fresh *schema* (``CREATE SCHEMA``, migrated by the
app as it starts), named ``isomargin_t_<random>`` and selected through libpq's
``options=-csearch_path=…`` in the URL; it is dropped afterwards. Measured on these machines a
fresh schema plus the Alembic upgrade costs ~70 ms, about what a fresh SQLite file costs, and
it isolates completely (sequences, ``alembic_version``, even migration tests) with no reset
logic to keep in sync with the tables. Random names keep concurrent test runs of several
checkouts on one server apart.

``ISOMARGIN_TEST_POSTGRES_URL`` names the server (``make test`` sets it when
postgresql://postgres@127.0.0.1:5432/test answers). Without it the PostgreSQL variants are
skipped with the reason — except under ``CI=true``, where they fail: CI must never go green
without having run on PostgreSQL.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest

BACKENDS = ("sqlite", "postgresql")
POSTGRES_ENV = "ISOMARGIN_TEST_POSTGRES_URL"
SCHEMA_PREFIX = "isomargin_t_"


def backend_params() -> list[object]:
    return [pytest.param("sqlite"), pytest.param("postgresql", marks=pytest.mark.postgres)]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"true", "1", "yes"}


def postgres_server_url() -> str:
    """The configured server, or skip (fail in CI) with the reason."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        reason = f"PostgreSQL variant needs {POSTGRES_ENV} (e.g. postgresql://postgres@127.0.0.1:5432/test)"
        if in_ci():
            pytest.fail(f"CI=true but {reason}", pytrace=False)
        pytest.skip(reason)
    return url


def with_search_path(url: str, schema: str) -> str:
    """``url`` with libpq ``options`` selecting ``schema`` (works for libpq and SQLAlchemy alike)."""
    option = quote(f"-csearch_path={schema}", safe="")
    return f"{url}{'&' if '?' in url else '?'}options={option}"


@contextmanager
def postgres_schema(tag: str = "") -> Iterator[str]:
    """A fresh, empty schema on the test server; yields a URL whose search_path is that schema."""
    import psycopg

    server = postgres_server_url()
    schema = f"{SCHEMA_PREFIX}{tag}{secrets.token_hex(6)}"
    try:
        with psycopg.connect(server, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
    except psycopg.OperationalError as exc:
        # An explicitly configured server that does not answer is an error everywhere.
        pytest.fail(f"{POSTGRES_ENV}={server} does not answer: {exc}", pytrace=False)
    try:
        yield with_search_path(server, schema)
    finally:
        with psycopg.connect(server, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@contextmanager
def database_url(backend: str, directory: Path, tag: str = "") -> Iterator[str]:
    """A URL to a fresh, empty database of ``backend``."""
    if backend == "sqlite":
        yield f"sqlite:///{directory}/isomargin.db"
    elif backend == "postgresql":
        with postgres_schema(tag) as url:
            yield url
    else:  # pragma: no cover - a typo in a parametrization
        raise ValueError(backend)
