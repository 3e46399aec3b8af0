"""``<symbol>@forceOrder`` and ``!forceOrder@arr``: the engine's liquidation orders, pushed as Binance's
Liquidation Order Streams do [doc LOS] (api/stream/force_order.py), over a real WebSocket.

The liquidation is the story's (tests/liquidation/test_liquidation_story.py): 0.01 BTCUSDT long at
20x by MARKET at 50,000, isolated wallet 24.75, liquidation price 47715.86345382; at that mark the
engine fills a SELL LIMIT IOC of 0.01 priced at the bankruptcy price 50000 − 24.75 / 0.01 = 47525,
at the mark. BTCUSDT shows prices at 2 decimals and quantities at 3.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from websockets.asyncio.client import connect

from isomargin.api.stream import force_order
from isomargin.api.stream.connection import Connection
from isomargin.service.order_queries import OrderView
from isomargin.store.orders import OrderRow
from isomargin.symbols import DEFAULT_SYMBOLS
from tests.liquidation.test_liquidation_story import long_at_20x, move
from tests.stream.streams import next_frame, nothing_within, raw_frame, ws_url
from tests.support import Api, LiveServer

LIQUIDATION_PRICE = "47715.86345382"
#: the order of Binance's doc and of an observed frame [obs BBGO-1232]
FRAME_KEYS = ["e", "E", "o"]
ORDER_KEYS = ["s", "S", "o", "f", "q", "p", "ap", "X", "l", "z", "T"]


async def test_a_liquidation_reaches_the_symbols_subscriber(live_server: LiveServer, live_api: Api) -> None:
    await long_at_20x(live_api)
    async with (
        connect(ws_url(live_server.base_url, "/market/ws/btcusdt@forceOrder")) as ws,
        connect(ws_url(live_server.base_url, "/market/ws/ethusdt@forceOrder")) as other,
    ):
        assert await nothing_within(ws, 1.5)  # no liquidation, no frame [doc LOS]
        moved = await move(live_api, "BTCUSDT", LIQUIDATION_PRICE)
        (liq,) = moved["liquidations"]
        text = await raw_frame(ws, timeout=3)
        frame: dict[str, Any] = json.loads(text)
        assert text.startswith('{"e":"forceOrder","E":') and list(frame) == FRAME_KEYS
        assert list(frame["o"]) == ORDER_KEYS
        assert frame["o"] == {
            "s": "BTCUSDT",
            "S": "SELL",
            "o": "LIMIT",
            "f": "IOC",
            "q": "0.010",
            "p": "47525.00",
            # filled at the mark 47715.86345382, off the 0.10 tick: at the price precision, half up
            "ap": "47715.86",
            "X": "FILLED",
            "l": "0.010",
            "z": "0.010",
            "T": moved["time"],
        }
        assert isinstance(frame["E"], int) and frame["E"] >= moved["time"]
        assert liq["avgPrice"] == LIQUIDATION_PRICE
        assert await nothing_within(ws, 1.5)  # pushed once
        assert await nothing_within(other, 0.1)  # another symbol's stream saw nothing


async def test_the_latest_of_a_second_per_symbol_on_the_all_market_stream(
    live_server: LiveServer, live_api: Api
) -> None:
    """Two positions die in one move: "only the latest one liquidation order within 1000ms will be
    pushed" [doc LOS]; ``!forceOrder@arr`` sends it as one frame, wrapped on a ``/stream`` path."""
    await long_at_20x(live_api)
    await long_at_20x(live_api)
    async with connect(ws_url(live_server.base_url, "/market/stream")) as ws:
        await ws.send(json.dumps({"method": "SUBSCRIBE", "params": ["!forceOrder@arr"], "id": 7}))
        assert await next_frame(ws) == {"result": None, "id": 7}
        moved = await move(live_api, "BTCUSDT", LIQUIDATION_PRICE)
        assert len(moved["liquidations"]) == 2
        wrapped = await next_frame(ws, timeout=3)
        assert list(wrapped) == ["stream", "data"] and wrapped["stream"] == "!forceOrder@arr"
        assert (wrapped["data"]["o"]["s"], wrapped["data"]["o"]["z"]) == ("BTCUSDT", "0.010")
        assert await nothing_within(ws, 1.5)  # the other liquidation of that second is not sent


def liquidation(symbol: str, order_id: int, qty: str, price: str, cum_quote: str) -> OrderView:
    row = OrderRow(
        order_id, symbol, f"autoclose-{order_id}", "BUY", "BOTH", "LIMIT", "IOC", Decimal(qty), Decimal(price),
        Decimal(qty), Decimal(cum_quote), False, "FILLED", 0, 1_000, 1_005, Decimal(0), "LIQUIDATION",
    )  # fmt: skip
    return OrderView(DEFAULT_SYMBOLS[symbol], row)


def test_each_subscription_gets_its_symbols_frame_and_the_all_market_one_every_symbol() -> None:
    # a short's liquidation: BUY 0.5 ETHUSDT priced 3100, filled for 1525.25 → ap 3050.50
    eth = liquidation("ETHUSDT", 9, "0.5", "3100", "1525.25")
    btc = liquidation("BTCUSDT", 8, "0.002", "61000", "121.8")
    one, every = Connection(wrapped=False, opened_at=0), Connection(wrapped=True, opened_at=0)
    subscribers = {one: ["ethusdt@forceOrder", "ethusdt@markPrice"], every: ["!forceOrder@arr"]}
    sent = force_order.due([btc, eth], 2_000, subscribers)
    assert [(c is one, name, f["o"]["s"]) for c, name, f in sent] == [
        (True, "ethusdt@forceOrder", "ETHUSDT"),
        (False, "!forceOrder@arr", "BTCUSDT"),
        (False, "!forceOrder@arr", "ETHUSDT"),
    ]
    (_, _, frame) = sent[0]
    # ETHUSDT: prices at 2 decimals, quantities at 3 (its symbol spec)
    assert frame == {
        "e": "forceOrder",
        "E": 2_000,
        "o": {
            "s": "ETHUSDT",
            "S": "BUY",
            "o": "LIMIT",
            "f": "IOC",
            "q": "0.500",
            "p": "3100.00",
            "ap": "3050.50",
            "X": "FILLED",
            "l": "0.500",
            "z": "0.500",
            "T": 1_005,
        },
    }
    assert force_order.due([], 3_000, subscribers) == []
