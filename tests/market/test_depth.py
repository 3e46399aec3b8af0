"""A configured book depth (issue 13): ``PUT /_isomargin/v1/depth/{symbol}`` puts a ladder of
levels behind the book top; ``GET /fapi/v1/depth`` and bookTicker show it, and taker orders walk it,
one trade per level (domain/depth.py). Numbers by hand: BTCUSDT, taker 0.0005, 20x isolated."""

from __future__ import annotations

from tests.liquidation.test_liquidation_story import signed_get
from tests.support import CONTROL, Api
from tests.trading.support import book, isolated, order, position_risk

LADDER = {"step": "0.10", "quantity": "0.005"}
SHOWN = {"symbol": "BTCUSDT", "step": "0.1", "quantity": "0.005"}


async def with_ladder(api: Api) -> None:
    await book(api, "BTCUSDT", "50000")
    r = await api.http.put(f"{CONTROL}/depth/BTCUSDT", json=LADDER)
    assert (r.status_code, r.json()) == (200, SHOWN)


async def test_the_book_shows_its_levels(api: Api) -> None:
    await with_ladder(api)
    r = await api.http.get("/fapi/v1/depth", params={"symbol": "BTCUSDT", "limit": "5"})
    levels = r.json()
    assert levels["bids"] == [[p, "0.005"] for p in ("50000.00", "49999.90", "49999.80", "49999.70", "49999.60")]
    assert levels["asks"] == [[p, "0.005"] for p in ("50000.00", "50000.10", "50000.20", "50000.30", "50000.40")]
    top = (await api.http.get("/fapi/v1/ticker/bookTicker", params={"symbol": "BTCUSDT"})).json()
    assert (top["bidQty"], top["askQty"]) == ("0.005", "0.005")
    assert (await api.http.get(f"{CONTROL}/depth/BTCUSDT")).json() == SHOWN

    r = await api.http.delete(f"{CONTROL}/depth/BTCUSDT")
    assert r.json() == {"symbol": "BTCUSDT", "deleted": True}
    levels = (await api.http.get("/fapi/v1/depth", params={"symbol": "BTCUSDT", "limit": "5"})).json()
    assert (levels["bids"], levels["asks"]) == ([["50000.00", "1000.000"]], [["50000.00", "1000.000"]])  # maxQty
    assert (await api.http.get(f"{CONTROL}/depth/BTCUSDT")).status_code == 404


async def test_a_market_order_walks_the_levels(api: Api) -> None:
    await with_ladder(api)
    creds = await api.account("1000")
    await isolated(api, creds, leverage=20)
    r = await order(
        api, creds, symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.012", newOrderRespType="RESULT"
    )
    assert r.status_code == 200, r.text
    placed = r.json()
    # 0.005 at 50000 (250), 0.005 at 50000.10 (250.0005), 0.002 at 50000.20 (100.0004): 600.0009,
    # on average 600.0009 / 0.012 = 50000.075
    assert (placed["status"], placed["executedQty"]) == ("FILLED", "0.012")
    (stored,) = await signed_get(api, creds, "/fapi/v1/allOrders", symbol="BTCUSDT")
    assert (stored["cumQuote"], stored["avgPrice"]) == ("600.00090", "50000.07500")
    trades = await signed_get(api, creds, "/fapi/v1/userTrades", symbol="BTCUSDT")
    assert [(t["price"], t["qty"], t["commission"]) for t in trades] == [
        ("50000.00", "0.005", "0.12500000"),  # 250 × 0.0005
        ("50000.10", "0.005", "0.12500025"),  # 250.0005 × 0.0005
        ("50000.20", "0.002", "0.05000020"),  # 100.0004 × 0.0005
    ]
    assert {t["orderId"] for t in trades} == {placed["orderId"]}
    # each level opens its share at its price: isolated wallet 600.0009 / 20 = 30.000045 less the
    # fees 0.30000045 = 29.70004455; entry the quantity-weighted price 50000.075
    row = await position_risk(api, creds)
    assert (row["positionAmt"], row["entryPrice"], row["isolatedWallet"]) == ("0.012", "50000.075", "29.70004455")
    income = await signed_get(api, creds, "/fapi/v1/income", incomeType="COMMISSION")
    assert [i["income"] for i in income] == ["-0.12500000", "-0.12500025", "-0.05000020"]
    # money conserved: the wallet (cross + isolated) moved by the three fees alone, 1000 − 0.30000045
    account = await signed_get(api, creds, "/fapi/v3/account")
    assert account["totalWalletBalance"] == "999.69999955"


