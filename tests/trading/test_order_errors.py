# ruff: noqa: E501 — one error per line: the table reads as Binance's error list
"""Every refusal of POST /fapi/v1/order in one table: code, exact message, HTTP status, and nothing changed.

Texts as observed where reference §1.6 says so. The book: BTCUSDT mark 50000, bid 49990, ask 50010
(inside PERCENT_PRICE's ±5%) unless a row moves it; the account holds 1000 USDT and nothing else.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import Api
from tests.trading.support import book, market, order

BASE = {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.01"}
LIMIT = {**BASE, "type": "LIMIT", "timeInForce": "GTC", "price": "49000"}

#: (id, params, code, msg); None in params drops the key
CASES: list[tuple[str, dict[str, Any], int, str]] = [
    ("no-quantity", {"quantity": None}, -1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed."),
    ("negative-zero", {"quantity": "-0"}, -1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed."),
    ("bad-side", {"side": "LONG"}, -1117, "Invalid side."),
    ("bad-type", {"type": "MARKET_MAKER"}, -1116, "Invalid orderType."),
    ("conditional", {"type": "STOP_MARKET"}, -4120, "Order type not supported for this endpoint. Please use the Algo Order API endpoints instead."),
    ("bad-resp-type", {"newOrderRespType": "FULL"}, -1136, "Invalid newOrderRespType."),
    ("bad-tif", {**LIMIT, "timeInForce": "DAY"}, -1115, "Invalid timeInForce."),
    ("limit-no-price", {**LIMIT, "price": None}, -1102, "Mandatory parameter 'price' was not sent, was empty/null, or malformed."),
    ("client-id-40", {"newClientOrderId": "x" * 40}, -4015, "Client order id length should be less than 36 chars"),
    ("unknown-symbol", {"symbol": "FOOUSDT"}, -1121, "Invalid symbol."),
    ("side-one-way", {"positionSide": "LONG"}, -4061, "Order's position side does not match user's setting."),
    ("zero-qty", {"quantity": "0"}, -4003, "Quantity less than or equal to zero."),
    ("qty-precision", {"quantity": "0.268118"}, -1111, "Precision is over the maximum defined for this asset."),
    ("market-max", {"quantity": "121"}, -4005, "Quantity greater than max quantity."),
    ("price-precision", {**LIMIT, "price": "49000.001"}, -1111, "Precision is over the maximum defined for this asset."),
    ("tick", {**LIMIT, "price": "49000.05"}, -4014, "Price not increased by tick size."),
    ("min-notional", {**LIMIT, "quantity": "0.001"}, -4164, "Order's notional must be no smaller than 50 (unless you choose reduce only)."),
    ("cap", {**LIMIT, "price": "52600"}, -4016, "Price is higher than mark price multiplier cap."),
    ("floor", {**LIMIT, "side": "SELL", "price": "47400"}, -4024, "Price is lower than mark price multiplier floor."),
    ("reduce-nothing", {"side": "SELL", "reduceOnly": "true"}, -2022, "ReduceOnly Order is rejected."),
    ("margin", {"quantity": "0.5"}, -2019, "Margin is insufficient."),
    ("fok", {**LIMIT, "timeInForce": "FOK"}, -5021, "Due to the order could not be filled immediately, the FOK order has been rejected."),
    ("gtx", {**LIMIT, "timeInForce": "GTX", "price": "50020"}, -5022, "Due to the order could not be executed as maker, the Post Only order will be rejected."),
]  # fmt: skip


def _params(overrides: dict[str, Any]) -> dict[str, str]:
    merged = {**BASE, **overrides}
    return {k: str(v) for k, v in merged.items() if v is not None}


@pytest.mark.parametrize(("params", "code", "msg"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
async def test_refusal(api: Api, params: dict[str, Any], code: int, msg: str) -> None:
    creds = await api.account("1000")
    await book(api, "BTCUSDT", "50000", bid="49990", ask="50010")
    before = await api.summary(creds)
    r = await order(api, creds, **_params(params))
    assert (r.status_code, r.json()) == (400, {"code": code, "msg": msg})
    assert r.text == f'{{"code":{code},"msg":"{msg}"}}'
    assert await api.summary(creds) == before
    r = await api.signed("POST", "/fapi/v1/order/test", creds, _params(params))
    assert (r.status_code, r.json()["code"]) == (400, code)  # the test endpoint runs the same checks


async def test_best_price_outside_percent_price(api: Api) -> None:
    creds = await api.account("1000")
    await book(api, "BTCUSDT", "50000", bid="49000", ask="52600")  # ask above mark × 1.05
    r = await order(api, creds, **BASE)
    assert r.json() == {
        "code": -4131,
        "msg": "The counterparty's best price does not meet the PERCENT_PRICE filter limit.",
    }


async def test_hedge_rules(api: Api) -> None:
    creds = await api.account("1000", dual=True)
    await book(api, "BTCUSDT", "50000")
    r = await order(api, creds, **BASE)
    assert r.json() == {"code": -4061, "msg": "Order's position side does not match user's setting."}
    r = await order(api, creds, **BASE, positionSide="LONG", reduceOnly="false")
    assert r.json() == {"code": -1106, "msg": "Parameter 'reduceonly' sent when not required."}
    await market(api, creds, "BUY", "0.01", positionSide="LONG")
    # SELL on LONG closes the leg: larger than the leg is -2022 [obs CCXT-8304]
    r = await order(api, creds, **{**BASE, "side": "SELL", "quantity": "0.02"}, positionSide="LONG")
    assert r.json() == {"code": -2022, "msg": "ReduceOnly Order is rejected."}


async def test_duplicate_client_id_only_while_open(api: Api) -> None:
    creds = await api.account("1000")
    await book(api, "BTCUSDT", "50000")
    resting = {**LIMIT, "price": "48000", "newClientOrderId": "dup"}
    assert (await order(api, creds, **resting)).status_code == 200
    r = await order(api, creds, **resting)
    assert r.json() == {"code": -4116, "msg": "ClientOrderId is duplicated."}
    # a filled order's id is free again [obs TR-GATE0]
    assert (await order(api, creds, **BASE, newClientOrderId="again")).status_code == 200
    assert (await order(api, creds, **BASE, newClientOrderId="again")).status_code == 200


async def test_stacked_reduce_only_and_max_open_orders(api: Api) -> None:
    creds = await api.account("100000")
    await book(api, "BTCUSDT", "50000")
    await market(api, creds, "BUY", "0.01")
    take_profit = {**LIMIT, "side": "SELL", "price": "51000", "quantity": "0.01", "reduceOnly": "true"}
    assert (await order(api, creds, **take_profit)).status_code == 200
    r = await order(api, creds, **take_profit)
    assert r.json() == {
        "code": -4118,
        "msg": "ReduceOnly Order Failed. Please check your existing position and open orders.",
    }
    for i in range(199):  # MAX_NUM_ORDERS 200 (one order already open)
        assert (await order(api, creds, **{**LIMIT, "price": str(47600 + i)})).status_code == 200
    r = await order(api, creds, **{**LIMIT, "price": "47500"})
    assert r.json() == {"code": -2025, "msg": "Reach max open order limit."}
