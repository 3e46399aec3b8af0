"""Parity cases of the order endpoints (issue 11): placement (ACK), query, cancel, userTrades,
commissionRate and the order errors, against public captures of the real server (reference §1.2,
§1.4, §1.6); the cases still without a capture stand skipped until one is recorded (docs/parity.md)."""

from __future__ import annotations

from isomargin import errors
from tests.parity.case import Case
from tests.parity.cases_common import signed
from tests.parity.scenarios import FILLED_ETH, FRESH, HEDGE_LONG, RESTING_HEDGE_BUY
from tests.parity.transform import FirstRow, MaskKeys, SubText, Without

_SYMBOL = ("symbol", "BTCUSDT")
_MARKET = (_SYMBOL, ("side", "BUY"), ("type", "MARKET"), ("quantity", "0.002"))
#: what is the order's own: its ids and times
_ORDER_IDS = MaskKeys(("orderId", "clientOrderId", "updateTime", "time"))
#: a capture of another symbol: its name, and its prices and quantities, which are written at that
#: symbol's precision (AAPLUSDT: 5 price, 2 quantity decimals; BTCUSDT 2 and 3)
_OTHER_SYMBOL = MaskKeys(
    ("symbol", "pair", "price", "stopPrice", "origQty", "executedQty", "cumQty", "qty", "quoteQty")
)
#: the 2026 placement and cancel shape has no avgPrice/cumQuote (SDK 14.0.0, 2026-07-15; an AAPLUSDT ACK
#: of 2026-08-08): captures from before it are compared without them
_PRE_2026 = Without(("avgPrice", "cumQuote"))

