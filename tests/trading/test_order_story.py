"""One isolated round trip told by every endpoint, to the cent (hand-worked numbers in comments)."""

from __future__ import annotations

from decimal import Decimal

from tests.support import Api
from tests.trading.support import book, isolated, market, order, position_risk


async def test_round_trip_userTrades_income_history_agree(api: Api) -> None:
    creds = await api.account("1000")
    await isolated(api, creds, leverage=20)
    await book(api, "BTCUSDT", "60000", bid="59990", ask="60010")
    opened = await market(api, creds, "BUY", "0.01")
    # open at the ask 60010: IM 600.1 / 20 = 30.005 from cross; fee 600.1 × 0.0005 = 0.30005 from iw
    await book(api, "BTCUSDT", "61000", bid="60990", ask="61010")
    half = await market(api, creds, "SELL", "0.005", reduceOnly="true")
    # at the bid 60990: PnL (60990 − 60010) × 0.005 = 4.9; fee 304.95 × 0.0005 = 0.152475
    # released: iw 29.70495 × 0.005 / 0.01 = 14.852475, iw left 14.852475
    rest = await market(api, creds, "SELL", "0.005", reduceOnly="true")
    # PnL 4.9 again; fee 0.152475; releases all of iw 14.852475

    r = await api.signed("GET", "/fapi/v1/userTrades", creds, {"symbol": "BTCUSDT"})
    trades = r.json()
    # price and qty at BTCUSDT's 2 and 3 decimals, an opening fill's realizedPnl "0" [obs CN-AAPL]
    assert [(t["side"], t["price"], t["qty"], t["realizedPnl"], t["commission"], t["maker"]) for t in trades] == [
        ("BUY", "60010.00", "0.010", "0", "0.30005000", False),
        ("SELL", "60990.00", "0.005", "4.90000000", "0.15247500", False),
        ("SELL", "60990.00", "0.005", "4.90000000", "0.15247500", False),
    ]
    assert [t["orderId"] for t in trades] == [opened["orderId"], half["orderId"], rest["orderId"]]
    assert trades[1]["quoteQty"] == "304.95000" and trades[0]["buyer"] is True

    r = await api.signed("GET", "/fapi/v1/income", creds, {"symbol": "BTCUSDT"})
    income = [(row["incomeType"], row["income"], row["tradeId"]) for row in r.json()]
    assert income == [
        ("COMMISSION", "-0.30005000", str(trades[0]["id"])),
        ("REALIZED_PNL", "4.90000000", str(trades[1]["id"])),
        ("COMMISSION", "-0.15247500", str(trades[1]["id"])),
        ("REALIZED_PNL", "4.90000000", str(trades[2]["id"])),
        ("COMMISSION", "-0.15247500", str(trades[2]["id"])),
    ]
    history = (await api.history(creds)).json()
    assert [(h["type"], h["deltaType"], h["amount"]) for h in history] == [
        (1, "TRADE", "30.00500000"),
        (2, "TRADE", "-14.85247500"),
        (2, "TRADE", "-14.85247500"),
    ]
    # the wallet moved by Σ income: 1000 − 0.30005 + 4.9 − 0.152475 + 4.9 − 0.152475 = 1009.195
    summary = await api.summary(creds)
    assert summary["walletBalance"] == summary["crossWalletBalance"] == "1009.19500000"
    assert Decimal("1000") + sum(Decimal(row["income"]) for row in r.json()) == Decimal("1009.195")
    assert (await position_risk(api, creds))["positionAmt"] == "0.000"


