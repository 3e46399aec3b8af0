"""Resting LIMIT orders: reserved margin, maker fills when the control plane moves the book, IOC."""

from __future__ import annotations

from tests.support import Api
from tests.trading.support import book, isolated, market, order, position_risk

LIMIT = {"symbol": "BTCUSDT", "type": "LIMIT", "timeInForce": "GTC"}


async def test_limit_sell_fills_as_maker_when_the_book_reaches_it(api: Api) -> None:
    creds = await api.account("1000")
    await isolated(api, creds, leverage=20)
    await book(api, "BTCUSDT", "50000", bid="49990", ask="50010")
    await market(api, creds, "BUY", "0.01")
    # iw = 0.01 × 50010 / 20 − 0.25005 = 25.005 − 0.25005 = 24.75495; cross 1000 − 25.005 = 974.995
    r = await order(api, creds, **LIMIT, side="SELL", quantity="0.005", price="51000", reduceOnly="true")
    assert r.json()["status"] == "NEW"
    await book(api, "BTCUSDT", "50500")  # below 51000: nothing happens
    assert (await position_risk(api, creds))["positionAmt"] == "0.010"
    await book(api, "BTCUSDT", "51000", bid="51000", ask="51010")
    # maker fill at 51000: PnL (51000 − 50010) × 0.005 = 4.95; maker fee 255 × 0.0002 = 0.051
    # released 24.75495 / 2 = 12.377475; cross 974.995 + 12.377475 + 4.95 − 0.051 = 992.271475
    row = await position_risk(api, creds)
    assert row["positionAmt"] == "0.005" and row["isolatedWallet"] == "12.37747500"
    assert (await api.summary(creds))["crossWalletBalance"] == "992.27147500"
    trades = (await api.signed("GET", "/fapi/v1/userTrades", creds, {"symbol": "BTCUSDT"})).json()
    assert [(t["maker"], t["price"], t["commission"], t["realizedPnl"]) for t in trades[1:]] == [
        (True, "51000.00", "0.05100000", "4.95000000")
    ]
    got = (
        await api.signed("GET", "/fapi/v1/order", creds, {"symbol": "BTCUSDT", "orderId": str(r.json()["orderId"])})
    ).json()
    assert got["status"] == "FILLED" and got["avgPrice"] == "51000.00000" and got["executedQty"] == "0.005"


async def test_resting_order_reserves_margin_and_releases_it_on_cancel(api: Api) -> None:
    creds = await api.account("100")
    await book(api, "BTCUSDT", "50000")
    # 0.03 × 49000 / 20 = 73.5 reserved of 100
    r = await order(api, creds, **LIMIT, side="BUY", quantity="0.03", price="49000")
    assert r.status_code == 200
    (balance,) = [b for b in (await api.signed("GET", "/fapi/v2/balance", creds)).json() if b["asset"] == "USDT"]
    assert balance["availableBalance"] == "26.50000000" and balance["balance"] == "100.00000000"
    account = (await api.signed("GET", "/fapi/v3/account", creds)).json()
    assert account["totalOpenOrderInitialMargin"] == "73.50000000"
    r = await order(api, creds, **LIMIT, side="BUY", quantity="0.03", price="49000")
    assert r.json() == {"code": -2019, "msg": "Margin is insufficient."}  # 73.5 more than the 26.5 left
    await api.signed("DELETE", "/fapi/v1/allOpenOrders", creds, {"symbol": "BTCUSDT"})
    r = await order(api, creds, **LIMIT, side="BUY", quantity="0.03", price="49000")
    assert r.status_code == 200, r.text


async def test_crossing_limit_fills_at_once_as_taker_and_ioc_expires(api: Api) -> None:
    creds = await api.account("1000")
    await book(api, "BTCUSDT", "50000", bid="49990", ask="50010")
    r = await order(api, creds, **LIMIT, side="BUY", quantity="0.01", price="50100", newOrderRespType="RESULT")
    # crosses the ask: fills at 50010 as taker; cumQuote 500.1
    assert r.json()["status"] == "FILLED" and r.json()["executedQty"] == "0.010"
    r = await order(
        api,
        creds,
        **{**LIMIT, "timeInForce": "IOC"},
        side="BUY",
        quantity="0.01",
        price="49000",
        newOrderRespType="RESULT",
    )
    assert r.json()["status"] == "EXPIRED" and r.json()["executedQty"] == "0.000"
    assert (await position_risk(api, creds))["positionAmt"] == "0.010"


async def test_v3_position_risk_shows_a_zero_row_while_an_order_rests(api: Api) -> None:
    creds = await api.account("1000")
    await book(api, "BTCUSDT", "50000")
    placed = (await order(api, creds, **LIMIT, side="BUY", quantity="0.01", price="49000")).json()
    rows = (await api.signed("GET", "/fapi/v3/positionRisk", creds)).json()
    assert [(r["symbol"], r["positionAmt"]) for r in rows] == [("BTCUSDT", "0.000")]  # [obs MAXT]
    await api.signed("DELETE", "/fapi/v1/order", creds, {"symbol": "BTCUSDT", "orderId": str(placed["orderId"])})
    assert (await api.signed("GET", "/fapi/v3/positionRisk", creds)).json() == []
