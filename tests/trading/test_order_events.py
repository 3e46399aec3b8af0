"""The events a fill records, in the order of a real MARKET fill (reference §2.6), with their values."""

from __future__ import annotations

from decimal import Decimal

from isomargin.api.app import IsomarginApp
from isomargin.domain.events import AccountUpdate, OrderTradeUpdate, TradeLite, from_payload
from isomargin.store import outbox
from tests.support import Api
from tests.trading.support import book, isolated, market, order, position_risk


async def test_market_fill_event_sequence(app: IsomarginApp, api: Api) -> None:
    creds = await api.account("1000")
    await isolated(api, creds, leverage=20)
    await book(api, "BTCUSDT", "50000", bid="49990", ask="50010")
    seen = await app.state.store.read(lambda tx: outbox.after_id(tx, 0))
    filled = await market(api, creds, "BUY", "0.01", newClientOrderId="ev-1")
    recorded = await app.state.store.read(lambda tx: outbox.after_id(tx, seen[-1].id if seen else 0))
    assert [e.type for e in recorded] == ["TRADE_LITE", "ORDER_TRADE_UPDATE", "ACCOUNT_UPDATE", "ORDER_TRADE_UPDATE"]
    assert [e.seq for e in recorded] == list(range(recorded[0].seq, recorded[0].seq + 4))  # gapless
    lite, new, update, trade = (from_payload(e.type, e.payload) for e in recorded)
    assert isinstance(lite, TradeLite) and isinstance(new, OrderTradeUpdate)
    assert isinstance(update, AccountUpdate) and isinstance(trade, OrderTradeUpdate)
    assert (lite.last_filled_price, lite.last_filled_qty, lite.price, lite.maker) == (
        Decimal("50010"),
        Decimal("0.01"),
        Decimal(0),
        False,
    )
    assert lite.trade_id == trade.trade_id and lite.order_id == trade.order_id == filled["orderId"]
    assert (new.execution_type, new.order_status, new.trade_id, new.last_filled_qty) == ("NEW", "NEW", 0, 0)
    assert (trade.execution_type, trade.order_status, trade.client_order_id) == ("TRADE", "FILLED", "ev-1")
    # fee 500.1 × 0.0005 = 0.25005; avg price 50010
    assert (trade.commission, trade.avg_price, trade.cumulative_filled_qty) == (
        Decimal("0.25005"),
        Decimal("50010"),
        Decimal("0.01"),
    )
    assert update.reason.value == "ORDER"
    (balance,) = update.balances
    # cross 1000 − 25.005 = 974.995; wallet = cross + iw 24.75495 = 999.74995
    assert (balance.cross_wallet, balance.wallet_balance, balance.balance_change) == (
        Decimal("974.995"),
        Decimal("999.74995"),
        Decimal(0),
    )
    (position,) = update.positions
    assert (position.position_amt, position.isolated_wallet, position.margin_type) == (
        Decimal("0.01"),
        Decimal("24.75495"),
        "ISOLATED",
    )
    assert position.break_even_price == Decimal("50035.005")


async def test_cr_accumulates_across_positions_and_resting_order_records_only_new(app: IsomarginApp, api: Api) -> None:
    creds = await api.account("1000")
    await book(api, "BTCUSDT", "50000")
    await market(api, creds, "BUY", "0.002")
    await book(api, "BTCUSDT", "51000")
    await market(api, creds, "SELL", "0.002")  # realized (51000 − 50000) × 0.002 = 2
    await market(api, creds, "BUY", "0.002")
    await book(api, "BTCUSDT", "50500")
    await market(api, creds, "SELL", "0.002")  # realized (50500 − 51000) × 0.002 = −1; cr 2 − 1 = 1
    events = await app.state.store.read(lambda tx: outbox.after_id(tx, 0))
    updates = [from_payload(e.type, e.payload) for e in events if e.type == "ACCOUNT_UPDATE"]
    crs = [u.positions[0].accumulated_realized for u in updates if isinstance(u, AccountUpdate) and u.positions]
    assert crs == [Decimal(0), Decimal(2), Decimal(2), Decimal(1)]
    last = events[-1].id
    r = await order(
        api, creds, symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC", quantity="0.002", price="50000"
    )
    assert r.status_code == 200
    after = await app.state.store.read(lambda tx: outbox.after_id(tx, last))
    assert [e.type for e in after] == ["ORDER_TRADE_UPDATE"]  # a resting order pushes no ACCOUNT_UPDATE [doc AU]


async def test_a_margin_transfer_after_fills_carries_the_positions_cr_and_break_even(
    app: IsomarginApp, api: Api
) -> None:
    """The MARGIN_TRANSFER frame's P row says what positionRisk says: cr from the fills, bep per §2.5."""
    creds = await api.account("1000")
    await isolated(api, creds, leverage=20)
    await book(api, "BTCUSDT", "50000", bid="50000", ask="50000")
    await market(api, creds, "BUY", "0.02")
    await book(api, "BTCUSDT", "51000", bid="51000", ask="51000")
    await market(api, creds, "SELL", "0.01")  # realized (51000 − 50000) × 0.01 = 10
    r = await api.margin(creds, "5", 1)
    assert r.status_code == 200, r.text
    events = await app.state.store.read(lambda tx: outbox.for_account(tx, creds.account_id))
    event = events[-1]
    update = from_payload(event.type, event.payload)
    assert isinstance(update, AccountUpdate) and update.reason.value == "MARGIN_TRANSFER"
    (row,) = update.positions
    assert row.accumulated_realized == Decimal("10")
    risk = await position_risk(api, creds)
    # bep = 50000 × (1 + 0.0005) = 50025, as positionRisk shows it
    assert row.break_even_price == Decimal(risk["breakEvenPrice"]) == Decimal("50025")
