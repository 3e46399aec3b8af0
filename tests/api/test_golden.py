"""Golden responses for every Binance endpoint in ``isomargin/api/routes.py``: shape and JSON types.

Each response is compared with ``tests/golden/<name>.json`` (``tests/snapshot.py``; regenerate with
``UPDATE_GOLDEN=1``). Where Binance's doc prints an example, the response's skeleton (keys and JSON
types) must also equal the doc example's — reference §1 [PM], §4.1 [PMH], §4.8 [EI][TIME][PING][MP].
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from isomargin.api.routes import ROUTES
from tests import snapshot
from tests.support import Api, Creds

# --- Binance's doc examples, verbatim (reference §1, §4.1, §4.8) --------------------------------
# the doc's example in the real server's key order (audit #16; tests/parity positionMargin-add-0.5)
DOC_POSITION_MARGIN = {"code": 200, "msg": "Successfully modify position margin.", "amount": 100.0, "type": 1}
DOC_HISTORY = [
    {
        "symbol": "BTCUSDT",
        "type": 1,
        "deltaType": "USER_ADJUST",
        "amount": "23.36332311",
        "asset": "USDT",
        "time": 1578047897183,
        "positionSide": "BOTH",
        # not in the doc example: every real row ends with it (audit #4; tests/parity snapshots)
        "clientTranId": "",
    }
]
DOC_PREMIUM_INDEX = {
    "symbol": "BTCUSDT",
    "markPrice": "11793.63104562",
    "indexPrice": "11781.80495970",
    "estimatedSettlePrice": "11781.16138815",
    "lastFundingRate": "0.00038246",
    "interestRate": "0.00010000",
    "nextFundingTime": 1597392000000,
    "time": 1597370495002,
}
DOC_TIME = {"serverTime": 1499827319559}
# the kline doc example's bar (Kline-Candlestick-Data page); mark and premium bars share its types
DOC_KLINE = [
    1499040000000,
    "0.01634790",
    "0.80000000",
    "0.01575800",
    "0.01577100",
    "148976.11427815",
    1499644799999,
    "2434.19055334",
    308,
    "1756.87402397",
    "28.46694368",
    "17928899.62484339",
]
DOC_PING: dict[str, Any] = {}

#: What ccxt's parseMarket reads from each exchangeInfo symbol, with Binance's JSON types [CCXT][EI].
CCXT_MARKET_FIELDS = {
    "symbol": "str",
    "pair": "str",
    "baseAsset": "str",
    "quoteAsset": "str",
    "marginAsset": "str",
    "contractType": "str",
    "deliveryDate": "int",
    "onboardDate": "int",
    "status": "str",
    "pricePrecision": "int",
    "quantityPrecision": "int",
    "baseAssetPrecision": "int",
    "quotePrecision": "int",
    "filters": "array",
    "orderTypes": "array",
    "timeInForce": "array",
}
CCXT_FILTER_FIELDS = {
    "PRICE_FILTER": {"minPrice", "maxPrice", "tickSize"},
    "LOT_SIZE": {"minQty", "maxQty", "stepSize"},
    "MARKET_LOT_SIZE": {"minQty", "maxQty", "stepSize"},
    "MIN_NOTIONAL": {"notional"},
}


@pytest.fixture
async def funded(api: Api) -> Creds:
    creds = await api.account("10000")
    await api.mark("BTCUSDT", "51000")
    await api.position(creds, "BTCUSDT", "0.01", "50000", leverage=10)
    return creds


def same_skeleton(actual: Any, doc: Any) -> None:
    assert snapshot.skeleton(actual) == snapshot.skeleton(doc)
    if isinstance(actual, dict):
        assert list(actual) == list(doc), "key order differs from Binance's doc example"


async def test_ping(api: Api) -> None:
    r = await api.http.get("/fapi/v1/ping")
    snapshot.check("ping", r)
    same_skeleton(r.json(), DOC_PING)


async def test_time(api: Api) -> None:
    r = await api.http.get("/fapi/v1/time")
    snapshot.check("time", r)
    same_skeleton(r.json(), DOC_TIME)


async def test_exchange_info(api: Api) -> None:
    r = await api.http.get("/fapi/v1/exchangeInfo")
    snapshot.check("exchangeInfo", r)
    info = r.json()
    assert {s["symbol"] for s in info["symbols"]} >= {"BTCUSDT", "ETHUSDT"}
    assert info["timezone"] == "UTC" and isinstance(info["serverTime"], int)
    assert {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": 2400} in info[
        "rateLimits"
    ]
    for market in info["symbols"]:
        assert {k: snapshot.json_type(market.get(k)) for k in CCXT_MARKET_FIELDS} == CCXT_MARKET_FIELDS
        # ccxt: swap ⇔ PERPETUAL or deliveryDate 4133404800000; linear ⇔ marginAsset == quoteAsset;
        # active ⇔ status TRADING (reference §4.8)
        assert market["contractType"] == "PERPETUAL" and market["deliveryDate"] == 4133404800000
        assert market["marginAsset"] == market["quoteAsset"] == "USDT" and market["status"] == "TRADING"
        filters = {f["filterType"]: f for f in market["filters"]}
        for filter_type, fields in CCXT_FILTER_FIELDS.items():
            assert fields <= set(filters[filter_type]), filter_type
            for field in fields:  # decimal strings, parsable
                assert isinstance(filters[filter_type][field], str) and float(filters[filter_type][field]) > 0


async def test_premium_index_one_symbol(api: Api) -> None:
    await api.mark("BTCUSDT", "51000.5")
    r = await api.http.get("/fapi/v1/premiumIndex", params={"symbol": "BTCUSDT"})
    snapshot.check("premiumIndex-one", r)
    same_skeleton(r.json(), DOC_PREMIUM_INDEX)
    assert r.json()["markPrice"] == "51000.50000000"  # 8 decimals, as the doc example


async def test_premium_index_all(api: Api) -> None:
    r = await api.http.get("/fapi/v1/premiumIndex")
    snapshot.check("premiumIndex-all", r)
    assert r.headers["x-mbx-used-weight-1m"] == "10"  # 10 without a symbol [MP]
    for row in r.json():
        same_skeleton(row, DOC_PREMIUM_INDEX)


async def test_position_margin_add_and_reduce(api: Api, funded: Creds) -> None:
    r = await api.margin(funded, "100", 1)
    snapshot.check("positionMargin-add", r)
    same_skeleton(r.json(), DOC_POSITION_MARGIN)
    r = await api.margin(funded, "23.36332311", 2, where="body")
    snapshot.check("positionMargin-reduce", r)
    same_skeleton(r.json(), DOC_POSITION_MARGIN)


async def test_position_margin_history(api: Api, funded: Creds) -> None:
    """The open's TRADE row (0.01 × 50000 / 10 = 50 allocated, reference §2.2), then three transfers."""
    for amount, type_ in (("23.36332311", 1), ("100", 1), ("0.5", 2)):
        assert (await api.margin(funded, amount, type_)).status_code == 200
    r = await api.history(funded)
    snapshot.check("positionMargin-history", r)
    for row in r.json():
        same_skeleton(row, DOC_HISTORY[0])


