"""The account and position surface end to end: shapes, JSON types, rows shown, weights, wallets.

Every reply is deserialized with the official SDK's strict pydantic model [SDK] and its field set
compared with the model's, so a string where Binance sends a number (or the reverse) fails here.
"""

from __future__ import annotations

import re
import time
from decimal import Decimal
from typing import Any

import pytest

from tests.api.surface_support import call, ok, risk, sdk_fields, sdk_parse
from tests.support import Api

# The doc's empty v2 row [PR2], with isomargin's BTCUSDT defaults (20x → tier 6 cap 100,000,000).
EMPTY_V2_ETH = {
    "symbol": "ETHUSDT",
    "positionAmt": "0.000",
    "entryPrice": "0.0",
    "breakEvenPrice": "0.0",
    "markPrice": "3000.00000000",
    "unRealizedProfit": "0.00000000",
    "liquidationPrice": "0",
    "leverage": "20",
    "maxNotionalValue": "65000000",  # ETHUSDT at 20x: tier 6 (initialLeverage 20) caps at 65,000,000
    "marginType": "cross",
    "isolatedMargin": "0.00000000",
    "isAutoAddMargin": "false",
    "positionSide": "BOTH",
    "notional": "0",
    "isolatedWallet": "0",
    "updateTime": 0,
    # not in the doc: every real v2 row ends with these two (audit #5)
    "isolated": False,
    "adlQuantile": 0,
}
#: v2 fields the real server sends and the SDK's model does not declare (audit #5)
V2_UNDECLARED = frozenset({"isolated", "adlQuantile"})


BALANCE_AMOUNTS = ("balance", "crossWalletBalance", "crossUnPnl", "availableBalance", "maxWithdrawAmount")


