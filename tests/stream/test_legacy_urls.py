"""``--user-stream-urls legacy`` feeds the retired URLs too, as Binance's testnet still does (§4.2)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import connect

from tests.stream.streams import listen_key, next_frame, ws_url
from tests.support import Api, LiveServer


@pytest.fixture(scope="module")
def legacy_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp: Path = tmp_path_factory.mktemp("legacy")
    with LiveServer(f"sqlite:///{tmp}/legacy.db", extra_args=["--user-stream-urls", "legacy"]) as server:
        yield server


@pytest.fixture
async def api(legacy_server: LiveServer) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=legacy_server.base_url, timeout=10) as http:
        yield Api(http)


async def test_ws_path_stream_query_and_bare_ws_subscribe_all_deliver(legacy_server: LiveServer, api: Api) -> None:
    creds = await api.account()
    key = await listen_key(api, creds)
    base = legacy_server.base_url
    async with (
        connect(ws_url(base, f"/ws/{key}")) as path_form,
        connect(ws_url(base, f"/stream?streams={key}")) as stream_form,
        connect(ws_url(base, "/ws")) as subscribed,
    ):
        await subscribed.send(json.dumps({"method": "SUBSCRIBE", "params": [key], "id": 1}))
        assert await next_frame(subscribed) == {"result": None, "id": 1}
        r = await api.signed("POST", "/fapi/v1/leverage", creds, {"symbol": "BTCUSDT", "leverage": "11"})
        assert r.status_code == 200
        assert (await next_frame(path_form))["ac"] == {"s": "BTCUSDT", "l": 11}
        wrapped = await next_frame(stream_form)
        assert wrapped["stream"] == key and wrapped["data"]["ac"] == {"s": "BTCUSDT", "l": 11}
        assert (await next_frame(subscribed))["e"] == "ACCOUNT_CONFIG_UPDATE"


async def test_legacy_market_stream_urls_are_fed(legacy_server: LiveServer) -> None:
    async with connect(ws_url(legacy_server.base_url, "/ws/btcusdt@markPrice@1s")) as ws:
        assert (await next_frame(ws, timeout=3))["e"] == "markPriceUpdate"
    async with connect(ws_url(legacy_server.base_url, "/ws/btcusdt@bookTicker")) as ws:
        assert (await next_frame(ws, timeout=3))["e"] == "bookTicker"
    async with connect(ws_url(legacy_server.base_url, "/stream")) as ws:
        await ws.send(json.dumps({"method": "SUBSCRIBE", "params": ["ethusdt@bookTicker"], "id": 2}))
        assert await next_frame(ws) == {"result": None, "id": 2}
        assert (await next_frame(ws, timeout=3))["data"]["s"] == "ETHUSDT"
