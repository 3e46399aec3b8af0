"""Every error of the account surface: exact code, message and HTTP status, and nothing changes.

-4046/-4048 marginType [MT][EC], -4059/-4068 position mode [PSD][EC], -4028/-4161 leverage [LEV][EC],
-2027 leverage above a position's bracket (assumed), -1121/-1130/-1102 parameters.
-4047 and -4067 (open orders) are in the catalogue but can't be produced: isomargin has no orders.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.surface_support import call, ok
from tests.support import Api, Creds

MARGIN_TYPE_SAME = (400, -4046, "No need to change margin type.")
MARGIN_TYPE_SAME_NO_POSITION = (400, -4067, "Position side cannot be changed if there exists open orders.")
MARGIN_TYPE_POSITION = (400, -4048, "Margin type cannot be changed if there exists position.")
MODE_SAME = (400, -4059, "No need to change position side.")
MODE_POSITION = (400, -4068, "Position side cannot be changed if there exists position.")
LEVERAGE_DOWN = (400, -4161, "Leverage reduction is not supported in Isolated Margin Mode with open positions")
ABOVE_BRACKET = (400, -2027, "Exceeded the maximum allowable position at current leverage.")
BAD_SYMBOL = (400, -1121, "Invalid symbol.")


def invalid_leverage(value: object) -> tuple[int, int, str]:
    # {"code":-4028,"msg":"Leverage 100 is not valid"} as ccxt quotes a real reply [CCXT]
    return (400, -4028, f"Leverage {value} is not valid")


def malformed(name: str) -> tuple[int, int, str]:
    return (400, -1102, f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed.")


async def snapshot(api: Api, creds: Creds) -> list[Any]:
    """Everything these endpoints could change."""
    return [
        await ok(api, creds, "GET", "/fapi/v1/symbolConfig"),
        await ok(api, creds, "GET", "/fapi/v1/positionSide/dual"),
        await ok(api, creds, "GET", "/fapi/v2/positionRisk"),
        await ok(api, creds, "GET", "/fapi/v2/balance"),
    ]


async def expect(api: Api, creds: Creds, method: str, path: str, error: tuple[int, int, str], **params: Any) -> None:
    before = await snapshot(api, creds)
    r = await call(api, creds, method, path, **params)
    status, code, msg = error
    assert (r.status_code, r.json()) == (status, {"code": code, "msg": msg})
    assert r.headers["content-type"] == "application/json"
    assert await snapshot(api, creds) == before


# --- margin type ------------------------------------------------------------------------------


async def test_margin_type_unchanged_with_a_position_is_4046(api: Api) -> None:
    creds = await api.account("10000")
    await api.position(creds, "BTCUSDT", "0.1", "50000", leverage=10)  # BTCUSDT is ISOLATED with a position
    # "no need" wins over "position exists"
    await expect(api, creds, "POST", "/fapi/v1/marginType", MARGIN_TYPE_SAME, symbol="BTCUSDT", marginType="ISOLATED")


@pytest.mark.parametrize(("symbol", "margin_type"), [("ETHUSDT", "CROSSED"), ("BTCUSDT", "ISOLATED")])
async def test_margin_type_unchanged_without_a_position_is_4067(api: Api, symbol: str, margin_type: str) -> None:
    """What the real server answered in 2026-05 (binance-connector-python#538, ccxt#28703)."""
    creds = await api.account("10000")
    # ETHUSDT starts CROSSED; BTCUSDT set ISOLATED through the endpoint itself, no position on either
    r = await call(api, creds, "POST", "/fapi/v1/marginType", symbol="BTCUSDT", marginType="ISOLATED")
    assert r.status_code == 200, r.text
    await expect(
        api, creds, "POST", "/fapi/v1/marginType", MARGIN_TYPE_SAME_NO_POSITION, symbol=symbol, marginType=margin_type
    )


@pytest.mark.parametrize(("dual", "side", "amt"), [(False, "BOTH", "0.1"), (True, "SHORT", "-0.1")])
async def test_margin_type_with_a_position_is_4048(api: Api, dual: bool, side: str, amt: str) -> None:
    creds = await api.account("10000", dual=dual)
    await api.position(creds, "BTCUSDT", amt, "50000", leverage=10, side=side)
    await expect(
        api, creds, "POST", "/fapi/v1/marginType", MARGIN_TYPE_POSITION, symbol="BTCUSDT", marginType="CROSSED"
    )


async def test_margin_type_of_another_symbol_is_free(api: Api) -> None:
    creds = await api.account("10000")
    await api.position(creds, "BTCUSDT", "0.1", "50000", leverage=10)
    r = await call(api, creds, "POST", "/fapi/v1/marginType", symbol="ETHUSDT", marginType="ISOLATED")
    assert r.json() == {"code": 200, "msg": "success"}


# --- position mode ----------------------------------------------------------------------------


@pytest.mark.parametrize("dual", [False, True])
async def test_position_mode_unchanged_is_4059(api: Api, dual: bool) -> None:
    creds = await api.account("10000", dual=dual)
    value = "true" if dual else "false"
    await expect(api, creds, "POST", "/fapi/v1/positionSide/dual", MODE_SAME, dualSidePosition=value)


@pytest.mark.parametrize(("dual", "side", "symbol"), [(False, "BOTH", "ETHUSDT"), (True, "LONG", "BTCUSDT")])
async def test_position_mode_with_any_position_is_4068(api: Api, dual: bool, side: str, symbol: str) -> None:
    creds = await api.account("10000", dual=dual)
    await api.position(creds, symbol, "0.1", "3000" if symbol == "ETHUSDT" else "50000", leverage=10, side=side)
    value = "false" if dual else "true"
    await expect(api, creds, "POST", "/fapi/v1/positionSide/dual", MODE_POSITION, dualSidePosition=value)


@pytest.mark.parametrize(("value", "dual"), [("True", True), ("TRUE", True), ("False", False)])
async def test_position_mode_reads_booleans_in_any_case(api: Api, value: str, dual: bool) -> None:
    """python-binance sends ``str(True)``: the real server reads it (Params.boolean says why)."""
    creds = await api.account("10000", dual=not dual)
    assert await ok(api, creds, "POST", "/fapi/v1/positionSide/dual", dualSidePosition=value) == {
        "code": 200,
        "msg": "success",
    }
    assert await ok(api, creds, "GET", "/fapi/v1/positionSide/dual") == {"dualSidePosition": dual}
    await expect(api, creds, "POST", "/fapi/v1/positionSide/dual", MODE_SAME, dualSidePosition=value)


# --- leverage ---------------------------------------------------------------------------------


@pytest.mark.parametrize("leverage", [126, 0, -5, 1000])
async def test_leverage_out_of_range_is_4028(api: Api, leverage: int) -> None:
    creds = await api.account("10000")
    await expect(
        api, creds, "POST", "/fapi/v1/leverage", invalid_leverage(leverage), symbol="BTCUSDT", leverage=leverage
    )


@pytest.mark.parametrize(("dual", "side", "amt"), [(False, "BOTH", "0.1"), (True, "SHORT", "-0.1")])
async def test_lowering_isolated_leverage_with_a_position_is_4161(api: Api, dual: bool, side: str, amt: str) -> None:
    creds = await api.account("10000", dual=dual)
    await api.position(creds, "BTCUSDT", amt, "50000", leverage=10, side=side)
    await expect(api, creds, "POST", "/fapi/v1/leverage", LEVERAGE_DOWN, symbol="BTCUSDT", leverage=9)
    # the same leverage, or a higher one, is allowed
    for leverage in (10, 11):
        assert (await ok(api, creds, "POST", "/fapi/v1/leverage", symbol="BTCUSDT", leverage=leverage))[
            "leverage"
        ] == leverage


async def test_lowering_leverage_without_a_position_is_allowed(api: Api) -> None:
    creds = await api.account("10000")
    for margin_type in ("ISOLATED", "CROSSED"):
        if margin_type == "ISOLATED":
            await ok(api, creds, "POST", "/fapi/v1/marginType", symbol="ETHUSDT", marginType=margin_type)
        reply = await ok(api, creds, "POST", "/fapi/v1/leverage", symbol="ETHUSDT", leverage=2)
        assert reply["leverage"] == 2
        await ok(api, creds, "POST", "/fapi/v1/leverage", symbol="ETHUSDT", leverage=20)


async def test_leverage_whose_bracket_is_below_the_position_is_2027(api: Api) -> None:
    creds = await api.account("100000")
    await api.position(creds, "BTCUSDT", "2", "50000", leverage=10)  # notional 100,000 at mark 50,000
    await api.mark("BTCUSDT", "50000")
    # 125x caps the notional at 50,000 < 100,000
    await expect(api, creds, "POST", "/fapi/v1/leverage", ABOVE_BRACKET, symbol="BTCUSDT", leverage=125)
    # 100x caps it at 600,000: fine
    assert (await ok(api, creds, "POST", "/fapi/v1/leverage", symbol="BTCUSDT", leverage=100))["leverage"] == 100


# --- parameters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "params", "error"),
    [
        ("POST", "/fapi/v1/leverage", {"symbol": "BTCUSDT", "leverage": "5.0"}, malformed("leverage")),
        ("POST", "/fapi/v1/leverage", {"symbol": "BTCUSDT"}, malformed("leverage")),
        ("POST", "/fapi/v1/leverage", {"leverage": "5"}, malformed("symbol")),
        ("POST", "/fapi/v1/leverage", {"symbol": "DOGEUSDT", "leverage": "5"}, BAD_SYMBOL),
        # an enum value the server cannot read is -1102, the name lower-cased (audit #3, #8)
        ("POST", "/fapi/v1/marginType", {"symbol": "BTCUSDT", "marginType": "cross"}, malformed("margintype")),
        ("POST", "/fapi/v1/marginType", {"symbol": "BTCUSDT", "marginType": "isolated"}, malformed("margintype")),
        ("POST", "/fapi/v1/marginType", {"symbol": "BTCUSDT"}, malformed("margintype")),
        ("POST", "/fapi/v1/marginType", {"symbol": "DOGEUSDT", "marginType": "ISOLATED"}, BAD_SYMBOL),
        ("POST", "/fapi/v1/positionSide/dual", {"dualSidePosition": "yes"}, malformed("dualsideposition")),
        ("POST", "/fapi/v1/positionSide/dual", {"dualSidePosition": "1"}, malformed("dualsideposition")),
        ("POST", "/fapi/v1/positionSide/dual", {}, malformed("dualsideposition")),
        ("GET", "/fapi/v2/positionRisk", {"symbol": "DOGEUSDT"}, BAD_SYMBOL),
        ("GET", "/fapi/v3/positionRisk", {"symbol": "DOGEUSDT"}, BAD_SYMBOL),
        ("GET", "/fapi/v1/symbolConfig", {"symbol": "DOGEUSDT"}, BAD_SYMBOL),
        ("GET", "/fapi/v1/leverageBracket", {"symbol": "DOGEUSDT"}, BAD_SYMBOL),
    ],
)
async def test_bad_parameters(
    api: Api, method: str, path: str, params: dict[str, str], error: tuple[int, int, str]
) -> None:
    creds = await api.account("10000")
    await expect(api, creds, method, path, error, **params)


@pytest.mark.parametrize(
    "path",
    ["/fapi/v2/positionRisk", "/fapi/v3/account", "/fapi/v2/balance", "/fapi/v1/accountConfig"],
)
async def test_signed_reads_need_a_key_and_a_signature(api: Api, path: str) -> None:
    creds = await api.account("10000")
    r = await api.http.get(path)
    assert (r.status_code, r.json()) == (401, {"code": -2014, "msg": "API-key format invalid."})
    r = await api.signed("GET", path, creds, secret="not-the-secret")
    assert (r.status_code, r.json()) == (400, {"code": -1022, "msg": "Signature for this request is not valid."})
