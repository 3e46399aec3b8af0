"""Client and AsyncClient against a live isomargin: margin changes, history paging, time, weight."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from isomargin.client import (
    AmountMustBePositive,
    CrossBalanceInsufficient,
    IsolatedBalanceInsufficient,
    IsolatedMarginOnly,
    MarginChange,
    MarginChangeType,
    NoPositionToAddMargin,
    PositionSide,
)
from tests.client.conftest import Clients, shift_clock
from tests.support import Api

DAY_MS = 86_400_000


async def test_add_and_reduce_move_the_exact_amounts(live_api: Api, clients: Clients) -> None:
    creds = await live_api.account("10000")
    await live_api.position(creds, amt="0.01", entry="50000", leverage=10)  # iw = 50 (initial margin)
    client = clients.sync(creds)

    added = client.add_margin("BTCUSDT", Decimal("100.12345678"))
    reduced = client.reduce_margin("btcusdt", "30")

    assert added == MarginChange(added.raw, Decimal("100.12345678"), 200, "Successfully modify position margin.", 1)
    assert added.type is MarginChangeType.ADD and reduced.type is MarginChangeType.REDUCE
    assert added["msg"] == "Successfully modify position margin."  # Binance's names stay available
    assert reduced.amount == Decimal("30")
    summary = await live_api.summary(creds)
    # 10000 − 50 (opening margin) − 100.12345678 + 30
    assert Decimal(summary["crossWalletBalance"]) == Decimal("9879.87654322")
    assert Decimal(summary["positions"][0]["isolatedWallet"]) == Decimal("120.12345678")


async def test_async_client_does_the_same(live_api: Api, clients: Clients) -> None:
    creds = await live_api.account("5000", dual=True)
    await live_api.position(creds, symbol="ETHUSDT", amt="1", entry="3000", leverage=20, side="LONG")
    client = clients.aio(creds)

    change = await client.add_margin("ETHUSDT", "25.5", side="LONG")
    history = await client.margin_history("ETHUSDT")

    assert change.amount == Decimal("25.5")
    # the open's TRADE row (1 × 3000 / 20 = 150), then the add
    assert [(h.type, h.delta_type, h.amount, h.position_side) for h in history] == [
        (MarginChangeType.ADD, "TRADE", Decimal("150"), PositionSide.LONG),
        (MarginChangeType.ADD, "USER_ADJUST", Decimal("25.5"), PositionSide.LONG),
    ]
    assert client.used_weight is not None and client.used_weight >= 2


async def test_margin_errors_raise_their_own_classes(live_api: Api, clients: Clients) -> None:
    creds = await live_api.account("1000", dual=True)
    await live_api.position(creds, symbol="BTCUSDT", amt="0.01", entry="50000", leverage=10, side="LONG")
    client = clients.sync(creds)

    # Hedge mode without positionSide: BOTH holds nothing → -4054 / -4051 (observed [I150]).
    with pytest.raises(NoPositionToAddMargin) as no_position:
        client.add_margin("BTCUSDT", "10")
    with pytest.raises(IsolatedBalanceInsufficient) as empty_side:
        client.reduce_margin("BTCUSDT", "10")
    with pytest.raises(AmountMustBePositive) as zero:
        client.add_margin("BTCUSDT", "0", side="LONG")
    with pytest.raises(CrossBalanceInsufficient) as too_much:
        client.add_margin("BTCUSDT", "1000000", side="LONG")

    assert (no_position.value.code, no_position.value.msg, no_position.value.http_status) == (
        -4054,
        "Cannot add position margin: position is 0.",
        400,
    )
    assert (empty_side.value.code, empty_side.value.msg) == (-4051, "Isolated balance insufficient.")
    assert (zero.value.code, zero.value.msg) == (-4055, "Amount must be positive.")
    assert too_much.value.code == -4050
    assert too_much.value.request.method == "POST"
    assert too_much.value.request.path == "/fapi/v1/positionMargin"
    assert ("amount", "1000000") in too_much.value.request.params
    assert "-4050" in str(too_much.value)
    # Nothing moved: the open's TRADE row (0.01 × 50000 / 10 = 50) is all the history holds.
    assert [(h.delta_type, h.amount, h.position_side) for h in client.margin_history("BTCUSDT")] == [
        ("TRADE", Decimal("50"), PositionSide.LONG)
    ]


def test_floats_are_refused_before_anything_is_sent() -> None:
    from isomargin.client import Client

    with Client("http://127.0.0.1:9", "key", "secret", time_sync=False) as client:
        with pytest.raises(TypeError, match="float"):
            client.add_margin("BTCUSDT", 0.1)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="finite"):
            client.reduce_margin("BTCUSDT", "NaN")


async def test_history_pages_through_windows_and_pages(live_api: Api, clients: Clients) -> None:
    """Seven changes spread over 50 days, after the open, come back whole and in order through 2-row pages."""
    creds = await live_api.account("10000")
    await live_api.position(creds, amt="0.01", entry="50000", leverage=10)
    client = clients.sync(creds)
    # Three changes 45 days ago (the server's clock moved back), then four 20 and 1 days ago:
    # the client's time sync follows the server's clock, so every call is in its recvWindow.
    for offset_days, amounts in ((-45, ("1", "2", "3")), (-20, ("4", "5")), (-1, ("6", "7"))):
        await shift_clock(live_api, offset_days * DAY_MS)
        client.sync_time()
        for amount in amounts:
            client.add_margin("BTCUSDT", amount)
    await shift_clock(live_api, 0)
    client.sync_time()

    default = client.margin_history("BTCUSDT", page_limit=2)
    now = client.server_time()
    # 25 days back to now spans two requests' worth of windows only if split; ask for 10..25 days.
    middle = client.margin_history("BTCUSDT", start_time=now - 25 * DAY_MS, end_time=now - 10 * DAY_MS)
    from_long_ago = client.margin_history("BTCUSDT", start_time=now - 50 * DAY_MS, page_limit=2)
    reduces = client.margin_history("BTCUSDT", type=MarginChangeType.REDUCE)

    # Binance keeps 30 days: the three old rows are gone from every query. The open's TRADE row
    # (0.01 × 50000 / 10 = 50) was written at the clock's present, so it comes last, a day after 7.
    assert [h.amount for h in default] == [Decimal(n) for n in ("4", "5", "6", "7", "50")]
    assert [h.delta_type for h in default] == ["USER_ADJUST"] * 4 + ["TRADE"]
    assert [h.time for h in default] == sorted(h.time for h in default)
    assert default[1].time - default[0].time < 1000 and default[2].time - default[1].time > 18 * DAY_MS
    assert DAY_MS - 60_000 < default[4].time - default[3].time < DAY_MS + 60_000
    assert [h.amount for h in middle] == [Decimal("4"), Decimal("5")]
    assert from_long_ago == default
    assert reduces == []


async def test_history_splits_full_pages_until_every_row_is_read(live_api: Api, clients: Clients) -> None:
    creds = await live_api.account("10000")
    await live_api.position(creds, amt="0.01", entry="50000", leverage=10)
    client = clients.sync(creds)
    amounts = [Decimal(n) for n in range(1, 12)]
    for amount in amounts:
        client.add_margin("BTCUSDT", amount)
    before = client.used_weight
    rows = client.margin_history("BTCUSDT", page_limit=3)

    # the open's TRADE row (0.01 × 50000 / 10 = 50), then the eleven adds
    assert [r.amount for r in rows] == [Decimal("50"), *amounts]
    assert client.used_weight is not None and before is not None
    # 12 rows in pages of at most 3 → at least 4 requests of weight 1 (full pages are split).
    assert client.used_weight - before >= 4


async def test_used_weight_follows_each_call(live_api: Api, clients: Clients) -> None:
    client = clients.sync()
    client.ping()
    first = client.used_weight
    client.mark_prices()  # premiumIndex without a symbol weighs 10 [MP]
    assert first is not None and client.used_weight == first + 10
    assert client.last_headers["content-type"] == "application/json"


async def test_market_data(live_api: Api, clients: Clients) -> None:
    await live_api.mark("BTCUSDT", "48123.45")
    client = clients.aio()

    mark = await client.mark_price("BTCUSDT")
    marks = await client.mark_prices()
    server_ms = await client.server_time()

    assert mark.symbol == "BTCUSDT" and mark.mark_price == Decimal("48123.45")
    assert mark["markPrice"] == "48123.45000000"
    assert {m.symbol for m in marks} >= {"BTCUSDT", "ETHUSDT"}
    assert abs(server_ms - mark.time) < 60_000


async def test_concurrent_async_changes_all_land_exactly_once(live_api: Api, clients: Clients) -> None:
    """Twenty adds in flight at once over one AsyncClient's pool: twenty rows, exactly +20 × 1.00000001."""
    creds = await live_api.account("1000")
    await live_api.position(creds, amt="0.01", entry="50000", leverage=10)
    client = clients.aio(creds)
    await client.sync_time()  # once, so the twenty calls do not each measure the clock

    changes = await asyncio.gather(*(client.add_margin("BTCUSDT", "1.00000001") for _ in range(20)))
    history = await client.margin_history("BTCUSDT")

    assert {c.amount for c in changes} == {Decimal("1.00000001")}
    # the open's TRADE row (0.01 × 50000 / 10 = 50), then one row per add
    assert [(h.delta_type, h.amount) for h in history] == [("TRADE", Decimal("50"))] + [
        ("USER_ADJUST", Decimal("1.00000001"))
    ] * 20
    summary = await live_api.summary(creds)
    assert Decimal(summary["positions"][0]["isolatedWallet"]) == Decimal("50") + 20 * Decimal("1.00000001")


async def test_a_failed_request_is_reported_as_sent_without_its_signature(live_api: Api, clients: Clients) -> None:
    creds = await live_api.account("1000")
    client = clients.sync(creds, recv_window=7000)

    with pytest.raises(IsolatedMarginOnly) as caught:  # ETHUSDT is CROSSED: -4049
        client.add_margin("ETHUSDT", "3", side=None)

    sent = dict(caught.value.request.params)
    assert caught.value.request.method == "POST" and caught.value.request.path == "/fapi/v1/positionMargin"
    assert (sent["symbol"], sent["amount"], sent["type"], sent["recvWindow"]) == ("ETHUSDT", "3", "1", "7000")
    assert abs(int(sent["timestamp"]) - client.server_time()) < 60_000
    assert "signature" not in sent and creds.secret_key not in repr(caught.value)
