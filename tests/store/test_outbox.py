"""The event outbox: events are written with their change, numbered per account, published once after COMMIT."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

import pytest

from isomargin.api.app import IsomarginApp
from isomargin.clock import FixedClock
from isomargin.domain.events import AccountConfigUpdate, AccountUpdate, AccountUpdateReason, from_payload
from isomargin.service.housekeeping import EVENT_RETENTION_MS, prune_events
from isomargin.store import Store, Tx, open_store, outbox, repo
from isomargin.store.base import OutboxEvent
from tests.support import Api


@dataclass
class Bare:
    """A store with one account and a list of everything it published."""

    store: Store
    account_id: int
    published: list[OutboxEvent]

    def events(self) -> list[OutboxEvent]:
        return self.store.read_sync(lambda tx: outbox.for_account(tx, self.account_id))


@pytest.fixture
def bare(db_url: str) -> Iterator[Bare]:
    store = open_store(db_url)
    published: list[OutboxEvent] = []
    store.subscribe(published.extend)
    try:
        account_id = store.write_sync(
            lambda tx: repo.insert_account(tx, cross_wallet=Decimal(1), dual_side_position=False, now_ms=1)
        )
        yield Bare(store, account_id, published)
    finally:
        store.close()


def _collect(app: IsomarginApp) -> list[OutboxEvent]:
    seen: list[OutboxEvent] = []

    def listener(events: Sequence[OutboxEvent]) -> None:
        seen.extend(events)

    app.state.store.subscribe(listener)
    return seen


async def _events(app: IsomarginApp, account_id: int) -> list[OutboxEvent]:
    return await app.state.store.read(lambda tx: outbox.for_account(tx, account_id))


async def test_a_margin_transfer_records_one_account_update_with_everything_the_frame_needs(
    api: Api, app: IsomarginApp
) -> None:
    creds = await api.account("10000")
    await api.position(creds, amt="0.01", entry="50000", leverage=10)  # iw 50, cross 9950
    await api.mark("BTCUSDT", "49000")
    before = await _events(app, creds.account_id)
    published = _collect(app)

    r = await api.margin(creds, "100", 1)
    assert r.status_code == 200, r.text

    after = await _events(app, creds.account_id)
    new = after[len(before) :]
    assert len(new) == 1 and published == new  # published exactly once, and only after the commit
    (event,) = new
    assert (event.account_id, event.type) == (creds.account_id, "ACCOUNT_UPDATE")
    assert event.seq == before[-1].seq + 1  # gapless per account
    update = from_payload(event.type, event.payload)
    assert isinstance(update, AccountUpdate)
    assert update.reason is AccountUpdateReason.MARGIN_TRANSFER
    (balance,) = update.balances
    # the wallet does not move; 100 leaves the cross wallet for the isolated one
    assert (balance.asset, balance.wallet_balance, balance.cross_wallet, balance.balance_change) == (
        "USDT",
        Decimal("10000"),
        Decimal("9850"),
        Decimal("0"),
    )
    (position,) = update.positions
    assert (position.symbol, position.position_side, position.margin_type) == ("BTCUSDT", "BOTH", "ISOLATED")
    assert (position.position_amt, position.entry_price, position.isolated_wallet) == (
        Decimal("0.01"),
        Decimal("50000"),
        Decimal("150"),
    )
    assert position.unrealized_pnl == Decimal("-10")  # 0.01 × (49000 − 50000), at the mark the check used

    # the same numbers a client reads back over REST
    risk = (await api.signed("GET", "/fapi/v2/positionRisk", creds, {"symbol": "BTCUSDT"})).json()[0]
    assert Decimal(risk["isolatedWallet"]) == position.isolated_wallet
    (bal,) = [row for row in (await api.signed("GET", "/fapi/v2/balance", creds)).json() if row["asset"] == "USDT"]
    assert (Decimal(bal["balance"]), Decimal(bal["crossWalletBalance"])) == (
        balance.wallet_balance,
        balance.cross_wallet,
    )


async def test_a_rejected_transfer_records_and_publishes_nothing(api: Api, app: IsomarginApp) -> None:
    creds = await api.account("100")
    await api.position(creds, amt="0.01", entry="50000", leverage=10)
    before = await _events(app, creds.account_id)
    published = _collect(app)
    r = await api.margin(creds, "1000", 1)  # more than the cross wallet: -4050
    assert r.json()["code"] == -4050
    assert await _events(app, creds.account_id) == before and published == []


async def test_setting_changes_record_their_events(api: Api, app: IsomarginApp) -> None:
    creds = await api.account("500")
    (deposit,) = await _events(app, creds.account_id)
    update = from_payload(deposit.type, deposit.payload)
    assert isinstance(update, AccountUpdate) and update.reason is AccountUpdateReason.DEPOSIT
    assert update.balances[0].balance_change == Decimal("500") and update.positions == ()

    r = await api.signed("POST", "/fapi/v1/leverage", creds, {"symbol": "ETHUSDT", "leverage": "7"})
    assert r.status_code == 200, r.text
    r = await api.signed("POST", "/fapi/v1/marginType", creds, {"symbol": "ETHUSDT", "marginType": "ISOLATED"})
    assert r.status_code == 200, r.text
    events = await _events(app, creds.account_id)
    assert [e.seq for e in events] == [1, 2, 3]
    assert from_payload(events[1].type, events[1].payload) == AccountConfigUpdate("ETHUSDT", 7)
    change = from_payload(events[2].type, events[2].payload)
    assert isinstance(change, AccountUpdate) and change.reason is AccountUpdateReason.MARGIN_TYPE_CHANGE


async def test_a_transaction_that_fails_after_appending_leaves_no_event(bare: Bare) -> None:
    def fail(tx: Tx) -> None:
        outbox.append(tx, bare.account_id, [AccountConfigUpdate("BTCUSDT", 5)], 2)
        raise RuntimeError("rolled back after appending")

    with pytest.raises(RuntimeError):
        await bare.store.write(fail)
    assert bare.events() == [] and bare.published == []
    # the rolled-back number is not burnt: the next event is 1
    bare.store.write_sync(lambda tx: outbox.append(tx, bare.account_id, [AccountConfigUpdate("BTCUSDT", 6)], 3))
    assert [e.seq for e in bare.published] == [1]


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_group_commit_rerun_publishes_each_committed_event_exactly_once(bare: Bare) -> None:
    """A batch whose third request fails after writing is rolled back and re-run with savepoints:
    the first run's events must not be published, the re-run's exactly once, the failed one's never."""

    def leverage(n: int) -> object:
        def fn(tx: Tx) -> int:
            outbox.append(tx, bare.account_id, [AccountConfigUpdate("BTCUSDT", n)], n)
            if n == 3:
                raise ValueError("rejected after writing")
            return n

        return bare.store.write(fn)

    results = await asyncio.gather(*(leverage(n) for n in range(1, 7)), return_exceptions=True)
    assert [r for r in results if isinstance(r, int)] == [1, 2, 4, 5, 6]
    assert [e.payload["l"] for e in bare.published] == [1, 2, 4, 5, 6]
    assert [e.seq for e in bare.published] == [1, 2, 3, 4, 5]
    assert bare.events() == bare.published


