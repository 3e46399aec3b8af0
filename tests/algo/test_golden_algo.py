"""Golden responses of the algo order endpoints (tests/snapshot.py), and their keys in the order a testnet
recording of a STOP_MARKET's placement, query and listing showed them (2026-09-14, tests/parity/snapshots/
algoOrder-*.json, openAlgoOrders-row.json); a trailing stop's placement keeps the doc example's
activatePrice and callbackRate (no capture).

Regenerate with ``UPDATE_GOLDEN=1``.
"""

from __future__ import annotations

import pytest

from tests import snapshot
from tests.algo.support import algo
from tests.liquidation.test_liquidation_story import long_at_20x, move
from tests.support import Api, Creds

NEW_KEYS = [
    "algoId", "clientAlgoId", "algoType", "orderType", "symbol", "side", "positionSide", "timeInForce", "quantity",
    "algoStatus", "triggerPrice", "price", "icebergQuantity", "selfTradePreventionMode", "workingType", "priceMatch",
    "closePosition", "priceProtect", "reduceOnly", "createTime", "updateTime", "triggerTime", "goodTillDate",
]  # fmt: skip
#: a TRAILING_STOP_MARKET's placement: the doc example's activatePrice and callbackRate after reduceOnly
TRAILING_KEYS = [*NEW_KEYS[: NEW_KEYS.index("createTime")], "activatePrice", "callbackRate", *NEW_KEYS[-4:]]
QUERY_KEYS = [
    "algoId", "clientAlgoId", "algoType", "orderType", "symbol", "side", "positionSide", "timeInForce", "quantity",
    "algoStatus", "actualOrderId", "actualPrice", "triggerPrice", "price", "icebergQuantity", "tpOrderType",
    "selfTradePreventionMode", "workingType", "priceMatch", "closePosition", "priceProtect", "reduceOnly",
    "createTime", "updateTime", "triggerTime", "goodTillDate",
]  # fmt: skip
#: an openAlgoOrders row: actualQty where the query has actualPrice, no tpOrderType
OPEN_KEYS = [
    "actualQty" if key == "actualPrice" else key for key in QUERY_KEYS if key != "tpOrderType"
]  # fmt: skip


@pytest.fixture
async def guarded(api: Api) -> Creds:
    """The 0.01 BTC long at 50,000 with a stop-loss (48,000, mark) and a take-profit limit order."""
    creds = await long_at_20x(api)
    r = await algo(
        api, creds, side="SELL", type="STOP_MARKET", triggerPrice="48000", closePosition="true",
        workingType="MARK_PRICE", priceProtect="TRUE", clientAlgoId="g-stop",
    )  # fmt: skip
    snapshot.check("algoOrder-new-stop-market", r)
    assert list(r.json()) == NEW_KEYS
    r = await algo(
        api, creds, side="SELL", type="TAKE_PROFIT", triggerPrice="52000", price="52100", quantity="0.005",
        reduceOnly="true", clientAlgoId="g-take",
    )  # fmt: skip
    snapshot.check("algoOrder-new-take-profit", r)
    return creds


async def test_query_open_and_triggered(api: Api, guarded: Creds) -> None:
    r = await api.signed("GET", "/fapi/v1/openAlgoOrders", guarded, {"symbol": "BTCUSDT"})
    snapshot.check("openAlgoOrders", r)
    assert [list(row) for row in r.json()] == [OPEN_KEYS, OPEN_KEYS]
    await move(api, "BTCUSDT", "47999.5")
    r = await api.signed("GET", "/fapi/v1/algoOrder", guarded, {"clientAlgoId": "g-stop"})
    snapshot.check("algoOrder-get-finished", r)
    assert list(r.json()) == QUERY_KEYS and r.json()["algoStatus"] == "FINISHED"
    r = await api.signed("GET", "/fapi/v1/allAlgoOrders", guarded, {"symbol": "BTCUSDT"})
    snapshot.check("allAlgoOrders", r)


async def test_cancels(api: Api, guarded: Creds) -> None:
    r = await api.signed("DELETE", "/fapi/v1/algoOrder", guarded, {"clientAlgoId": "g-take"})
    snapshot.check("algoOrder-cancel", r)
    r = await api.signed("DELETE", "/fapi/v1/algoOpenOrders", guarded, {"symbol": "BTCUSDT"})
    snapshot.check("algoOpenOrders-cancel", r)


async def test_would_trigger(api: Api, guarded: Creds) -> None:
    r = await algo(api, guarded, side="SELL", type="TAKE_PROFIT_MARKET", triggerPrice="49000", quantity="0.001")
    snapshot.check("error-algoOrder-would-trigger", r)


async def test_trailing_stop(api: Api) -> None:
    creds = await long_at_20x(api)
    r = await algo(
        api, creds, side="SELL", type="TRAILING_STOP_MARKET", activatePrice="51000", callbackRate="2.5",
        quantity="0.01", reduceOnly="true", workingType="MARK_PRICE", clientAlgoId="g-trail",
    )  # fmt: skip
    snapshot.check("algoOrder-new-trailing-stop", r)
    assert list(r.json()) == TRAILING_KEYS
    r = await algo(api, creds, side="SELL", type="TRAILING_STOP_MARKET", callbackRate="12", quantity="0.01")
    snapshot.check("error-algoOrder-callback-rate", r)
