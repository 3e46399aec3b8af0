"""A margin call and a liquidation on the live user-data stream (issue 12; reference §3.3, §3.6).

MARGIN_CALL as the doc prints it; then the liquidation's ORDER_TRADE_UPDATE NEW (``o``
LIQUIDATION, ``c`` autoclose-…, ``f`` IOC, ``p`` the bankruptcy price) → ACCOUNT_UPDATE ORDER
(the position flat) → ORDER_TRADE_UPDATE CALCULATED / FILLED (reference §3.3's sequence).
"""

from __future__ import annotations

import pytest
from websockets.asyncio.client import connect

from tests.liquidation.test_liquidation_story import long_at_20x, move
from tests.stream.streams import listen_key, next_frame, ws_url
from tests.support import Api, LiveServer

pytestmark = pytest.mark.slow


async def test_margin_call_then_liquidation_frames(live_server: LiveServer, live_api: Api) -> None:
    creds = await long_at_20x(live_api)
    key = await listen_key(live_api, creds)
    async with connect(ws_url(live_server.base_url, f"/private/ws?listenKey={key}")) as ws:
        await move(live_api, "BTCUSDT", "47760")
        call = await next_frame(ws)
        assert list(call) == ["e", "E", "p"]  # no cw for an isolated call (assumed), no T
        assert call["p"] == [
            {
                "s": "BTCUSDT",
                "ps": "BOTH",
                "pa": "0.01",
                "mt": "ISOLATED",
                "iw": "24.75",
                "mp": "47760",
                "up": "-22.4",
                "mm": "1.9104",
            }
        ]
        moved = await move(live_api, "BTCUSDT", "47700")
        (liq,) = moved["liquidations"]
        new, update, filled = [await next_frame(ws) for _ in range(3)]
        assert (new["e"], new["o"]["x"], new["o"]["X"], new["o"]["o"], new["o"]["f"]) == (
            "ORDER_TRADE_UPDATE",
            "NEW",
            "NEW",
            "LIQUIDATION",
            "IOC",
        )
        assert (new["o"]["c"], new["o"]["p"], new["o"]["S"], new["o"]["ot"]) == (
            liq["clientOrderId"],
            "47525",
            "SELL",
            "LIMIT",
        )
        assert update["e"] == "ACCOUNT_UPDATE" and update["a"]["m"] == "ORDER"
        assert (update["a"]["P"][0]["pa"], update["a"]["P"][0]["iw"]) == ("0", "0")
        assert update["a"]["B"][0]["wb"] == "975"
        # PnL (47700 − 50000) × 0.01 = −23
        assert (filled["o"]["x"], filled["o"]["X"], filled["o"]["L"], filled["o"]["rp"]) == (
            "CALCULATED",
            "FILLED",
            "47700",
            "-23.00000000",
        )
