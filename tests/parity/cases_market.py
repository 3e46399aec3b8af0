"""Parity cases of the liquidation, funding and market-data endpoints (issues 12 and 13). No snapshot is
recorded yet: each runs once one is (docs/parity.md), and until then stands skipped in the index.

A forceOrders list, a funding history and market data are state on the real server: the shapes
and JSON types are compared, the values masked."""

from __future__ import annotations

from tests.parity.case import Case, Request
from tests.parity.cases_common import TIMES, signed
from tests.parity.scenarios import ISOLATED_LONG, NO_ACCOUNT
from tests.parity.transform import MaskKeys

MARKET: tuple[Case, ...] = (
    Case(
        "forceOrders-none",
        "an account never liquidated: an empty list",
        signed("GET", "/fapi/v1/forceOrders", ("symbol", "BTCUSDT")),
        ISOLATED_LONG,
    ),
    Case(
        "fundingRate-symbol",
        "a symbol's funding history, oldest first",
        Request("GET", "/fapi/v1/fundingRate", (("symbol", "BTCUSDT"), ("limit", "1"))),
        NO_ACCOUNT,
        transformers=(TIMES, MaskKeys(("fundingRate", "fundingTime", "markPrice"))),
    ),
    Case(
        "fundingInfo",
        "the symbols whose funding settings were adjusted",
        Request("GET", "/fapi/v1/fundingInfo", ()),
        NO_ACCOUNT,
        transformers=(
            MaskKeys(("symbol", "adjustedFundingRateCap", "adjustedFundingRateFloor", "fundingIntervalHours")),
        ),
    ),
    *(
        Case(
            name,
            what,
            Request("GET", path, params),
            NO_ACCOUNT,
            transformers=(TIMES, MaskKeys(masked)),
        )
        for name, what, path, params, masked in (
            ("ticker-price", "the last price", "/fapi/v1/ticker/price", (("symbol", "BTCUSDT"),), ("price",)),
            ("ticker-price-v2", "the last price (v2)", "/fapi/v2/ticker/price", (("symbol", "BTCUSDT"),), ("price",)),
            (
                "ticker-bookTicker",
                "the book top",
                "/fapi/v1/ticker/bookTicker",
                (("symbol", "BTCUSDT"),),
                ("bidPrice", "bidQty", "askPrice", "askQty", "lastUpdateId"),
            ),
            (
                "ticker-24hr",
                "24-hour statistics",
                "/fapi/v1/ticker/24hr",
                (("symbol", "BTCUSDT"),),
                (
                    "priceChange",
                    "priceChangePercent",
                    "weightedAvgPrice",
                    "lastPrice",
                    "lastQty",
                    "openPrice",
                    "highPrice",
                    "lowPrice",
                    "volume",
                    "quoteVolume",
                    "openTime",
                    "closeTime",
                    "firstId",
                    "lastId",
                    "count",
                ),
            ),
            (
                "depth",
                "the order book",
                "/fapi/v1/depth",
                (("symbol", "BTCUSDT"), ("limit", "5")),
                ("bids", "asks", "lastUpdateId", "E", "T"),
            ),
        )
    ),
    *(
        Case(
            name,
            "one bar (values masked)",
            Request("GET", path, (("symbol", "BTCUSDT"), ("interval", "1m"), ("limit", "1"))),
            NO_ACCOUNT,
        )
        for name, path in (
            ("klines", "/fapi/v1/klines"),
            ("markPriceKlines", "/fapi/v1/markPriceKlines"),
            ("premiumIndexKlines", "/fapi/v1/premiumIndexKlines"),
        )
    ),
)
