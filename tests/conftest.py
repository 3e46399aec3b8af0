"""Fixtures: an in-process app on a fresh database, and a live ``isomargin serve`` subprocess.

Both run every test on SQLite and on PostgreSQL (``tests/backends.py``: how, and when the
PostgreSQL variant skips or fails).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from isomargin.api.app import IsomarginApp, create_app
from isomargin.config import Settings
from tests.backends import POSTGRES_ENV, backend_params, database_url
from tests.support import Api, LiveServer, asgi_api


@pytest.fixture(params=backend_params())
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on each backend (a new SQLite file; a new PostgreSQL schema)."""
    with database_url(backend, tmp_path) as url:
        yield url


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(db_url=db_url)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[IsomarginApp]:
    application = create_app(settings)
    yield application
    application.state.store.close()


@pytest.fixture
async def api(app: IsomarginApp) -> AsyncIterator[Api]:
    async with asgi_api(app) as client:
        yield client


@pytest.fixture(scope="module", params=backend_params())
def live_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One real server per test module and backend (tests reset state through the control plane)."""
    tmp = tmp_path_factory.mktemp("live")
    with (
        database_url(str(request.param), tmp, tag="live_") as url,
        LiveServer(url, log_path=tmp / "server.log", env={"ISOMARGIN_LOG_LEVEL": "warning"}) as server,
    ):
        yield server


@pytest.fixture
async def live_api(live_server: LiveServer) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=live_server.base_url, timeout=10) as http:
        r = await http.post("/_isomargin/v1/reset")
        assert r.status_code == 200
        yield Api(http)


def pytest_report_header() -> list[str]:
    pg = os.environ.get(POSTGRES_ENV) or "not set: PostgreSQL variants skip (fail under CI=true)"
    return [f"isomargin: {POSTGRES_ENV}={pg}"]
