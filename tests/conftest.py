"""Fixtures: an in-process app on a fresh database, and a live ``isomargin serve`` subprocess."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from isomargin.api.app import IsomarginApp, create_app
from isomargin.config import Settings
from tests.support import Api, LiveServer


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/isomargin.db"


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
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield Api(http, now_ms=app.state.clock.now_ms)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One real server per test module (tests reset state through the control plane)."""
    tmp = tmp_path_factory.mktemp("live")
    server = LiveServer(f"sqlite:///{tmp}/live.db", log_path=tmp / "server.log", env={"ISOMARGIN_LOG_LEVEL": "warning"})
    with server:
        yield server


@pytest.fixture
async def live_api(live_server: LiveServer) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=live_server.base_url, timeout=10) as http:
        r = await http.post("/_isomargin/v1/reset")
        assert r.status_code == 200
        yield Api(http)


def pytest_report_header() -> list[str]:
    pg = os.environ.get("ISOMARGIN_TEST_POSTGRES_URL", "not set")
    return [f"isomargin: ISOMARGIN_TEST_POSTGRES_URL={pg}"]
