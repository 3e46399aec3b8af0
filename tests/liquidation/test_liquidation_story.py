"""The mark price kills positions as Binance's does (issue 12): a bot-shaped story, by hand.

Every number is worked out in the comments from the default BTCUSDT tiers (tier 1: notional
up to 50,000, MMR 0.004, cum 0), the VIP0 taker rate 0.0005 and the liquidation rules of
``service/liquidation.py`` (trading reference §3.2): the user loses the isolated wallet and
nothing else; what is left of it after the realized loss is the clearance fee; past the
bankruptcy price the insurance fund pays.
"""

from __future__ import annotations

from typing import Any

from tests import snapshot
from tests.support import CONTROL, Api, Creds
from tests.trading.support import book, isolated, market, order, position_risk


async def move(api: Api, symbol: str, mark: str, *, dry_run: bool = False) -> dict[str, Any]:
    suffix = "?dryRun=true" if dry_run else ""
    r = await api.http.put(f"{CONTROL}/markPrices/{symbol}{suffix}", json={"markPrice": mark})
    assert r.status_code == 200, r.text
    return dict(r.json())


async def long_at_20x(api: Api, balance: str = "1000") -> Creds:
    """0.01 BTC long at 20x by MARKET at 50,000: margin 500 / 20 = 25, fee 500 × 0.0005 = 0.25
    from the isolated wallet: iw = 24.75, cross wallet 1000 − 25 = 975."""
    creds = await api.account(balance)
    await isolated(api, creds, leverage=20)
    await book(api, "BTCUSDT", "50000")
    await market(api, creds, "BUY", "0.01")
    return creds


async def signed_get(api: Api, creds: Creds, path: str, **params: str) -> Any:
    r = await api.signed("GET", path, creds, params)
    assert r.status_code == 200, r.text
    return r.json()


async def test_a_long_is_margin_called_then_liquidated_at_exactly_its_price(api: Api) -> None:
    creds = await long_at_20x(api)
    row = await position_risk(api, creds)
    # LP = (Q·EP − WB − cum) / (Q·(1 − MMR)) = (500 − 24.75) / 0.00996 = 47715.863453815…
    assert row["isolatedWallet"] == "24.75000000" and row["liquidationPrice"] == "47715.86345382"

    for mark in ("49000", "48500", "48000", "47800"):
        moved = await move(api, "BTCUSDT", mark)
        assert moved["liquidations"] == [] and moved["marginCalls"] == []
    # margin call where MM / (iw + uPnL) reaches 0.8: P = 0.8·(iw − Q·EP) / (Q·MMR − 0.8·Q) = 47763.819…
    # at 47760: MM = 0.01 × 47760 × 0.004 = 1.9104, balance 24.75 − 22.4 = 2.35, ratio 0.812936170…
    moved = await move(api, "BTCUSDT", "47760")
    assert moved["liquidations"] == []
    assert moved["marginCalls"] == [
        {"accountId": creds.account_id, "symbol": "BTCUSDT", "positionSide": "BOTH", "marginRatio": "0.81293617"}
    ]
    assert (await move(api, "BTCUSDT", "47750"))["marginCalls"] == []  # called once, not on every tick

    # one hundred-millionth above the shown price the position lives; at it, it dies
    assert (await move(api, "BTCUSDT", "47715.86345383"))["liquidations"] == []
    moved = await move(api, "BTCUSDT", "47715.86345382")
    (liq,) = moved["liquidations"]
    # bankruptcy price EP − iw/Q = 50000 − 2475 = 47525.0 (on the tick); the fill is at the mark
    assert {k: liq[k] for k in ("accountId", "positionSide", "price", "quantity", "avgPrice")} == {
        "accountId": creds.account_id,
        "positionSide": "BOTH",
        "price": "47525",
        "quantity": "0.01",
        "avgPrice": "47715.86345382",
    }
    # PnL (47715.86345382 − 50000) × 0.01 = −22.8413654618 → −22.84136546; the 1.90863454 left of
    # the wallet goes to the insurance fund; the cross wallet keeps its 975
    assert (liq["realizedPnl"], liq["insuranceClear"], liq["insuranceGap"]) == (
        "-22.84136546",
        "1.90863454",
        "0.00000000",
    )
    assert liq["clientOrderId"] == f"autoclose-{moved['time']}{liq['orderId'] % 1_000_000:06d}"

    row = await position_risk(api, creds)
    assert (row["positionAmt"], row["isolatedWallet"], row["liquidationPrice"]) == ("0.000", "0", "0")
    summary = await api.summary(creds)
    assert summary["crossWalletBalance"] == "975.00000000" and summary["walletBalance"] == "975.00000000"

    forced = await signed_get(api, creds, "/fapi/v1/forceOrders", symbol="BTCUSDT")
    assert [(o["orderId"], o["status"], o["type"], o["timeInForce"], o["side"]) for o in forced] == [
        (liq["orderId"], "FILLED", "LIMIT", "IOC", "SELL")
    ]
    assert (forced[0]["price"], forced[0]["avgPrice"], forced[0]["executedQty"]) == (
        "47525.00",
        "47715.86345",
        "0.010",
    )
    trades = await signed_get(api, creds, "/fapi/v1/userTrades", symbol="BTCUSDT")
    assert [(t["side"], t["price"], t["realizedPnl"], t["commission"]) for t in trades] == [
        ("BUY", "50000.00", "0", "0.25000000"),  # as the 2026 server writes userTrades (tests/parity)
        ("SELL", "47715.86", "-22.84136546", "0.00000000"),
    ]
    income = await signed_get(api, creds, "/fapi/v1/income", symbol="BTCUSDT")
    assert [(i["incomeType"], i["income"]) for i in income] == [
        ("COMMISSION", "-0.25000000"),
        ("REALIZED_PNL", "-22.84136546"),
        ("INSURANCE_CLEAR", "-1.90863454"),
    ]
    history = await signed_get(api, creds, "/fapi/v1/positionMargin/history", symbol="BTCUSDT")
    assert sorted((h["type"], h["deltaType"], h["amount"]) for h in history) == [
        (1, "TRADE", "25.00000000"),
        (2, "TRADE", "-24.75000000"),
    ]
    all_orders = await signed_get(api, creds, "/fapi/v1/allOrders", symbol="BTCUSDT")
    assert [o["clientOrderId"] for o in all_orders][-1] == liq["clientOrderId"]

    # the position is gone: adding margin gets Binance's answer for an empty position
    r = await api.signed("POST", "/fapi/v1/positionMargin", creds, {"symbol": "BTCUSDT", "amount": "5", "type": "1"})
    assert r.status_code == 400 and r.json()["code"] == -4054


