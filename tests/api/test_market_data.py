"""Klines, tickers and the book, built from the prices isomargin has had (issue 13).

The server's clock is put at chosen instants (``PUT /_isomargin/v1/clock``) so every bar's open
time and every price is known in advance; the expected bars are worked out in the comments.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from isomargin.clock import FixedClock
from isomargin.service.housekeeping import prune_price_history
from isomargin.store import market, open_store, trading
from tests.support import CONTROL, Api

T0 = int(datetime(2026, 1, 5, tzinfo=UTC).timestamp() * 1000)  # a Monday, 00:00 UTC
MIN = 60_000
BAD_LIMIT = "Data sent for parameter 'limit' is not valid."


async def at(api: Api, server_ms: int) -> None:
    """Shift the server's clock so that its now is ``server_ms`` (give or take a few ms)."""
    offset = server_ms - time.time_ns() // 1_000_000
    r = await api.http.put(f"{CONTROL}/clock", json={"offsetMs": offset})
    assert r.status_code == 200, r.text


async def move(api: Api, symbol: str, mark: str, bid: str | None = None, ask: str | None = None) -> None:
    body: dict[str, Any] = {"markPrice": mark}
    if bid is not None:
        body |= {"bidPrice": bid, "askPrice": ask}
    r = await api.http.put(f"{CONTROL}/markPrices/{symbol}", json=body)
    assert r.status_code == 200, r.text


async def get(api: Api, path: str, **params: Any) -> Any:
    r = await api.http.get(path, params=params)
    assert r.status_code == 200, r.text
    return r.json()


async def path_of_marks(api: Api) -> None:
    """BTCUSDT marks: 50000 at 00:00:05, 50100.5 at 00:00:40, nothing in minute 1, 49900 at 00:02:10."""
    for when, mark in ((T0 + 5_000, "50000"), (T0 + 40_000, "50100.5"), (T0 + 2 * MIN + 10_000, "49900")):
        await at(api, when)
        await move(api, "BTCUSDT", mark)
    await at(api, T0 + 2 * MIN + 30_000)


async def test_mark_price_klines_follow_the_path_with_a_flat_quiet_minute(api: Api) -> None:
    await path_of_marks(api)
    bars = await get(api, "/fapi/v1/markPriceKlines", symbol="BTCUSDT", interval="1m")
    assert bars == [
        # minute 0: first mark 50000 opens it, 50100.5 is its high and close; 2 updates
        [
            T0,
            "50000.00000000",
            "50100.50000000",
            "50000.00000000",
            "50100.50000000",
            "0",
            T0 + MIN - 1,
            "0",
            2,
            "0",
            "0",
            "0",
        ],
        # minute 1: nothing happened, flat at the last mark, no updates
        [
            T0 + MIN,
            "50100.50000000",
            "50100.50000000",
            "50100.50000000",
            "50100.50000000",
            "0",
            T0 + 2 * MIN - 1,
            "0",
            0,
            "0",
            "0",
            "0",
        ],
        # minute 2 (open now): opens at 50100.5, falls to 49900
        [
            T0 + 2 * MIN,
            "50100.50000000",
            "50100.50000000",
            "49900.00000000",
            "49900.00000000",
            "0",
            T0 + 3 * MIN - 1,
            "0",
            1,
            "0",
            "0",
            "0",
        ],
    ]
    # a window by open time: only minute 1 opens in [00:00:30, 00:01:59]
    one = await get(api, "/fapi/v1/markPriceKlines", symbol="BTCUSDT", interval="1m", startTime=T0 + 30_000,
                    endTime=T0 + 2 * MIN - 1)  # fmt: skip
    assert [bar[0] for bar in one] == [T0 + MIN]
    # limit=1 without a window: the bar open now
    assert [bar[0] for bar in await get(api, "/fapi/v1/markPriceKlines", symbol="BTCUSDT", interval="1m", limit=1)] == [
        T0 + 2 * MIN
    ]
    # a daily bar holds the whole path
    (day,) = await get(api, "/fapi/v1/markPriceKlines", symbol="BTCUSDT", interval="1d")
    assert day[:5] == [T0, "50000.00000000", "50100.50000000", "49900.00000000", "49900.00000000"]
    assert day[6] == T0 + 1440 * MIN - 1 and day[8] == 3


