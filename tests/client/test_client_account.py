"""Positions, account, settings and the helpers, against a live isomargin.

The helpers must agree with the server to the last digit: reducing exactly ``max_removable`` is
accepted and one more 0.00000001 is refused; ``liquidation_price_after`` is what positionRisk
shows after the change.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from isomargin.client import (
    Ack,
    BinanceAPIError,
    IsolatedBalanceInsufficient,
    MarginType,
    PositionSide,
)
from isomargin.domain import DEFAULT_BRACKETS
from tests.client.conftest import Clients
from tests.support import Api


async def test_helpers_agree_with_the_server_to_the_last_digit(live_api: Api, clients: Clients) -> None:
    creds = await live_api.account("10000")
    await live_api.position(creds, amt="0.01", entry="50000", leverage=10)  # iw 50
    await live_api.mark("BTCUSDT", "50321.123")
    client = clients.sync(creds)
    client.add_margin("BTCUSDT", "33.33333333")

    predicted = client.liquidation_price_after("BTCUSDT", None, "-20")
    removable = client.max_removable("BTCUSDT")
    client.reduce_margin("BTCUSDT", "20")
    (row,) = client.position_risk("BTCUSDT")

    # long 0.01 @ 50000, iw 63.33333333, MMR 0.004: LP = (500 − 63.33333333) / 0.00996
    assert predicted == row.liquidation_price == Decimal("43842.03480622")
    # FAQ-ADJ: min(iw − MM, iw + PnL − mark×size/lev); with iw 83.33333333 before the reduce:
    # 83.33333333 + 0.01 × 321.123 − 50321.123 × 0.01 / 10 = 83.33333333 + 3.21123 − 50.321123
    # = 36.22344033 (the MM term, 83.33333333 − 503.21123 × 0.004, is larger)
    assert removable == Decimal("36.22344033")
    rest = client.max_removable("BTCUSDT")
    assert rest == removable - 20
    with pytest.raises(IsolatedBalanceInsufficient):
        client.reduce_margin("BTCUSDT", rest + Decimal("0.00000001"))
    client.reduce_margin("BTCUSDT", rest)
    assert client.max_removable("BTCUSDT") == 0


async def test_hedge_legs_and_preview(live_api: Api, clients: Clients) -> None:
    creds = await live_api.account("5000", dual=True)
    await live_api.position(creds, symbol="ETHUSDT", amt="-0.5", entry="3100", leverage=20, side="SHORT")
    await live_api.mark("ETHUSDT", "3000")
    client = clients.aio(creds)

    preview = await client.preview_margin_change("ETHUSDT", "10", side="SHORT")
    await client.add_margin("ETHUSDT", "10", side=PositionSide.SHORT)
    rows = await client.position_risk("ETHUSDT")
    short = next(r for r in rows if r.position_side is PositionSide.SHORT)

    assert {r.position_side for r in rows} == {PositionSide.LONG, PositionSide.SHORT}
    assert preview.position.position_side is PositionSide.SHORT
    assert preview.isolated_wallet_after == short.isolated_wallet
    assert preview.liquidation_price_after == short.liquidation_price
    assert preview.liquidation_price_after > preview.liquidation_price_before  # a short gains room upwards
    assert short.position_amt == Decimal("-0.5") and short.margin_type is MarginType.ISOLATED


async def test_account_balance_and_brackets(live_api: Api, clients: Clients) -> None:
    creds = await live_api.account("10000")
    await live_api.position(creds, amt="0.01", entry="50000", leverage=10)
    await live_api.mark("BTCUSDT", "51000")
    client = clients.sync(creds)
    client.add_margin("BTCUSDT", "100")

    (usdt,) = [b for b in client.balance() if b.asset == "USDT"]
    account = client.account()
    brackets = client.leverage_brackets("BTCUSDT")
    everything = client.leverage_brackets()

    # Wallet = cross + isolated: a margin transfer moves money between them, never out.
    assert usdt.balance == Decimal("10000") and usdt.cross_wallet_balance == Decimal("9850")
    assert account.total_wallet_balance == Decimal("10000")
    assert account.total_unrealized_profit == Decimal("10")  # 0.01 × (51000 − 50000)
    (position,) = [p for p in account.positions if p.position_amt != 0]
    assert (position.symbol, position.position_side, position.isolated_wallet) == (
        "BTCUSDT",
        PositionSide.BOTH,
        Decimal("150"),
    )
    assert brackets[0].brackets == DEFAULT_BRACKETS["BTCUSDT"]
    assert {b.symbol for b in everything} >= {"BTCUSDT", "ETHUSDT"}


async def test_settings(live_api: Api, clients: Clients) -> None:
    creds = await live_api.account("1000")
    client = clients.sync(creds)

    to_hedge = client.set_position_mode(True)
    hedge = client.get_position_mode()
    # A symbol starts CROSSED on Binance; switching to ISOLATED works once; again with no position
    # the real server answers -4067 (observed 2026-05, binance-connector-python#538), with one -4046.
    isolated = client.set_margin_type("ETHUSDT", "isolated")
    with pytest.raises(BinanceAPIError) as again:
        client.set_margin_type("ETHUSDT", MarginType.ISOLATED)
    leverage = client.set_leverage("BTCUSDT", 20)

    assert to_hedge == isolated == Ack(to_hedge.raw, 200, "success")
    assert hedge is True
    assert (again.value.code, again.value.msg, again.value.http_status) == (
        -4067,
        "Position side cannot be changed if there exists open orders.",
        400,
    )
    # BTCUSDT 20x: the last tier allowing 20x is tier 6, cap 100,000,000 [LB]
    assert (leverage.symbol, leverage.leverage, leverage.max_notional_value) == ("BTCUSDT", 20, Decimal("100000000"))
    with pytest.raises(TypeError):
        client.set_leverage("BTCUSDT", 20.0)  # type: ignore[arg-type]
