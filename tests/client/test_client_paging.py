"""The client reads whole histories even when a frozen clock puts every row in one millisecond
(issue 13): userTrades paged by ``fromId``, income by ``page``."""

from __future__ import annotations

from decimal import Decimal

from tests.client.conftest import Clients
from tests.market.test_clock_funding_paths import freeze
from tests.support import Api


async def test_seven_trades_in_one_millisecond_are_read_three_at_a_time(live_api: Api, clients: Clients) -> None:
    creds = await live_api.account("1000")
    await live_api.mark("BTCUSDT", "50000")
    frozen = await freeze(live_api)  # every row below is stamped with this one millisecond
    client = clients.sync(creds)
    for n in range(7):
        client.market("BTCUSDT", "BUY" if n % 2 == 0 else "SELL", "0.01")
    one_call = client.user_trades("BTCUSDT")
    assert len(one_call) == 7 and {t.time for t in one_call} == {frozen}
    paged = client.all_user_trades("BTCUSDT", page_limit=3)  # pages of 3, 3 and 1
    assert [t.id for t in paged] == [t.id for t in one_call] == sorted(t.id for t in one_call)
    assert [t.id for t in client.all_user_trades("BTCUSDT", from_id=one_call[5].id, page_limit=3)] == [
        t.id for t in one_call[5:]
    ]

    # income: 7 commissions of 500 × 0.0005 = 0.25 each; the closing SELLs realize 0 (same price)
    aio = clients.aio(creds)
    rows = await aio.all_income("BTCUSDT", page_limit=3)
    commissions = [r.income for r in rows if r.income_type == "COMMISSION"]
    assert commissions == [Decimal("-0.25")] * 7
    assert [r.tran_id for r in rows] == [r.tran_id for r in await aio.income("BTCUSDT", limit=1000)]
    assert len({r.tran_id for r in rows}) == len(rows)  # no row read twice
