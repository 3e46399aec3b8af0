"""``/ws-fapi/v1``: ``userDataStream.start`` / ``.ping`` / ``.stop`` with a real WebSocket client
and with the official SDK's WebSocket API (trading reference §4.6)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from binance_common.configuration import ConfigurationWebSocketAPI
from binance_sdk_derivatives_trading_usds_futures.derivatives_trading_usds_futures import (
    DerivativesTradingUsdsFutures,
)
from websockets.asyncio.client import connect

from tests.stream.streams import listen_key, next_frame, ws_url
from tests.support import Api, LiveServer

RATE_LIMIT_KEYS = ["rateLimitType", "interval", "intervalNum", "limit", "count"]


async def call(ws: Any, request_id: str, method: str, api_key: str) -> dict[str, Any]:
    await ws.send(json.dumps({"id": request_id, "method": method, "params": {"apiKey": api_key}}))
    return await next_frame(ws)


async def test_start_ping_stop_share_the_rest_key(live_server: LiveServer, live_api: Api) -> None:
    creds = await live_api.account()
    rest_key = await listen_key(live_api, creds)
    async with connect(ws_url(live_server.base_url, "/ws-fapi/v1")) as ws:
        started = await call(ws, "a1", "userDataStream.start", creds.api_key)
        assert list(started) == ["id", "status", "result", "rateLimits"]
        assert (started["id"], started["status"], started["result"]) == ("a1", 200, {"listenKey": rest_key})
        (limit,) = started["rateLimits"]
        assert list(limit) == RATE_LIMIT_KEYS and limit["rateLimitType"] == "REQUEST_WEIGHT"
        pinged = await call(ws, "a2", "userDataStream.ping", creds.api_key)
        assert (pinged["status"], pinged["result"]) == (200, {"listenKey": rest_key})
        async with connect(ws_url(live_server.base_url, f"/private/ws/{rest_key}")) as stream:
            stopped = await call(ws, "a3", "userDataStream.stop", creds.api_key)
            assert (stopped["status"], stopped["result"]) == (200, {})
            assert (await next_frame(stream))["e"] == "listenKeyExpired"
        again = await call(ws, "a4", "userDataStream.ping", creds.api_key)
        assert (again["status"], again["error"]) == (400, {"code": -1125, "msg": "This listenKey does not exist."})
        bad = await call(ws, "a5", "userDataStream.start", "")
        assert (bad["status"], bad["error"]) == (401, {"code": -2014, "msg": "API-key format invalid."})


# the SDK passes aiohttp a float timeout, which aiohttp deprecates (a warning, turned into an error here)
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
async def test_the_official_sdk_websocket_api(live_server: LiveServer, live_api: Api) -> None:
    creds = await live_api.account()
    client = DerivativesTradingUsdsFutures(
        config_ws_api=ConfigurationWebSocketAPI(
            api_key=creds.api_key, api_secret=creds.secret_key, stream_url=ws_url(live_server.base_url, "/ws-fapi/v1")
        )
    )
    connection = await client.websocket_api.create_connection()
    try:
        started = await connection.start_user_data_stream()
        key = started.data().result.listen_key
        assert key == await listen_key(live_api, creds)
        pinged = await connection.keepalive_user_data_stream()
        assert pinged.data().result.listen_key == key
        await connection.close_user_data_stream()
    finally:
        await connection.close_connection(close_session=True)
