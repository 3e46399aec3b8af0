"""Events committed through one worker reach clients of another, exactly once and in order.

Two ``isomargin serve`` processes on one database (two hosts, as far as the stream can tell), on
SQLite and on PostgreSQL: 1,000 random changes over 10 accounts, the first half through both, the
rest through A, which is killed before the end. Every client of the surviving server must then
hold exactly its account's events as the outbox recorded them — in order, none missing, none
twice. Then ``--workers 2``: whichever
worker a client lands on, it gets every change.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect

from isomargin.api.stream import frames
from isomargin.domain.events import from_payload
from isomargin.store import open_store, outbox
from tests.backends import database_url
from tests.stream.streams import listen_key, ws_url
from tests.support import Api, Creds, LiveServer

ACCOUNTS = 10
CHANGES = 1000
CONCURRENCY = 16


@pytest.fixture
def two_servers(backend: str, tmp_path: Path) -> Iterator[tuple[LiveServer, LiveServer]]:
    with (
        database_url(backend, tmp_path, tag="xw_") as url,
        LiveServer(url, log_path=tmp_path / "a.log") as a,
        LiveServer(url, log_path=tmp_path / "b.log") as b,
    ):
        yield a, b


class Collector:
    """Every text frame a connection receives, until it closes."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.frames: list[dict[str, Any]] = []
        self.task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        with contextlib.suppress(Exception):
            async for text in self.ws:
                self.frames.append(json.loads(text))


@contextlib.asynccontextmanager
async def collectors(urls: list[str]) -> AsyncIterator[list[Collector]]:
    async with contextlib.AsyncExitStack() as stack:
        found = [Collector(await stack.enter_async_context(connect(u))) for u in urls]
        yield found
        for c in found:
            c.task.cancel()


async def change(api: Api, creds: Creds, rng: random.Random) -> None:
    if rng.random() < 0.5:
        await api.signed("POST", "/fapi/v1/leverage", creds, {"symbol": "ETHUSDT", "leverage": str(rng.randint(1, 20))})
    else:
        await api.margin(creds, "1", rng.choice((1, 2)))


def recorded(url: str, starts: dict[int, int]) -> dict[int, list[dict[str, Any]]]:
    """Each account's events after ``starts[account]`` as the outbox holds them, rendered."""
    store = open_store(url, migrate=False)
    try:
        return {
            a: [
                frames.frame(from_payload(e.type, e.payload), e.time)
                for e in store.read_sync(lambda tx, a=a, s=s: outbox.for_account(tx, a, s, limit=10_000))  # type: ignore[misc]
            ]
            for a, s in starts.items()
        }
    finally:
        store.close()


async def wait_for(condition: Any, timeout: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition() and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.05)


@pytest.mark.slow
async def test_1000_changes_through_two_servers_reach_each_client_exactly_once_in_order(
    two_servers: tuple[LiveServer, LiveServer],
) -> None:
    a, b = two_servers
    rng = random.Random(14)
    async with (
        httpx.AsyncClient(base_url=a.base_url, timeout=10) as http_a,
        httpx.AsyncClient(base_url=b.base_url, timeout=10) as http_b,
    ):
        api_a, api_b = Api(http_a), Api(http_b)
        accounts = [await api_a.account("100000") for _ in range(ACCOUNTS)]
        for creds in accounts:
            await api_a.position(creds, amt="0.01", entry="50000", leverage=10)
        keys = {c.account_id: await listen_key(api_a, c) for c in accounts}
        store = open_store(a.db_url, migrate=False)
        starts = store.read_sync(lambda tx: outbox.last_seqs(tx, list(keys)))
        store.close()
        urls = [
            ws_url(server.base_url, f"/private/ws?listenKey={keys[c.account_id]}")
            for c in accounts
            for server in (a, b)
        ]
        async with collectors(urls) as clients:
            on_b = {c.account_id: clients[2 * i + 1] for i, c in enumerate(accounts)}
            gate = asyncio.Semaphore(CONCURRENCY)
            done = 0

            async def one(n: int) -> None:
                nonlocal done
                creds = rng.choice(accounts)
                # the first half through both servers, the rest through A alone: what B's clients
                # get of it comes only from the feed (no later commit of B's fills a gap for them)
                api = api_b if n < CHANGES // 2 and n % 2 else api_a
                async with gate:
                    with contextlib.suppress(httpx.HTTPError):  # A dies under some requests
                        await change(api, creds, rng)
                done += 1
                if done == CHANGES * 9 // 10:
                    a.kill_group()  # mid-load: B's clients must still get all that A committed

            await asyncio.gather(*(one(n) for n in range(CHANGES)))
            expected = recorded(b.db_url, starts)
            assert sum(map(len, expected.values())) > CHANGES * 0.8
            await wait_for(lambda: all(len(on_b[x].frames) >= len(expected[x]) for x in expected))
            for account_id, frames_expected in expected.items():
                assert on_b[account_id].frames == frames_expected, f"account {account_id}"


@pytest.mark.slow
async def test_two_workers_deliver_every_change_to_every_connection(backend: str, tmp_path: Path) -> None:
    with (
        database_url(backend, tmp_path, tag="w2_") as url,
        LiveServer(url, workers=2, log_path=tmp_path / "w2.log") as server,
    ):
        async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
            api = Api(http)
            creds = await api.account()
            key = await listen_key(api, creds)
            # 16 connections: uvicorn's workers share the socket, so both get some
            async with collectors([ws_url(server.base_url, f"/private/ws/{key}")] * 16) as clients:
                for leverage in range(1, 41):
                    r = await api.signed(
                        "POST", "/fapi/v1/leverage", creds, {"symbol": "BTCUSDT", "leverage": str(leverage % 20 + 1)}
                    )
                    assert r.status_code == 200
                await wait_for(lambda: all(len(c.frames) >= 40 for c in clients))
                for c in clients:
                    assert [f["ac"]["l"] for f in c.frames] == [n % 20 + 1 for n in range(1, 41)]
