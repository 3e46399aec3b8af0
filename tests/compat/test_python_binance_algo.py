"""An unmodified python-binance (1.0.37) places, reads and cancels algo orders on a real server.

Since 2025-12-09 its ``futures_create_order`` routes the conditional types to ``POST
/fapi/v1/algoOrder`` by itself (``stopPrice`` renamed ``triggerPrice``, ``algoType=CONDITIONAL``,
a ``clientAlgoId`` of its own prefix + 22 characters): a bot written for the old API keeps
placing its stop-loss with the same call. Only the client's base URL is changed.

Numbers as tests/algo/test_stop_story.py: 0.01 BTC long at 50,000, 20x isolated, iw 24.75, cross
wallet 975, liquidation price 47715.86345382.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from tests.support import CONTROL, Api, Creds, LiveServer

with warnings.catch_warnings():
    # python-binance 1.0.37 imports websockets' deprecated legacy client at import time
    warnings.simplefilter("ignore", DeprecationWarning)
    from binance import Client
    from binance.exceptions import BinanceAPIException

pytestmark = pytest.mark.slow


def python_binance(base_url: str, creds: Creds) -> Any:
    client = Client(creds.api_key, creds.secret_key, ping=False)
    client.FUTURES_URL = f"{base_url}/fapi"  # the one change a user makes
    return client


async def test_python_binance_places_a_stop_loss_that_closes_the_long(live_api: Api, live_server: LiveServer) -> None:
    creds = await live_api.account("1000")
    r = await live_api.http.put(f"{CONTROL}/markPrices/BTCUSDT", json={"markPrice": "50000"})
    assert r.status_code == 200, r.text
    client = python_binance(live_server.base_url, creds)
    client.futures_change_margin_type(symbol="BTCUSDT", marginType="ISOLATED")
    client.futures_change_leverage(symbol="BTCUSDT", leverage=20)
    client.futures_create_order(symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.01")

    stop = client.futures_create_order(
        symbol="BTCUSDT", side="SELL", type="STOP_MARKET", stopPrice="48000", closePosition="true",
        workingType="MARK_PRICE",
    )  # fmt: skip
    assert (stop["algoType"], stop["orderType"], stop["algoStatus"], stop["triggerPrice"]) == (
        "CONDITIONAL",
        "STOP_MARKET",
        "NEW",
        "48000.00",
    )
    # the client's own id: its prefix and uuid22(), 22 hex digits at most (format(getrandbits(88), "x")
    # drops leading zeros: 21 or fewer one time in 16)
    assert stop["clientAlgoId"].startswith(client.CONTRACT_ORDER_PREFIX) and len(stop["clientAlgoId"]) <= 32
    take = client.futures_create_algo_order(
        symbol="BTCUSDT", side="SELL", type="TAKE_PROFIT_MARKET", triggerPrice="55000", closePosition="true",
        workingType="MARK_PRICE",
    )  # fmt: skip
    opened = client.futures_get_open_algo_orders(symbol="BTCUSDT")
    assert [o["algoId"] for o in opened] == [stop["algoId"], take["algoId"]]
    with pytest.raises(BinanceAPIException) as refused:  # a second closePosition stop on the long
        client.futures_create_order(
            symbol="BTCUSDT", side="SELL", type="STOP_MARKET", stopPrice="47900", closePosition="true"
        )
    assert (refused.value.code, refused.value.status_code) == (-4130, 400)

    # the mark falls to 47,900, above the liquidation price: the stop closes the long by MARKET
    r = await live_api.http.put(f"{CONTROL}/markPrices/BTCUSDT", json={"markPrice": "47900"})
    assert [t["algoId"] for t in r.json()["triggers"]] == [stop["algoId"]] and r.json()["liquidations"] == []
    fired = client.futures_get_algo_order(algoId=stop["algoId"])
    assert (fired["algoStatus"], fired["actualPrice"]) == ("FINISHED", "47900.00000")
    assert client.futures_position_information(symbol="BTCUSDT") == []  # v3 lists open positions only
    # PnL (47900 − 50000) × 0.01 = −21, fee 479 × 0.0005 = 0.2395: 975 + 24.75 − 21 − 0.2395
    balance = {b["asset"]: b for b in client.futures_account_balance()}["USDT"]
    assert balance["crossWalletBalance"] == "978.51050000"
    # the take-profit went with the position (closePosition, GTE_GTC); nothing is left to cancel
    assert client.futures_get_algo_order(algoId=take["algoId"])["algoStatus"] == "EXPIRED"
    assert client.futures_get_open_algo_orders(symbol="BTCUSDT") == []
    history = client.futures_get_all_algo_orders(symbol="BTCUSDT")
    assert [(o["algoId"], o["algoStatus"]) for o in history] == [
        (stop["algoId"], "FINISHED"),
        (take["algoId"], "EXPIRED"),
    ]


async def test_python_binance_cancels_algo_orders(live_api: Api, live_server: LiveServer) -> None:
    creds = await live_api.account("1000")
    client = python_binance(live_server.base_url, creds)
    r = await live_api.http.put(f"{CONTROL}/markPrices/BTCUSDT", json={"markPrice": "50000"})
    assert r.status_code == 200
    client.futures_create_order(symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.01")
    trail = client.futures_create_order(
        symbol="BTCUSDT", side="SELL", type="TRAILING_STOP_MARKET", callbackRate="1", activatePrice="51000",
        quantity="0.01", reduceOnly="true",
    )  # fmt: skip
    assert (trail["activatePrice"], trail["callbackRate"]) == ("51000.00", "1.0")
    stop = client.futures_create_algo_order(
        symbol="BTCUSDT", side="SELL", type="STOP_MARKET", triggerPrice="45000", quantity="0.01", reduceOnly="true"
    )
    cancelled = client.futures_cancel_algo_order(algoId=trail["algoId"])
    assert (cancelled["algoId"], cancelled["code"], cancelled["msg"]) == (trail["algoId"], "200", "success")
    assert client.futures_cancel_all_algo_open_orders(symbol="BTCUSDT") == {"code": 200, "msg": "success"}
    assert client.futures_get_algo_order(algoId=stop["algoId"])["algoStatus"] == "CANCELED"
    with pytest.raises(BinanceAPIException) as unknown:
        client.futures_cancel_algo_order(algoId=stop["algoId"])
    assert (unknown.value.code, unknown.value.message) == (-2011, "Unknown order sent.")