ORDERS: tuple[Case, ...] = (
    Case(
        "order-market-ack",
        "MARKET BUY 0.002 BTCUSDT, ACK: the 2026 field set and order (reference §1.2)",
        signed("POST", "/fapi/v1/order", *_MARKET),
        FRESH,
        transformers=(_ORDER_IDS, _OTHER_SYMBOL),
    ),
    Case(
        "order-market-ack-btcusdt-2025",
        "MARKET BUY BTCUSDT, ACK: BTCUSDT's formats (price 2, quantities 3 decimals), the 2025 field order",
        signed("POST", "/fapi/v1/order", *_MARKET),
        FRESH,
        transformers=(_ORDER_IDS, _PRE_2026, MaskKeys(("origQty",), keep_format=True)),
    ),
    Case(
        "order-market-result",
        "MARKET BUY with newOrderRespType=RESULT: the final FILLED order, executedQty = cumQty = origQty",
        signed("POST", "/fapi/v1/order", *_MARKET, ("newOrderRespType", "RESULT")),
        FRESH,
        # the 2024 capture predates the 2026 shape and Binance's EXPIRE_MAKER default
        transformers=(
            _ORDER_IDS,
            _PRE_2026,
            MaskKeys(("selfTradePreventionMode", "symbol")),
            MaskKeys(("origQty", "executedQty", "cumQty"), keep_format=True),
        ),
    ),
    Case(
        "order-get-filled",
        "GET a filled MARKET order: the query shape (time, no cumQty), avgPrice and cumQuote at 5 decimals",
        signed("GET", "/fapi/v1/order", ("symbol", "ETHUSDT"), ("origClientOrderId", "parity-filled")),
        FILLED_ETH,
        transformers=(_ORDER_IDS, MaskKeys(("avgPrice", "cumQuote"), keep_format=True)),
    ),
    Case(
        "order-cancel",
        "DELETE a resting LIMIT BUY (hedge LONG): the CANCELED order in the placement field set",
        signed("DELETE", "/fapi/v1/order", _SYMBOL, ("origClientOrderId", "parity-resting")),
        RESTING_HEDGE_BUY,
        # the 2024 capture predates Binance's EXPIRE_MAKER default (2025+ captures, order-market-ack-btcusdt-2025)
        transformers=(
            _ORDER_IDS,
            _PRE_2026,
            MaskKeys(("price",), keep_format=True),
            MaskKeys(("selfTradePreventionMode",)),
        ),
    ),
    Case(
        "userTrades-open",
        "the trade of a filled MARKET BUY: keys, order, JSON types, realizedPnl of an opening fill",
        signed("GET", "/fapi/v1/userTrades", ("symbol", "ETHUSDT")),
        FILLED_ETH,
        transformers=(FirstRow(), MaskKeys(("id", "orderId", "time")), _OTHER_SYMBOL, MaskKeys(("commission",), True)),
    ),
    Case(
        "order-error-4120-conditional-type",
        "STOP_MARKET on /fapi/v1/order since 2025-12-09: -4120, the Algo Order API",
        signed(
            "POST",
            "/fapi/v1/order",
            _SYMBOL,
            ("side", "SELL"),
            ("type", "STOP_MARKET"),
            ("quantity", "0.002"),
            ("stopPrice", "45000"),
        ),
        FRESH,
        error=errors.STOP_ORDER_SWITCH_ALGO,
    ),
    Case(
        "order-error-1106-reduceonly-hedge",
        "hedge mode, reduceOnly sent: -1106 naming 'reduceonly' lower-cased",
        signed(
            "POST",
            "/fapi/v1/order",
            _SYMBOL,
            ("side", "SELL"),
            ("positionSide", "LONG"),
            ("type", "MARKET"),
            ("quantity", "0.002"),
            ("reduceOnly", "true"),
        ),
        HEDGE_LONG,
        error=errors.PARAM_NOT_REQUIRED,
    ),
    Case(
        "order-error-4061-hedge-no-side",
        "hedge mode, an order without positionSide: -4061",
        signed("POST", "/fapi/v1/order", *_MARKET),
        HEDGE_LONG,
        error=errors.POSITION_SIDE_NOT_MATCH,
    ),
    Case(
        "order-error-2022-reduce-only-no-position",
        "one-way, reduceOnly SELL with no position: -2022",
        signed(
            "POST",
            "/fapi/v1/order",
            _SYMBOL,
            ("side", "SELL"),
            ("type", "MARKET"),
            ("quantity", "0.002"),
            ("reduceOnly", "true"),
        ),
        FRESH,
        error=errors.REDUCE_ONLY_REJECT,
    ),
    Case(
        "batchOrders-error-item",
        "a batch of one order under MIN_NOTIONAL: an array holding its -4164",
        signed(
            "POST",
            "/fapi/v1/batchOrders",
            ("batchOrders", '[{"symbol":"ETHUSDT","side":"BUY","type":"MARKET","quantity":"0.006"}]'),
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
        "MARKET BUY 0.006 ETHUSDT (18 USDT at 3000): under MIN_NOTIONAL 20, -4164 naming the symbol's notional"
        " (the capture's symbol has another: the number is masked, the text around it compared)",
        signed(
            "POST", "/fapi/v1/order", ("symbol", "ETHUSDT"), ("side", "BUY"), ("type", "MARKET"), ("quantity", "0.006")
        ),
        FRESH,
        transformers=(SubText("msg", r"smaller than \d+(?:\.\d+)? ", "smaller than <n> "),),
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
    Case(
        "openOrders-resting",
        "a resting hedge-mode LIMIT BUY LONG: the query row (time, no cumQty), keys in the server's order",
        signed("GET", "/fapi/v1/openOrders", _SYMBOL),
        RESTING_HEDGE_BUY,
        # The order's own numbers; the 2023 capture also wrote them unpadded ("36000", "0") where every later
        # capture of a query row pads to the symbol's precision ("50.00", "0.00000": ccxt's static LTCUSDT
        # openOrder of 2024-02-14; "0.00", "3057.89000": order-get-filled, 2025-12), and it predates Binance's
        # EXPIRE_MAKER default (order-market-ack-btcusdt-2025).
        transformers=(
            _ORDER_IDS,
            MaskKeys(("price", "avgPrice", "executedQty", "stopPrice", "selfTradePreventionMode")),
            MaskKeys(("origQty",), keep_format=True),
        ),
    ),
    Case("allOrders-empty", "no orders in 7 days: []", signed("GET", "/fapi/v1/allOrders", _SYMBOL), FRESH),
    Case(
        "allOrders-rows",
        "an order in allOrders: the query row's keys, their order and JSON types (orderId, goodTillDate, time"
        " numbers; booleans), no cumQty",
        signed("GET", "/fapi/v1/allOrders", _SYMBOL),
        RESTING_HEDGE_BUY,
        # The capture's rows are two conditional XRPUSDT orders (2025-01, before the Algo API): everything
        # that is the order's own is masked, its JSON type kept; the shape is compared.
        transformers=(
            FirstRow(),
            _ORDER_IDS,
            _OTHER_SYMBOL,
            MaskKeys(
                (
                    "avgPrice",
                    "timeInForce",
                    "type",
                    "origType",
                    "reduceOnly",
                    "closePosition",
                    "side",
                    "positionSide",
                    "workingType",
                    "priceProtect",
                )
            ),
        ),
    ),
    Case(
        "allOpenOrders-cancel",
        "cancel all open orders of a symbol: code 200 and its message",
        signed("DELETE", "/fapi/v1/allOpenOrders", _SYMBOL),
        FRESH,
    ),
    Case("userTrades-empty", "no trades: []", signed("GET", "/fapi/v1/userTrades", _SYMBOL), FRESH),
    Case("income-empty", "no income in 7 days: []", signed("GET", "/fapi/v1/income"), FRESH),
    Case(
        "income-row",
        "an income row (the filled BUY's COMMISSION): keys in the server's order (time before info), tranId a"
        " number, tradeId a string",
        signed("GET", "/fapi/v1/income"),
        FILLED_ETH,
        # The capture's row is another account's FUNDING_FEE: its kind, symbol and ids are masked; the amount
        # keeps its format (8 decimals), not its sign (a fee paid or received).
        transformers=(
            FirstRow(),
            MaskKeys(("symbol", "incomeType", "info", "time", "tranId", "tradeId")),
            MaskKeys(("income",), keep_format=True, keep_sign=False),
        ),
    ),
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
