"""The other kinds: a STOP / TAKE_PROFIT limit order rests once triggered; hedge-mode legs close
through their own stops; a stop whose order the trading path refuses is REJECTED."""

from __future__ import annotations

from tests.algo.support import algo, placed, query, take_profit_limit
from tests.liquidation.test_liquidation_story import long_at_20x, move
from tests.support import Api
from tests.trading.support import book, isolated, market, position_risk


async def test_a_take_profit_limit_rests_when_triggered_and_fills_on_a_later_move(api: Api) -> None:
    creds = await long_at_20x(api)
    take = await take_profit_limit(api, creds, "52000", "52100")
    # at 52000 it triggers: a LIMIT SELL at 52100 does not cross the bid 52000, so it rests
    moved = await move(api, "BTCUSDT", "52000")
    (fired,) = moved["triggers"]
    assert (fired["algoId"], fired["algoStatus"], fired["quantity"]) == (take["algoId"], "TRIGGERED", "0")
    (resting,) = await query(api, creds, "/fapi/v1/openOrders", symbol="BTCUSDT")
    assert (resting["orderId"], resting["type"], resting["price"], resting["reduceOnly"]) == (
        fired["orderId"],
        "LIMIT",
        "52100.00",
        True,
    )
    assert (await query(api, creds, "/fapi/v1/algoOrder", algoId=take["algoId"]))["algoStatus"] == "TRIGGERED"
    # fills come before triggers in a move: the next move through 52100 fills it as maker
    moved = await move(api, "BTCUSDT", "52100")
    assert [f["orderId"] for f in moved["fills"]] == [fired["orderId"]] and moved["triggers"] == []
    assert (await position_risk(api, creds))["positionAmt"] == "0.000"
    # "FINISHED: the triggered conditional order has been filled or canceled in the matching
    # engine" [doc Event-Algo-Order-Update]: the rest of its life is its order's
    done = await query(api, creds, "/fapi/v1/algoOrder", algoId=take["algoId"])
    assert (done["algoStatus"], done["actualOrderId"], done["actualPrice"]) == (
        "FINISHED",
        str(fired["orderId"]),
        "52100.00000",
    )
    assert await query(api, creds, "/fapi/v1/openAlgoOrders", symbol="BTCUSDT") == []


async def test_a_triggered_limit_whose_order_is_cancelled_is_finished(api: Api) -> None:
    creds = await long_at_20x(api)
    take = await take_profit_limit(api, creds, "52000", "52100")
    (fired,) = (await move(api, "BTCUSDT", "52000"))["triggers"]
    r = await api.signed("DELETE", "/fapi/v1/order", creds, {"symbol": "BTCUSDT", "orderId": str(fired["orderId"])})
    assert r.status_code == 200 and r.json()["status"] == "CANCELED", r.text
    done = await query(api, creds, "/fapi/v1/algoOrder", algoId=take["algoId"])
    assert (done["algoStatus"], done["actualOrderId"], done["actualPrice"]) == (
        "FINISHED",
        str(fired["orderId"]),
        "0.00000",
    )
    # an order no algo order placed ends as before, and touches no algo order
    other = await take_profit_limit(api, creds, "53000", "53100")
    r = await api.signed(
        "POST", "/fapi/v1/order", creds,
        {"symbol": "BTCUSDT", "side": "SELL", "type": "LIMIT", "timeInForce": "GTC", "quantity": "0.01",
         "price": "52500", "reduceOnly": "true"},
    )  # fmt: skip
    assert r.status_code == 200, r.text
    r = await api.signed("DELETE", "/fapi/v1/order", creds, {"symbol": "BTCUSDT", "orderId": str(r.json()["orderId"])})
    assert r.status_code == 200, r.text
    assert (await query(api, creds, "/fapi/v1/algoOrder", algoId=other["algoId"]))["algoStatus"] == "NEW"


async def test_hedge_legs_close_through_their_own_stops(api: Api) -> None:
    creds = await api.account("1000", dual=True)
    await isolated(api, creds, leverage=20)
    await book(api, "BTCUSDT", "50000")
    await market(api, creds, "BUY", "0.01", positionSide="LONG")
    await market(api, creds, "SELL", "0.02", positionSide="SHORT")
    long_stop = await placed(
        api, creds, side="SELL", positionSide="LONG", type="STOP_MARKET", triggerPrice="49000", closePosition="true",
        workingType="MARK_PRICE",
    )  # fmt: skip
    short_stop = await placed(
        api, creds, side="BUY", positionSide="SHORT", type="STOP_MARKET", triggerPrice="51000", closePosition="true",
        workingType="MARK_PRICE",
    )  # fmt: skip
    # reduceOnly cannot be sent in hedge mode, on the algo endpoint as on /order [obs PB-947]
    r = await algo(
        api, creds, side="SELL", positionSide="LONG", type="STOP_MARKET", triggerPrice="48000", quantity="0.01",
        reduceOnly="true",
    )  # fmt: skip
    assert r.json()["code"] == -1106
    moved = await move(api, "BTCUSDT", "49000")
    assert [(t["algoId"], t["positionSide"], t["quantity"]) for t in moved["triggers"]] == [
        (long_stop["algoId"], "LONG", "0.01")
    ]
    rows = await query(api, creds, "/fapi/v3/positionRisk", symbol="BTCUSDT")
    assert {r["positionSide"]: r["positionAmt"] for r in rows} == {"SHORT": "-0.020"}
    moved = await move(api, "BTCUSDT", "51000")
    assert [(t["algoId"], t["quantity"]) for t in moved["triggers"]] == [(short_stop["algoId"], "0.02")]
    assert await query(api, creds, "/fapi/v3/positionRisk", symbol="BTCUSDT") == []


async def test_a_stop_the_trading_path_refuses_is_rejected(api: Api) -> None:
    creds = await api.account("1000")
    await isolated(api, creds, leverage=20)
    await book(api, "BTCUSDT", "50000")
    # a reduce-only stop with no position to reduce: placed (it is checked when it fires), then refused -2022
    stop = await placed(
        api, creds, side="SELL", type="STOP_MARKET", triggerPrice="49000", quantity="0.01", reduceOnly="true",
    )  # fmt: skip
    moved = await move(api, "BTCUSDT", "48900")
    assert [(t["algoId"], t["algoStatus"], t["orderId"]) for t in moved["triggers"]] == [
        (stop["algoId"], "REJECTED", None)
    ]
    assert await query(api, creds, "/fapi/v1/allOrders", symbol="BTCUSDT") == []
