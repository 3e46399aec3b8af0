"""A MARKET fill on the live user-data stream: TRADE_LITE → ORDER_TRADE_UPDATE NEW → ACCOUNT_UPDATE
ORDER → ORDER_TRADE_UPDATE TRADE, as a real fill's frames arrive (reference §2.6)."""

from __future__ import annotations

import pytest
from websockets.asyncio.client import connect

from tests.stream.streams import listen_key, next_frame, nothing_within, ws_url
from tests.support import Api, LiveServer
from tests.trading.support import book, market, order

pytestmark = pytest.mark.slow


async def test_fill_and_resting_order_frames(live_server: LiveServer, live_api: Api) -> None:
    creds = await live_api.account("1000")
    await book(live_api, "BTCUSDT", "50000", bid="49990", ask="50010")
    key = await listen_key(live_api, creds)
    async with connect(ws_url(live_server.base_url, f"/private/ws?listenKey={key}")) as ws:
        filled = await market(live_api, creds, "BUY", "0.002", newClientOrderId="s1")
        frames = [await next_frame(ws) for _ in range(4)]
        assert [(f["e"], f.get("o", {}).get("x")) for f in frames] == [
            ("TRADE_LITE", None),
            ("ORDER_TRADE_UPDATE", "NEW"),
            ("ACCOUNT_UPDATE", None),
            ("ORDER_TRADE_UPDATE", "TRADE"),
        ]
        lite, _, update, trade = frames
        # at the ask 50010: fee 100.02 × 0.0005 = 0.05001 (cross by default: from the wallet);
        # TRADE_LITE pads to BTCUSDT's precisions (2 price, 3 quantity), its MARKET price too [obs SW-BTC]
        assert (lite["L"], lite["p"], lite["q"], lite["i"], lite["c"]) == (
            "50010.00", "0.00", "0.002", filled["orderId"], "s1"
        )  # fmt: skip
        assert (trade["o"]["X"], trade["o"]["n"], trade["o"]["ap"], trade["o"]["t"], trade["o"]["L"]) == (
            "FILLED", "0.05001000", "50010.00000", lite["t"], "50010.00"
        )  # fmt: skip
        # no order rests: no open bid or ask notional on either step (a MARKET order never rests)
        assert [(f["o"]["b"], f["o"]["a"], f["o"]["p"]) for f in (frames[1], trade)] == [("0", "0", "0")] * 2
        assert update["a"]["m"] == "ORDER" and update["a"]["B"][0]["cw"] == "999.94999"
        assert update["a"]["P"][0]["pa"] == "0.002" and update["a"]["P"][0]["mt"] == "cross"
        r = await order(
            live_api, creds, symbol="BTCUSDT", side="SELL", type="LIMIT", timeInForce="GTC", quantity="0.002",
            price="51000", reduceOnly="true",
        )  # fmt: skip
        new = await next_frame(ws)
        assert (new["e"], new["o"]["x"], new["o"]["p"], new["o"]["R"]) == ("ORDER_TRADE_UPDATE", "NEW", "51000", True)
        # the resting SELL's own notional after the step: 0.002 × 51000 = 102 (b/a, reference §4.3)
        assert (new["o"]["b"], new["o"]["a"], new["o"]["q"]) == ("0", "102", "0.002")
        assert await nothing_within(ws)  # a resting order pushes no ACCOUNT_UPDATE [doc AU]
        assert r.status_code == 200