async def test_trade_klines_and_24hr_carry_fills_volumes(api: Api) -> None:
    await path_of_marks(api)
    creds = await api.account("100000")
    # a taker BUY of 0.010 at the ask (= the mark, 49900) at 00:02:30
    r = await api.signed("POST", "/fapi/v1/order", creds, {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET",
                                                           "quantity": "0.010"})  # fmt: skip
    assert r.status_code == 200, r.text
    bars = await get(api, "/fapi/v1/klines", symbol="BTCUSDT", interval="1m", startTime=T0)
    assert [bar[:5] for bar in bars] == [
        [T0, "50000.00", "50100.50", "50000.00", "50100.50"],
        [T0 + MIN, "50100.50", "50100.50", "50100.50", "50100.50"],
        [T0 + 2 * MIN, "50100.50", "50100.50", "49900.00", "49900.00"],
    ]
    # price moves carry no volume; the fill's 0.010 × 49900 = 499 is the only volume, a taker buy
    assert [bar[5:] for bar in bars] == [
        ["0.000", T0 + MIN - 1, "0.00000", 0, "0.000", "0.00000", "0"],
        ["0.000", T0 + 2 * MIN - 1, "0.00000", 0, "0.000", "0.00000", "0"],
        ["0.010", T0 + 3 * MIN - 1, "499.00000", 1, "0.010", "499.00000", "0"],
    ]
    ticker = await get(api, "/fapi/v1/ticker/24hr", symbol="BTCUSDT")
    trade_id = (await api.signed("GET", "/fapi/v1/userTrades", creds, {"symbol": "BTCUSDT"})).json()[0]["id"]
    # nothing known before the window: it opens at the first mark, 50000; last 49900: -100, -0.2 %
    assert {k: v for k, v in ticker.items() if k not in ("openTime", "closeTime")} == {
        "symbol": "BTCUSDT",
        "priceChange": "-100.00",
        "priceChangePercent": "-0.200",
        "weightedAvgPrice": "49900.00",
        "lastPrice": "49900.00",
        "lastQty": "0.010",
        "openPrice": "50000.00",
        "highPrice": "50100.50",
        "lowPrice": "49900.00",
        "volume": "0.010",
        "quoteVolume": "499.00",
        "firstId": trade_id,
        "lastId": trade_id,
        "count": 1,
    }
    # 24 hours back from now, floored to the minute
    assert ticker["openTime"] == T0 + 2 * MIN - 1440 * MIN and ticker["closeTime"] - (T0 + 2 * MIN + 30_000) < 5_000


async def test_premium_index_klines_from_the_book(api: Api) -> None:
    """Mark (= index) 100 with the book at 101/102: premium (101 − 100) / 100 = 0.01; then a book
    around its mark: 0."""
    await at(api, T0 + 1_000)
    await move(api, "ETHUSDT", "100", "101", "102")
    await at(api, T0 + 2_000)
    await move(api, "ETHUSDT", "100", "99", "101")
    (bar,) = await get(api, "/fapi/v1/premiumIndexKlines", symbol="ETHUSDT", interval="5m")
    assert bar == [
        T0,
        "0.01000000",
        "0.01000000",
        "0.00000000",
        "0.00000000",
        "0",
        T0 + 5 * MIN - 1,
        "0",
        2,
        "0",
        "0",
        "0",
    ]


async def test_tickers_and_book(api: Api) -> None:
    await at(api, T0 + 5_000)
    await move(api, "BTCUSDT", "50000", "49999.9", "50000.1")
    await at(api, T0 + 6_000)
    price = await get(api, "/fapi/v1/ticker/price", symbol="BTCUSDT")
    assert list(price) == ["symbol", "price", "time"] and price["price"] == "50000.00"
    assert abs(price["time"] - (T0 + 5_000)) < 1_000  # when the market last moved, not now
    every = await get(api, "/fapi/v2/ticker/price")
    assert [row["symbol"] for row in every] == ["BTCUSDT", "ETHUSDT"]
    # ETHUSDT never moved: its default mark price
    assert every[1]["price"] == "3000.00"
    book = await get(api, "/fapi/v1/ticker/bookTicker", symbol="BTCUSDT")
    assert list(book) == ["symbol", "bidPrice", "bidQty", "askPrice", "askQty", "time"]
    assert (book["bidPrice"], book["askPrice"], book["bidQty"]) == ("49999.90", "50000.10", "1000.000")
    depth = await get(api, "/fapi/v1/depth", symbol="BTCUSDT", limit=5)
    assert list(depth) == ["lastUpdateId", "E", "T", "bids", "asks"]
    assert depth["bids"] == [["49999.90", "1000.000"]] and depth["asks"] == [["50000.10", "1000.000"]]
    assert depth["T"] == book["time"] and depth["E"] >= depth["T"] and depth["lastUpdateId"] > 0


