"""Unmodified clients read tickers, the book and klines from a real ``isomargin serve`` (issue 13).

- the official SDK (binance-sdk-derivatives-trading-usds-futures): its pydantic models parse each
  answer with strict types (``StrictStr`` prices, ``StrictInt`` times), so a number sent as the
  wrong JSON type fails here;
- python-binance's sync ``Client`` (``futures_klines``, ``futures_historical_klines``,
  ``futures_ticker``, ``futures_symbol_ticker``, ``futures_orderbook_ticker``,
  ``futures_order_book``, ``futures_mark_price_klines``);
- the requests ccxt's binanceusdm makes for ``fetchTicker`` (``GET /fapi/v1/ticker/24hr?symbol=``)
  and ``fetchOHLCV`` (``GET /fapi/v1/klines`` paged by ``startTime``, the way freqtrade refreshes
  its candles; with ``price: "mark"`` → ``markPriceKlines``), ccxt not being installed here.

The market: BTCUSDT marks 50000 at 00:00:05, 50100.5 at 00:00:40 and 49900 at 00:02:10 on
2026-01-05, read at 00:02:30.
"""

from __future__ import annotations

import asyncio
import time
import warnings
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from binance_common.configuration import ConfigurationRestAPI
from binance_sdk_derivatives_trading_usds_futures.derivatives_trading_usds_futures import (
    DerivativesTradingUsdsFutures,
)
from binance_sdk_derivatives_trading_usds_futures.rest_api.models import (
    KlineCandlestickDataIntervalEnum,
    MarkPriceKlineCandlestickDataIntervalEnum,
)

from tests.support import CONTROL, Api, LiveServer

with warnings.catch_warnings():
    # python-binance 1.0.37 imports websockets' deprecated legacy client at import time
    warnings.simplefilter("ignore", DeprecationWarning)
    from binance import Client

pytestmark = pytest.mark.slow

T0 = int(datetime(2026, 1, 5, tzinfo=UTC).timestamp() * 1000)
MIN = 60_000


