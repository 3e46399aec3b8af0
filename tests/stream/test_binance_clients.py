"""Unmodified Binance clients consume isomargin's user-data stream, pointed at it by URL only.

- the official SDK ``binance-sdk-derivatives-trading-usds-futures``: REST ``start_user_data_stream``,
  then ``websocket_streams.create_connection()`` (which opens ``/market/stream``, ``/public/stream``
  and ``/private/stream`` and gives up at the first refusal) and ``user_data(listenKey)`` — a JSON
  SUBSCRIBE of the bare key; frames are validated by its pydantic models;
- python-binance: ``BinanceSocketManager.futures_user_socket()``, which takes a key with ``POST
  /fapi/v1/listenKey`` and opens ``/private/ws?listenKey=…``.
"""

from __future__ import annotations

import asyncio
import warnings
from typing import Any

import pytest
from binance_common.configuration import ConfigurationRestAPI, ConfigurationWebSocketStreams
from binance_sdk_derivatives_trading_usds_futures.derivatives_trading_usds_futures import (
    DerivativesTradingUsdsFutures,
)

from tests.support import Api, LiveServer

with warnings.catch_warnings():
    # python-binance 1.0.37 imports websockets' deprecated legacy client at import time
    warnings.simplefilter("ignore", DeprecationWarning)
    from binance import AsyncClient, BinanceSocketManager

pytestmark = pytest.mark.slow


async def funded(api: Api) -> Any:
    creds = await api.account("10000")
    await api.position(creds, amt="0.01", entry="50000", leverage=10)
    return creds


async def test_the_official_sdk_receives_margin_transfers(live_server: LiveServer, live_api: Api) -> None:
    creds = await funded(live_api)
    client = DerivativesTradingUsdsFutures(
        config_rest_api=ConfigurationRestAPI(
            api_key=creds.api_key, api_secret=creds.secret_key, base_path=live_server.base_url, retries=0
        ),
        config_ws_streams=ConfigurationWebSocketStreams(stream_url=live_server.base_url.replace("http", "ws")),
    )
    key = client.rest_api.start_user_data_stream().data().listen_key
    connection = await client.websocket_streams.create_connection()
    received: list[Any] = []
    try:
        stream = await connection.user_data(key)
        stream.on("message", received.append)
        await asyncio.sleep(0.3)  # the SUBSCRIBE is sent after a short delay by the SDK
        assert (await live_api.margin(creds, "100", 1)).status_code == 200
        for _ in range(100):
            if received:
                break
            await asyncio.sleep(0.05)
        (message,) = received
        update = message.actual_instance
        assert type(update).__name__ == "AccountUpdate"
        assert update.a.m == "MARGIN_TRANSFER"
        assert (update.a.B[0].wb, update.a.B[0].cw) == ("10000", "9850")
        assert (update.a.P[0].s, update.a.P[0].iw, update.a.P[0].mt) == ("BTCUSDT", "150", "isolated")
    finally:
        await connection.close_connection(close_session=True)


async def test_python_binance_futures_user_socket(live_server: LiveServer, live_api: Api) -> None:
    if not live_server.db_url.startswith("sqlite"):
        # closing its socket waits out its 10 s read poll; the stream path does not depend on the
        # database, which the official SDK's test covers on both
        pytest.skip("python-binance runs once, on SQLite")
    creds = await funded(live_api)
    client = AsyncClient(creds.api_key, creds.secret_key)  # not .create(): that pings api.binance.com
    client.FUTURES_URL = f"{live_server.base_url}/fapi"
    manager = BinanceSocketManager(client)
    manager.FSTREAM_URL = live_server.base_url.replace("http", "ws") + "/"
    try:
        async with manager.futures_user_socket() as socket:
            await asyncio.sleep(0.2)
            assert (await live_api.margin(creds, "40", 1)).status_code == 200
            message = await asyncio.wait_for(socket.recv(), 5)
        assert message["e"] == "ACCOUNT_UPDATE" and message["a"]["m"] == "MARGIN_TRANSFER"
        assert message["a"]["B"] == [{"a": "USDT", "wb": "10000", "cw": "9910", "bc": "0"}]
        assert message["a"]["P"][0]["iw"] == "90"
    finally:
        await client.close_connection()