async def test_a_dry_run_move_records_no_price(api: Api) -> None:
    await at(api, T0 + 5_000)
    await move(api, "BTCUSDT", "50000")
    r = await api.http.put(f"{CONTROL}/markPrices/BTCUSDT?dryRun=true", json={"markPrice": "1"})
    assert r.status_code == 200, r.text
    (bar,) = await get(api, "/fapi/v1/markPriceKlines", symbol="BTCUSDT", interval="1h")
    assert bar[3] == "50000.00000000" and bar[8] == 1


@pytest.mark.parametrize(
    ("path", "params", "weight"),
    [
        ("/fapi/v1/klines", {"symbol": "BTCUSDT", "interval": "1m", "limit": "99"}, 1),
        ("/fapi/v1/klines", {"symbol": "BTCUSDT", "interval": "1m", "limit": "100"}, 2),
        ("/fapi/v1/markPriceKlines", {"symbol": "BTCUSDT", "interval": "1m"}, 5),  # default 500
        ("/fapi/v1/premiumIndexKlines", {"symbol": "BTCUSDT", "interval": "1m", "limit": "1000"}, 5),
        ("/fapi/v1/klines", {"symbol": "BTCUSDT", "interval": "1m", "limit": "1001"}, 10),
        ("/fapi/v1/depth", {"symbol": "BTCUSDT", "limit": "5"}, 2),
        ("/fapi/v1/depth", {"symbol": "BTCUSDT", "limit": "100"}, 5),
        ("/fapi/v1/depth", {"symbol": "BTCUSDT"}, 10),  # default 500
        ("/fapi/v1/depth", {"symbol": "BTCUSDT", "limit": "1000"}, 20),
        ("/fapi/v1/ticker/price", {"symbol": "BTCUSDT"}, 1),
        ("/fapi/v2/ticker/price", {}, 2),
        ("/fapi/v1/ticker/bookTicker", {"symbol": "BTCUSDT"}, 2),
        ("/fapi/v1/ticker/bookTicker", {}, 5),
        ("/fapi/v1/ticker/24hr", {"symbol": "BTCUSDT"}, 1),
        ("/fapi/v1/ticker/24hr", {}, 40),
    ],
)
async def test_weights(api: Api, path: str, params: dict[str, str], weight: int) -> None:
    r = await api.http.get(path, params=params)
    assert r.status_code == 200, r.text
    assert r.headers["x-mbx-used-weight-1m"] == str(weight)


@pytest.mark.parametrize(
    ("path", "code", "msg"),
    [
        ("/fapi/v1/klines?symbol=BTCUSDT&interval=2m", -1120, "Invalid interval."),
        ("/fapi/v1/markPriceKlines?symbol=BTCUSDT&interval=1H", -1120, "Invalid interval."),
        (
            "/fapi/v1/premiumIndexKlines?symbol=BTCUSDT",
            -1102,
            "Mandatory parameter 'interval' was not sent, was empty/null, or malformed.",
        ),
        (
            "/fapi/v1/klines?interval=1m",
            -1102,
            "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.",
        ),
        ("/fapi/v1/klines?symbol=FOOUSDT&interval=1m", -1121, "Invalid symbol."),
        ("/fapi/v1/klines?symbol=BTCUSDT&interval=1m&limit=0", -1130, "Data sent for parameter 'limit' is not valid."),
        (
            "/fapi/v1/klines?symbol=BTCUSDT&interval=1m&limit=1501",
            -1130,
            "Data sent for parameter 'limit' is not valid.",
        ),
        (
            "/fapi/v1/klines?symbol=BTCUSDT&interval=1m&startTime=2000&endTime=1000",
            -1023,
            "Start time is greater than end time.",
        ),
        (
            "/fapi/v1/klines?symbol=BTCUSDT&interval=1m&startTime=abc",
            -1102,
            "Mandatory parameter 'starttime' was not sent, was empty/null, or malformed.",
        ),
        ("/fapi/v1/depth?symbol=BTCUSDT&limit=1001", -1130, BAD_LIMIT),
        ("/fapi/v1/depth?symbol=NOPE", -1121, "Invalid symbol."),
        ("/fapi/v1/ticker/24hr?symbol=NOPE", -1121, "Invalid symbol."),
        ("/fapi/v1/ticker/bookTicker?symbol=NOPE", -1121, "Invalid symbol."),
        ("/fapi/v2/ticker/price?symbol=NOPE", -1121, "Invalid symbol."),
    ],
)
async def test_errors(api: Api, path: str, code: int, msg: str) -> None:
    r = await api.http.get(path)
    assert r.status_code == 400
    assert r.text == json.dumps({"code": code, "msg": msg}, separators=(",", ":"))


