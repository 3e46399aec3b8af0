"""Issue 11's "done when", with the official SDK against a real ``isomargin serve``.

A bot opens 0.01 BTC long at 20x with a MARKET order, reads positionRisk (entry, isolated wallet,
liquidation and break-even prices as the reference's formulas give them), adds margin, sells half
with a LIMIT order that fills when the control plane moves the book, closes the rest reduce-only;
userTrades, income and positionMargin/history then tell the same story to the cent.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from tests.compat.test_sdk import sdk
from tests.support import CONTROL, Api, Creds, LiveServer

pytestmark = pytest.mark.slow


@pytest.fixture
def make_sdk(live_server: LiveServer) -> Callable[[Creds], Any]:
    return lambda creds: sdk(live_server.base_url, creds.api_key, creds.secret_key)


async def _book(api: Api, mark: str, bid: str, ask: str) -> None:
    r = await api.http.put(f"{CONTROL}/markPrices/BTCUSDT", json={"markPrice": mark, "bidPrice": bid, "askPrice": ask})
    assert r.status_code == 200, r.text


async def test_done_when_walkthrough(live_api: Api, make_sdk: Any) -> None:
    creds = await live_api.account("1000")
    client = make_sdk(creds)
    await _book(live_api, "60000", "59990", "60010")
    client.change_margin_type(symbol="BTCUSDT", margin_type="ISOLATED")
    client.change_initial_leverage(symbol="BTCUSDT", leverage=20)

    opened = client.new_order(symbol="BTCUSDT", side="BUY", type="MARKET", quantity=0.01).data()
    assert opened.status == "NEW" and opened.orig_qty == "0.010"  # the ACK
    (row,) = client.position_information_v2(symbol="BTCUSDT").data()
    # at the ask 60010: IM 600.1 / 20 = 30.005; fee 600.1 × 0.0005 = 0.30005 from the isolated wallet
    assert (row.entry_price, row.isolated_wallet, row.position_amt) == ("60010.0", "29.70495000", "0.010")
    # break-even 60010 × 1.0005 = 60040.005 (reference §2.5)
    assert row.break_even_price == "60040.005"
    # LP = (Q·EP − WB) / (Q·(1 − MMR)) = (600.1 − 29.70495) / (0.01 × 0.996) = 57268.57931726…
    assert row.liquidation_price == "57268.57931727"

    client.modify_isolated_position_margin(symbol="BTCUSDT", amount=10, type=1)
    (row,) = client.position_information_v2(symbol="BTCUSDT").data()
    # iw 39.70495: LP (600.1 − 39.70495) / 0.00996 = 56264.56325301…
    assert (row.isolated_wallet, row.liquidation_price) == ("39.70495000", "56264.56325301")

    limit = client.new_order(
        symbol="BTCUSDT",
        side="SELL",
        type="LIMIT",
        time_in_force="GTC",
        quantity=0.005,
        price=61000,
        reduce_only="true",
    ).data()
    assert limit.status == "NEW"
    assert [o.order_id for o in client.current_all_open_orders(symbol="BTCUSDT").data()] == [limit.order_id]
    await _book(live_api, "61000", "61000", "61010")  # the bid reaches the order: it fills as maker
    assert client.query_order(symbol="BTCUSDT", order_id=limit.order_id).data().status == "FILLED"
    # maker fill at 61000: PnL (61000 − 60010) × 0.005 = 4.95; fee 305 × 0.0002 = 0.061;
    # released 39.70495 / 2 = 19.852475
    (row,) = client.position_information_v2(symbol="BTCUSDT").data()
    assert (row.position_amt, row.isolated_wallet) == ("0.005", "19.85247500")

    closed = client.new_order(
        symbol="BTCUSDT", side="SELL", type="MARKET", quantity=0.005, reduce_only="true", new_order_resp_type="RESULT"
    ).data()
    assert closed.status == "FILLED"
    # at the bid 61000: PnL 4.95; taker fee 305 × 0.0005 = 0.1525; releases the last 19.852475

    trades = client.account_trade_list(symbol="BTCUSDT").data()
    assert [(t.side, t.price, t.qty, t.realized_pnl, t.commission, t.maker) for t in trades] == [
        ("BUY", "60010.00", "0.010", "0", "0.30005000", False),
        ("SELL", "61000.00", "0.005", "4.95000000", "0.06100000", True),
        ("SELL", "61000.00", "0.005", "4.95000000", "0.15250000", False),
    ]
    income = client.get_income_history(symbol="BTCUSDT").data()
    assert [(i.income_type, i.income) for i in income] == [
        ("COMMISSION", "-0.30005000"),
        ("REALIZED_PNL", "4.95000000"),
        ("COMMISSION", "-0.06100000"),
        ("REALIZED_PNL", "4.95000000"),
        ("COMMISSION", "-0.15250000"),
    ]
    history = client.get_position_margin_change_history(symbol="BTCUSDT").data()
    assert [(h.delta_type, h.amount) for h in history] == [
        ("TRADE", "30.00500000"),
        ("USER_ADJUST", "10.00000000"),
        ("TRADE", "-19.85247500"),
        ("TRADE", "-19.85247500"),
    ]
    # 1000 − 0.30005 + 4.95 − 0.061 + 4.95 − 0.1525 = 1009.38645, and Σ income says the same
    summary = await live_api.summary(creds)
    assert summary["walletBalance"] == summary["crossWalletBalance"] == "1009.38645000"
    assert Decimal(1000) + sum(Decimal(i.income) for i in income) == Decimal("1009.38645")
