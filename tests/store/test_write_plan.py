"""A change's writes as one PostgreSQL statement (``store.write_plan``): what the separate
statements did, the events numbered, their ids in order and every wake-up sent at COMMIT."""

from __future__ import annotations

from decimal import Decimal

import psycopg
import pytest

from isomargin.domain import changes
from isomargin.domain.events import AccountConfigUpdate, Event
from isomargin.domain.position import PositionSide
from isomargin.store import Store, Tx, outbox, repo
from isomargin.store.base import OutboxEvent
from isomargin.store.changes import write_change
from isomargin.store.postgres import libpq_url
from isomargin.store.write_plan import WritePlan

EVENTS: list[Event] = [AccountConfigUpdate("BTCUSDT", n) for n in (3, 4, 5)]


def _account(store: Store) -> int:
    return store.write_sync(
        lambda tx: repo.insert_account(tx, cross_wallet=Decimal(1), dual_side_position=False, now_ms=1)
    )


def _deposit(store: Store, account_id: int, amount: Decimal, events: list[Event]) -> list[OutboxEvent]:
    """A deposit (no position) with ``events``, through the one change path."""

    def deposit(tx: Tx) -> list[OutboxEvent]:
        account = repo.get_account(tx, account_id, lock=True)
        assert account is not None
        outcome = changes.apply(changes.Holding.flat("BTCUSDT", PositionSide.BOTH), changes.WalletTransfer(amount))
        return write_change(tx, account, outcome, events=events, now_ms=7, risk=None)

    return store.write_sync(deposit)


def test_several_events_are_numbered_in_order_with_their_ids(store: Store) -> None:
    account_id = _account(store)
    _deposit(store, account_id, Decimal(2), EVENTS[:1])
    written = _deposit(store, account_id, Decimal("0.5"), EVENTS)
    stored = store.read_sync(lambda tx: outbox.for_account(tx, account_id))
    assert [(e.seq, e.type, e.payload) for e in written] == [(e.seq, e.type, e.payload) for e in stored[1:]]
    assert [e.id for e in written] == [e.id for e in stored[1:]]
    assert [e.seq for e in written] == [2, 3, 4] and sorted(e.id for e in written) == [e.id for e in written]
    account = store.read_sync(lambda tx: repo.get_account(tx, account_id))
    assert account is not None and (account.cross_wallet, account.event_seq) == (Decimal("3.5"), 4)


def test_a_change_without_events_writes_its_rows(store: Store) -> None:
    account_id = _account(store)
    assert _deposit(store, account_id, Decimal(2), []) == []
    account = store.read_sync(lambda tx: repo.get_account(tx, account_id))
    assert account is not None and (account.cross_wallet, account.event_seq) == (Decimal(3), 0)


@pytest.mark.parametrize("backend", ["postgresql"])
def test_every_event_wakes_the_listeners_at_commit_with_its_number(store: Store) -> None:
    """The wake-up PostgreSQL computes in the statement is :func:`outbox.wake_up`'s, one per event."""
    account_id = _account(store)
    with psycopg.connect(libpq_url(store.url), autocommit=True) as listener:
        listener.execute(f"LISTEN {outbox.CHANNEL}")
        written = _deposit(store, account_id, Decimal(2), EVENTS)
        # other tests' changes on this server may wake the channel too: ours come in one piece
        payloads = [n.payload for n in listener.notifies(timeout=1)]
    expected = [outbox.wake_up(account_id, e.seq) for e in written]
    assert expected == [outbox.wake_up(account_id, seq) for seq in (1, 2, 3)]
    starts = [i for i in range(len(payloads)) if payloads[i : i + 3] == expected]
    assert starts, payloads


@pytest.mark.parametrize("backend", ["postgresql"])
def test_the_parts_run_even_though_nothing_reads_them(store: Store) -> None:
    """PostgreSQL runs a data-modifying CTE to completion whether or not its rows are read."""
    ids = [_account(store) for _ in range(2)]

    def both(tx: Tx) -> None:
        plan = WritePlan()
        for account_id in ids:
            repo.plan_cross_wallet(plan, account_id, Decimal(9), 2, event_seq=5)
        plan.run(tx)

    store.write_sync(both)
    accounts = store.read_sync(lambda tx: [repo.get_account(tx, a) for a in ids])
    assert [(a.cross_wallet, a.event_seq) for a in accounts if a is not None] == [(Decimal(9), 5)] * 2
