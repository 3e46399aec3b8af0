"""The market moves (issue 13): a frozen clock, advances through paths and funding times, by hand.

Numbers from the default BTCUSDT tiers (tier 1 MMR 0.004) and the liquidation story's long:
0.01 BTC at 50,000, 20x isolated, isolated wallet 24.75 (tests/liquidation).
"""

from __future__ import annotations

from typing import Any

from tests import snapshot
from tests.liquidation.test_liquidation_story import long_at_20x, move, signed_get
from tests.support import CONTROL, Api
from tests.trading.support import book, market, position_risk

HOUR_MS = 3_600_000


async def freeze(api: Api) -> int:
    r = await api.http.put(f"{CONTROL}/clock", json={"frozen": True})
    assert r.status_code == 200, r.text
    assert r.json()["frozen"] is True
    return int(r.json()["serverTime"])


async def advance(api: Api, ms: int) -> dict[str, Any]:
    r = await api.http.post(f"{CONTROL}/clock/advance", json={"ms": ms})
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_a_frozen_clock_stands_still_and_moves_only_by_advance(api: Api) -> None:
    now = await freeze(api)
    assert (await api.http.get("/fapi/v1/time")).json()["serverTime"] == now
    moved = await advance(api, 60_000)
    assert (moved["serverTime"], moved["frozen"], moved["events"]) == (now + 60_000, True, [])
    assert (await api.http.get("/fapi/v1/time")).json()["serverTime"] == now + 60_000
    r = await api.http.put(f"{CONTROL}/clock", json={"frozen": False})
    running = r.json()
    assert running["frozen"] is False and running["serverTime"] >= now + 60_000  # runs on from there
    r = await api.http.post(f"{CONTROL}/reset")
    clock = (await api.http.get(f"{CONTROL}/clock")).json()
    assert (clock["offsetMs"], clock["frozen"]) == (0, False)


async def test_funding_is_charged_at_its_time_and_moves_the_liquidation_price(api: Api) -> None:
    longs = await long_at_20x(api)
    shorts = await api.account("1000")
    await market(api, shorts, "SELL", "0.01")  # cross (the default): fee 0.25 from the wallet → 999.75
    now = await freeze(api)
    r = await api.http.put(f"{CONTROL}/funding/BTCUSDT", json={"fundingRate": "0.0001", "intervalHours": 8})
    assert r.status_code == 200, r.text
    next_time = r.json()["nextFundingTime"]
    assert next_time % (8 * HOUR_MS) == 0 and now < next_time <= now + 8 * HOUR_MS  # 00:00, 08:00, 16:00 UTC
    index = (await api.http.get("/fapi/v1/premiumIndex", params={"symbol": "BTCUSDT"})).json()
    assert (index["lastFundingRate"], index["nextFundingTime"]) == ("0.00010000", next_time)

    moved = await advance(api, 8 * HOUR_MS)  # passes exactly one funding time
    (event,) = moved["events"]
    assert (event["type"], event["time"], event["payments"], event["markPrice"]) == ("FUNDING", next_time, 2, "50000")
    # the long pays 0.01 × 50000 × 0.0001 = 0.05 from its isolated wallet: 24.75 → 24.70, and its
    # liquidation price rises to (500 − 24.70) / 0.00996 = 47720.883534136…
    row = await position_risk(api, longs)
    assert (row["isolatedWallet"], row["liquidationPrice"]) == ("24.70000000", "47720.88353414")
    history = await signed_get(api, longs, "/fapi/v1/positionMargin/history", symbol="BTCUSDT")
    assert [(h["type"], h["deltaType"], h["amount"]) for h in history if h["deltaType"] == "FUNDING_FEE"] == [
        (2, "FUNDING_FEE", "-0.05000000")
    ]
    income = await signed_get(api, longs, "/fapi/v1/income", incomeType="FUNDING_FEE")
    assert [(i["income"], i["time"]) for i in income] == [("-0.05000000", next_time)]
    # the cross short receives it into the wallet: 999.75 + 0.05
    assert (await api.summary(shorts))["crossWalletBalance"] == "999.80000000"

    r = await api.http.get("/fapi/v1/fundingRate", params={"symbol": "BTCUSDT"})
    snapshot.check("fundingRate-BTCUSDT", r)
    rates = r.json()
    assert rates == [
        {"symbol": "BTCUSDT", "fundingRate": "0.00010000", "fundingTime": next_time, "markPrice": "50000.00000000"}
    ]
    r = await api.http.get("/fapi/v1/fundingInfo")
    snapshot.check("fundingInfo", r)
    info = r.json()
    assert [(i["symbol"], i["fundingIntervalHours"]) for i in info] == [("BTCUSDT", 8)]
    index = (await api.http.get("/fapi/v1/premiumIndex", params={"symbol": "BTCUSDT"})).json()
    assert index["nextFundingTime"] == next_time + 8 * HOUR_MS


async def test_funding_can_liquidate(api: Api) -> None:
    creds = await long_at_20x(api)
    await move(api, "BTCUSDT", "47800")  # MM 1.912, balance 24.75 − 22 = 2.75: alive
    await freeze(api)
    await api.http.put(f"{CONTROL}/funding/BTCUSDT", json={"fundingRate": "0.01", "intervalHours": 1})
    (event,) = (await advance(api, HOUR_MS))["events"]
    # pays 0.01 × 47800 × 0.01 = 4.78: balance 2.75 − 4.78 < MM, liquidated at the standing mark;
    # the wallet 19.97 puts the bankruptcy price at 50000 − 1997 = 48003, above the mark: the user's
    # fill is there and the fund pays (48003 − 47800) × 0.01 = 2.03
    (liq,) = event["liquidations"]
    assert (liq["accountId"], liq["avgPrice"], liq["insuranceGap"]) == (creds.account_id, "48003", "2.03000000")
    assert (await position_risk(api, creds))["positionAmt"] == "0.000"