async def test_query_cancel_and_lists(api: Api) -> None:
    creds = await api.account("1000")
    await book(api, "BTCUSDT", "50000")
    r = await order(
        api, creds, symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC", quantity="0.01", price="49000",
        newClientOrderId="rest-1",
    )  # fmt: skip
    placed = r.json()
    assert placed["status"] == "NEW"
    r = await api.signed("GET", "/fapi/v1/order", creds, {"symbol": "BTCUSDT", "origClientOrderId": "rest-1"})
    got = r.json()
    assert got["orderId"] == placed["orderId"] and got["status"] == "NEW" and got["avgPrice"] == "0.00"
    assert got["cumQuote"] == "0.00000" and "cumQty" not in got and list(got)[-2:] == ["time", "updateTime"]
    r = await api.signed("GET", "/fapi/v1/openOrders", creds, {"symbol": "BTCUSDT"})
    assert [o["orderId"] for o in r.json()] == [placed["orderId"]]
    r = await api.signed("DELETE", "/fapi/v1/order", creds, {"symbol": "BTCUSDT", "orderId": str(placed["orderId"])})
    assert r.status_code == 200 and r.json()["status"] == "CANCELED"
    r = await api.signed("DELETE", "/fapi/v1/order", creds, {"symbol": "BTCUSDT", "orderId": str(placed["orderId"])})
    assert r.json() == {"code": -2011, "msg": "Unknown order sent."}
    r = await api.signed("GET", "/fapi/v1/openOrder", creds, {"symbol": "BTCUSDT", "orderId": str(placed["orderId"])})
    assert r.json() == {"code": -2013, "msg": "Order does not exist."}
    r = await api.signed("GET", "/fapi/v1/order", creds, {"symbol": "BTCUSDT", "orderId": "999999"})
    assert r.json() == {"code": -2013, "msg": "Order does not exist."}
    r = await api.signed("GET", "/fapi/v1/allOrders", creds, {"symbol": "BTCUSDT"})
    assert [o["status"] for o in r.json()] == ["CANCELED"]
    r = await api.signed("DELETE", "/fapi/v1/allOpenOrders", creds, {"symbol": "BTCUSDT"})
    assert r.json() == {"code": 200, "msg": "The operation of cancel all open order is done."}
    r = await api.signed("GET", "/fapi/v1/commissionRate", creds, {"symbol": "BTCUSDT"})
    assert r.text == (
        '{"symbol":"BTCUSDT","makerCommissionRate":"0.000200","takerCommissionRate":"0.000500","rpiCommissionRate":"0"}'
    )
    r = await api.signed("GET", "/fapi/v1/multiAssetsMargin", creds)
    assert r.text == '{"multiAssetsMargin":false}'


async def test_commission_rates_from_the_control_plane(api: Api) -> None:
    creds = await api.account("1000")
    r = await api.http.patch(
        f"/_isomargin/v1/accounts/{creds.account_id}",
        json={"makerCommissionRate": "0", "takerCommissionRate": "0.0004"},
    )
    assert r.json() == {"accountId": creds.account_id, "makerCommissionRate": "0", "takerCommissionRate": "0.0004"}
    await book(api, "BTCUSDT", "50000")
    await market(api, creds, "BUY", "0.002")
    # 100 × 0.0004 = 0.04
    assert (await api.summary(creds))["crossWalletBalance"] == "999.96000000"


async def test_order_ids_seeded_past_two_to_the_53(api: Api) -> None:
    creds = await api.account("1000")
    await book(api, "BTCUSDT", "50000")
    await market(api, creds, "BUY", "0.002")
    r = await api.http.put("/_isomargin/v1/settings", json={"nextOrderId": 8389766058155948588})
    assert r.status_code == 200, r.text
    r = await order(api, creds, symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.002")
    assert '"orderId":8389766058155948588,' in r.text  # exact, an integer past 2^53
    r = await order(api, creds, symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.002")
    assert r.json()["orderId"] == 8389766058155948589
    got = await api.signed("GET", "/fapi/v1/order", creds, {"symbol": "BTCUSDT", "orderId": "8389766058155948589"})
    assert got.json()["orderId"] == 8389766058155948589
    r = await api.http.put("/_isomargin/v1/settings", json={"nextOrderId": 5})
    assert r.status_code == 409 and r.json() == {"error": "nextOrderId must be above every orderId already given"}


async def test_deposits_and_withdrawals(api: Api) -> None:
    creds = await api.account("100")
    r = await api.http.post(f"/_isomargin/v1/accounts/{creds.account_id}/deposits", json={"amount": "50.5"})
    assert r.status_code == 200 and r.json()["crossWalletBalance"] == "150.50000000"
    r = await api.http.post(f"/_isomargin/v1/accounts/{creds.account_id}/withdrawals", json={"amount": "150.51"})
    assert r.status_code == 409 and r.json() == {"error": "the account can withdraw at most 150.5"}
    r = await api.http.post(f"/_isomargin/v1/accounts/{creds.account_id}/withdrawals", json={"amount": "20"})
    assert r.json()["crossWalletBalance"] == "130.50000000" and r.json()["amount"] == "-20"
    rows = (await api.signed("GET", "/fapi/v1/income", creds, {"incomeType": "TRANSFER"})).json()
    assert [(x["incomeType"], x["income"], x["symbol"], x["tradeId"]) for x in rows] == [
        ("TRANSFER", "50.50000000", "", ""),
        ("TRANSFER", "-20.00000000", "", ""),
    ]
    assert (await api.summary(creds))["positions"] == []  # a transfer opens no position row
