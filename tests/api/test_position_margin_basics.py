"""positionMargin end to end through the ASGI app: the success shapes and the wallet bookkeeping."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.support import Api


async def test_add_then_reduce_moves_money_between_wallets(api: Api) -> None:
    creds = await api.account("10000")
    opened = await api.position(creds, "BTCUSDT", "0.01", "50000", leverage=10)
    # initial margin 0.01 × 50000 / 10 = 50 leaves the cross wallet
    assert opened["isolatedWallet"] == "50.00000000"

    r = await api.margin(creds, "100", 1)
    assert r.status_code == 200
    assert r.text == '{"code":200,"msg":"Successfully modify position margin.","amount":100.0,"type":1}'
    assert r.headers["x-mbx-used-weight-1m"] == "1"

    r = await api.margin(creds, "20.5", 2, where="body")
    assert r.status_code == 200, r.text
    assert r.json() == {"amount": 20.5, "code": 200, "msg": "Successfully modify position margin.", "type": 2}

    summary = await api.summary(creds)
    # cross: 10000 − 50 − 100 + 20.5 = 9870.5; isolated: 50 + 100 − 20.5 = 129.5; total unchanged
    assert summary["crossWalletBalance"] == "9870.50000000"
    assert summary["positions"][0]["isolatedWallet"] == "129.50000000"
    assert Decimal(summary["walletBalance"]) == Decimal("10000")


async def test_history_lists_each_change_in_order(api: Api) -> None:
    creds = await api.account("10000")
    await api.position(creds)
    for amount, type_ in (("23.36332311", 1), ("100", 1), ("3", 2)):
        assert (await api.margin(creds, amount, type_)).status_code == 200
    r = await api.history(creds)
    assert r.status_code == 200
    rows = r.json()
    # 8 decimals, the type-2 row negative, clientTranId "" last (audit #4); first the open's TRADE
    # row: the margin it allocated, 0.01 × 50000 / 10 = 50 (reference §2.2)
    assert [(row["amount"], row["type"], row["deltaType"]) for row in rows] == [
        ("50.00000000", 1, "TRADE"),
        ("23.36332311", 1, "USER_ADJUST"),
        ("100.00000000", 1, "USER_ADJUST"),
        ("-3.00000000", 2, "USER_ADJUST"),
    ]
    for row in rows:
        assert list(row) == ["symbol", "type", "deltaType", "amount", "asset", "time", "positionSide", "clientTranId"]
        assert row["clientTranId"] == "" and row["asset"] == "USDT" and row["positionSide"] == "BOTH"
        assert isinstance(row["time"], int)
    r = await api.history(creds, type=2)
    assert [row["amount"] for row in r.json()] == ["-3.00000000"]


@pytest.mark.parametrize(
    ("amount", "type_", "code", "msg"),
    [
        ("0", 1, -4055, "Amount must be positive."),
        ("-5", 2, -4055, "Amount must be positive."),
        ("100000", 1, -4050, "Cross balance insufficient."),
        ("49", 2, -4051, "Isolated balance insufficient."),
        ("abc", 1, -1102, "Mandatory parameter 'amount' was not sent, was empty/null, or malformed."),
        ("1", 3, -1130, "Data sent for parameter 'type' is not valid."),
    ],
)
async def test_rejections_change_nothing(api: Api, amount: str, type_: int, code: int, msg: str) -> None:
    creds = await api.account("10000")
    await api.position(creds)
    before = await api.summary(creds)
    r = await api.margin(creds, amount, type_)
    assert (r.status_code, r.json()) == (400, {"code": code, "msg": msg})
    assert await api.summary(creds) == before
    # only the open's TRADE row (0.01 × 50000 / 10 = 50): the rejected transfer wrote none
    assert [(row["deltaType"], row["amount"]) for row in (await api.history(creds)).json()] == [
        ("TRADE", "50.00000000")
    ]


async def test_control_plane_keeps_hedge_legs_on_one_leverage(api: Api) -> None:
    creds = await api.account("10000", dual=True)
    await api.position(creds, "ETHUSDT", "1", "3000", leverage=10, side="LONG")
    r = await api.http.post(
        "/_isomargin/v1/positions",
        json={
            "accountId": creds.account_id,
            "symbol": "ETHUSDT",
            "positionSide": "SHORT",
            "positionAmt": "-1",
            "entryPrice": "3000",
            "leverage": 5,
        },
    )
    assert r.status_code == 409
    assert r.json() == {
        "error": "leverage is per symbol: the open LONG leg of ETHUSDT uses 10x; omit leverage or pass 10"
    }
    short = await api.position(creds, "ETHUSDT", "-1", "3000", leverage=10, side="SHORT")
    # 1 × 3000 / 10 = 300 of initial margin, at the shared 10x
    assert (short["leverage"], short["isolatedWallet"]) == ("10", "300.00000000")


async def test_the_control_plane_open_is_a_decree_not_a_trade(api: Api) -> None:
    """Issue 11: the control plane's open goes through a fill's accounting at entryPrice with no fee,
    so it writes the TRADE history row an order's open writes, and no order, trade or income row."""
    creds = await api.account("10000")
    opened = await api.position(creds, "BTCUSDT", "0.02", "50000", leverage=20)
    # margin 0.02 × 50000 / 20 = 50, moved from the cross wallet; no fee, so the wallet stays 10000
    summary = await api.summary(creds)
    assert (summary["crossWalletBalance"], summary["walletBalance"]) == ("9950.00000000", "10000.00000000")
    history = (await api.history(creds)).json()
    assert [(r["type"], r["deltaType"], r["amount"], r["positionSide"]) for r in history] == [
        (1, "TRADE", "50.00000000", "BOTH")
    ]
    assert history[0]["time"] == opened["updateTime"]  # written in the open's transaction
    for path, params in (
        ("/fapi/v1/allOrders", {"symbol": "BTCUSDT"}),
        ("/fapi/v1/userTrades", {"symbol": "BTCUSDT"}),
        ("/fapi/v1/income", {}),
    ):
        r = await api.signed("GET", path, creds, params)
        assert (r.status_code, r.json()) == (200, []), path