async def test_old_events_are_pruned_and_numbers_stay_gapless(bare: Bare) -> None:
    for t in (100, 200, 300):
        bare.store.write_sync(
            lambda tx, t=t: outbox.append(tx, bare.account_id, [AccountConfigUpdate("BTCUSDT", 2)], t)
        )
    assert bare.store.write_sync(lambda tx: outbox.prune(tx, 250)) == 2
    assert [e.time for e in bare.events()] == [300]
    bare.store.write_sync(lambda tx: outbox.append(tx, bare.account_id, [AccountConfigUpdate("BTCUSDT", 3)], 400))
    assert [e.seq for e in bare.events()] == [3, 4]


async def test_pruning_keeps_the_newest_event_so_ids_never_go_back(bare: Bare) -> None:
    """Were the table emptied, SQLite would number the next row 1 again, below the id another
    worker has read up to (``outbox.after_id``): it would never see that event."""
    for t in (100, 200):
        bare.store.write_sync(
            lambda tx, t=t: outbox.append(tx, bare.account_id, [AccountConfigUpdate("BTCUSDT", 2)], t)
        )
    seen_up_to = bare.store.read_sync(outbox.last_id)
    assert bare.store.write_sync(lambda tx: outbox.prune(tx, 1_000)) == 1  # all old; the newest stays
    assert [e.time for e in bare.events()] == [200]
    bare.store.write_sync(lambda tx: outbox.append(tx, bare.account_id, [AccountConfigUpdate("BTCUSDT", 3)], 300))
    assert [e.seq for e in bare.store.read_sync(lambda tx: outbox.after_id(tx, seen_up_to))] == [3]


async def test_an_accounts_events_are_read_from_an_id_on_sqlite_by_number_on_postgresql(bare: Bare) -> None:
    """SQLite has no index by account: a reader names an id every event it wants is above, and the
    read is a range of the table's ids, not a scan. PostgreSQL reads by number and ignores it."""
    for leverage in (2, 3, 4):
        bare.store.write_sync(
            lambda tx, n=leverage: outbox.append(tx, bare.account_id, [AccountConfigUpdate("BTCUSDT", n)], 1)
        )
    first, second, third = bare.events()
    read = bare.store.read_sync(lambda tx: outbox.for_account(tx, bare.account_id, first.seq, after_id=first.id))
    assert [e.seq for e in read] == [second.seq, third.seq]
    beyond = bare.store.read_sync(lambda tx: outbox.for_account(tx, bare.account_id, 0, after_id=second.id))
    if bare.store.dialect == "sqlite":
        assert [e.seq for e in beyond] == [third.seq]
        query = "SELECT * FROM events WHERE id > ? AND account_id = ? AND seq > ? ORDER BY id LIMIT ?"  # for_account's
        plan = bare.store.read_sync(lambda tx: tx.all(f"EXPLAIN QUERY PLAN {query}", (0, 1, 0, 10)))
        assert [str(row[-1]) for row in plan] == ["SEARCH events USING INTEGER PRIMARY KEY (rowid>?)"]
    else:
        assert [e.seq for e in beyond] == [first.seq, second.seq, third.seq]


async def test_housekeeping_prunes_everything_past_the_retention_chunk_by_chunk(bare: Bare) -> None:
    old = [AccountConfigUpdate("BTCUSDT", 2)] * (outbox.PRUNE_CHUNK + 500)
    bare.store.write_sync(lambda tx: outbox.append(tx, bare.account_id, old, 1_000))
    young = [AccountConfigUpdate("BTCUSDT", 3)]
    bare.store.write_sync(lambda tx: outbox.append(tx, bare.account_id, young, 90_000_000))
    clock = FixedClock(1_000 + EVENT_RETENTION_MS + 1)  # the old batch is just past the retention
    assert await prune_events(bare.store, clock) == outbox.PRUNE_CHUNK + 500
    assert [(e.seq, e.time) for e in bare.events()] == [(outbox.PRUNE_CHUNK + 501, 90_000_000)]