async def test_position_margin_history_empty(api: Api, funded: Creds) -> None:
    # ETHUSDT: the funded account's BTCUSDT open wrote a TRADE row; nothing ever touched ETHUSDT
    r = await api.history(funded, symbol="ETHUSDT")
    snapshot.check("positionMargin-history-empty", r)
    assert r.json() == []


async def test_error_shape(api: Api, funded: Creds) -> None:
    r = await api.margin(funded, "1", 1, symbol="FOOUSDT")
    snapshot.check("error-invalid-symbol", r)
    same_skeleton(r.json(), {"code": -1121, "msg": "Invalid symbol."})  # reference §2 [GI][EC]


#: One line per request whose golden response needs no more than the ``funded`` account (one-way,
#: BTCUSDT 0.01 @ 50000, leverage 10, mark 51000): (golden name, method, path, params, signed).
#: A new endpoint gets its golden here: add a line, run ``UPDATE_GOLDEN=1 pytest tests/api/test_golden.py``,
#: compare the new tests/golden/<name>.json with Binance's doc example, commit it.
SIMPLE: list[tuple[str, str, str, dict[str, str], bool]] = [
    ("premiumIndex-ETHUSDT", "GET", "/fapi/v1/premiumIndex", {"symbol": "ETHUSDT"}, False),
    # market data (issue 13); klines are in test_klines_golden below (their times are inside arrays)
    ("ticker-price-one", "GET", "/fapi/v1/ticker/price", {"symbol": "BTCUSDT"}, False),
    ("ticker-price-v2-all", "GET", "/fapi/v2/ticker/price", {}, False),
    ("ticker-bookTicker-one", "GET", "/fapi/v1/ticker/bookTicker", {"symbol": "BTCUSDT"}, False),
    ("ticker-24hr-one", "GET", "/fapi/v1/ticker/24hr", {"symbol": "BTCUSDT"}, False),
    ("depth", "GET", "/fapi/v1/depth", {"symbol": "BTCUSDT", "limit": "5"}, False),
    ("error-bad-interval", "GET", "/fapi/v1/klines", {"symbol": "BTCUSDT", "interval": "2m"}, False),
    (
        "error-crossed-symbol",
        "POST",
        "/fapi/v1/positionMargin",
        {"symbol": "ETHUSDT", "amount": "1", "type": "1"},
        True,
    ),
]


