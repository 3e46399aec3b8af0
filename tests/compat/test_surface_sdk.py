"""The official Binance SDK drives a real ``isomargin serve`` through the whole account/position surface.

Switch to hedge mode, set ISOLATED and leverage, read positionRisk v2 and v3, add and reduce margin
on LONG and SHORT legs (opened through the control plane), and every read shows the numbers
Binance's formulas give (hand arithmetic in the comments; BTCUSDT tier 1: MMR 0.004, cum 0).
The SDK parses each reply with its pydantic models; a reply that did not match them would make it
log "did not match the declared types" or "Failed to parse", which the test forbids.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from binance_common.configuration import ConfigurationRestAPI
from binance_common.errors import BadRequestError
from binance_sdk_derivatives_trading_usds_futures import DerivativesTradingUsdsFutures
from binance_sdk_derivatives_trading_usds_futures.rest_api.models import ChangeMarginTypeMarginTypeEnum

from tests.support import CONTROL, LiveServer

pytestmark = pytest.mark.slow


@pytest.fixture
def control(live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.base_url, timeout=10) as http:
        assert http.post(f"{CONTROL}/reset").status_code == 200
        yield http


def sdk_client(live_server: LiveServer, account: dict[str, Any]) -> Any:
    config = ConfigurationRestAPI(
        api_key=account["apiKey"],
        api_secret=account["secretKey"],
        base_path=live_server.base_url,
        timeout=10_000,  # a loaded 2-core machine; the default 1 s is too tight
        retries=0,
    )
    return DerivativesTradingUsdsFutures(config_rest_api=config).rest_api


def legs(rows: list[Any]) -> dict[str, Any]:
    return {row.position_side: row for row in rows}


def assert_sdk_parsed_everything(caplog: pytest.LogCaptureFixture) -> None:
    complaints = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert not [m for m in complaints if "did not match" in m or "Failed to parse" in m], complaints


def test_hedge_isolated_leverage_and_margin_through_the_sdk(
    live_server: LiveServer, control: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    account = control.post(f"{CONTROL}/accounts", json={"balance": "10000"}).json()
    rest = sdk_client(live_server, account)

    # 1. hedge mode
    assert rest.get_current_position_mode().data().dual_side_position is False
    reply = rest.change_position_mode(dual_side_position="true").data()
    assert (reply.code, reply.msg) == (200, "success")
    assert rest.get_current_position_mode().data().dual_side_position is True
    assert rest.futures_account_configuration().data().dual_side_position is True

    # 2. ISOLATED and 10x on a symbol with no position yet, through the Binance endpoints themselves
    reply = rest.change_margin_type(symbol="BTCUSDT", margin_type=ChangeMarginTypeMarginTypeEnum.ISOLATED).data()
    assert (reply.code, reply.msg) == (200, "success")
    leverage = rest.change_initial_leverage(symbol="BTCUSDT", leverage=10).data()
    assert (leverage.leverage, leverage.max_notional_value, leverage.symbol) == (10, "230000000", "BTCUSDT")
    (config,) = rest.symbol_configuration(symbol="BTCUSDT").data()
    assert (config.margin_type, config.leverage, config.is_auto_add_margin) == ("ISOLATED", 10, False)
    (brackets,) = rest.notional_and_leverage_brackets(symbol="BTCUSDT").data().actual_instance
    assert (brackets.symbol, brackets.brackets[0].maint_margin_ratio, brackets.brackets[1].cum) == (
        "BTCUSDT",
        0.004,
        50,
    )

    # 3. both legs, opened through the control plane at the same 10x; mark 50,000
    for side, amt in (("LONG", "0.1"), ("SHORT", "-0.2")):
        body = {
            "accountId": account["accountId"],
            "symbol": "BTCUSDT",
            "positionSide": side,
            "positionAmt": amt,
            "entryPrice": "50000",
            "leverage": 10,
        }
        assert control.post(f"{CONTROL}/positions", json=body).status_code == 201
    assert control.put(f"{CONTROL}/markPrices/BTCUSDT", json={"markPrice": "50000"}).status_code == 200

    # 4. positionRisk v2 and v3
    # LONG 0.1: iw = 5,000 / 10 = 500; MM = 5,000 × 0.004 = 20; LP = (5,000 − 500) / (0.1 × 0.996) = 45180.72289157
    # SHORT 0.2: iw = 10,000 / 10 = 1,000; MM = 40; LP = (1,000 + 10,000) / (0.2 × 1.004) = 54780.87649402
    v2 = legs(rest.position_information_v2(symbol="BTCUSDT").data())
    assert (v2["LONG"].position_amt, v2["LONG"].isolated_wallet, v2["LONG"].liquidation_price) == (
        "0.100",
        "500.00000000",
        "45180.72289157",
    )
    assert (v2["SHORT"].position_amt, v2["SHORT"].isolated_wallet, v2["SHORT"].liquidation_price) == (
        "-0.200",
        "1000.00000000",
        "54780.87649402",
    )
    assert (v2["LONG"].margin_type, v2["LONG"].leverage, v2["LONG"].is_auto_add_margin) == ("isolated", "10", "false")
    v3 = legs(rest.position_information_v3(symbol="BTCUSDT").data())
    assert (v3["LONG"].maint_margin, v3["SHORT"].maint_margin) == ("20.00000000", "40.00000000")
    assert (v3["LONG"].isolated_margin, v3["SHORT"].isolated_margin) == ("500.00000000", "1000.00000000")

    # 5. add 100 to the LONG leg: iw 600, LP = (5,000 − 600) / 0.0996 = 44176.70682731; SHORT untouched
    reply = rest.modify_isolated_position_margin(symbol="BTCUSDT", amount=100.0, type=1, position_side="LONG").data()
    assert (reply.amount, reply.code, reply.type) == (100.0, 200, 1)
    v2 = legs(rest.position_information_v2(symbol="BTCUSDT").data())
    assert (v2["LONG"].isolated_wallet, v2["LONG"].liquidation_price) == ("600.00000000", "44176.70682731")
    assert (v2["SHORT"].isolated_wallet, v2["SHORT"].liquidation_price) == ("1000.00000000", "54780.87649402")

    # 6. the mark falls to 49,000: the SHORT leg gains 0.2 × 1,000 = 200, the LONG leg loses 100.
    # SHORT max removable = min(1,000 − 9,800 × 0.004, 1,000 + 200 − 9,800 / 10) = min(960.8, 220) = 220
    assert control.put(f"{CONTROL}/markPrices/BTCUSDT", json={"markPrice": "49000"}).status_code == 200
    with pytest.raises(BadRequestError) as rejected:
        rest.modify_isolated_position_margin(symbol="BTCUSDT", amount=220.01, type=2, position_side="SHORT")
    assert (rejected.value.status_code, rejected.value.error_message) == (-4051, "Isolated balance insufficient.")
    reply = rest.modify_isolated_position_margin(symbol="BTCUSDT", amount=220.0, type=2, position_side="SHORT").data()
    assert (reply.amount, reply.code, reply.type) == (220.0, 200, 2)
    # SHORT: iw 780, isolatedMargin 780 + 200 = 980, LP = (780 + 10,000) / 0.2008 = 53685.25896414
    # LONG: iw 600, upnl −100, isolatedMargin 500, LP unchanged 44176.70682731
    v3 = legs(rest.position_information_v3(symbol="BTCUSDT").data())
    short, long = v3["SHORT"], v3["LONG"]
    assert (short.isolated_wallet, short.isolated_margin, short.un_realized_profit, short.liquidation_price) == (
        "780.00000000",
        "980.00000000",
        "200.00000000",
        "53685.25896414",
    )
    assert (long.isolated_wallet, long.isolated_margin, long.un_realized_profit, long.liquidation_price) == (
        "600.00000000",
        "500.00000000",
        "-100.00000000",
        "44176.70682731",
    )
    assert (short.maint_margin, short.initial_margin, short.notional) == (
        "39.20000000",
        "980.00000000",
        "-9800.00000000",
    )
    v2 = legs(rest.position_information_v2(symbol="BTCUSDT").data())
    assert (v2["SHORT"].isolated_margin, v2["SHORT"].liquidation_price) == ("980.00000000", "53685.25896414")

    # 7. wallets: cross = 10,000 − 500 − 1,000 − 100 + 220 = 8,620; wallet = cross + 600 + 780 = 10,000
    (balance,) = [row for row in rest.futures_account_balance_v3().data() if row.asset == "USDT"]
    assert (balance.balance, balance.cross_wallet_balance, balance.available_balance) == (
        "10000.00000000",
        "8620.00000000",
        "8620.00000000",
    )
    account_v3 = rest.account_information_v3().data()
    # upnl 200 − 100 = 100; MM 39.2 + 4,900 × 0.004 = 58.8
    assert (account_v3.total_wallet_balance, account_v3.total_unrealized_profit, account_v3.total_maint_margin) == (
        "10000.00000000",
        "100.00000000",
        "58.80000000",
    )
    assert len(rest.account_information_v2().data().positions) == 4  # 2 symbols × LONG/SHORT
    assert_sdk_parsed_everything(caplog)


@pytest.mark.parametrize(
    ("call", "code", "msg"),
    [
        (
            lambda r: r.change_position_mode(dual_side_position="false"),
            -4068,
            "Position side cannot be changed if there exists position.",
        ),
        (lambda r: r.change_position_mode(dual_side_position="true"), -4059, "No need to change position side."),
        (
            lambda r: r.change_margin_type(symbol="BTCUSDT", margin_type=ChangeMarginTypeMarginTypeEnum.ISOLATED),
            -4046,
            "No need to change margin type.",
        ),
        (
            lambda r: r.change_margin_type(symbol="BTCUSDT", margin_type=ChangeMarginTypeMarginTypeEnum.CROSSED),
            -4048,
            "Margin type cannot be changed if there exists position.",
        ),
        (
            lambda r: r.change_initial_leverage(symbol="BTCUSDT", leverage=9),
            -4161,
            "Leverage reduction is not supported in Isolated Margin Mode with open positions",
        ),
        (lambda r: r.change_initial_leverage(symbol="BTCUSDT", leverage=126), -4028, "Leverage 126 is not valid"),
        (lambda r: r.position_information_v3(symbol="NOPEUSDT"), -1121, "Invalid symbol."),
    ],
)
def test_sdk_sees_binance_errors(
    live_server: LiveServer, control: httpx.Client, call: Any, code: int, msg: str
) -> None:
    account = control.post(f"{CONTROL}/accounts", json={"balance": "10000", "dualSidePosition": True}).json()
    body = {
        "accountId": account["accountId"],
        "symbol": "BTCUSDT",
        "positionSide": "SHORT",
        "positionAmt": "-0.1",
        "entryPrice": "50000",
        "leverage": 10,
    }
    assert control.post(f"{CONTROL}/positions", json=body).status_code == 201
    rest = sdk_client(live_server, account)
    with pytest.raises(BadRequestError) as rejected:  # BadRequestError: HTTP 400
        call(rest)
    assert (rejected.value.status_code, rejected.value.error_message) == (code, msg)
