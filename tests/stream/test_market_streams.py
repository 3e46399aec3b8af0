"""Mark-price streams on ``/market``: premiumIndex's values, moved by the control plane's price."""

from __future__ import annotations

import json

from websockets.asyncio.client import connect

from tests.stream.streams import next_frame, nothing_within, ws_url
from tests.support import Api, LiveServer

FRAME_KEYS = ["e", "E", "s", "p", "i", "P", "r", "T"]


async def test_mark_price_1s_matches_premium_index(live_server: LiveServer, live_api: Api) -> None:
    await live_api.mark("BTCUSDT", "51234.5")
    async with connect(ws_url(live_server.base_url, "/market/ws/btcusdt@markPrice@1s")) as ws:
        frame = await next_frame(ws, timeout=3)
        assert list(frame) == FRAME_KEYS and frame["e"] == "markPriceUpdate" and frame["s"] == "BTCUSDT"
        rest = (await live_api.http.get("/fapi/v1/premiumIndex", params={"symbol": "BTCUSDT"})).json()
        assert (frame["p"], frame["i"], frame["P"], frame["r"], frame["T"]) == (
            rest["markPrice"],
            rest["indexPrice"],
            rest["estimatedSettlePrice"],
            rest["lastFundingRate"],
            rest["nextFundingTime"],
        )
        assert frame["p"] == "51234.50000000" and isinstance(frame["E"], int) and isinstance(frame["T"], int)
        await live_api.mark("BTCUSDT", "50000")
        assert (await next_frame(ws, timeout=3))["p"] == "50000.00000000"


async def test_combined_all_symbols_and_subscribe(live_server: LiveServer, live_api: Api) -> None:
    async with connect(ws_url(live_server.base_url, "/market/stream?streams=!markPrice@arr@1s")) as ws:
        wrapped = await next_frame(ws, timeout=3)
        assert wrapped["stream"] == "!markPrice@arr@1s"
        assert {f["s"] for f in wrapped["data"]} >= {"BTCUSDT", "ETHUSDT"}
    async with connect(ws_url(live_server.base_url, "/market/stream")) as ws:
        await ws.send(json.dumps({"method": "SUBSCRIBE", "params": ["ethusdt@markPrice@1s"], "id": 7}))
        assert await next_frame(ws) == {"result": None, "id": 7}
        frame = await next_frame(ws, timeout=3)
        assert frame["stream"] == "ethusdt@markPrice@1s" and frame["data"]["s"] == "ETHUSDT"
        await ws.send(json.dumps({"method": "UNSUBSCRIBE", "params": ["ethusdt@markPrice@1s"], "id": 8}))
        while (reply := await next_frame(ws)).get("id") != 8:
            pass  # a push sent before the UNSUBSCRIBE was read
        assert reply == {"result": None, "id": 8}
        assert await nothing_within(ws, 1.5)