async def test_a_top_up_at_the_margin_call_keeps_the_position(api: Api) -> None:
    creds = await long_at_20x(api)
    assert (await move(api, "BTCUSDT", "47760"))["marginCalls"]
    r = await api.signed("POST", "/fapi/v1/positionMargin", creds, {"symbol": "BTCUSDT", "amount": "10", "type": "1"})
    assert r.status_code == 200, r.text
    # iw 34.75: LP = (500 − 34.75) / 0.00996 = 46711.847389558…
    assert (await position_risk(api, creds))["liquidationPrice"] == "46711.84738956"
    moved = await move(api, "BTCUSDT", "47715.86345382")
    assert moved["liquidations"] == []
    assert (await position_risk(api, creds))["positionAmt"] == "0.010"
    # the top-up re-armed the call: back below the threshold and down again, it is called again
    # at 46760: MM 0.01 × 46760 × 0.004 = 1.8704, balance 34.75 − 32.4 = 2.35, ratio 0.7959… — not yet;
    # at 46750: MM 1.87, balance 34.75 − 32.5 = 2.25, ratio 0.831111…
    assert (await move(api, "BTCUSDT", "46760"))["marginCalls"] == []
    (call,) = (await move(api, "BTCUSDT", "46750"))["marginCalls"]
    assert call["marginRatio"] == "0.83111111"


async def test_a_gap_past_the_bankruptcy_price_is_paid_by_the_insurance_fund(api: Api) -> None:
    creds = await long_at_20x(api)
    (liq,) = (await move(api, "BTCUSDT", "45000"))["liquidations"]
    # the user's fill is at the bankruptcy price 47525: PnL −24.75 = −iw, nothing left to clear;
    # the fund pays (47525 − 45000) × 0.01 = 25.25
    assert (liq["avgPrice"], liq["realizedPnl"], liq["insuranceClear"], liq["insuranceGap"]) == (
        "47525",
        "-24.75000000",
        "0.00000000",
        "25.25000000",
    )
    summary = await api.summary(creds)
    assert summary["walletBalance"] == "975.00000000"  # never the cross wallet