@pytest.mark.parametrize(("name", "method", "path", "params", "signed"), SIMPLE, ids=[s[0] for s in SIMPLE])
async def test_simple_golden(
    api: Api, funded: Creds, name: str, method: str, path: str, params: dict[str, str], signed: bool
) -> None:
    if signed:
        r = await api.signed(method, path, funded, params)
    else:
        r = await api.http.request(method, path, params=params)
    assert r.status_code < 500, r.text
    snapshot.check(name, r)


#: A Monday 00:00 UTC: with the server's clock put 30 s after it, every bar's open and close time
#: is known, so the kline goldens need no masking.
KLINE_DAY = 1767571200000  # 2026-01-05T00:00:00Z


@pytest.mark.parametrize("path", ["/fapi/v1/klines", "/fapi/v1/markPriceKlines", "/fapi/v1/premiumIndexKlines"])
async def test_klines_golden(api: Api, path: str) -> None:
    offset = KLINE_DAY + 30_000 - time.time_ns() // 1_000_000
    assert (await api.http.put("/_isomargin/v1/clock", json={"offsetMs": offset})).status_code == 200
    r = await api.http.put("/_isomargin/v1/markPrices/BTCUSDT", json={"markPrice": "51000.5", "bidPrice": "51000.6",
                                                                      "askPrice": "51000.7"})  # fmt: skip
    assert r.status_code == 200, r.text
    r = await api.http.get(path, params={"symbol": "BTCUSDT", "interval": "1d"})
    snapshot.check(path.rsplit("/", 1)[1], r)
    (bar,) = r.json()
    # Binance's 12-element bar, its JSON types as the doc example prints them [doc KL]
    assert [snapshot.json_type(v) for v in bar] == [snapshot.json_type(v) for v in DOC_KLINE]


def test_every_route_has_a_golden_response() -> None:
    """Adding a route to routes.py means adding a golden case for it (STYLE.md): see SIMPLE above."""
    recorded = {json.loads(p.read_text())["request"] for p in Path(snapshot.GOLDEN_DIR).glob("*.json")}
    missing = [f"{r.method} {r.path}" for r in ROUTES if f"{r.method} {r.path}" not in recorded]
    assert not missing, f"routes without a golden response in tests/golden (add a line to SIMPLE): {missing}"
