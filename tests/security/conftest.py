"""Fixtures for the security tests: a Redis URL of our own (database 4, a unique key prefix)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import redis

#: Redis database 4, so that the tests leave other users of a shared local Redis alone.
DEFAULT_TEST_REDIS_URL = "redis://127.0.0.1:6379/4"


@pytest.fixture(scope="session")
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
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A key prefix no other test uses; its keys are deleted afterwards."""
    prefix = f"isomargin-test:{uuid.uuid4().hex[:12]}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()
