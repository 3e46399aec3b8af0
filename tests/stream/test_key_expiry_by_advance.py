"""A listen key runs out by the server clock as one of the scheduled events an advance applies
(issue 13): in time order with path points, through the outbox, so nothing the market does after
the key's end reaches a connection on it [doc LKE]."""

from __future__ import annotations

from websockets.asyncio.client import connect

from tests.liquidation.test_liquidation_story import long_at_20x
from tests.market.test_clock_funding_paths import advance, freeze
from tests.stream.streams import listen_key, next_frame, nothing_within, ws_url
from tests.support import CONTROL, Api, LiveServer

MINUTE_MS = 60_000


async def test_an_advance_ends_a_key_between_the_moves_it_passes(live_server: LiveServer, live_api: Api) -> None:
    creds = await long_at_20x(live_api)  # liquidation price (500 − 24.75) / 0.00996 = 47715.86
    now = await freeze(live_api)
    key = await listen_key(live_api, creds)  # valid 60 minutes from now [doc LK]
    points = [{"afterMs": 30 * MINUTE_MS, "markPrice": "49000"}, {"afterMs": 90 * MINUTE_MS, "markPrice": "47700"}]
    r = await live_api.http.put(f"{CONTROL}/markPrices/BTCUSDT/path", json={"points": points})
    assert r.status_code == 200, r.text
    async with connect(ws_url(live_server.base_url, f"/private/ws?listenKey={key}")) as ws:
        moved = await advance(live_api, 120 * MINUTE_MS)
        assert [(e["type"], e["time"]) for e in moved["events"]] == [
            ("MARK_PRICE", now + 30 * MINUTE_MS),
            ("LISTEN_KEY_EXPIRED", now + 60 * MINUTE_MS),
            ("MARK_PRICE", now + 90 * MINUTE_MS),
        ]
        ended = moved["events"][1]
        assert (ended["accountId"], ended["listenKey"]) == (creds.account_id, key)
        assert len(moved["events"][2]["liquidations"]) == 1  # 47700 is past the liquidation price
        # the move to 49000 sends nothing on the user stream; the key's end comes at its own time,
        # and the liquidation 30 minutes later is not sent on the ended key
        frame = await next_frame(ws)
        assert frame == {"e": "listenKeyExpired", "E": str(now + 60 * MINUTE_MS), "listenKey": key}
        assert await nothing_within(ws)
    r = await live_api.signed("PUT", "/fapi/v1/listenKey", creds)
    assert r.json() == {"code": -1125, "msg": "This listenKey does not exist."}
    assert await listen_key(live_api, creds) != key  # a new key after the old one ran out


async def test_the_poller_ends_a_key_when_a_running_clock_passes_it(live_server: LiveServer, live_api: Api) -> None:
    creds = await live_api.account()
    key = await listen_key(live_api, creds)
    async with connect(ws_url(live_server.base_url, f"/private/ws?listenKey={key}")) as ws:
        r = await live_api.http.put(f"{CONTROL}/clock", json={"offsetMs": 61 * MINUTE_MS})
        assert r.status_code == 200
        frame = await next_frame(ws)
        assert (frame["e"], frame["listenKey"]) == ("listenKeyExpired", key)
        assert await nothing_within(ws)  # one frame: the poller's and the hub's clock never both send it
