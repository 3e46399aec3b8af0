"""``--redis-url``: a worker's commits wake the other workers' hubs over Redis pub/sub."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from isomargin.api.stream.feed import Feed
from isomargin.api.stream.hub import Hub
from isomargin.store import Store, open_store
from isomargin.store.base import OutboxEvent

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
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path}/redis.db")
    yield opened
    opened.close()


async def now() -> int:
    return 1


async def test_a_commit_published_by_one_worker_wakes_the_other(redis_url: str, store: Store) -> None:
    prefix = f"isomargin-test:{uuid.uuid4().hex[:12]}:"
    woken: list[tuple[int, int | None]] = []

    class Recording(Hub):
        def wake(self, account_id: int, seq: int | None = None) -> None:
            woken.append((account_id, seq))

    listening = Feed(Recording(store, now), store, redis_url, prefix)
    publishing = Feed(Hub(store, now), store, redis_url, prefix)
    listening.start()
    await asyncio.sleep(0.3)  # the subscription is in place
    publishing._publish(
        [OutboxEvent(1, 7, 41, "ACCOUNT_UPDATE", 1, {}), OutboxEvent(2, 7, 42, "ACCOUNT_UPDATE", 1, {})]
    )
    for _ in range(100):
        if woken:
            break
        await asyncio.sleep(0.02)
    assert woken == [(7, 42)]  # one wake-up per account and commit, with its last number
    await listening.stop()
    await publishing.stop()
