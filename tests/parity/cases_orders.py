"""Parity cases of the order endpoints (issue 11). No snapshot is recorded yet: each runs once one
is recorded against a demo account (docs/parity.md), and until then stands skipped in the index."""

from __future__ import annotations

from isomargin import errors
from tests.parity.case import Case
from tests.parity.cases_common import signed
from tests.parity.scenarios import FRESH

_SYMBOL = ("symbol", "BTCUSDT")
_MARKET = (_SYMBOL, ("side", "BUY"), ("type", "MARKET"), ("quantity", "0.002"))

ORDERS: tuple[Case, ...] = (
    Case(
        "order-market-ack",
        "MARKET BUY 0.002 BTCUSDT, ACK: the 2026 field set and order (reference §1.2)",
        signed("POST", "/fapi/v1/order", *_MARKET),
        FRESH,
    ),
    Case(
        "batchOrders-error-item",
        "a batch of one order under MIN_NOTIONAL: an array holding its -4164",
        signed(
            "POST",
            "/fapi/v1/batchOrders",
            ("batchOrders", '[{"symbol":"BTCUSDT","side":"BUY","type":"MARKET","quantity":"0.001"}]'),
        ),
        FRESH,
    ),
    Case(
        "order-test",
        "order/test of a MARKET order: the empty placement shape",
        signed("POST", "/fapi/v1/order/test", *_MARKET),
        FRESH,
    ),
    Case(
        "order-error-4164-min-notional",
        "MARKET BUY 0.001 BTCUSDT: under MIN_NOTIONAL, -4164 naming 100",
        signed("POST", "/fapi/v1/order", _SYMBOL, ("side", "BUY"), ("type", "MARKET"), ("quantity", "0.001")),
        FRESH,
        error=errors.MIN_NOTIONAL,
    ),
    Case(
        "order-error-2013-unknown",
        "GET an order id that does not exist: -2013",
        signed("GET", "/fapi/v1/order", _SYMBOL, ("orderId", "1")),
        FRESH,
        error=errors.NO_SUCH_ORDER,
    ),
    Case(
        "openOrder-error-2013",
        "GET openOrder of an unknown id: -2013",
        signed("GET", "/fapi/v1/openOrder", _SYMBOL, ("orderId", "1")),
        FRESH,
        error=errors.NO_SUCH_ORDER,
    ),
    Case(
        "order-cancel-error-2011",
        "DELETE an unknown order: -2011",
        signed("DELETE", "/fapi/v1/order", _SYMBOL, ("orderId", "1")),
        FRESH,
        error=errors.UNKNOWN_ORDER,
    ),
    Case("openOrders-empty", "no open orders: []", signed("GET", "/fapi/v1/openOrders", _SYMBOL), FRESH),
    Case("allOrders-empty", "no orders in 7 days: []", signed("GET", "/fapi/v1/allOrders", _SYMBOL), FRESH),
    Case(
        "allOpenOrders-cancel",
        "cancel all open orders of a symbol: code 200 and its message",
        signed("DELETE", "/fapi/v1/allOpenOrders", _SYMBOL),
        FRESH,
    ),
    Case("userTrades-empty", "no trades: []", signed("GET", "/fapi/v1/userTrades", _SYMBOL), FRESH),
    Case("income-empty", "no income in 7 days: []", signed("GET", "/fapi/v1/income"), FRESH),
    Case(
        "commissionRate",
        "the account's rates: 6-decimal strings and rpiCommissionRate (reference §1.4)",
        signed("GET", "/fapi/v1/commissionRate", _SYMBOL),
        FRESH,
    ),
    Case(
        "multiAssetsMargin",
        "Multi-Assets mode off: {multiAssetsMargin:false}",
        signed("GET", "/fapi/v1/multiAssetsMargin"),
        FRESH,
    ),
)
