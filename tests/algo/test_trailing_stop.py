"""TRAILING_STOP_MARKET and priceProtect, by hand (issue 13; domain/algo.py for the rules).

Positions as tests/algo/test_stop_story.py: 0.01 BTC at 50,000, 20x isolated — isolated wallet
25 − 0.25 = 24.75, cross wallet 975. Closing it at P by MARKET releases the 24.75, books the PnL
±(P − 50,000) × 0.01 and pays the fee P × 0.01 × 0.0005 (VIP0 taker).
"""

from __future__ import annotations

from typing import Any

from tests.algo.support import algo, placed, query
from tests.liquidation.test_liquidation_story import long_at_20x, move
from tests.support import CONTROL, Api, Creds
from tests.trading.support import book, isolated, market, position_risk


async def trigger_price(api: Api, creds: Creds, algo_id: int) -> str:
    return str((await query(api, creds, "/fapi/v1/algoOrder", algoId=algo_id))["triggerPrice"])


async def test_a_sell_trailing_stop_activates_follows_the_high_and_fires_on_the_callback(api: Api) -> None:
    creds = await long_at_20x(api)
    trail = await placed(
        api, creds, side="SELL", type="TRAILING_STOP_MARKET", activatePrice="51000", callbackRate="2",
        quantity="0.01", reduceOnly="true", workingType="MARK_PRICE",
    )  # fmt: skip
    assert (trail["algoStatus"], trail["activatePrice"], trail["callbackRate"], trail["triggerPrice"]) == (
        "NEW",
        "51000.00",
        "2.0",
        "0.00",  # no trigger until it is active
    )
    # not active below 51,000: a fall does not fire it
    for mark in ("50500", "49000", "50999.99"):
        assert (await move(api, "BTCUSDT", mark))["triggers"] == []
    assert await trigger_price(api, creds, trail["algoId"]) == "0.00"
    # at 51,000 (equality activates) the high is 51,000: trigger 51000 × 0.98 = 49,980
    assert (await move(api, "BTCUSDT", "51000"))["triggers"] == []
    assert await trigger_price(api, creds, trail["algoId"]) == "49980.00"
    # a new high 52,000: 52000 × 0.98 = 50,960; a dip to 51,500 leaves the high where it was
    await move(api, "BTCUSDT", "52000")
    assert (await move(api, "BTCUSDT", "51500"))["triggers"] == []
    assert await trigger_price(api, creds, trail["algoId"]) == "50960.00"
    # high 52,500: 52500 × 0.98 = 51,450; one cent above it nothing, at it the stop fires
    await move(api, "BTCUSDT", "52500")
    assert await trigger_price(api, creds, trail["algoId"]) == "51450.00"
    assert (await move(api, "BTCUSDT", "51450.01"))["triggers"] == []
    moved = await move(api, "BTCUSDT", "51450")
    (fired,) = moved["triggers"]
    assert (fired["algoId"], fired["orderType"], fired["algoStatus"], fired["quantity"]) == (
        trail["algoId"],
        "TRAILING_STOP_MARKET",
        "FINISHED",
        "0.01",
    )
    assert (await position_risk(api, creds))["positionAmt"] == "0.000"
    # PnL (51450 − 50000) × 0.01 = 14.5, fee 514.5 × 0.0005 = 0.25725: 975 + 24.75 + 14.5 − 0.25725
    assert (await api.summary(creds))["crossWalletBalance"] == "1013.99275000"
    assert (await move(api, "BTCUSDT", "40000"))["triggers"] == []


async def short_at_20x(api: Api) -> Creds:
    """0.01 BTC short at 20x by MARKET at 50,000: iw 24.75, cross wallet 975 (as the long)."""
    creds = await api.account("1000")
    await isolated(api, creds, leverage=20)
    await book(api, "BTCUSDT", "50000")
    await market(api, creds, "SELL", "0.01")
    return creds


