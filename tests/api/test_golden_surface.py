"""Golden responses for the account and position surface (reference §4.2–4.7).

Same mechanism as ``test_golden.py``: ``tests/golden/<name>.json`` holds the masked response,
regenerated with ``UPDATE_GOLDEN=1``; where Binance's doc prints an example, the response's keys
and JSON types must match it (order aside: Binance's own examples order keys inconsistently).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests import snapshot
from tests.support import Api, Creds

# Doc examples, verbatim from the reference (§4.2 [PR2][PR3], §4.3 [MT], §4.4 [PSD], §4.5 [LEV],
# §4.6 [LB], §4.7 [BAL2][ACFG][SCFG]).
DOC_RISK_V2 = {
    "entryPrice": "0.00000",
    "breakEvenPrice": "0.0",
    "marginType": "isolated",
    "isAutoAddMargin": "false",
    "isolatedMargin": "0.00000000",
    "leverage": "10",
    "liquidationPrice": "0",
    "markPrice": "6679.50671178",
    "maxNotionalValue": "20000000",
    "positionAmt": "0.000",
    "notional": "0",
    "isolatedWallet": "0",
    "symbol": "BTCUSDT",
    "unRealizedProfit": "0.00000000",
    "positionSide": "BOTH",
    "updateTime": 0,
    # not in the doc example: every real row ends with these (audit #5)
    "isolated": True,
    "adlQuantile": 0,
}
DOC_RISK_V3 = {
    "symbol": "ADAUSDT",
    "positionSide": "BOTH",
    "positionAmt": "30",
    "entryPrice": "0.385",
    "breakEvenPrice": "0.385077",
    "markPrice": "0.41047590",
    "unRealizedProfit": "0.76427700",
    "liquidationPrice": "0",
    "isolatedMargin": "0",
    "notional": "12.31427700",
    "marginAsset": "USDT",
    "isolatedWallet": "0",
    "initialMargin": "0.61571385",
    "maintMargin": "0.08004280",
    "positionInitialMargin": "0.61571385",
    "openOrderInitialMargin": "0",
    "adl": 2,
    "bidNotional": "0",
    "askNotional": "0",
    "updateTime": 1720736417660,
}
DOC_BALANCE = {
    "accountAlias": "SgsR",
    "asset": "USDT",
    "balance": "122607.35137903",
    "crossWalletBalance": "23.72469206",
    "crossUnPnl": "0.00000000",
    "availableBalance": "23.72469206",
    "maxWithdrawAmount": "23.72469206",
    "marginAvailable": True,
    "updateTime": 1617939110373,
}
DOC_ACCOUNT_CONFIG = {
    "feeTier": 0,
    "canTrade": True,
    "canDeposit": True,
    "canWithdraw": True,
    "dualSidePosition": True,
    "updateTime": 0,
    "multiAssetsMargin": False,
    "tradeGroupId": -1,
}
DOC_SYMBOL_CONFIG = {
    "symbol": "BTCUSDT",
    "marginType": "CROSSED",
    "isAutoAddMargin": False,
    "leverage": 21,
    "maxNotionalValue": "1000000",
}
DOC_SUCCESS = {"code": 200, "msg": "success"}
# the doc example in the real server's key order (audit #17)
DOC_LEVERAGE = {"symbol": "BTCUSDT", "leverage": 21, "maxNotionalValue": "1000000"}
DOC_DUAL = {"dualSidePosition": True}


def same_keys_and_types(actual: Any, doc: Any) -> None:
    def sort(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: sort(v) for k, v in sorted(value.items())}
        if isinstance(value, list):
            return [sort(v) for v in value]
        return value

    assert sort(snapshot.skeleton(actual)) == sort(snapshot.skeleton(doc))


@pytest.fixture
async def holder(api: Api) -> Creds:
    creds = await api.account("10000")
    await api.mark("BTCUSDT", "51000")
    await api.position(creds, "BTCUSDT", "0.01", "50000", leverage=10)
    return creds


async def get(api: Api, creds: Creds, path: str, **params: str) -> Any:
    return await api.signed("GET", path, creds, params)


async def test_position_risk_v2(api: Api, holder: Creds) -> None:
    r = await get(api, holder, "/fapi/v2/positionRisk", symbol="BTCUSDT")
    snapshot.check("positionRisk-v2", r)
    for row in r.json():
        same_keys_and_types(row, DOC_RISK_V2)


async def test_position_risk_v3(api: Api, holder: Creds) -> None:
    r = await get(api, holder, "/fapi/v3/positionRisk")
    snapshot.check("positionRisk-v3", r)
    assert r.json(), "v3 lists the open position"
    for row in r.json():
        same_keys_and_types(row, DOC_RISK_V3)


@pytest.mark.parametrize("version", [2, 3])
async def test_balance(api: Api, holder: Creds, version: int) -> None:
    r = await get(api, holder, f"/fapi/v{version}/balance")
    snapshot.check(f"balance-v{version}", r)
    for row in r.json():
        same_keys_and_types(row, DOC_BALANCE)


@pytest.mark.parametrize("version", [2, 3])
async def test_account(api: Api, holder: Creds, version: int) -> None:
    r = await get(api, holder, f"/fapi/v{version}/account")
    snapshot.check(f"account-v{version}", r)
    assert r.status_code == 200


async def test_account_config(api: Api, holder: Creds) -> None:
    r = await get(api, holder, "/fapi/v1/accountConfig")
    snapshot.check("accountConfig", r)
    same_keys_and_types(r.json(), DOC_ACCOUNT_CONFIG)


async def test_symbol_config(api: Api, holder: Creds) -> None:
    r = await get(api, holder, "/fapi/v1/symbolConfig", symbol="BTCUSDT")
    snapshot.check("symbolConfig", r)
    for row in r.json():
        same_keys_and_types(row, DOC_SYMBOL_CONFIG)


async def test_leverage_bracket(api: Api, holder: Creds) -> None:
    r = await get(api, holder, "/fapi/v1/leverageBracket", symbol="BTCUSDT")
    snapshot.check("leverageBracket-one", r)
    (one,) = r.json()  # a one-element array (audit #1)
    assert isinstance(one["brackets"][0]["maintMarginRatio"], float)


async def test_margin_type(api: Api, holder: Creds) -> None:
    r = await api.signed("POST", "/fapi/v1/marginType", holder, {"symbol": "ETHUSDT", "marginType": "ISOLATED"})
    snapshot.check("marginType", r)
    same_keys_and_types(r.json(), DOC_SUCCESS)


async def test_position_side_dual(api: Api) -> None:
    creds = await api.account("100")
    r = await api.signed("POST", "/fapi/v1/positionSide/dual", creds, {"dualSidePosition": "true"})
    snapshot.check("positionSide-dual-post", r)
    same_keys_and_types(r.json(), DOC_SUCCESS)
    r = await get(api, creds, "/fapi/v1/positionSide/dual")
    snapshot.check("positionSide-dual-get", r)
    same_keys_and_types(r.json(), DOC_DUAL)


async def test_leverage(api: Api, holder: Creds) -> None:
    r = await api.signed("POST", "/fapi/v1/leverage", holder, {"symbol": "ETHUSDT", "leverage": "21"})
    snapshot.check("leverage", r)
    same_keys_and_types(r.json(), DOC_LEVERAGE)
