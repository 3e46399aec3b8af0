"""recvWindow through the control plane's clock (PUT /_isomargin/v1/clock) on the account endpoints.

Binance's rule [GI]: accept iff ``timestamp < serverTime + 1000 && serverTime − timestamp <= recvWindow``,
recvWindow defaulting to 5000; otherwise -1021 with one of two messages [EC]. The client signs with
its own wall clock here, while the server's "now" is shifted.
"""

from __future__ import annotations

import time

import httpx

from tests.support import Api

OUTSIDE = (400, {"code": -1021, "msg": "Timestamp for this request is outside of the recvWindow."})
AHEAD = (400, {"code": -1021, "msg": "Timestamp for this request was 1000ms ahead of the server's time."})


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


async def shift(api: Api, offset_ms: int) -> None:
    r = await api.http.put("/_isomargin/v1/clock", json={"offsetMs": offset_ms})
    assert r.status_code == 200 and r.json()["offsetMs"] == offset_ms


def reply(r: httpx.Response) -> tuple[int, object]:
    return r.status_code, r.json()


async def test_server_ahead_of_the_client(api: Api) -> None:
    creds = await api.account("10000")
    await shift(api, 30_000)  # the server is 30 s ahead: the request looks 30 s old
    r = await api.signed("GET", "/fapi/v2/balance", creds, timestamp=wall_ms())
    assert reply(r) == OUTSIDE  # default recvWindow 5000 < 30,000
    r = await api.signed("GET", "/fapi/v2/balance", creds, {"recvWindow": "59000"}, timestamp=wall_ms())
    assert r.status_code == 200, r.text  # 30,000 ≤ 59,000 (generous margin for a loaded machine)
    r = await api.signed(
        "POST", "/fapi/v1/leverage", creds, {"symbol": "BTCUSDT", "leverage": "7"}, timestamp=wall_ms()
    )
    assert reply(r) == OUTSIDE
    # a rejected change wrote nothing
    await shift(api, 0)
    r = await api.signed("GET", "/fapi/v1/symbolConfig", creds, {"symbol": "BTCUSDT"}, timestamp=wall_ms())
    assert r.json()[0]["leverage"] == 20


async def test_server_behind_the_client(api: Api) -> None:
    creds = await api.account("10000")
    await shift(api, -30_000)  # the request's timestamp is 30 s in the server's future
    for recv_window in (None, "59000"):
        params = {"recvWindow": recv_window} if recv_window else {}
        r = await api.signed("GET", "/fapi/v3/positionRisk", creds, params, timestamp=wall_ms())
        assert reply(r) == AHEAD  # recvWindow does not help a timestamp from the future
    await shift(api, 0)
    r = await api.signed("GET", "/fapi/v3/positionRisk", creds, timestamp=wall_ms())
    assert reply(r) == (200, [])


async def test_reset_puts_the_clock_back(api: Api) -> None:
    await shift(api, 3_600_000)
    assert (await api.http.get("/_isomargin/v1/clock")).json()["offsetMs"] == 3_600_000
    assert (await api.http.post("/_isomargin/v1/reset")).status_code == 200
    creds = await api.account("10000")
    r = await api.signed("GET", "/fapi/v1/accountConfig", creds, timestamp=wall_ms())
    assert r.status_code == 200