async def market(api: Api) -> None:
    async def at(server_ms: int) -> None:
        r = await api.http.put(f"{CONTROL}/clock", json={"offsetMs": server_ms - time.time_ns() // 1_000_000})
        assert r.status_code == 200, r.text

    for when, mark in ((T0 + 5_000, "50000"), (T0 + 40_000, "50100.5"), (T0 + 2 * MIN + 10_000, "49900")):
        await at(when)
        r = await api.http.put(f"{CONTROL}/markPrices/BTCUSDT", json={"markPrice": mark})
        assert r.status_code == 200, r.text
    await at(T0 + 2 * MIN + 30_000)


async def test_the_official_sdk_parses_every_answer(live_server: LiveServer, live_api: Api) -> None:
    await market(live_api)
    rest = DerivativesTradingUsdsFutures(
        config_rest_api=ConfigurationRestAPI(base_path=live_server.base_url, retries=0)
    ).rest_api

    def read() -> dict[str, Any]:
        return {
            "klines": rest.kline_candlestick_data("BTCUSDT", KlineCandlestickDataIntervalEnum.INTERVAL_1m).data(),
            "mark": rest.mark_price_kline_candlestick_data(
                "BTCUSDT", MarkPriceKlineCandlestickDataIntervalEnum.INTERVAL_1m
            ).data(),
            "price": rest.symbol_price_ticker(symbol="BTCUSDT").data(),
            "price_v2": rest.symbol_price_ticker_v2().data(),
            "book": rest.symbol_order_book_ticker(symbol="BTCUSDT").data(),
            "day": rest.ticker24hr_price_change_statistics(symbol="BTCUSDT").data(),
            "depth": rest.order_book("BTCUSDT", limit=5).data(),
        }

    answers = await asyncio.to_thread(read)
    bars = [list(bar.actual_instance if hasattr(bar, "actual_instance") else bar) for bar in answers["klines"]]
    assert [len(bar) for bar in bars] == [12, 12, 12]
    price = answers["price"].actual_instance
    assert (price.symbol, price.price) == ("BTCUSDT", "49900.00")
    assert [row.symbol for row in answers["price_v2"].actual_instance] == ["BTCUSDT", "ETHUSDT"]
    book = answers["book"].actual_instance
    assert (book.bid_price, book.ask_price) == ("49900.00", "49900.00")
    day = answers["day"].actual_instance
    assert (day.open_price, day.high_price, day.low_price, day.last_price) == (
        "50000.00",
        "50100.50",
        "49900.00",
        "49900.00",
    )
    assert (day.count, day.first_id) == (0, -1)
    depth = answers["depth"]
    assert depth.bids == [["49900.00", "1000.000"]] and isinstance(depth.last_update_id, int)


async def test_python_binance_reads_tickers_and_klines(live_server: LiveServer, live_api: Api) -> None:
    await market(live_api)
    client = Client("key", "secret", ping=False)  # public endpoints: no key needed
    client.FUTURES_URL = f"{live_server.base_url}/fapi"

    def read() -> dict[str, Any]:
        return {
            "klines": client.futures_klines(symbol="BTCUSDT", interval="1m", startTime=T0),
            "history": client.futures_historical_klines("BTCUSDT", "1m", T0, T0 + 3 * MIN),
            "mark": client.futures_mark_price_klines(symbol="BTCUSDT", interval="1h"),
            "ticker": client.futures_ticker(symbol="BTCUSDT"),
            "price": client.futures_symbol_ticker(symbol="BTCUSDT"),
            "book": client.futures_orderbook_ticker(symbol="BTCUSDT"),
            "depth": client.futures_order_book(symbol="BTCUSDT", limit=5),
        }

    answers = await asyncio.to_thread(read)
    closes = [bar[4] for bar in answers["klines"]]
    assert closes == ["50100.50", "50100.50", "49900.00"]  # minute 1 flat at the last price
    assert answers["history"] == answers["klines"]
    ((opened, *prices, _, _, _, updates, _, _, _),) = answers["mark"]
    assert opened == T0 and prices == ["50000.00000000", "50100.50000000", "49900.00000000", "49900.00000000"]
    assert updates == 3
    assert answers["ticker"]["lastPrice"] == answers["price"]["price"] == "49900.00"
    assert answers["book"]["bidPrice"] == answers["depth"]["bids"][0][0] == "49900.00"


async def test_ccxt_and_freqtrade_requests(live_server: LiveServer, live_api: Api) -> None:
    """fetchOHLCV pages by ``startTime`` (since = last open + 1), as freqtrade's refresh does."""
    await market(live_api)
    async with httpx.AsyncClient(base_url=live_server.base_url, timeout=10) as http:
        ticker = (await http.get("/fapi/v1/ticker/24hr", params={"symbol": "BTCUSDT"})).json()
        # ccxt parseTicker: last, high, low, open, percentage, baseVolume, quoteVolume, closeTime
        assert (ticker["lastPrice"], ticker["highPrice"], ticker["priceChangePercent"]) == (
            "49900.00",
            "50100.50",
            "-0.200",
        )
        pages: list[list[Any]] = []
        since = T0
        while True:
            r = await http.get("/fapi/v1/klines", params={"symbol": "BTCUSDT", "interval": "1m", "startTime": since,
                                                          "limit": 2})  # fmt: skip
            assert r.status_code == 200 and r.headers["x-mbx-used-weight-1m"].isdigit()
            page = r.json()
            if not page:
                break
            pages.append(page)
            since = page[-1][0] + 1
        assert [[bar[0] for bar in page] for page in pages] == [[T0, T0 + MIN], [T0 + 2 * MIN]]
        # fetchOHLCV(..., params={"price": "mark"}) (freqtrade's mark candles for funding fees)
        mark = (await http.get("/fapi/v1/markPriceKlines", params={"symbol": "BTCUSDT", "interval": "1m"})).json()
        assert [bar[4] for bar in mark] == ["50100.50000000", "50100.50000000", "49900.00000000"]