async def test_a_short_dies_on_the_way_up(api: Api) -> None:
    creds = await api.account("1000")
    await isolated(api, creds, leverage=20)
    await book(api, "BTCUSDT", "50000")
    await market(api, creds, "SELL", "0.01")
    # LP = (WB + cum + Q·EP) / (Q·(1 + MMR)) = 524.75 / 0.01004 = 52265.936254980…
    assert (await position_risk(api, creds))["liquidationPrice"] == "52265.93625498"
    assert (await move(api, "BTCUSDT", "52265.93625497"))["liquidations"] == []
    (liq,) = (await move(api, "BTCUSDT", "52265.93625498"))["liquidations"]
    # bankruptcy 50000 + 2475 = 52475.0; PnL (50000 − 52265.93625498) × 0.01 = −22.6593625498
    assert (liq["price"], liq["realizedPnl"], liq["insuranceClear"]) == ("52475", "-22.65936255", "2.09063745")


async def test_hedge_legs_die_independently(api: Api) -> None:
    creds = await api.account("1000", dual=True)
    await isolated(api, creds, leverage=20)
    await book(api, "BTCUSDT", "50000")
    await market(api, creds, "BUY", "0.01", positionSide="LONG")
    await market(api, creds, "SELL", "0.01", positionSide="SHORT")
    (liq,) = (await move(api, "BTCUSDT", "47700"))["liquidations"]
    assert liq["positionSide"] == "LONG"
    rows = await signed_get(api, creds, "/fapi/v2/positionRisk", symbol="BTCUSDT")
    assert {r["positionSide"]: r["positionAmt"] for r in rows} == {"LONG": "0.000", "SHORT": "-0.010"}


async def test_a_cross_position_dies_on_the_account_cross_margin(api: Api) -> None:
    creds = await api.account("100")
    await book(api, "BTCUSDT", "50000")
    await market(api, creds, "BUY", "0.03")  # CROSSED by default, 20x: fee 1500 × 0.0005 = 0.75
    # against the cross wallet 99.25: LP = (1500 − 99.25) / (0.03 × 0.996) = 46879.183400267…
    assert (await position_risk(api, creds))["liquidationPrice"] == "46879.18340027"
    assert (await move(api, "BTCUSDT", "46879.2"))["liquidations"] == []
    (liq,) = (await move(api, "BTCUSDT", "46879.1"))["liquidations"]
    # PnL (46879.1 − 50000) × 0.03 = −93.627; 5.623 of margin left; the fee 0.03 × 46879.1 × 0.0125
    # = 17.5796625 is capped at it, so the cross wallet ends at 0
    assert (liq["realizedPnl"], liq["insuranceClear"]) == ("-93.62700000", "5.62300000")
    assert (await api.summary(creds))["crossWalletBalance"] == "0.00000000"


async def test_dry_run_answers_the_same_and_changes_nothing(api: Api) -> None:
    creds = await long_at_20x(api)
    preview = await move(api, "BTCUSDT", "47000", dry_run=True)
    assert preview["dryRun"] is True and len(preview["liquidations"]) == 1
    assert (await position_risk(api, creds))["positionAmt"] == "0.010"
    applied = await move(api, "BTCUSDT", "47000")
    strip = {"orderId", "clientOrderId"}
    assert [{k: v for k, v in liq.items() if k not in strip} for liq in applied["liquidations"]] == [
        {k: v for k, v in liq.items() if k not in strip} for liq in preview["liquidations"]
    ]


async def test_force_orders_golden(api: Api) -> None:
    creds = await long_at_20x(api)
    await move(api, "BTCUSDT", "45000")
    r = await api.signed("GET", "/fapi/v1/forceOrders", creds, {"autoCloseType": "LIQUIDATION"})
    snapshot.check("forceOrders-liquidation", r)


async def test_a_liquidation_expires_the_position_open_orders_first(api: Api) -> None:
    """Their EXPIRED events take outbox numbers before the liquidation's own (a UNIQUE (account,
    seq) violation once, found by hypothesis): the change reads the sequence after them."""
    creds = await long_at_20x(api)
    r = await order(
        api, creds, symbol="BTCUSDT", side="SELL", type="LIMIT", timeInForce="GTC", quantity="0.01",
        price="52000", reduceOnly="true",
    )  # fmt: skip
    assert r.status_code == 200, r.text
    resting = r.json()["orderId"]
    (liq,) = (await move(api, "BTCUSDT", "47000"))["liquidations"]
    assert liq["accountId"] == creds.account_id
    r = await api.signed("GET", "/fapi/v1/order", creds, {"symbol": "BTCUSDT", "orderId": str(resting)})
    assert r.json()["status"] == "EXPIRED"
