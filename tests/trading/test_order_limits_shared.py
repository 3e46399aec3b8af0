"""ORDERS counts shared through Redis (``--redis-url``), as the request weight is: every worker and
host on the same Redis and key prefix counts an account's orders together (api/order_limits.py)."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
import redis

from isomargin.api import order_limits
from tests.support import CONTROL, LiveServer, free_port, hmac_hex

#: Redis database 4, so that the tests leave other users of a shared local Redis alone.
DEFAULT_TEST_REDIS_URL = "redis://127.0.0.1:6379/4"


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("ISOMARGIN_TEST_REDIS_URL", DEFAULT_TEST_REDIS_URL)
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"Redis not reachable at {url}")
    return url


@pytest.fixture
def prefix(redis_url: str) -> Iterator[str]:
    """A key prefix no other test uses; its keys are deleted afterwards."""
    value = f"isomargin-test:{uuid.uuid4().hex[:12]}:"
    yield value
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{value}*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
async def workers(redis_url: str, prefix: str) -> AsyncIterator[tuple[order_limits.OrderCounter, ...]]:
    """Two counters on one Redis and prefix: what two worker processes hold."""
    pair = tuple(order_limits.make_order_counter(redis_url, prefix=prefix) for _ in range(2))
    yield pair
    for counter in pair:
        await counter.close()


@pytest.mark.redis
async def test_two_counters_share_an_accounts_counts(workers: tuple[order_limits.OrderCounter, ...]) -> None:
    a, b = workers
    assert isinstance(a, order_limits.RedisOrderCounter)
    t = 1_800_000_000_000  # the start of a minute (and of a 10-second window)
    assert await a.hit(7, t) == order_limits.OrderCount(1, 1)
    assert await b.hit(7, t + 1) == order_limits.OrderCount(2, 2)
    assert await a.hit(8, t + 2) == order_limits.OrderCount(1, 1)  # per account
    # a batch weighs 5 on the 10-second count and 1 on the minute's, wherever it lands
    assert await b.hit(7, t + 3, 5, 1) == order_limits.OrderCount(7, 3)
    # a new 10-second window, the same minute
    assert await a.hit(7, t + 10_000) == order_limits.OrderCount(1, 4)
    # a new minute
    assert await b.hit(7, t + 60_000) == order_limits.OrderCount(1, 1)
    # the control plane's reset clears them for every worker
    await a.reset()
    assert await b.hit(7, t + 60_001) == order_limits.OrderCount(1, 1)


async def test_without_redis_a_worker_counts_alone() -> None:
    """Redis unreachable: the order is counted in this worker (and a warning logged), never refused."""
    counter = order_limits.RedisOrderCounter(f"redis://127.0.0.1:{free_port()}/0", prefix="unreachable:")
    try:
        assert await counter.hit(1, 5_000) == order_limits.OrderCount(1, 1)
        assert await counter.hit(1, 6_000) == order_limits.OrderCount(2, 2)
    finally:
        await counter.close()


def _place(server: LiveServer, api_key: str, secret: str) -> httpx.Response:
    params = {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.002"}
    query = urlencode({**params, "timestamp": str(int(time.time() * 1000))})
    url = f"/fapi/v1/order?{query}&signature={hmac_hex(secret, query)}"
    # a new connection each time, so the kernel may hand it to either worker
    with httpx.Client(base_url=server.base_url, headers={"Connection": "close", "X-MBX-APIKEY": api_key}) as http:
        return http.post(url)


@pytest.mark.slow
@pytest.mark.redis
def test_two_workers_count_one_accounts_orders_together(tmp_path: Path, redis_url: str, prefix: str) -> None:
    server = LiveServer(
        f"sqlite:///{tmp_path}/orders.db",
        workers=2,
        extra_args=["--redis-url", redis_url, "--redis-prefix", prefix],
        log_path=tmp_path / "server.log",
    )
    with server:
        with httpx.Client(base_url=server.base_url) as http:
            r = http.post(f"{CONTROL}/accounts", json={"balance": "100000"})
            assert r.status_code == 201, r.text
            account = r.json()
            assert http.put(f"{CONTROL}/markPrices/BTCUSDT", json={"markPrice": "50000"}).status_code == 200
            # the counts' windows are server-time windows: frozen 1 s into a 10-second window,
            # all eight orders fall in it however slowly a loaded host sends them
            at_ms = (int(time.time() * 1000) // 10_000 + 1) * 10_000 + 1_000
            r = http.put(f"{CONTROL}/clock", json={"serverTime": at_ms, "frozen": True})
            assert r.status_code == 200, r.text
        counts = []
        for _ in range(8):
            r = _place(server, account["apiKey"], account["secretKey"])
            assert r.status_code == 200, r.text
            counts.append((r.headers["x-mbx-order-count-10s"], r.headers["x-mbx-order-count-1m"]))
    # one count whichever worker answered (each worker counting alone would repeat numbers)
    assert [c[0] for c in counts] == [str(n) for n in range(1, 9)]
    assert [c[1] for c in counts] == [str(n) for n in range(1, 9)]
