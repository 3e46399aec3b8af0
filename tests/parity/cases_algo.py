"""Parity cases of the algo order endpoints (issue 13). No snapshot is recorded yet: each runs once
one is recorded against a demo account (docs/parity.md), and until then stands skipped in the index."""

from __future__ import annotations

from isomargin import errors
from tests.parity.case import Case
from tests.parity.cases_common import signed
from tests.parity.scenarios import FRESH

_SYMBOL = ("symbol", "BTCUSDT")

ALGO: tuple[Case, ...] = (
    Case(
        "algoOrder-error-2021-would-trigger",
        "a SELL STOP_MARKET far above the market fires at once: -2021",
        signed(
            "POST",
            "/fapi/v1/algoOrder",
            ("algoType", "CONDITIONAL"),
            _SYMBOL,
            ("side", "SELL"),
            ("type", "STOP_MARKET"),
            ("quantity", "0.002"),
            ("triggerPrice", "9000000"),
        ),
        FRESH,
        error=errors.ORDER_WOULD_IMMEDIATELY_TRIGGER,
    ),
    Case(
        "algoOrder-error-2007-callback-rate",
        "a TRAILING_STOP_MARKET with callbackRate 12 (max 10): -2007",
        signed(
            "POST",
            "/fapi/v1/algoOrder",
            ("algoType", "CONDITIONAL"),
            _SYMBOL,
            ("side", "SELL"),
            ("type", "TRAILING_STOP_MARKET"),
            ("quantity", "0.002"),
            ("callbackRate", "12"),
        ),
        FRESH,
        error=errors.INVALID_CALLBACK_RATE,
    ),
    Case(
        "algoOrder-trailing-error-2021-activate-price",
        "a SELL TRAILING_STOP_MARKET whose activatePrice lies below the market: -2021",
        signed(
            "POST",
            "/fapi/v1/algoOrder",
            ("algoType", "CONDITIONAL"),
            _SYMBOL,
            ("side", "SELL"),
            ("type", "TRAILING_STOP_MARKET"),
            ("quantity", "0.002"),
            ("callbackRate", "1"),
            ("activatePrice", "1000"),
        ),
        FRESH,
        error=errors.ORDER_WOULD_IMMEDIATELY_TRIGGER,
    ),
    Case(
        "algoOrder-error-2013-unknown",
        "GET an algo id that does not exist: -2013 (assumed)",
        signed("GET", "/fapi/v1/algoOrder", ("algoId", "1")),
        FRESH,
        error=errors.NO_SUCH_ORDER,
    ),
    Case(
        "algoOrder-cancel-error-2011",
        "DELETE an unknown algo order: -2011 (assumed)",
        signed("DELETE", "/fapi/v1/algoOrder", ("algoId", "1")),
        FRESH,
        error=errors.UNKNOWN_ORDER,
    ),
    Case(
        "algoOpenOrders-cancel",
        "cancel all open algo orders of a symbol: code 200, success",
        signed("DELETE", "/fapi/v1/algoOpenOrders", _SYMBOL),
        FRESH,
    ),
    Case("openAlgoOrders-empty", "no open algo orders: []", signed("GET", "/fapi/v1/openAlgoOrders", _SYMBOL), FRESH),
    Case(
        "allAlgoOrders-empty", "no algo orders in 7 days: []", signed("GET", "/fapi/v1/allAlgoOrders", _SYMBOL), FRESH
    ),
)
