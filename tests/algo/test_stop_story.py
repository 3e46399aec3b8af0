"""Stop-loss and take-profit orders fire inside the engine, before liquidations (issue 13).

Numbers worked by hand from the default BTCUSDT tiers (MMR 0.004, cum 0) and the VIP0 taker rate
0.0005, as tests/liquidation/test_liquidation_story.py: a 0.01 BTC long at 50,000, 20x isolated,
has iw = 25 − 0.25 = 24.75, cross wallet 975, liquidation price (500 − 24.75) / 0.00996 =
47715.86345382. Closing it at a price P by MARKET releases the isolated wallet to the cross
wallet, books the PnL (P − 50,000) × 0.01 and pays the fee P × 0.01 × 0.0005.
"""

from __future__ import annotations

from tests.algo.support import algo, placed, query, stop_loss
from tests.liquidation.test_liquidation_story import long_at_20x, move
from tests.support import Api
from tests.trading.support import book, position_risk


async def test_a_stop_market_close_position_fires_at_the_first_mark_at_or_below_its_stop(api: Api) -> None:
    creds = await long_at_20x(api)
    stop = await stop_loss(api, creds, "48000")
    assert (stop["algoStatus"], stop["timeInForce"], stop["quantity"], stop["reduceOnly"]) == (
        "NEW",
        "GTE_GTC",
        "0.000",
        True,
    )
    for mark in ("49000", "48000.01"):
        moved = await move(api, "BTCUSDT", mark)
        assert moved["triggers"] == [] and moved["liquidations"] == []
    moved = await move(api, "BTCUSDT", "48000")
    (fired,) = moved["triggers"]
    assert {k: fired[k] for k in ("algoId", "algoStatus", "orderType", "side", "triggerPrice", "quantity")} == {
        "algoId": stop["algoId"],
        "algoStatus": "FINISHED",
        "orderType": "STOP_MARKET",
        "side": "SELL",
        "triggerPrice": "48000",
        "quantity": "0.01",
    }
    assert moved["liquidations"] == []
    row = await position_risk(api, creds)
    assert row["positionAmt"] == "0.000"
    # PnL (48000 − 50000) × 0.01 = −20, fee 480 × 0.0005 = 0.24: 975 + 24.75 − 20 − 0.24 = 979.51
    summary = await api.summary(creds)
    assert summary["crossWalletBalance"] == "979.51000000"
    trades = await query(api, creds, "/fapi/v1/userTrades", symbol="BTCUSDT")
    assert [(t["orderId"], t["side"], t["price"], t["realizedPnl"], t["commission"]) for t in trades][-1] == (
        fired["orderId"],
        "SELL",
        "48000.00",
        "-20.00000000",
        "0.24000000",
    )
    # the liquidation price is never reached: the position is gone
    assert (await move(api, "BTCUSDT", "47000"))["liquidations"] == []
    shown = await query(api, creds, "/fapi/v1/algoOrder", algoId=stop["algoId"])
    assert (shown["algoStatus"], shown["actualOrderId"], shown["actualPrice"], shown["triggerTime"]) == (
        "FINISHED",
        str(fired["orderId"]),
        "48000.00000",
        moved["time"],
    )
    assert await query(api, creds, "/fapi/v1/openAlgoOrders", symbol="BTCUSDT") == []


async def test_a_take_profit_fires_on_the_way_up_and_takes_the_stop_with_it(api: Api) -> None:
    creds = await long_at_20x(api)
    stop = await stop_loss(api, creds, "48000")
    take = await placed(
        api, creds, side="SELL", type="TAKE_PROFIT_MARKET", triggerPrice="52000", closePosition="true",
        workingType="MARK_PRICE",
    )  # fmt: skip
    assert (await move(api, "BTCUSDT", "51999.99"))["triggers"] == []
    moved = await move(api, "BTCUSDT", "52500")  # a jump past the trigger fills at the new price
    (fired,) = moved["triggers"]
    assert (fired["algoId"], fired["algoStatus"], fired["quantity"]) == (take["algoId"], "FINISHED", "0.01")
    # PnL (52500 − 50000) × 0.01 = 25, fee 525 × 0.0005 = 0.2625: 975 + 24.75 + 25 − 0.2625 = 1024.4875
    assert (await api.summary(creds))["crossWalletBalance"] == "1024.48750000"
    # the position closed, so its closePosition stop is cancelled by the system (GTE_GTC)
    shown = await query(api, creds, "/fapi/v1/algoOrder", algoId=stop["algoId"])
    assert shown["algoStatus"] == "EXPIRED"
    assert (await move(api, "BTCUSDT", "47000"))["triggers"] == []


async def test_a_gap_past_stop_and_liquidation_price_fires_the_stop_not_a_liquidation(api: Api) -> None:
    creds = await long_at_20x(api)
    await stop_loss(api, creds, "48000")  # above the liquidation price 47715.86345382
    moved = await move(api, "BTCUSDT", "47000")
    (fired,) = moved["triggers"]
    assert fired["algoStatus"] == "FINISHED" and moved["liquidations"] == []
    trades = await query(api, creds, "/fapi/v1/userTrades", symbol="BTCUSDT")
    # the stop's MARKET order fills at the new book, 47000: PnL (47000 − 50000) × 0.01 = −30, fee 0.235
    assert [(t["price"], t["realizedPnl"], t["commission"]) for t in trades][-1] == (
        "47000.00",
        "-30.00000000",
        "0.23500000",
    )
    assert (await position_risk(api, creds))["positionAmt"] == "0.000"
    forced = await query(api, creds, "/fapi/v1/forceOrders", symbol="BTCUSDT")
    assert forced == []


