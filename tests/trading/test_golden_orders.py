"""Golden responses (shape, field order, JSON types) of the order endpoints (tests/snapshot.py).

Regenerate with ``UPDATE_GOLDEN=1``; compare new files with reference §1.2's captures.
"""

from __future__ import annotations

import json

import pytest

from tests import snapshot
from tests.support import Api, Creds
from tests.trading.support import book, order

#: The 2026 ACK [obs CN-AAPL]: the server's order, no avgPrice/cumQuote
ACK_KEYS = [
    "orderId", "symbol", "status", "clientOrderId", "price", "origQty", "executedQty", "cumQty", "timeInForce",
    "type", "reduceOnly", "closePosition", "side", "positionSide", "stopPrice", "workingType", "priceProtect",
    "origType", "priceMatch", "selfTradePreventionMode", "goodTillDate", "updateTime",
]  # fmt: skip


@pytest.fixture
async def trader(api: Api) -> Creds:
    creds = await api.account("10000")
    await book(api, "BTCUSDT", "50000", bid="49999.9", ask="50000.1")
    return creds


async def test_market_ack(api: Api, trader: Creds) -> None:
    r = await order(api, trader, symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.002", newClientOrderId="g1")
    snapshot.check("order-market-ack", r)
    assert list(r.json()) == ACK_KEYS


async def test_market_result(api: Api, trader: Creds) -> None:
    r = await order(
        api, trader, symbol="BTCUSDT", side="SELL", type="MARKET", quantity="0.002", newClientOrderId="g2",
        newOrderRespType="RESULT",
    )  # fmt: skip
    snapshot.check("order-market-result", r)
    assert list(r.json()) == ACK_KEYS and r.json()["status"] == "FILLED"


async def test_order_test(api: Api, trader: Creds) -> None:
    r = await api.signed(
        "POST", "/fapi/v1/order/test", trader, {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "1"}
    )
    snapshot.check("order-test", r)
    assert r.json()["orderId"] == 0 and r.json()["symbol"] == ""


async def test_order_error(api: Api, trader: Creds) -> None:
    # 0.001 × 49000 = 49, under BTCUSDT's MIN_NOTIONAL 50
    r = await order(
        api, trader, symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC", quantity="0.001", price="49000"
    )
    snapshot.check("error-order-min-notional", r)


async def test_reads_and_cancels(api: Api, trader: Creds) -> None:
    """A filled MARKET order, then a resting LIMIT order queried, listed and cancelled."""
    placed = [
        await order(api, trader, symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.002", newClientOrderId="m1")
    ]
    limit = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "quantity": "0.002"}
    placed.append(await order(api, trader, **limit, price="49000", newClientOrderId="l1"))
    placed.append(await order(api, trader, **limit, price="48000", newClientOrderId="l2"))
    # every order placed (a refused one would leave the reads below describing nothing)
    assert [r.status_code for r in placed] == [200, 200, 200], [r.text for r in placed]
    one = {"symbol": "BTCUSDT", "orderId": "2"}
    cases = [
        ("order-get", "GET", "/fapi/v1/order", {"symbol": "BTCUSDT", "orderId": "1"}),
        ("order-open-get", "GET", "/fapi/v1/openOrder", one),
        ("orders-open", "GET", "/fapi/v1/openOrders", {"symbol": "BTCUSDT"}),
        ("orders-all", "GET", "/fapi/v1/allOrders", {"symbol": "BTCUSDT"}),
        ("userTrades", "GET", "/fapi/v1/userTrades", {"symbol": "BTCUSDT"}),
        ("income", "GET", "/fapi/v1/income", {}),
        ("commissionRate", "GET", "/fapi/v1/commissionRate", {"symbol": "BTCUSDT"}),
        ("multiAssetsMargin", "GET", "/fapi/v1/multiAssetsMargin", {}),
        ("order-cancel", "DELETE", "/fapi/v1/order", one),
        ("orders-cancel-all", "DELETE", "/fapi/v1/allOpenOrders", {"symbol": "BTCUSDT"}),
        ("error-order-unknown", "GET", "/fapi/v1/order", {"symbol": "BTCUSDT", "orderId": "99"}),
    ]
    for name, method, path, params in cases:
        r = await api.signed(method, path, trader, params)
        assert r.status_code < 500, r.text
        snapshot.check(name, r)


async def test_batch(api: Api, trader: Creds) -> None:
    items = [
        {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.002", "newClientOrderId": "b1"},
        {
            "symbol": "BTCUSDT",
            "side": "BUY",
            "type": "LIMIT",
            "timeInForce": "GTC",
            "quantity": "0.001",
            "price": "49000",
        },
    ]
    r = await api.signed("POST", "/fapi/v1/batchOrders", trader, {"batchOrders": json.dumps(items)}, where="body")
    snapshot.check("batchOrders", r)