async def test_a_buy_trailing_stop_without_activate_price_follows_the_low_from_placement(api: Api) -> None:
    creds = await short_at_20x(api)
    # no activatePrice: active at once from the latest price — CONTRACT_PRICE (the default), for a
    # BUY the ask, 50,000 — so the trigger is 50000 × 1.01 = 50,500
    trail = await placed(
        api, creds, side="BUY", type="TRAILING_STOP_MARKET", callbackRate="1", quantity="0.01", reduceOnly="true"
    )
    assert (trail["workingType"], trail["activatePrice"], trail["callbackRate"], trail["triggerPrice"]) == (
        "CONTRACT_PRICE",
        "50000.00",
        "1.0",
        "50500.00",
    )
    # the ask falls to 49,000: the low is 49,000, trigger 49000 × 1.01 = 49,490
    assert (await move(api, "BTCUSDT", "49000"))["triggers"] == []
    assert await trigger_price(api, creds, trail["algoId"]) == "49490.00"
    assert (await move(api, "BTCUSDT", "49400"))["triggers"] == []
    assert await trigger_price(api, creds, trail["algoId"]) == "49490.00"  # a rise keeps the low
    moved = await move(api, "BTCUSDT", "49490")
    (fired,) = moved["triggers"]
    assert (fired["algoId"], fired["side"], fired["quantity"]) == (trail["algoId"], "BUY", "0.01")
    assert (await position_risk(api, creds))["positionAmt"] == "0.000"
    # the short's PnL (50000 − 49490) × 0.01 = 5.1, fee 494.9 × 0.0005 = 0.24745: 975 + 24.75 + 5.1 − 0.24745
    assert (await api.summary(creds))["crossWalletBalance"] == "1004.60255000"


async def test_trailing_stop_errors(api: Api) -> None:
    creds = await long_at_20x(api)

    async def trailing(**params: Any) -> dict[str, Any]:
        r = await algo(api, creds, side="SELL", type="TRAILING_STOP_MARKET", quantity="0.01", **params)
        assert r.status_code == 400, r.text
        return dict(r.json())

    # callbackRate "min 0.1, max 10 where 1 for 1%", in tenths
    for rate in ("0.05", "10.1", "0.68", "0"):
        assert await trailing(callbackRate=rate) == {"code": -2007, "msg": "Invalid callBack rate."}, rate
    assert (await trailing())["code"] == -1102
    # SELL: "activatePrice should be larger than latest price" (the mark, 50,000, for MARK_PRICE)
    r = await trailing(callbackRate="1", activatePrice="50000", workingType="MARK_PRICE")
    assert r == {"code": -2021, "msg": "Order would immediately trigger."}
    assert (await trailing(callbackRate="1", triggerPrice="49000"))["code"] == -1106
    r = await algo(api, creds, side="SELL", type="TRAILING_STOP_MARKET", callbackRate="1", closePosition="true")
    assert r.json()["code"] == -1106
    r = await algo(api, creds, side="SELL", type="STOP_MARKET", triggerPrice="49000", quantity="0.01", callbackRate="1")
    assert r.json()["code"] == -1106
    assert await query(api, creds, "/fapi/v1/openAlgoOrders") == []
    # the boundaries are accepted
    for rate, shown in (("0.1", "0.1"), ("10", "10.0")):
        assert (await placed(api, creds, side="SELL", type="TRAILING_STOP_MARKET", callbackRate=rate,
                             quantity="0.001", reduceOnly="true"))["callbackRate"] == shown  # fmt: skip


async def test_price_protect_holds_a_stop_while_mark_and_contract_price_part(api: Api) -> None:
    creds = await long_at_20x(api)
    stop = await placed(
        api, creds, side="SELL", type="STOP_MARKET", triggerPrice="48000", closePosition="true",
        workingType="MARK_PRICE", priceProtect="true",
    )  # fmt: skip
    assert stop["priceProtect"] is True
    # the mark reaches 48,000 but the bid (a SELL's contract price) is 45,000: |48000 − 45000| / 48000
    # = 6.25% > triggerProtect 5%: held, still NEW
    r = await api.http.put(
        f"{CONTROL}/markPrices/BTCUSDT", json={"markPrice": "48000", "bidPrice": "45000", "askPrice": "48100"}
    )
    assert r.json()["triggers"] == []
    assert (await query(api, creds, "/fapi/v1/algoOrder", algoId=stop["algoId"]))["algoStatus"] == "NEW"
    # the book closes up: |47900 − 47850| / 47900 ≈ 0.1%: it fires, and sells at the bid 47,850
    r = await api.http.put(
        f"{CONTROL}/markPrices/BTCUSDT", json={"markPrice": "47900", "bidPrice": "47850", "askPrice": "47950"}
    )
    (fired,) = r.json()["triggers"]
    assert (fired["algoId"], fired["algoStatus"]) == (stop["algoId"], "FINISHED")
    # PnL (47850 − 50000) × 0.01 = −21.5, fee 478.5 × 0.0005 = 0.23925: 975 + 24.75 − 21.5 − 0.23925
    assert (await api.summary(creds))["crossWalletBalance"] == "978.01075000"