def usdt(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The wallet's own row among a balance's margin assets."""
    return [r for r in rows if r["asset"] == "USDT"]


def _exact_fields(model: str, row: dict[str, Any], extra: frozenset[str] = frozenset()) -> None:
    assert set(row) == set(sdk_fields(model)) | extra


async def test_position_risk_rows_one_way(api: Api) -> None:
    creds = await api.account("10000")
    await api.position(creds, "BTCUSDT", "0.1", "50000", leverage=10)
    await api.mark("ETHUSDT", "3000")

    v2 = await risk(api, creds, 2)
    # v2: every symbol, the BOTH side, the empty ETHUSDT row included [PR2]
    assert [(r["symbol"], r["positionSide"]) for r in v2] == [("BTCUSDT", "BOTH"), ("ETHUSDT", "BOTH")]
    assert v2[1] == EMPTY_V2_ETH
    sdk_parse("PositionInformationV2Response", v2)
    for row in v2:
        _exact_fields("PositionInformationV2ResponseInner", row, V2_UNDECLARED)

    # v3: only symbols with a position [PR3]
    v3 = await risk(api, creds, 3)
    assert [(r["symbol"], r["positionSide"]) for r in v3] == [("BTCUSDT", "BOTH")]
    sdk_parse("PositionInformationV3Response", v3)
    _exact_fields("PositionInformationV3ResponseInner", v3[0])
    assert await risk(api, creds, 3, "ETHUSDT") == []
    assert [r["symbol"] for r in await risk(api, creds, 2, "ETHUSDT")] == ["ETHUSDT"]


async def test_position_risk_rows_hedge(api: Api) -> None:
    creds = await api.account("10000", dual=True)
    await api.position(creds, "BTCUSDT", "0.1", "50000", leverage=10, side="LONG")

    v2 = await risk(api, creds, 2, "BTCUSDT")
    # hedge mode: LONG and SHORT rows, the empty SHORT leg included, as the doc's hedge example [PR2]
    assert [(r["positionSide"], r["positionAmt"]) for r in v2] == [("LONG", "0.100"), ("SHORT", "0.000")]
    assert v2[1]["isolatedWallet"] == "0" and v2[1]["liquidationPrice"] == "0" and v2[1]["notional"] == "0"
    assert v2[1]["marginType"] == "isolated"  # margin type is per symbol, shared by both legs [MT-CM]
    # v3 leaves the empty leg out
    v3 = await risk(api, creds, 3)
    assert [(r["symbol"], r["positionSide"]) for r in v3] == [("BTCUSDT", "LONG")]
    assert len(await risk(api, creds, 2)) == 4  # 2 symbols × LONG/SHORT


async def test_position_risk_numbers_and_types(api: Api) -> None:
    creds = await api.account("10000")
    await api.position(creds, "BTCUSDT", "-0.1", "50000", leverage=10)  # short, iw 500
    await api.mark("BTCUSDT", "49000.5")
    (v2,) = await risk(api, creds, 2, "BTCUSDT")
    (v3,) = await risk(api, creds, 3, "BTCUSDT")
    # upnl = −0.1 × (49000.5 − 50000) = 99.95; notional = −0.1 × 49000.5 = −4900.05
    # short LP = (WB + cum + Q×EP) / (Q × (1 + MMR)) = (500 + 0 + 5000) / (0.1 × 1.004) = 54780.87649402…
    # short break-even = EP × (1 − taker 0.0005) = 49975 (reference §2.5, assumed for shorts)
    assert v2 == {
        "symbol": "BTCUSDT",
        "positionAmt": "-0.100",
        "entryPrice": "50000.0",  # a Java double's text (audit #15)
        # short break-even = EP × (1 − taker 0.0005) = 49975 (reference §2.5, assumed for shorts)
        "breakEvenPrice": "49975.0",
        "markPrice": "49000.50000000",
        "unRealizedProfit": "99.95000000",
        "liquidationPrice": "54780.87649402",
        "leverage": "10",
        "maxNotionalValue": "230000000",
        "marginType": "isolated",
        "isolatedMargin": "599.95000000",
        "isAutoAddMargin": "false",
        "positionSide": "BOTH",
        "notional": "-4900.05000000",
        "isolatedWallet": "500.00000000",
        "updateTime": v2["updateTime"],
        "isolated": True,
        # the only short of BTCUSDT, in profit: first in its side's ADL queue (domain/adl.py)
        "adlQuantile": 4,
    }
    assert isinstance(v2["updateTime"], int) and v2["updateTime"] > 0
    # v3 adds initial margin |notional| / 10 = 490.005 and maint margin 4900.05 × 0.004 = 19.6002
    assert v3["initialMargin"] == v3["positionInitialMargin"] == "490.00500000"
    assert v3["maintMargin"] == "19.60020000"
    assert (v3["marginAsset"], v3["adl"], v3["openOrderInitialMargin"]) == ("USDT", 4, "0")


async def test_wallet_balance_includes_isolated_wallets_cross_wallet_does_not(api: Api) -> None:
    creds = await api.account("10000")
    await api.position(creds, "BTCUSDT", "0.1", "50000", leverage=10)  # iw 500 from the cross wallet
    assert (await api.margin(creds, "100", 1)).status_code == 200  # iw 600, cross 9400
    await api.mark("BTCUSDT", "51000")  # upnl = 0.1 × 1000 = 100

    for version in (2, 3):
        rows = await ok(api, creds, "GET", f"/fapi/v{version}/balance")
        sdk_parse(f"FuturesAccountBalanceV{version}Response", rows)
        # a row per margin asset in the real answer's order, the unused ones zero (audit #11)
        assert [r["asset"] for r in rows] == ["FDUSD", "BNB", "ETH", "BTC", "USDT", "USDC"]
        alias = rows[0]["accountAlias"]
        assert re.fullmatch(r"(?:[A-Z][a-z]|[a-z][A-Z]){8}", alias) and {r["accountAlias"] for r in rows} == {alias}
        for empty in (r for r in rows if r["asset"] != "USDT"):
            _exact_fields("FuturesAccountBalanceV2ResponseInner", empty)
            assert {k: v for k, v in empty.items() if k not in ("accountAlias", "asset")} == {
                **{k: "0.00000000" for k in BALANCE_AMOUNTS},
                "marginAvailable": True,
                "updateTime": 0,
            }
        (row,) = usdt(rows)
        _exact_fields("FuturesAccountBalanceV2ResponseInner", row)
        assert row["balance"] == "10000.00000000"  # 9400 cross + 600 isolated: a transfer keeps the sum
        assert row["crossWalletBalance"] == "9400.00000000"
        assert row["crossUnPnl"] == "0.00000000"  # the only position is isolated
        assert row["availableBalance"] == row["maxWithdrawAmount"] == "9400.00000000"
        assert row["marginAvailable"] is True and row["updateTime"] > 0

    v3 = await ok(api, creds, "GET", "/fapi/v3/account")
    sdk_parse("AccountInformationV3Response", v3)
    _exact_fields("AccountInformationV3Response", v3)
    # IM = 5100 / 10 = 510; MM = 5100 × 0.004 = 20.4; margin balance = 10000 + 100
    assert {k: v for k, v in v3.items() if k.startswith("total")} == {
        "totalInitialMargin": "510.00000000",
        "totalMaintMargin": "20.40000000",
        "totalWalletBalance": "10000.00000000",
        "totalUnrealizedProfit": "100.00000000",
        "totalMarginBalance": "10100.00000000",
        "totalPositionInitialMargin": "510.00000000",
        "totalOpenOrderInitialMargin": "0.00000000",
        "totalCrossWalletBalance": "9400.00000000",
        "totalCrossUnPnl": "0.00000000",
    }
    assert v3["availableBalance"] == v3["maxWithdrawAmount"] == "9400.00000000"
    (asset,) = v3["assets"]
    _exact_fields("AccountInformationV3ResponseAssetsInner", asset)
    assert (asset["walletBalance"], asset["crossWalletBalance"], asset["marginBalance"]) == (
        "10000.00000000",
        "9400.00000000",
        "10100.00000000",
    )
    (position,) = v3["positions"]
    _exact_fields("AccountInformationV3ResponsePositionsInner", position)
    assert position == {
        "symbol": "BTCUSDT",
        "positionSide": "BOTH",
        "positionAmt": "0.100",
        "unrealizedProfit": "100.00000000",
        "isolatedMargin": "700.00000000",  # isolatedWallet + upnl = 600 + 100
        "notional": "5100.00000000",
        "isolatedWallet": "600.00000000",
        "initialMargin": "510.00000000",
        "maintMargin": "20.40000000",
        "updateTime": position["updateTime"],
    }


async def test_account_v2_lists_every_symbol(api: Api) -> None:
    creds = await api.account("10000", dual=True)
    await api.position(creds, "BTCUSDT", "0.1", "50000", leverage=10, side="LONG")
    v2 = await ok(api, creds, "GET", "/fapi/v2/account")
    sdk_parse("AccountInformationV2Response", v2)  # the SDK's model does not require feeBurn
    # the flags as the real 2023 answer orders them, without the doc's feeBurn (audit #18)
    assert set(v2) == set(sdk_fields("AccountInformationV2Response")) - {"feeBurn"}
    assert list(v2)[:7] == [
        "feeTier",
        "canTrade",
        "canDeposit",
        "canWithdraw",
        "tradeGroupId",
        "updateTime",
        "multiAssetsMargin",
    ]
    assert list(v2["assets"][0])[-7:] == [
        "openOrderInitialMargin",
        "maxWithdrawAmount",
        "crossWalletBalance",
        "crossUnPnl",
        "availableBalance",
        "marginAvailable",
        "updateTime",
    ]
    assert (v2["canTrade"], v2["multiAssetsMargin"], v2["feeTier"], v2["tradeGroupId"]) == (True, False, 0, -1)
    _exact_fields("AccountInformationV2ResponseAssetsInner", v2["assets"][0])
    # hedge mode: LONG and SHORT of every symbol [ACC2]
    rows = v2["positions"]
    assert [(r["symbol"], r["positionSide"]) for r in rows] == [
        ("BTCUSDT", "LONG"),
        ("BTCUSDT", "SHORT"),
        ("ETHUSDT", "LONG"),
        ("ETHUSDT", "SHORT"),
    ]
    for row in rows:
        # observed in a real reply beside the documented fields (go-binance#748)
        observed = frozenset({"breakEvenPrice", "notional", "isolatedWallet"})
        _exact_fields("AccountInformationV2ResponsePositionsInner", row, observed)
    assert (rows[0]["isolated"], rows[0]["leverage"], rows[0]["maxNotional"]) == (True, "10", "230000000")
    assert (rows[0]["initialMargin"], rows[0]["maintMargin"]) == ("500.00000000", "20.00000000")
    assert (rows[2]["isolated"], rows[2]["leverage"], rows[2]["positionAmt"]) == (False, "20", "0.000")


async def test_account_config_and_position_mode_follow_the_switch(api: Api) -> None:
    creds = await api.account("10000")
    config = await ok(api, creds, "GET", "/fapi/v1/accountConfig")
    sdk_parse("FuturesAccountConfigurationResponse", config)
    _exact_fields("FuturesAccountConfigurationResponse", config)
    assert config["dualSidePosition"] is False
    # a real timestamp, never the doc's 0 (audit #19): the account's last change, as its balance shows
    (balance,) = usdt(await ok(api, creds, "GET", "/fapi/v2/balance"))
    assert isinstance(config["updateTime"], int) and config["updateTime"] == balance["updateTime"] > 0
    assert await ok(api, creds, "GET", "/fapi/v1/positionSide/dual") == {"dualSidePosition": False}

    r = await call(api, creds, "POST", "/fapi/v1/positionSide/dual", dualSidePosition="true")
    assert (r.status_code, r.json()) == (200, {"code": 200, "msg": "success"})
    sdk_parse("ChangePositionModeResponse", r.json())
    reply = await ok(api, creds, "GET", "/fapi/v1/positionSide/dual")
    assert reply == {"dualSidePosition": True}
    sdk_parse("GetCurrentPositionModeResponse", reply)
    switched = await ok(api, creds, "GET", "/fapi/v1/accountConfig")
    assert switched["dualSidePosition"] is True and switched["updateTime"] >= config["updateTime"]
    # the switch applies to every symbol: positionRisk now shows LONG/SHORT rows
    assert [r["positionSide"] for r in await risk(api, creds, 2, "ETHUSDT")] == ["LONG", "SHORT"]


async def test_margin_type_and_leverage_on_a_symbol_without_position(api: Api) -> None:
    creds = await api.account("10000")
    rows = await ok(api, creds, "GET", "/fapi/v1/symbolConfig")
    sdk_parse("SymbolConfigurationResponse", rows)
    assert rows[1] == {
        "symbol": "ETHUSDT",
        "marginType": "CROSSED",
        "isAutoAddMargin": False,
        "leverage": 20,
        "maxNotionalValue": "65000000",
    }
    _exact_fields("SymbolConfigurationResponseInner", rows[1])

    r = await call(api, creds, "POST", "/fapi/v1/marginType", symbol="ETHUSDT", marginType="ISOLATED")
    assert (r.status_code, r.json()) == (200, {"code": 200, "msg": "success"})
    sdk_parse("ChangeMarginTypeResponse", r.json())
    reply = await ok(api, creds, "POST", "/fapi/v1/leverage", symbol="ETHUSDT", leverage=50)
    # 50x: tiers 1-4 allow it, tier 4 caps at 12,000,000 [LEV]
    assert reply == {"symbol": "ETHUSDT", "leverage": 50, "maxNotionalValue": "12000000"}
    sdk_parse("ChangeInitialLeverageResponse", reply)
    assert await ok(api, creds, "GET", "/fapi/v1/symbolConfig", symbol="ETHUSDT") == [
        {
            "symbol": "ETHUSDT",
            "marginType": "ISOLATED",
            "isAutoAddMargin": False,
            "leverage": 50,
            "maxNotionalValue": "12000000",
        }
    ]
    (row,) = await risk(api, creds, 2, "ETHUSDT")
    assert (row["marginType"], row["leverage"], row["maxNotionalValue"]) == ("isolated", "50", "12000000")


@pytest.mark.parametrize(
    ("leverage", "cap"), [(125, "50000"), (101, "50000"), (100, "600000"), (25, "70000000"), (1, "1800000000")]
)
async def test_leverage_reply_carries_the_bracket_max_notional(api: Api, leverage: int, cap: str) -> None:
    creds = await api.account("10000")
    reply = await ok(api, creds, "POST", "/fapi/v1/leverage", symbol="BTCUSDT", leverage=leverage)
    assert reply == {"symbol": "BTCUSDT", "leverage": leverage, "maxNotionalValue": cap}


async def test_leverage_bracket_is_an_array_with_a_symbol_and_without(api: Api) -> None:
    creds = await api.account("10000")
    r = await call(api, creds, "GET", "/fapi/v1/leverageBracket", symbol="BTCUSDT")
    assert r.status_code == 200
    # numbers, not strings [LB]
    assert '{"bracket":2,"initialLeverage":100,"notionalCap":600000,"notionalFloor":50000,' in r.text
    assert '"maintMarginRatio":0.005,"cum":50.0}' in r.text  # cum a Java double (audit #20)
    # a one-element array, as the real server answers (audit #1, ccxt #16667)
    (one,) = r.json()
    assert list(one) == ["symbol", "brackets"] and len(one["brackets"]) == 12
    assert one["brackets"][0] == {
        "bracket": 1,
        "initialLeverage": 125,
        "notionalCap": 50000,
        "notionalFloor": 0,
        "maintMarginRatio": 0.004,
        "cum": 0,
    }
    parsed = sdk_parse("NotionalAndLeverageBracketsResponse", r.json())
    assert isinstance(parsed.actual_instance, list) and parsed.actual_instance[0].symbol == "BTCUSDT"

    every = await ok(api, creds, "GET", "/fapi/v1/leverageBracket")
    assert [b["symbol"] for b in every] == ["BTCUSDT", "ETHUSDT"]
    parsed = sdk_parse("NotionalAndLeverageBracketsResponse", every)
    assert isinstance(parsed.actual_instance, list)
    assert every[1]["brackets"][5]["notionalCap"] == 65000000  # ETHUSDT tier 6, reference §6.6


async def test_raising_leverage_keeps_the_isolated_wallet_and_frees_margin(api: Api) -> None:
    creds = await api.account("10000")
    await api.position(creds, "BTCUSDT", "0.1", "50000", leverage=10)  # iw 500
    await api.mark("BTCUSDT", "50000")
    # max removable = min(iw − MM, iw + upnl − notional/leverage) = min(500 − 20, 500 + 0 − 500) = 0
    assert (await api.margin(creds, "0.00000001", 2)).json()["code"] == -4051

    reply = await ok(api, creds, "POST", "/fapi/v1/leverage", symbol="BTCUSDT", leverage=20)
    assert reply == {"symbol": "BTCUSDT", "leverage": 20, "maxNotionalValue": "100000000"}
    (row,) = await risk(api, creds, 3)
    # the wallet stays; only IM = 5000 / 20 = 250 falls; the liquidation price ignores leverage
    assert (row["isolatedWallet"], row["initialMargin"], row["liquidationPrice"]) == (
        "500.00000000",
        "250.00000000",
        "45180.72289157",  # (5000 − 500) / (0.1 × 0.996)
    )
    # now max removable = min(480, 500 − 250) = 250
    assert (await api.margin(creds, "250.00000001", 2)).json()["code"] == -4051
    assert (await api.margin(creds, "250", 2)).status_code == 200
    (row,) = await risk(api, creds, 3)
    assert row["isolatedWallet"] == "250.00000000"


WEIGHTS = [
    ("GET", "/fapi/v2/positionRisk", {}, 5),
    ("GET", "/fapi/v3/positionRisk", {}, 5),
    ("GET", "/fapi/v2/balance", {}, 5),
    ("GET", "/fapi/v3/balance", {}, 5),
    ("GET", "/fapi/v2/account", {}, 5),
    ("GET", "/fapi/v3/account", {}, 5),
    ("GET", "/fapi/v1/accountConfig", {}, 5),
    ("GET", "/fapi/v1/symbolConfig", {}, 5),
    ("GET", "/fapi/v1/leverageBracket", {}, 1),
    ("GET", "/fapi/v1/positionSide/dual", {}, 30),
    ("POST", "/fapi/v1/positionSide/dual", {"dualSidePosition": "true"}, 1),
    ("POST", "/fapi/v1/marginType", {"symbol": "ETHUSDT", "marginType": "ISOLATED"}, 1),
    ("POST", "/fapi/v1/leverage", {"symbol": "ETHUSDT", "leverage": "10"}, 1),
]


async def test_each_endpoint_counts_its_documented_weight(api: Api) -> None:
    """Weights from each endpoint's page, reference §3.2."""
    creds = await api.account("10000")
    # Weight is counted in fixed one-minute windows: move the server's clock to just past a minute
    # boundary so the whole loop runs inside one window (the client signs with the server's time).
    wall = time.time_ns() // 1_000_000
    r = await api.http.put("/_isomargin/v1/clock", json={"offsetMs": 60_000 - wall % 60_000 + 500})
    assert r.status_code == 200
    used = 0
    for method, path, params, weight in WEIGHTS:
        r = await call(api, creds, method, path, **params)
        assert r.status_code == 200, (path, r.text)
        now = int(r.headers["x-mbx-used-weight-1m"])
        assert now - used == weight, path
        used = now


async def test_balance_and_margin_stay_exact_decimals(api: Api) -> None:
    creds = await api.account("1000.12345678")
    await api.position(creds, "ETHUSDT", "0.333", "3001.07", leverage=7)
    # IM rounded up to 8 places: 0.333 × 3001.07 / 7 = 142.76518714… → 142.76518715
    (row,) = usdt(await ok(api, creds, "GET", "/fapi/v2/balance"))
    assert Decimal(row["balance"]) == Decimal("1000.12345678")
    assert Decimal(row["crossWalletBalance"]) == Decimal("1000.12345678") - Decimal("142.76518715")


async def test_control_plane_position_keeps_the_leverage_the_client_set(api: Api) -> None:
    creds = await api.account("10000")
    await ok(api, creds, "POST", "/fapi/v1/marginType", symbol="BTCUSDT", marginType="ISOLATED")
    await ok(api, creds, "POST", "/fapi/v1/leverage", symbol="BTCUSDT", leverage=8)
    body = {"accountId": creds.account_id, "symbol": "BTCUSDT", "positionAmt": "0.1", "entryPrice": "40000"}
    r = await api.http.post("/_isomargin/v1/positions", json=body)  # no "leverage": the account's 8x
    assert r.status_code == 201, r.text
    (row,) = await risk(api, creds, 3)
    # iw = initial margin = 0.1 × 40,000 / 8 = 500
    assert (row["isolatedWallet"], row["initialMargin"]) == ("500.00000000", "625.00000000")  # IM at mark 50,000
    (v2,) = await risk(api, creds, 2, "BTCUSDT")
    assert (v2["leverage"], v2["marginType"]) == ("8", "isolated")
