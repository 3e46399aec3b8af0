"""POST /fapi/v1/batchOrders: up to 5 orders, each answered on its own in the batch's order."""

from __future__ import annotations

import json

from tests.support import Api
from tests.trading.support import book, position_risk


async def test_batch_places_and_refuses_item_by_item(api: Api) -> None:
    creds = await api.account("1000")
    await book(api, "BTCUSDT", "50000")
    batch = [
        {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.002", "newClientOrderId": "b1"},
        # 0.001 × 49000 = 49: under BTCUSDT's MIN_NOTIONAL 50
        {
            "symbol": "BTCUSDT",
            "side": "BUY",
            "type": "LIMIT",
            "timeInForce": "GTC",
            "quantity": "0.001",
            "price": "49000",
        },
        {"symbol": "BTCUSDT", "side": "FLY", "type": "MARKET", "quantity": "0.002"},
        {
            "symbol": "BTCUSDT",
            "side": "BUY",
            "type": "LIMIT",
            "timeInForce": "GTC",
            "quantity": "0.003",
            "price": "49000",
        },
    ]
    r = await api.signed("POST", "/fapi/v1/batchOrders", creds, {"batchOrders": json.dumps(batch)}, where="body")
    assert r.status_code == 200, r.text
    first, second, third, fourth = r.json()
    assert first["clientOrderId"] == "b1" and first["status"] == "NEW"
    assert second == {
        "code": -4164,
        "msg": "Order's notional must be no smaller than 50 (unless you choose reduce only).",
    }
    assert third == {"code": -1117, "msg": "Invalid side."}
    assert fourth["type"] == "LIMIT" and fourth["status"] == "NEW"
    assert r.headers["x-mbx-order-count-10s"] == "5" and r.headers["x-mbx-order-count-1m"] == "1"
    assert (await position_risk(api, creds))["positionAmt"] == "0.002"
    open_orders = (await api.signed("GET", "/fapi/v1/openOrders", creds, {"symbol": "BTCUSDT"})).json()
    assert [o["orderId"] for o in open_orders] == [fourth["orderId"]]


async def test_more_than_five_is_refused_whole(api: Api) -> None:
    creds = await api.account("1000")
    item = {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.002"}
    r = await api.signed("POST", "/fapi/v1/batchOrders", creds, {"batchOrders": json.dumps([item] * 6)})
    assert (r.status_code, r.json()) == (
        400,
        {"code": -1130, "msg": "Data sent for parameter 'batchorders' is not valid."},
    )
