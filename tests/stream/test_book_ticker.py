"""``<symbol>@bookTicker``: the control plane's book top, pushed when it moves, on every path and worker."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import connect

from isomargin.api.stream.book_ticker import BookTickers, Top
from isomargin.api.stream.connection import Connection
from isomargin.service.book import Book
from isomargin.symbols import DEFAULT_SYMBOLS
from tests.backends import database_url
from tests.stream.streams import next_frame, nothing_within, raw_frame, ws_url
from tests.support import Api, LiveServer

#: the order Binance's servers send (captured frames; book_ticker.py)
FRAME_KEYS = ["e", "u", "s", "b", "B", "a", "A", "T", "E"]
CONTROL = "/_isomargin/v1"


async def put_book(http: httpx.AsyncClient, symbol: str, mark: str, bid: str, ask: str) -> int:
    r = await http.put(f"{CONTROL}/markPrices/{symbol}", json={"markPrice": mark, "bidPrice": bid, "askPrice": ask})
    assert r.status_code == 200, r.text
    return int(r.json()["time"])


async def test_frame_order_types_and_a_put_reaching_the_subscriber(live_server: LiveServer, live_api: Api) -> None:
    set_at = await put_book(live_api.http, "BTCUSDT", "51000", "50999.9", "51000.1")
    async with connect(ws_url(live_server.base_url, "/market/ws/btcusdt@bookTicker")) as ws:
        text = await raw_frame(ws, timeout=3)
        frame: dict[str, Any] = json.loads(text)
        assert text.startswith('{"e":"bookTicker","u":') and list(frame) == FRAME_KEYS
        assert (frame["s"], frame["b"], frame["a"]) == ("BTCUSDT", "50999.90", "51000.10")
        assert frame["B"] == frame["A"] == "1000.000"  # BTCUSDT's maxQty at its quantity precision (assumed)
        assert all(isinstance(frame[k], int) for k in ("u", "T", "E")) and frame["T"] == set_at
        # an unchanged book sends nothing more
        assert await nothing_within(ws, 1.5)
        await put_book(live_api.http, "BTCUSDT", "52000", "51990", "52010.5")
        moved = await next_frame(ws, timeout=3)
        assert (moved["b"], moved["a"]) == ("51990.00", "52010.50") and moved["u"] > frame["u"]
        # a PUT without bid/ask puts both at the mark: the book moves with it
        await live_api.mark("BTCUSDT", "52100")
        at_mark = await next_frame(ws, timeout=3)
        assert (at_mark["b"], at_mark["a"]) == ("52100.00", "52100.00") and at_mark["u"] > moved["u"]


async def test_subscribe_on_market_and_public_and_the_combined_url(live_server: LiveServer, live_api: Api) -> None:
    await put_book(live_api.http, "ETHUSDT", "3000", "2999.5", "3000.5")
    async with connect(ws_url(live_server.base_url, "/market/stream")) as ws:
        await ws.send(json.dumps({"method": "SUBSCRIBE", "params": ["ethusdt@bookTicker"], "id": 3}))
        assert await next_frame(ws) == {"result": None, "id": 3}
        wrapped = await next_frame(ws, timeout=3)
        assert list(wrapped) == ["stream", "data"] and wrapped["stream"] == "ethusdt@bookTicker"
        assert (wrapped["data"]["s"], wrapped["data"]["b"], wrapped["data"]["a"]) == ("ETHUSDT", "2999.50", "3000.50")
        await ws.send(json.dumps({"method": "UNSUBSCRIBE", "params": ["ethusdt@bookTicker"], "id": 4}))
        assert await next_frame(ws) == {"result": None, "id": 4}
        await put_book(live_api.http, "ETHUSDT", "3001", "3000.5", "3001.5")
        assert await nothing_within(ws, 1.5)
    async with connect(ws_url(live_server.base_url, "/public/ws")) as ws:
        await ws.send(json.dumps({"method": "SUBSCRIBE", "params": ["ethusdt@bookTicker"], "id": 5}))
        assert await next_frame(ws) == {"result": None, "id": 5}
        assert (await next_frame(ws, timeout=3))["b"] == "3000.50"
    url = "/market/stream?streams=btcusdt@bookTicker/ethusdt@bookTicker"
    async with connect(ws_url(live_server.base_url, url)) as ws:
        first, second = await next_frame(ws, timeout=3), await next_frame(ws, timeout=3)
        assert {first["stream"], second["stream"]} == {"btcusdt@bookTicker", "ethusdt@bookTicker"}


async def test_a_put_through_one_server_reaches_a_client_of_another(backend: str, tmp_path: Path) -> None:
    with (
        database_url(backend, tmp_path, tag="bt_") as url,
        LiveServer(url, log_path=tmp_path / "a.log") as a,
        LiveServer(url, log_path=tmp_path / "b.log") as b,
    ):
        async with (
            httpx.AsyncClient(base_url=a.base_url, timeout=10) as http,
            connect(ws_url(b.base_url, "/market/ws/btcusdt@bookTicker")) as ws,
        ):
            before = await next_frame(ws, timeout=3)
            await put_book(http, "BTCUSDT", "60000", "59999", "60001")
            after = await next_frame(ws, timeout=3)
            assert (after["b"], after["a"]) == ("59999.00", "60001.00") and after["u"] > before["u"]


def test_update_id_only_grows_even_when_the_server_clock_goes_back() -> None:
    spec = DEFAULT_SYMBOLS["BTCUSDT"]
    tickers, connection = BookTickers(), Connection(wrapped=False, opened_at=0)
    subscribers = {connection: ["btcusdt@bookTicker"]}

    def top(bid: str, ask: str, time: int) -> list[Top]:
        return [Top(spec, Book(Decimal(bid), Decimal(bid), Decimal(ask)), time)]

    first = tickers.due(top("10", "11", 5000), 5000, subscribers)
    assert [f["u"] for _, _, f in first] == [5000]
    assert tickers.due(top("10", "11", 5000), 6000, subscribers) == []  # nothing moved: nothing sent
    back = tickers.due(top("10", "12", 1000), 1000, subscribers)  # a PUT after the clock was set back
    assert [f["u"] for _, _, f in back] == [5001]