async def test_an_advance_walks_a_path_in_time_order(api: Api) -> None:
    creds = await long_at_20x(api)
    now = await freeze(api)
    points = [
        {"afterMs": 2000, "markPrice": "47700"},
        {"afterMs": 1000, "markPrice": "49000", "bidPrice": "48990", "askPrice": "49010"},
        {"afterMs": 5000, "markPrice": "51000"},
    ]
    r = await api.http.put(f"{CONTROL}/markPrices/BTCUSDT/path", json={"points": points})
    assert r.status_code == 200, r.text
    assert [p["at"] for p in r.json()["points"]] == [now + 1000, now + 2000, now + 5000]

    moved = await advance(api, 3000)
    assert [(e["type"], e["time"], e["markPrice"], len(e["liquidations"])) for e in moved["events"]] == [
        ("MARK_PRICE", now + 1000, "49000", 0),
        ("MARK_PRICE", now + 2000, "47700", 1),
    ]
    assert moved["events"][1]["liquidations"][0]["accountId"] == creds.account_id
    left = (await api.http.get(f"{CONTROL}/markPrices/BTCUSDT/path")).json()
    assert left == {
        "symbol": "BTCUSDT",
        "points": [{"at": now + 5000, "markPrice": "51000", "bidPrice": "51000", "askPrice": "51000"}],
    }
    r = await api.http.delete(f"{CONTROL}/markPrices/BTCUSDT/path")
    assert r.json() == {"symbol": "BTCUSDT", "deleted": 1}
    assert (await advance(api, 10_000))["events"] == []


async def test_schedule_errors(api: Api) -> None:
    await book(api, "BTCUSDT", "50000")
    cases = [
        ("PUT", "/funding/BTCUSDT", {"fundingRate": "0.0001", "intervalHours": 3}, 400),
        ("PUT", "/funding/FOOUSDT", {"fundingRate": "0.0001"}, 404),
        ("GET", "/funding/BTCUSDT", None, 404),
        ("DELETE", "/funding/BTCUSDT", None, 404),
        ("PUT", "/markPrices/BTCUSDT/path", {"points": []}, 400),
        ("PUT", "/markPrices/BTCUSDT/path", {"points": [{"afterMs": -1, "markPrice": "1"}]}, 400),
        ("PUT", "/markPrices/BTCUSDT/path", {"points": [{"afterMs": 1, "at": 1, "markPrice": "1"}]}, 400),
        ("PUT", "/markPrices/BTCUSDT/path", {"points": [{"afterMs": 1, "markPrice": "0"}]}, 400),
        ("POST", "/clock/advance", {"ms": 0}, 400),
        ("PUT", "/clock", {}, 400),
    ]
    for method, path, body, status in cases:
        r = await api.http.request(method, f"{CONTROL}{path}", json=body)
        assert r.status_code == status, (path, body, r.text)
        assert set(r.json()) == {"error"}


async def test_a_gtd_order_expires_at_its_time(api: Api) -> None:
    creds = await api.account("1000")
    await book(api, "BTCUSDT", "50000")
    now = await freeze(api)
    end = now + 700_000  # Binance wants goodTillDate at least 600 s ahead [doc NO]
    params = {
        "symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTD", "quantity": "0.01",
        "price": "49000", "goodTillDate": str(end),
    }  # fmt: skip
    r = await api.signed("POST", "/fapi/v1/order", creds, params, timestamp=now)
    assert r.status_code == 200, r.text
    order_id = r.json()["orderId"]
    moved = await advance(api, 700_000)
    assert [(e["type"], e["time"], e["orderId"]) for e in moved["events"]] == [("GTD_EXPIRY", end, order_id)]
    r = await api.signed("GET", "/fapi/v1/order", creds, {"symbol": "BTCUSDT", "orderId": str(order_id)}, timestamp=end)
    assert r.json()["status"] == "EXPIRED"
    assert (await api.summary(creds))["positions"] == []


async def test_a_frozen_clock_does_not_hold_clients_to_the_recv_window(api: Api) -> None:
    """A client signs with its own clock, which keeps running: while the server's stands still the
    window is not checked (assumed, isomargin.api.auth.check_timestamp); running, it is again."""
    creds = await api.account()
    now = await freeze(api)
    await advance(api, 8 * HOUR_MS)
    hours_behind = await api.signed("GET", "/fapi/v2/balance", creds, timestamp=now)
    assert hours_behind.status_code == 200, hours_behind.text
    seconds_ahead = await api.signed("GET", "/fapi/v2/balance", creds, timestamp=now + 8 * HOUR_MS + 5000)
    assert seconds_ahead.status_code == 200, seconds_ahead.text
    malformed = await api.raw("GET", "/fapi/v2/balance", creds, "timestamp=soon")
    assert (malformed.status_code, malformed.json()["code"]) == (400, -1102)  # still checked
    await api.http.put(f"{CONTROL}/clock", json={"frozen": False})
    r = await api.signed("GET", "/fapi/v2/balance", creds, timestamp=now)
    assert (r.status_code, r.json()["code"]) == (400, -1021)
