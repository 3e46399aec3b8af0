"""Parity cases of the algo order endpoints (issue 13), against the public captures of a STOP_MARKET's
placement, query, listing and cancel (testnet, 2026-09-14) and of an empty open list (mainnet, 2026-05); the
cases still without a capture stand skipped until one is recorded against a demo account (docs/parity.md)."""

from __future__ import annotations

from isomargin import errors
from tests.parity.case import Case
from tests.parity.cases_common import signed
from tests.parity.scenarios import CANCELLED_STOP, FRESH, RESTING_STOP
from tests.parity.transform import MaskKeys, MaskPrice

_SYMBOL = ("symbol", "BTCUSDT")
_STOP = "parity-stop"
#: what is the algo order's own: its ids and times
_ALGO_IDS = MaskKeys(("algoId", "clientAlgoId", "createTime", "updateTime"))
#: the captures are the testnet's BTCUSDT, whose quantity step is 0.0001 (0.0007 traded there; mainnet's is
#: 0.001): the quantity's digits are masked, its JSON type compared
_TESTNET_QUANTITY = MaskKeys(("quantity",))
#: the trigger is the moment's market (74457.10 there, 45000.00 here): its value masked, its format compared
_TRIGGER = MaskKeys(("triggerPrice",), keep_format=True)

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
    Case(
        "algoOrder-new-stop-market",
        "a SELL STOP_MARKET below the market, MARK_PRICE: the placement's field set and order (no actualOrderId, no"
        " activatePrice/callbackRate), icebergQuantity null, prices padded to the symbol's precision",
        signed(
            "POST",
            "/fapi/v1/algoOrder",
            ("algoType", "CONDITIONAL"),
            _SYMBOL,
            ("side", "SELL"),
            ("type", "STOP_MARKET"),
            ("quantity", "0.002"),
            ("triggerPrice", "45000"),
            ("workingType", "MARK_PRICE"),
            ("clientAlgoId", _STOP),
        ),
        FRESH,
        transformers=(_ALGO_IDS, _TESTNET_QUANTITY, _TRIGGER),
    ),
    Case(
        "algoOrder-get-canceled",
        'GET a cancelled STOP_MARKET: the query\'s field set (actualOrderId "", actualPrice, tpOrderType, no tp/sl'
        " prices) and order",
        signed("GET", "/fapi/v1/algoOrder", ("clientAlgoId", _STOP)),
        CANCELLED_STOP,
        # actualPrice's places are the symbol's own (6 for the testnet's BTCUSDT, 5 for ETHUSDT and the doc's
        # BNBUSDT, 7 for XNYUSDT): its value and format are masked, its JSON type compared
        transformers=(_ALGO_IDS, _TESTNET_QUANTITY, _TRIGGER, MaskKeys(("actualPrice",))),
    ),
    Case(
        "algoOrder-cancel",
        'DELETE a resting STOP_MARKET: algoId, clientAlgoId, code "200" (a string), msg success',
        signed("DELETE", "/fapi/v1/algoOrder", ("clientAlgoId", _STOP)),
        RESTING_STOP,
        transformers=(_ALGO_IDS,),
    ),
    Case(
        "openAlgoOrders-row",
        "a resting STOP_MARKET in openAlgoOrders: the list's own row (actualQty, numbers as Java doubles write them,"
        " no tpOrderType)",
        signed("GET", "/fapi/v1/openAlgoOrders", _SYMBOL),
        RESTING_STOP,
        transformers=(_ALGO_IDS, _TESTNET_QUANTITY, MaskPrice(("triggerPrice",))),
    ),
    Case("openAlgoOrders-empty", "no open algo orders: []", signed("GET", "/fapi/v1/openAlgoOrders", _SYMBOL), FRESH),
    Case(
        "allAlgoOrders-empty", "no algo orders in 7 days: []", signed("GET", "/fapi/v1/allAlgoOrders", _SYMBOL), FRESH
    ),
)
