"""Many parallel add/reduce requests on one position over real HTTP: no lost update, no 5xx.

ARCHITECTURE.md's invariant: a margin transfer never changes cross wallet + Σ isolated wallets;
every successful call writes exactly one history row in the same transaction (after the one the
position's open writes).
"""

from __future__ import annotations

import asyncio
import random
from decimal import Decimal

import httpx
import pytest

from tests.support import CONTROL, Api, LiveServer

pytestmark = pytest.mark.slow

REQUESTS = 200
ADD, REDUCE = Decimal("5"), Decimal("7")


async def test_parallel_add_and_reduce_on_one_position(live_server: LiveServer, live_api: Api) -> None:
    creds = await live_api.account("10000")
    await live_api.mark("BTCUSDT", "50000")
    # isolated wallet 100, max removable starts at min(100 − MM, 100 − 50000 × 0.01 × 0.1) = 50:
    # with reduces of 7 and adds of 5 in random order, some reduces must be refused (-4051).
    await live_api.position(creds, "BTCUSDT", "0.01", "50000", leverage=10, isolatedWallet="100")
    rng = random.Random(20)
    kinds = [1 if rng.random() < 0.5 else 2 for _ in range(REQUESTS)]

    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=live_server.base_url, timeout=120, limits=limits) as http:
        api = Api(http)
        stop = asyncio.Event()
        observed: list[tuple[Decimal, Decimal]] = []

        async def watch() -> None:
            """Read the account while the writes run: every snapshot is consistent."""
            while not stop.is_set():
                summary = await api.summary(creds)
                isolated = Decimal(summary["positions"][0]["isolatedWallet"])
                observed.append((Decimal(summary["crossWalletBalance"]), isolated))
                await asyncio.sleep(0.01)

        watcher = asyncio.create_task(watch())
        # each request is signed when its coroutine starts and may then wait for one of the 64
        # connections: Binance's longest recvWindow, so a loaded host cannot turn it into a -1021
        responses = await asyncio.gather(
            *(api.margin(creds, str(ADD if kind == 1 else REDUCE), kind, recv_window=60_000) for kind in kinds)
        )
        stop.set()
        await watcher

    statuses = [r.status_code for r in responses]
    assert all(s < 500 for s in statuses), [r.text for r in responses if r.status_code >= 500]
    refused = [r.json() for r in responses if r.status_code != 200]
    assert all(body == {"code": -4051, "msg": "Isolated balance insufficient."} for body in refused), refused
    added = sum(ADD for r, k in zip(responses, kinds, strict=True) if r.status_code == 200 and k == 1)
    reduced = sum(REDUCE for r, k in zip(responses, kinds, strict=True) if r.status_code == 200 and k == 2)
    ok = statuses.count(200)
    assert 0 < ok <= REQUESTS and refused, "the mix should both succeed and hit the max-removable limit"

    summary = await live_api.summary(creds)
    cross, isolated = Decimal(summary["crossWalletBalance"]), Decimal(summary["positions"][0]["isolatedWallet"])
    assert isolated == Decimal("100") + added - reduced  # no lost update
    assert cross == Decimal("9900") - added + reduced
    assert cross + isolated == Decimal("10000") == Decimal(summary["walletBalance"])
    assert observed and all(c + i == Decimal("10000") and i >= 0 for c, i in observed)

    r = await live_api.history(creds, limit=500)
    # the open's TRADE row (its isolatedWallet, 100), then one row per change that succeeded; the
    # rows sum to the isolated wallet, since each is its signed change
    rows = r.json()
    assert r.status_code == 200 and len(rows) == ok + 1
    assert (rows[0]["deltaType"], rows[0]["amount"]) == ("TRADE", "100.00000000")
    assert {row["deltaType"] for row in rows[1:]} == {"USER_ADJUST"}
    assert sum(Decimal(row["amount"]) for row in rows) == isolated
    times = [row["time"] for row in rows]
    assert times == sorted(times)
    r = await live_api.http.get(f"{CONTROL}/accounts/{creds.account_id}")
    assert r.status_code == 200
