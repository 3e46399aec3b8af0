"""Golden responses (shape, field order, JSON types) of the order endpoints (tests/snapshot.py).

Regenerate with ``UPDATE_GOLDEN=1``; compare new files with reference §1.2's captures.
"""

from __future__ import annotations

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
    r = await order(api, trader, symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.001")
    snapshot.check("error-order-min-notional", r)
