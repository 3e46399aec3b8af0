"""Several workers and hosts share one weight budget through Redis (``--redis-url``).

Server A runs ``--workers 2``; server B is a second "host" on the same Redis and key prefix.
Requests alternate between them on fresh connections; the used weight climbs by one per request
whichever process answered, the limit trips on both, and so does the ban.

Both clocks are frozen at the same moment, 30 s into a minute, once the servers answer: the
weight windows are server-time minutes, and a run that crossed a minute's end on the wall clock
started counting again halfway (a flake seen under load).
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from tests.support import LiveServer

pytestmark = [pytest.mark.slow, pytest.mark.redis]

LIMIT = 12
MINUTE_MS = 60_000


def freeze(server: LiveServer, at_ms: int) -> None:
    with httpx.Client(base_url=server.base_url) as http:
        r = http.put("/_isomargin/v1/clock", json={"serverTime": at_ms, "frozen": True})
    assert r.status_code == 200, r.text


def test_two_workers_and_a_second_host_share_one_budget(tmp_path: Path, redis_url: str, redis_prefix: str) -> None:
    args = ["--redis-url", redis_url, "--redis-prefix", redis_prefix, "--weight-limit", str(LIMIT)]
    args += ["--ban-after-429s", "2"]
    a = LiveServer(f"sqlite:///{tmp_path}/a.db", workers=2, extra_args=args, log_path=tmp_path / "a.log")
    b = LiveServer(f"sqlite:///{tmp_path}/b.db", extra_args=args, log_path=tmp_path / "b.log")
    with a, b:
        # the next minute, 30 s in: the readiness probes' weight stays in the minute they were sent in
        at_ms = (int(time.time() * 1000) // MINUTE_MS + 1) * MINUTE_MS + MINUTE_MS // 2
        freeze(a, at_ms)
        freeze(b, at_ms)
        used: list[int] = []
        statuses: list[int] = []
        for i in range(LIMIT + 5):
            server = a if i % 2 == 0 else b
            # a new connection each time, so the kernel may hand it to either of A's workers
            with httpx.Client(base_url=server.base_url, headers={"Connection": "close"}) as http:
                r = http.get("/fapi/v1/ping")
            statuses.append(r.status_code)
            used.append(int(r.headers["x-mbx-used-weight-1m"]))
            if r.status_code == 429:
                assert r.json()["msg"].startswith(
                    f"Too many requests; current limit of IP(127.0.0.1) is {LIMIT} requests per minute."
                )
                assert int(r.headers["retry-after"]) >= 1
            if r.status_code == 418:
                assert r.json()["msg"].startswith("Way too many requests; IP(127.0.0.1) banned until ")
                assert 115 <= int(r.headers["retry-after"]) <= 120
        assert used == list(range(1, LIMIT + 6))
        assert statuses == [200] * LIMIT + [429, 429, 418, 418, 418]
        # the ban holds on every worker of both hosts
        for server in (a, b, a, b):
            with httpx.Client(base_url=server.base_url, headers={"Connection": "close"}) as http:
                assert http.get("/fapi/v1/time").status_code == 418
