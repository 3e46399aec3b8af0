"""Parity cases of the liquidation and funding endpoints (issues 12 and 13). No snapshot is
recorded yet: each runs once one is (docs/parity.md), and until then stands skipped in the index.

A forceOrders list and a funding history are state on the real server: the shapes and JSON types
are compared, the rows' values masked."""

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
)
