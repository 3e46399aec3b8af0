"""The user-data stream against ``isomargin serve``, with a real WebSocket client (the ``websockets``
library): every URL form, every event type, exact frames, values matching REST (trading reference §4)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosedOK, InvalidStatus

from tests.stream.streams import listen_key, next_frame, nothing_within, raw_frame, ws_url
from tests.support import CONTROL, Api, LiveServer

ACCOUNT_UPDATE_KEYS = ["e", "T", "E", "a"]
POSITION_KEYS = ["s", "pa", "ep", "cr", "up", "mt", "iw", "ps", "ma", "bep"]


async def test_margin_transfer_frame_matches_rest(live_server: LiveServer, live_api: Api) -> None:
    creds = await live_api.account("10000")
    await live_api.position(creds, amt="0.01", entry="50000", leverage=10)
    await live_api.mark("BTCUSDT", "49000")
    key = await listen_key(live_api, creds)
    async with connect(ws_url(live_server.base_url, f"/private/ws?listenKey={key}")) as ws:
        r = await live_api.margin(creds, "100", 1)
        assert r.status_code == 200, r.text
        text = await raw_frame(ws)
        frame = json.loads(text)
        assert list(frame) == ACCOUNT_UPDATE_KEYS and frame["T"] == frame["E"]
        assert isinstance(frame["T"], int)
        assert list(frame["a"]) == ["B", "P", "m"]
        assert frame["a"]["m"] == "MARGIN_TRANSFER"
        assert frame["a"]["B"] == [{"a": "USDT", "wb": "10000", "cw": "9850", "bc": "0"}]
        (position,) = frame["a"]["P"]
        assert list(position) == POSITION_KEYS
        assert position == {
            "s": "BTCUSDT",
            "pa": "0.01",
            "ep": "50000",
            "cr": "0",
            "up": "-10",
            "mt": "isolated",
            "iw": "150",
            "ps": "BOTH",
            "ma": "USDT",
            "bep": "50025",  # 50000 × (1 + 0.0005 taker), reference §2.5
        }
        # values as REST shows them
        risk = (await live_api.signed("GET", "/fapi/v2/positionRisk", creds, {"symbol": "BTCUSDT"})).json()
        assert Decimal(risk[0]["isolatedWallet"]) == Decimal(position["iw"])
        assert Decimal(risk[0]["breakEvenPrice"]) == Decimal(position["bep"])
        assert Decimal(risk[0]["positionAmt"]) == Decimal(position["pa"])
        balance = (await live_api.signed("GET", "/fapi/v2/balance", creds)).json()
        usdt = next(b for b in balance if b["asset"] == "USDT")
        assert Decimal(usdt["balance"]) == Decimal(frame["a"]["B"][0]["wb"])
        assert Decimal(usdt["crossWalletBalance"]) == Decimal(frame["a"]["B"][0]["cw"])
        # a rejected change publishes nothing
        r = await live_api.margin(creds, "1000000", 1)
        assert r.status_code == 400
        assert await nothing_within(ws)


async def test_leverage_and_margin_type_frames(live_server: LiveServer, live_api: Api) -> None:
    creds = await live_api.account("1000")
    key = await listen_key(live_api, creds)
    async with connect(ws_url(live_server.base_url, f"/private/ws/{key}")) as ws:
        r = await live_api.signed("POST", "/fapi/v1/leverage", creds, {"symbol": "ETHUSDT", "leverage": "7"})
        assert r.status_code == 200, r.text
        text = await raw_frame(ws)
        t = json.loads(text)["E"]
        assert text == f'{{"e":"ACCOUNT_CONFIG_UPDATE","E":{t},"T":{t},"ac":{{"s":"ETHUSDT","l":7}}}}'
        r = await live_api.signed("POST", "/fapi/v1/marginType", creds, {"symbol": "ETHUSDT", "marginType": "ISOLATED"})
        assert r.status_code == 200, r.text
        frame = await next_frame(ws)
        assert list(frame) == ACCOUNT_UPDATE_KEYS and frame["a"]["m"] == "MARGIN_TYPE_CHANGE"
        # only changed positions are pushed, and a symbol without a position has none to push
        assert frame["a"]["P"] == [] and frame["a"]["B"] == [{"a": "USDT", "wb": "1000", "cw": "1000", "bc": "0"}]


async def test_the_stream_form_wraps_frames_and_events_is_an_allow_list(live_server: LiveServer, live_api: Api) -> None:
    a, b = await live_api.account(), await live_api.account()
    key_a, key_b = await listen_key(live_api, a), await listen_key(live_api, b)
    path = f"/private/stream?listenKey={key_a}&events=ACCOUNT_CONFIG_UPDATE&listenKey={key_b}&events=ACCOUNT_UPDATE"
    async with connect(ws_url(live_server.base_url, path)) as ws:
        await live_api.signed("POST", "/fapi/v1/leverage", a, {"symbol": "BTCUSDT", "leverage": "5"})
        await live_api.signed("POST", "/fapi/v1/leverage", b, {"symbol": "BTCUSDT", "leverage": "6"})  # filtered out
        frame = await next_frame(ws)
        assert list(frame) == ["stream", "data"] and frame["stream"] == key_a
        assert frame["data"]["ac"] == {"s": "BTCUSDT", "l": 5}
        # listenKeyExpired is not in a's allow-list: DELETE pushes nothing here [obs MAXT]
        await live_api.raw("DELETE", "/fapi/v1/listenKey", a, sign=False)
        assert await nothing_within(ws)


async def test_delete_pushes_listen_key_expired_and_then_nothing(live_server: LiveServer, live_api: Api) -> None:
    creds = await live_api.account()
    key = await listen_key(live_api, creds)
    async with connect(ws_url(live_server.base_url, f"/private/ws?listenKey={key}")) as ws:
        await live_api.raw("DELETE", "/fapi/v1/listenKey", creds, sign=False)
        frame = await next_frame(ws)
        assert list(frame) == ["e", "E", "listenKey"]
        assert frame["e"] == "listenKeyExpired" and frame["listenKey"] == key and isinstance(frame["E"], str)
        await live_api.signed("POST", "/fapi/v1/leverage", creds, {"symbol": "BTCUSDT", "leverage": "9"})
        assert await nothing_within(ws)


async def test_a_key_that_runs_out_by_the_clock_pushes_listen_key_expired(
    live_server: LiveServer, live_api: Api
) -> None:
    creds = await live_api.account()
    key = await listen_key(live_api, creds)
    async with connect(ws_url(live_server.base_url, f"/private/ws?listenKey={key}")) as ws:
        r = await live_api.http.put(f"{CONTROL}/clock", json={"offsetMs": 61 * 60_000})
        assert r.status_code == 200
        frame = await next_frame(ws, timeout=5)
        assert (frame["e"], frame["listenKey"]) == ("listenKeyExpired", key)


@pytest.mark.parametrize("path", ["/private/ws/{unknown}", "/private/ws?listenKey={unknown}", "/ws/{unknown}"])
async def test_an_unknown_key_is_refused(live_server: LiveServer, live_api: Api, path: str) -> None:
    with pytest.raises(InvalidStatus) as refused:
        async with connect(ws_url(live_server.base_url, path.format(unknown="x" * 64))):
            pass
    assert refused.value.response.status_code == 400


async def test_subscribe_on_private_stream_as_the_official_sdk_does(live_server: LiveServer, live_api: Api) -> None:
    creds = await live_api.account()
    key = await listen_key(live_api, creds)
    async with connect(ws_url(live_server.base_url, "/private/stream")) as ws:
        await ws.send(json.dumps({"method": "SUBSCRIBE", "params": [key], "id": "3f1c"}))
        assert await raw_frame(ws) == '{"result":null,"id":"3f1c"}'
        await ws.send(json.dumps({"method": "LIST_SUBSCRIPTIONS", "id": 2}))
        assert await next_frame(ws) == {"result": [key], "id": 2}
        await live_api.signed("POST", "/fapi/v1/leverage", creds, {"symbol": "BTCUSDT", "leverage": "4"})
        frame = await next_frame(ws)
        assert frame["stream"] == key and frame["data"]["e"] == "ACCOUNT_CONFIG_UPDATE"
        await ws.send(json.dumps({"method": "UNSUBSCRIBE", "params": [key], "id": 3}))
        assert await next_frame(ws) == {"result": None, "id": 3}
        await live_api.signed("POST", "/fapi/v1/leverage", creds, {"symbol": "BTCUSDT", "leverage": "3"})
        assert await nothing_within(ws)
        await ws.send("{not json")
        assert (await next_frame(ws))["error"]["code"] == 3


@pytest.mark.parametrize("path", ["/market/stream", "/public/stream", "/market/ws"])
async def test_market_and_public_paths_are_accepted(live_server: LiveServer, path: str) -> None:
    async with connect(ws_url(live_server.base_url, path)) as ws:
        await ws.send(json.dumps({"method": "SUBSCRIBE", "params": ["btcusdt@markPrice"], "id": 1}))
        assert await next_frame(ws) == {"result": None, "id": 1}


async def test_legacy_urls_connect_and_stay_silent_by_default(live_server: LiveServer, live_api: Api) -> None:
    creds = await live_api.account()
    key = await listen_key(live_api, creds)
    async with connect(ws_url(live_server.base_url, f"/ws/{key}")) as ws:
        await live_api.signed("POST", "/fapi/v1/leverage", creds, {"symbol": "BTCUSDT", "leverage": "8"})
        assert await nothing_within(ws)
    assert live_server.log_path is not None
    assert "/private/ws?listenKey=" in live_server.log_path.read_text()


async def test_a_connection_is_closed_after_24_hours_by_the_server_clock(
    live_server: LiveServer, live_api: Api
) -> None:
    creds = await live_api.account()
    key = await listen_key(live_api, creds)
    async with connect(ws_url(live_server.base_url, f"/private/ws?listenKey={key}")) as ws:
        r = await live_api.http.put(f"{CONTROL}/clock", json={"offsetMs": 24 * 3_600_000})
        assert r.status_code == 200
        assert (await next_frame(ws))["e"] == "listenKeyExpired"  # the key ran out long before
        with pytest.raises(ConnectionClosedOK) as closed:
            await next_frame(ws)
        assert closed.value.rcvd is not None
        assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (1000, "Connection reached the 24 hour limit.")
