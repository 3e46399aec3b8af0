"""Parity cases of the ADL and insurance-fund endpoints (issue 12, reference §3.5). No snapshot is
recorded yet: each runs once one is (docs/parity.md), and until then stands skipped in the index.

Values that are state on the real server are masked: a quantile is a rank among every trader of
the symbol, a rating and a fund balance are Binance's own; the shapes and JSON types are compared."""

from __future__ import annotations

from tests.parity.case import Case, Request
from tests.parity.cases_common import TIMES, signed
from tests.parity.scenarios import ISOLATED_LONG, NO_ACCOUNT
from tests.parity.transform import MaskKeys

ADL: tuple[Case, ...] = (
    Case(
        "adlQuantile-isolated-long",
        "the quantiles of the one symbol holding a position: LONG, SHORT, BOTH (one-way)",
        signed("GET", "/fapi/v1/adlQuantile", ("symbol", "BTCUSDT")),
        ISOLATED_LONG,
        transformers=(MaskKeys(("LONG", "SHORT", "BOTH")),),
    ),
    Case(
        "symbolAdlRisk-symbol",
        "one symbol's ADL risk rating: an object",
        Request("GET", "/fapi/v1/symbolAdlRisk", (("symbol", "BTCUSDT"),)),
        NO_ACCOUNT,
        transformers=(TIMES, MaskKeys(("adlRisk",))),
    ),
    Case(
        "insuranceBalance-symbol",
        "the insurance fund of one symbol's group: its symbols and a balance per asset",
        Request("GET", "/fapi/v1/insuranceBalance", (("symbol", "BTCUSDT"),)),
        NO_ACCOUNT,
        # Binance pools many symbols and assets in a group; isomargin one symbol, its margin asset
        transformers=(TIMES, MaskKeys(("symbols", "assets"))),
    ),
)
