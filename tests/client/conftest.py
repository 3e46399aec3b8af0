"""Client tests run against a real ``isomargin serve`` (the ``live_server`` fixture); no mocked HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from isomargin.client import AsyncClient, Client
from tests.support import CONTROL, Api, Creds, LiveServer


class Clients:
    """Builds sync/async clients for one live server; closes them at the end of the test."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.opened: list[Client] = []
        self.opened_async: list[AsyncClient] = []

    def sync(self, creds: Creds | None = None, **kwargs: Any) -> Client:
        client = Client(
            self.server.base_url, creds.api_key if creds else None, creds.secret_key if creds else None, **kwargs
        )
        self.opened.append(client)
        return client

    def aio(self, creds: Creds | None = None, **kwargs: Any) -> AsyncClient:
        client = AsyncClient(
            self.server.base_url, creds.api_key if creds else None, creds.secret_key if creds else None, **kwargs
        )
        self.opened_async.append(client)
        return client


@pytest.fixture
async def clients(live_server: LiveServer, live_api: Api) -> AsyncIterator[Clients]:
    made = Clients(live_server)
    yield made
    for client in made.opened:
        client.close()
    for aclient in made.opened_async:
        await aclient.close()


async def shift_clock(api: Api, offset_ms: int) -> None:
    """Move the server's clock (control plane) — what a skewed local clock looks like to a client."""
    r = await api.http.put(f"{CONTROL}/clock", json={"offsetMs": offset_ms})
    assert r.status_code == 200, r.text