async def test_a_limit_order_takes_the_levels_up_to_its_price_and_rests_or_expires(api: Api) -> None:
    await with_ladder(api)
    creds = await api.account("1000")
    await isolated(api, creds, leverage=20)
    limit = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "quantity": "0.012", "price": "50000.10"}
    r = await order(api, creds, timeInForce="FOK", **limit)
    assert r.json() == {
        "code": -5021,
        "msg": "Due to the order could not be filled immediately, the FOK order has been rejected.",
    }
    assert await signed_get(api, creds, "/fapi/v1/userTrades", symbol="BTCUSDT") == []  # nothing written

    r = await order(api, creds, timeInForce="IOC", newOrderRespType="RESULT", **limit)
    expired = r.json()
    # 0.005 at 50000 and 0.005 at 50000.10 reach the price; the 0.002 left expires
    assert (expired["status"], expired["executedQty"]) == ("EXPIRED", "0.010")
    ioc = await signed_get(api, creds, "/fapi/v1/order", symbol="BTCUSDT", orderId=str(expired["orderId"]))
    assert (ioc["cumQuote"], ioc["avgPrice"]) == ("500.00050", "50000.05000")  # 250 + 250.0005

    r = await order(api, creds, timeInForce="GTC", newOrderRespType="RESULT", **limit)
    resting = r.json()
    assert (resting["status"], resting["executedQty"]) == ("PARTIALLY_FILLED", "0.010")
    (open_order,) = await signed_get(api, creds, "/fapi/v1/openOrders", symbol="BTCUSDT")
    assert (open_order["orderId"], open_order["status"], open_order["executedQty"]) == (
        resting["orderId"],
        "PARTIALLY_FILLED",
        "0.010",
    )
    # the rest reserves its initial margin: 0.002 × 50000.10 / 20 = 5.00001
    assert (await position_risk(api, creds))["positionAmt"] == "0.020"
    account = await signed_get(api, creds, "/fapi/v3/account")
    assert account["totalOpenOrderInitialMargin"] == "5.00001000"
    trades = await signed_get(api, creds, "/fapi/v1/userTrades", symbol="BTCUSDT")
    assert len(trades) == 4


async def test_depth_settings_are_checked(api: Api) -> None:
    bad = [
        (
            "BTCUSDT",
            {"step": "0.05", "quantity": "1"},
            400,
            "step must be a positive multiple of BTCUSDT's tickSize 0.10",
        ),
        (
            "BTCUSDT",
            {"step": "0.1", "quantity": "0.0005"},
            400,
            "quantity must be a positive multiple of BTCUSDT's stepSize 0.001",
        ),
        (
            "BTCUSDT",
            {"step": "-0.1", "quantity": "1"},
            400,
            "step must be a positive multiple of BTCUSDT's tickSize 0.10",
        ),
        ("NOPEUSDT", {"step": "0.1", "quantity": "1"}, 404, "unknown symbol 'NOPEUSDT'; configured: BTCUSDT, ETHUSDT"),
    ]
    for symbol, body, status, message in bad:
        r = await api.http.put(f"{CONTROL}/depth/{symbol}", json=body)
        assert (r.status_code, r.json()) == (status, {"error": message})
    r = await api.http.delete(f"{CONTROL}/depth/BTCUSDT")
    assert r.json() == {"symbol": "BTCUSDT", "deleted": False}
