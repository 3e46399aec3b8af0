"""Request weight per IP per minute: 200 → 429 → 418, escalating bans, shared through Redis.

[GI]: "A 429 will be returned when either rate limit is violated"; "Repeatedly violating rate
limits and/or failing to back off after receiving 429s will result in an automated IP ban (HTTP
status 418)"; bans "scale in duration for repeat offenders, from 2 minutes to 3 days". Messages
verbatim from [EC] -1003. How many 429s earn a ban and the doubling are assumed
(isomargin.api.ratelimit); both limiters must apply the same rules.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from isomargin.api.app import create_app
from isomargin.api.ratelimit import (
    BANNED,
    FIRST_BAN_MS,
    LIMITED,
    MAX_BAN_MS,
    MINUTE_MS,
    OK,
    Limiter,
    LocalLimiter,
    RedisLimiter,
    ban_duration_ms,
)
from isomargin.config import Settings
from tests.support import CONTROL, Api, in_process_api

# the real server names the IP (audit #9); httpx's ASGI transport connects from 127.0.0.1
LIMIT_MSG = (
    "Too many requests; current limit of IP(127.0.0.1) is 5 requests per minute. Please use the websocket "
    "for live updates to avoid polling the API."
)
BAN_MSG = re.compile(
    r"Way too many requests; IP\((?P<ip>[^)]+)\) banned until (?P<until>\d{13})\. "
    r"Please use the websocket for live updates to avoid bans\."
)
T0 = 1_800_000_000_000  # a minute boundary: 30000000 × 60000


def test_ban_duration_escalates_from_two_minutes_to_three_days() -> None:
    assert ban_duration_ms(1) == FIRST_BAN_MS == 2 * MINUTE_MS
    assert ban_duration_ms(2) == 4 * MINUTE_MS
    assert ban_duration_ms(5) == 32 * MINUTE_MS
    assert ban_duration_ms(12) == 4096 * MINUTE_MS  # 2.84 days
    assert ban_duration_ms(13) == MAX_BAN_MS == 3 * 24 * 60 * MINUTE_MS
    assert ban_duration_ms(1000) == MAX_BAN_MS


@pytest.fixture(params=["local", "redis"])
async def limiter(request: pytest.FixtureRequest) -> AsyncIterator[Limiter]:
    if request.param == "local":
        yield LocalLimiter(limit=5, ban_after_429s=2)
        return
    url = request.getfixturevalue("redis_url")
    prefix = request.getfixturevalue("redis_prefix")
    redis_limiter = RedisLimiter(url, 5, prefix=prefix, ban_after_429s=2)
    yield redis_limiter
    await redis_limiter.close()


async def test_limiters_count_per_ip_per_minute_then_limit_then_ban(limiter: Limiter) -> None:
    now = T0 + 15_000
    assert [(await limiter.hit("10.0.0.1", 1, now)).used for _ in range(5)] == [1, 2, 3, 4, 5]
    assert (await limiter.hit("10.0.0.2", 3, now)).used == 3  # another IP has its own budget
    first = await limiter.hit("10.0.0.1", 1, now)
    assert (first.used, first.status, first.retry_after_ms, first.retry_after_s) == (6, LIMITED, 45_000, 45)
    assert (await limiter.hit("10.0.0.1", 1, now)).status == LIMITED  # second 429: still allowed
    banned = await limiter.hit("10.0.0.1", 1, now)  # third 429 in the minute: banned
    assert (banned.status, banned.banned_until_ms, banned.retry_after_s) == (BANNED, now + 2 * MINUTE_MS, 120)
    # the ban outlives the minute: a fresh budget does not lift it
    later = await limiter.hit("10.0.0.1", 1, now + MINUTE_MS)
    assert (later.used, later.status, later.banned_until_ms) == (1, BANNED, now + 2 * MINUTE_MS)
    assert (await limiter.hit("10.0.0.2", 1, now + MINUTE_MS)).status == OK
    # once it has passed the IP is served again; offending again earns a ban twice as long
    after = now + 2 * MINUTE_MS
    assert (await limiter.hit("10.0.0.1", 5, after)).status == OK
    assert [(await limiter.hit("10.0.0.1", 1, after)).status for _ in range(2)] == [LIMITED, LIMITED]
    second_ban = await limiter.hit("10.0.0.1", 1, after)
    assert (second_ban.status, second_ban.banned_until_ms) == (BANNED, after + 4 * MINUTE_MS)
    if isinstance(limiter, RedisLimiter):  # counted in Redis itself, not by the local fallback
        stored = await limiter._redis.get(f"{limiter.prefix}w:{after // MINUTE_MS}:10.0.0.1")
        assert int(stored) == 8
    await limiter.reset()
    assert (await limiter.hit("10.0.0.1", 1, after)).status == OK


async def test_a_heavy_request_past_the_limit_is_refused_not_split(limiter: Limiter) -> None:
    assert (await limiter.hit("10.0.0.9", 4, T0)).status == OK
    verdict = await limiter.hit("10.0.0.9", 10, T0)
    assert (verdict.used, verdict.status) == (14, LIMITED)


@pytest.fixture
async def limited_api(tmp_path: Path) -> AsyncIterator[Api]:
    settings = Settings(db_url=f"sqlite:///{tmp_path}/rl.db", weight_limit_per_minute=5, ban_after_429s=2)
    async with in_process_api(settings) as api:
        yield api


async def test_200_then_429_then_418_with_binance_headers_and_bodies(limited_api: Api) -> None:
    http = limited_api.http
    creds = await limited_api.account("1000")
    await limited_api.position(creds)
    info = (await http.get("/fapi/v1/exchangeInfo")).json()
    assert {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": 5} in info["rateLimits"]
    for expected in ("2", "3", "4", "5"):
        r = await http.get("/fapi/v1/ping")
        assert (r.status_code, r.headers["x-mbx-used-weight-1m"]) == (200, expected)
        assert "retry-after" not in r.headers
    summary_before = await limited_api.summary(creds)

    r = await limited_api.margin(creds, "10", 1)  # over the limit: refused before it is read
    assert r.status_code == 429
    assert r.json() == {"code": -1003, "msg": LIMIT_MSG}
    assert r.headers["x-mbx-used-weight-1m"] == "6"
    assert 1 <= int(r.headers["retry-after"]) <= 60
    assert (await limited_api.summary(creds)) == summary_before  # nothing written

    r = await http.get("/fapi/v1/ping")
    assert (r.status_code, r.json()["code"]) == (429, -1003)
    r = await http.get("/fapi/v1/ping")  # kept going after two 429s: banned
    assert r.status_code == 418
    match = BAN_MSG.fullmatch(r.json()["msg"])
    assert match is not None and r.json()["code"] == -1003
    assert match["ip"] == "127.0.0.1"  # the client's own address, as real fapi bans name it [obs I10094]
    banned_until = int(match["until"])
    assert 115 <= int(r.headers["retry-after"]) <= 120
    assert r.headers["x-mbx-used-weight-1m"] == "8"

    # the control plane is not rate limited; shift the server clock past the ban
    server_now = (await http.get(f"{CONTROL}/clock")).json()["serverTime"]
    assert 119_000 <= banned_until - server_now <= 120_000
    assert (await http.put(f"{CONTROL}/clock", json={"offsetMs": 121_000})).status_code == 200
    r = await http.get("/fapi/v1/time")
    assert (r.status_code, r.headers["x-mbx-used-weight-1m"]) == (200, "1")


async def test_weight_depends_on_the_parameters_premium_index(limited_api: Api) -> None:
    r = await limited_api.http.get("/fapi/v1/premiumIndex", params={"symbol": "BTCUSDT"})
    assert (r.status_code, r.headers["x-mbx-used-weight-1m"]) == (200, "1")
    r = await limited_api.http.get("/fapi/v1/premiumIndex")  # all symbols weighs 10 [MP]
    assert (r.status_code, r.headers["x-mbx-used-weight-1m"]) == (429, "11")


async def test_rejected_requests_count_too(limited_api: Api) -> None:
    r = await limited_api.http.get("/fapi/v1/nope")
    assert (r.status_code, r.headers["x-mbx-used-weight-1m"]) == (404, "1")
    r = await limited_api.http.post("/fapi/v1/positionMargin", headers={"X-MBX-APIKEY": "x"})
    assert (r.status_code, r.headers["x-mbx-used-weight-1m"]) == (401, "2")


async def test_reset_clears_counters_and_bans(limited_api: Api) -> None:
    for _ in range(8):
        r = await limited_api.http.get("/fapi/v1/ping")
    assert r.status_code == 418
    assert (await limited_api.http.post(f"{CONTROL}/reset")).status_code == 200
    r = await limited_api.http.get("/fapi/v1/ping")
    assert (r.status_code, r.headers["x-mbx-used-weight-1m"]) == (200, "1")


async def test_redis_down_falls_back_to_counting_in_process(tmp_path: Path) -> None:
    # nothing listens on port 1: every Redis call fails, requests are still served and counted
    app = create_app(
        Settings(db_url=f"sqlite:///{tmp_path}/rl.db", redis_url="redis://127.0.0.1:1/0", weight_limit_per_minute=2)
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        codes = [(await http.get("/fapi/v1/ping")).status_code for _ in range(3)]
    await app.state.weights.close()
    app.state.store.close()
    assert codes == [200, 200, 429]
