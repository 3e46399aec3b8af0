"""Errors of the public market-data endpoints (no key, no signature) [EI][MP][PING][TIME]."""

from __future__ import annotations

import json

import pytest

from tests.support import Api


@pytest.mark.parametrize(
    ("path", "status", "code", "msg"),
    [
        ("/fapi/v1/premiumIndex?symbol=FOOUSDT", 400, -1121, "Invalid symbol."),
        (
            "/fapi/v1/premiumIndex?symbol=btcusdt",
            400,
            -1100,
            "Illegal characters found in parameter 'symbol'; legal range is '^[A-Z0-9-_.]{1,20}$'.",
        ),
        (
            "/fapi/v1/premiumIndex?symbol=",
            400,
            -1102,
            "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.",
        ),
        (
            "/fapi/v1/premiumIndex?symbol=BTCUSDT&symbol=ETHUSDT",
            400,
            -1101,
            "Duplicate values for a parameter detected.",
        ),
        ("/fapi/v1/premiumIndex?symbol=%zz", 400, -1100, "Illegal characters found in a parameter."),
    ],
)
async def test_market_data_errors(api: Api, path: str, status: int, code: int, msg: str) -> None:
    r = await api.http.get(path)
    assert r.status_code == status
    assert r.text == json.dumps({"code": code, "msg": msg}, separators=(",", ":"))
    assert r.headers["content-type"] == "application/json" and "x-mbx-used-weight-1m" in r.headers


async def test_public_endpoints_need_no_key_and_ignore_one(api: Api) -> None:
    for path in ("/fapi/v1/ping", "/fapi/v1/time", "/fapi/v1/exchangeInfo", "/fapi/v1/premiumIndex"):
        assert (await api.http.get(path)).status_code == 200
        assert (await api.http.get(path, headers={"X-MBX-APIKEY": "whatever"})).status_code == 200