async def test_times_past_now_or_before_the_epoch_answer_no_bars(api: Api) -> None:
    await move(api, "BTCUSDT", "50000")
    assert await get(api, "/fapi/v1/klines", symbol="BTCUSDT", interval="1M", startTime=str(2**62)) == []
    assert await get(api, "/fapi/v1/klines", symbol="BTCUSDT", interval="1w", endTime="-5") == []


async def test_pruning_keeps_each_symbols_last_price_before_the_cutoff(tmp_path: Any) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'p.db'}")
    try:

        def moves(tx: Any) -> None:
            for t, price in ((1_000, "1"), (2_000, "2"), (3_000, "3"), (9_000, "9")):
                trading.set_book(tx, "BTCUSDT", Decimal(price), Decimal(price), Decimal(price), t)

        await store.write(moves)
        # cutoff 10_000 - 5_000 = 5_000: the moves at 1 and 2 s go; 3 s stays (it held at the
        # cutoff), 9 s is young
        assert await prune_price_history(store, FixedClock(10_000), 5_000) == 2
        left = await store.read(lambda tx: market.prices_between(tx, "BTCUSDT", 0, 10_000))
        assert [(row.time, row.mark) for row in left] == [(3_000, Decimal("3")), (9_000, Decimal("9"))]
        assert await prune_price_history(store, FixedClock(10_000), 5_000) == 0
    finally:
        store.close()


async def test_a_path_played_by_a_frozen_clock_is_what_the_klines_show(api: Api) -> None:
    """Freeze at 00:00:30, schedule marks 49000 at +60 s and 47700 at +120 s (book 47690/47710),
    advance 3 minutes: minute 0 is empty (nothing known yet), minute 1 holds 49000, minute 2 opens
    at 49000 and ends at 47700, minute 3 (open now) is flat at 47700."""
    await at(api, T0 + 30_000)
    r = await api.http.put(f"{CONTROL}/clock", json={"frozen": True})
    assert r.status_code == 200, r.text
    points = [
        {"afterMs": 60_000, "markPrice": "49000"},
        {"afterMs": 120_000, "markPrice": "47700", "bidPrice": "47690", "askPrice": "47710"},
    ]
    assert (await api.http.put(f"{CONTROL}/markPrices/BTCUSDT/path", json={"points": points})).status_code == 200
    assert (await api.http.post(f"{CONTROL}/clock/advance", json={"ms": 180_000})).status_code == 200
    bars = await get(api, "/fapi/v1/markPriceKlines", symbol="BTCUSDT", interval="1m", startTime=T0)
    assert [[*bar[:5], bar[8]] for bar in bars] == [
        [T0 + MIN, "49000.00000000", "49000.00000000", "49000.00000000", "49000.00000000", 1],
        [T0 + 2 * MIN, "49000.00000000", "49000.00000000", "47700.00000000", "47700.00000000", 1],
        [T0 + 3 * MIN, "47700.00000000", "47700.00000000", "47700.00000000", "47700.00000000", 0],
    ]
    # the book around its mark: no premium; the ticker's last price is the path's last mark
    premiums = await get(api, "/fapi/v1/premiumIndexKlines", symbol="BTCUSDT", interval="1h")
    assert [bar[1:5] for bar in premiums] == [["0.00000000"] * 4]
    assert (await get(api, "/fapi/v1/ticker/price", symbol="BTCUSDT"))["price"] == "47700.00"
    assert (await get(api, "/fapi/v1/ticker/bookTicker", symbol="BTCUSDT"))["bidPrice"] == "47690.00"