async def test_a_stop_below_the_liquidation_price_is_expired_by_the_liquidation(api: Api) -> None:
    creds = await long_at_20x(api)
    stop = await stop_loss(api, creds, "47000")
    moved = await move(api, "BTCUSDT", "47700")
    assert moved["triggers"] == [] and len(moved["liquidations"]) == 1
    shown = await query(api, creds, "/fapi/v1/algoOrder", algoId=stop["algoId"])
    assert shown["algoStatus"] == "EXPIRED"
    assert (await move(api, "BTCUSDT", "46000"))["triggers"] == []


async def test_contract_price_watches_the_book_side_the_order_takes(api: Api) -> None:
    creds = await long_at_20x(api)
    on_mark = await stop_loss(api, creds, "48000")
    on_book = await placed(
        api, creds, side="SELL", type="STOP_MARKET", triggerPrice="48000", quantity="0.004", reduceOnly="true",
    )  # fmt: skip
    assert on_book["workingType"] == "CONTRACT_PRICE"  # the documented default
    # the mark stays above both stops; the bid (what a SELL takes) falls to 48000: only the book one fires
    r = await api.http.put(
        "/_isomargin/v1/markPrices/BTCUSDT", json={"markPrice": "48500", "bidPrice": "48000", "askPrice": "48600"}
    )
    moved = r.json()
    assert [(t["algoId"], t["quantity"]) for t in moved["triggers"]] == [(on_book["algoId"], "0.004")]
    assert (await position_risk(api, creds))["positionAmt"] == "0.006"
    assert [o["algoId"] for o in await query(api, creds, "/fapi/v1/openAlgoOrders")] == [on_mark["algoId"]]


async def test_placement_errors(api: Api) -> None:
    creds = await long_at_20x(api)
    # the mark is at 50000: a SELL stop at or above it would fire at once
    r = await algo(api, creds, side="SELL", type="STOP_MARKET", triggerPrice="50000", closePosition="true",
                   workingType="MARK_PRICE")  # fmt: skip
    assert (r.status_code, r.json()) == (400, {"code": -2021, "msg": "Order would immediately trigger."})
    await stop_loss(api, creds, "48000")
    r = await algo(api, creds, side="SELL", type="STOP_MARKET", triggerPrice="47900", closePosition="true")
    assert (r.status_code, r.json()) == (
        400,
        {
            "code": -4130,
            "msg": "An open stop or take profit order with GTE and closePosition in the direction is existing.",
        },
    )
    r = await algo(
        api, creds, side="SELL", type="STOP_MARKET", triggerPrice="47900", closePosition="true", quantity="0.01"
    )
    assert r.json() == {"code": -1106, "msg": "Parameter 'quantity' sent when not required."}
    r = await algo(api, creds, side="SELL", type="STOP_MARKET", closePosition="true")
    assert r.json() == {
        "code": -1102,
        "msg": "Mandatory parameter 'triggerprice' was not sent, was empty/null, or malformed.",
    }
    r = await algo(api, creds, side="SELL", type="STOP", triggerPrice="47900", quantity="0.01")
    assert r.json()["code"] == -1102 and "'price'" in r.json()["msg"]
    r = await algo(api, creds, side="SELL", type="LIMIT", triggerPrice="47900", quantity="0.01")
    assert r.json() == {"code": -1116, "msg": "Invalid orderType."}
    r = await algo(api, creds, algoType="VP", side="SELL", type="STOP_MARKET", triggerPrice="47900", quantity="0.01")
    assert r.json()["code"] == -1130
    r = await api.signed("DELETE", "/fapi/v1/algoOrder", creds, {"algoId": "999999"})
    assert (r.status_code, r.json()) == (400, {"code": -2011, "msg": "Unknown order sent."})
    r = await api.signed("GET", "/fapi/v1/algoOrder", creds, {"algoId": "999999"})
    assert (r.status_code, r.json()) == (400, {"code": -2013, "msg": "Order does not exist."})


async def test_cancel_and_cancel_all(api: Api) -> None:
    creds = await long_at_20x(api)
    stop = await stop_loss(api, creds, "48000", clientAlgoId="my-stop")
    take = await placed(
        api, creds, side="SELL", type="TAKE_PROFIT", triggerPrice="52000", price="52100", quantity="0.01"
    )
    r = await api.signed("DELETE", "/fapi/v1/algoOrder", creds, {"clientAlgoId": "my-stop"})
    assert r.json() == {"algoId": stop["algoId"], "clientAlgoId": "my-stop", "code": "200", "msg": "success"}
    r = await api.signed("DELETE", "/fapi/v1/algoOpenOrders", creds, {"symbol": "BTCUSDT"})
    assert r.json() == {"code": 200, "msg": "success"}
    rows = await query(api, creds, "/fapi/v1/allAlgoOrders", symbol="BTCUSDT")
    assert [(o["algoId"], o["algoStatus"]) for o in rows] == [
        (stop["algoId"], "CANCELED"),
        (take["algoId"], "CANCELED"),
    ]
    await book(api, "BTCUSDT", "47000")
    assert (await position_risk(api, creds))["positionAmt"] == "0.000"  # liquidated; nothing fired
