"""The hub delivers each account's events exactly once, in sequence order, whatever order and how
many times they are offered; a slow connection is closed with a reason, never skipped silently."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from isomargin.api.stream.connection import SLOW_CLOSE_CODE, SLOW_CLOSE_REASON, Connection, Subscription
from isomargin.api.stream.hub import Hub
from isomargin.domain.events import AccountConfigUpdate
from isomargin.store import Store, Tx, open_store, outbox, repo
from isomargin.store.base import OutboxEvent


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[tuple[Store, Store]]:
    """Two stores on one file: the writer (another worker) and the hub's own."""
    url = f"sqlite:///{tmp_path}/hub.db"
    writer, reader = open_store(url), open_store(url, migrate=False)
    yield writer, reader
    writer.close()
    reader.close()


def commit(store: Store, account_id: int, leverages: list[int]) -> list[OutboxEvent]:
    return store.write_sync(
        lambda tx: outbox.append(tx, account_id, [AccountConfigUpdate("BTCUSDT", n) for n in leverages], 1)
    )


def leverages(connection: Connection) -> list[int]:
    return [json.loads(text)["ac"]["l"] for text in connection.queue]


async def now() -> int:
    return 1


async def attached(hub: Hub, account_id: int, limit: int = 1000) -> Connection:
    connection = Connection(wrapped=False, opened_at=1, limit=limit)
    hub.open(connection)
    await hub.attach(Subscription(connection, "k" * 64, account_id, None, 10**15))
    return connection


@pytest.fixture
def account(stores: tuple[Store, Store]) -> int:
    writer, _ = stores
    return writer.write_sync(
        lambda tx: repo.insert_account(tx, cross_wallet=Decimal(1), dual_side_position=False, now_ms=1)
    )


async def test_duplicates_and_reordering_deliver_each_event_once_in_order(
    stores: tuple[Store, Store], account: int
) -> None:
    writer, reader = stores
    hub = Hub(reader, now)
    connection = await attached(hub, account)
    events = commit(writer, account, [1, 2, 3])
    hub.offer_all(list(reversed(events)))  # 3 and 2 are held until 1 arrives
    hub.offer_all(events)  # the same events again (this process's commit and the feed)
    await asyncio.sleep(0.1)
    assert leverages(connection) == [1, 2, 3]
    await hub.stop()


async def test_a_gap_is_filled_from_the_outbox_before_later_events(stores: tuple[Store, Store], account: int) -> None:
    writer, reader = stores
    hub = Hub(reader, now)
    connection = await attached(hub, account)
    events = commit(writer, account, [1, 2, 3, 4])
    hub.offer_all(events[3:])  # only the last one arrives: 1..3 are read from the outbox
    for _ in range(50):
        if len(connection.queue) == 4:
            break
        await asyncio.sleep(0.02)
    assert leverages(connection) == [1, 2, 3, 4]
    await hub.stop()


async def test_a_gap_is_read_from_the_last_delivered_id_or_what_the_feed_offered(
    stores: tuple[Store, Store], account: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite a fill reads the outbox from an id on (no index by account): the last delivered
    event's, or the feed's when it has offered more. Neither skips an event not yet delivered."""
    writer, reader = stores
    reads: list[int] = []
    real = outbox.for_account

    def for_account(tx: Tx, account_id: int, after_seq: int = 0, limit: int = 1000, *, after_id: int = 0) -> Any:
        reads.append(after_id)
        return real(tx, account_id, after_seq, limit, after_id=after_id)

    monkeypatch.setattr(outbox, "for_account", for_account)
    hub = Hub(reader, now)
    connection = await attached(hub, account)
    delivered = commit(writer, account, [1, 2])
    hub.offer_all(delivered)
    gap = commit(writer, account, [3, 4])
    hub.offer_all(gap[1:])
    await _until(lambda: len(connection.queue) == 4)
    assert reads == [delivered[-1].id]
    other = writer.write_sync(
        lambda tx: repo.insert_account(tx, cross_wallet=Decimal(1), dual_side_position=False, now_ms=1)
    )
    hub.read_through = commit(writer, other, [7])[0].id  # the feed offered everything up to it
    gap = commit(writer, account, [5, 6])
    hub.offer_all(gap[1:])
    await _until(lambda: len(connection.queue) == 6)
    assert leverages(connection) == [1, 2, 3, 4, 5, 6]
    assert reads[1:] == [hub.read_through]
    await hub.stop()


async def _until(done: Callable[[], bool]) -> None:
    for _ in range(50):
        if done():
            return
        await asyncio.sleep(0.02)


async def test_events_before_the_connection_are_not_replayed(stores: tuple[Store, Store], account: int) -> None:
    writer, reader = stores
    old = commit(writer, account, [1, 2])
    hub = Hub(reader, now)
    connection = await attached(hub, account)
    hub.offer_all(old)
    hub.offer_all(commit(writer, account, [3]))
    assert leverages(connection) == [3]
    await hub.stop()


async def test_a_slow_connection_is_closed_with_a_reason_not_skipped(stores: tuple[Store, Store], account: int) -> None:
    writer, reader = stores
    hub = Hub(reader, now)
    slow = await attached(hub, account, limit=3)
    fast = await attached(hub, account)
    hub.offer_all(commit(writer, account, [1, 2, 3, 4]))
    assert slow.closing == (SLOW_CLOSE_CODE, SLOW_CLOSE_REASON) and not slow.queue
    assert leverages(fast) == [1, 2, 3, 4]  # the others are not held back
    await hub.stop()
