"""A clock change made through one worker is seen by another on its very next request.

Two app instances on one database stand for two workers (or two hosts): each has its own store
connection, clock and caches, exactly as ``isomargin serve --workers 2`` gives every process.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest

from isomargin.api.app import IsomarginApp, create_app
from isomargin.config import Settings
from tests.support import Api, asgi_api

HOUR_MS = 3_600_000


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


@pytest.fixture
async def second_worker(settings: Settings, app: IsomarginApp) -> AsyncIterator[Api]:
    other = create_app(settings, migrate=False)
    try:
        async with asgi_api(other) as api:
            yield api
    finally:
        other.state.store.close()


async def server_time(api: Api) -> int:
    r = await api.http.get("/fapi/v1/time")
    assert r.status_code == 200
    return int(r.json()["serverTime"])


async def test_unsigned_and_signed_requests_on_another_worker_see_a_shifted_clock(api: Api, second_worker: Api) -> None:
    creds = await api.account("1000")
    assert abs(await server_time(second_worker) - wall_ms()) < 60_000  # worker B has read the clock once
    r = await api.http.put("/_isomargin/v1/clock", json={"offsetMs": HOUR_MS})
    assert r.status_code == 200

    # the very next request on worker B: unsigned…
    assert await server_time(second_worker) - wall_ms() > HOUR_MS - 60_000
    # …and signed for the new clock (an hour ahead of the wall clock), which the old clock would refuse
    r = await second_worker.signed("GET", "/fapi/v2/balance", creds, timestamp=wall_ms() + HOUR_MS)
    assert r.status_code == 200, r.text
    r = await second_worker.signed("GET", "/fapi/v2/balance", creds, timestamp=wall_ms())
    assert r.json()["code"] == -1021  # an hour behind the shifted clock

    # and back: worker B's control plane answers with the clock worker A set
    r = await api.http.put("/_isomargin/v1/clock", json={"offsetMs": 0})
    assert r.status_code == 200
    r = await second_worker.http.get("/_isomargin/v1/clock")
    assert r.json()["offsetMs"] == 0
    r = await second_worker.signed("GET", "/fapi/v2/balance", creds, timestamp=wall_ms())
    assert r.status_code == 200, r.text


async def test_a_reset_through_one_worker_restores_the_clock_on_another(api: Api, second_worker: Api) -> None:
    r = await second_worker.http.put("/_isomargin/v1/clock", json={"offsetMs": -HOUR_MS})
    assert r.status_code == 200
    assert wall_ms() - await server_time(api) > HOUR_MS - 60_000
    r = await second_worker.http.post("/_isomargin/v1/reset")
    assert r.status_code == 200
    assert abs(await server_time(api) - wall_ms()) < 60_000
