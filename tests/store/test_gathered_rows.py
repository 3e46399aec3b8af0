"""History and outbox rows written later in the transaction (``Tx.insert_later``) read and commit
as if each had been inserted at once.

SQLite's group commit gathers a batch's rows of one statement and writes them together, before any
statement that may meet them and before COMMIT (``store.sqlite``); PostgreSQL writes each at once.
Each test runs its requests in one loop turn, so on SQLite they share one batch and run in order;
the tests of that order are SQLite's (PostgreSQL runs them as concurrent transactions).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from decimal import Decimal

import pytest

from isomargin.domain.events import AccountUpdateReason
from isomargin.service.events import account_update
from isomargin.store import Store, Tx, outbox, repo
from isomargin.store.base import OutboxEvent


def _accounts(store: Store, count: int) -> list[int]:
    return [
        store.write_sync(
            lambda tx: repo.insert_account(tx, cross_wallet=Decimal(100), dual_side_position=False, now_ms=1)
        )
        for _ in range(count)
    ]


def _record(tx: Tx, account_id: int, amount: int) -> list[OutboxEvent]:
    """A deposit's history row and ACCOUNT_UPDATE, as a change writes them (under the account's lock)."""
    account = repo.get_account(tx, account_id, lock=True)
    assert account is not None
    repo.insert_history(
        tx, account_id, repo.HistoryRow("BTCUSDT", 1, Decimal(amount), "USDT", 5, "BOTH", "USER_ADJUST")
    )
    event = account_update(AccountUpdateReason.DEPOSIT, cross_wallet=Decimal(amount), isolated_wallets=Decimal(0))
    return outbox.append(tx, account_id, [event], now_ms=5)


def _stored_events(store: Store) -> list[tuple[int, int, int]]:
    return [
        (int(r[0]), int(r[1]), int(r[2]))
        for r in store.read_sync(lambda tx: tx.all("SELECT id, account_id, seq FROM events ORDER BY id"))
    ]


def _history_count(tx: Tx) -> int:
    row = tx.one("SELECT COUNT(*) FROM margin_history")
    assert row is not None
    return int(row[0])


def _orphan_event(account_id: int) -> Callable[[Tx], None]:
    """A request inserting an event of an account that does not exist (one past ``account_id``):
    the foreign key fails it, on SQLite only when the batch's rows are written."""

    def orphan(tx: Tx) -> None:
        tx.insert_later(
            "INSERT INTO events (account_id, seq, type, time, payload) VALUES (?, ?, ?, ?, ?)",
            (account_id + 1, 1, "ACCOUNT_UPDATE", 5, "{}"),
        )

    return orphan


async def _one_turn(store: Store, fns: Sequence[Callable[[Tx], object]]) -> list[object]:
    """Every write queued in one loop turn (one SQLite batch); results or exceptions, in order."""
    return await asyncio.gather(*(store.write(fn) for fn in fns), return_exceptions=True)


async def test_each_event_carries_the_id_of_its_row(store: Store) -> None:
    accounts = _accounts(store, 4)
    published: list[OutboxEvent] = []
    store.subscribe(published.extend)
    results = await _one_turn(store, [lambda tx, a=a, n=n: _record(tx, a, n) for n in range(3) for a in accounts])
    returned = [event for result in results for event in result]  # type: ignore[attr-defined]
    stored = _stored_events(store)
    assert len(stored) == 12
    assert sorted((e.id, e.account_id, e.seq) for e in returned) == stored
    assert sorted((e.id, e.account_id, e.seq) for e in published) == stored
    if store.dialect == "sqlite":  # ids follow the order the batch ran its requests in
        assert [e.id for e in returned] == sorted(e.id for e in returned)
    assert store.read_sync(_history_count) == 12


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_later_request_reads_the_rows_gathered_before_it(store: Store) -> None:
    (account,) = _accounts(store, 1)
    results = await _one_turn(
        store,
        [
            lambda tx: _record(tx, account, 1),
            lambda tx: _record(tx, account, 2),
            _history_count,
            lambda tx: [(e.seq, e.id) for e in outbox.for_account(tx, account)],
        ],
    )
    first, second = results[0], results[1]
    assert results[2] == 2
    assert results[3] == [(e.seq, e.id) for e in [*first, *second]]  # type: ignore[misc]


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_delete_after_gathered_rows_removes_them(store: Store) -> None:
    (account,) = _accounts(store, 1)
    results = await _one_turn(
        store,
        [
            lambda tx: _record(tx, account, 1),
            lambda tx: tx.run("DELETE FROM margin_history"),
            lambda tx: _record(tx, account, 2),
        ],
    )
    assert results[1] == 1  # the first request's row, written before the DELETE ran
    assert store.read_sync(_history_count) == 1
    assert [seq for _, _, seq in _stored_events(store)] == [1, 2]


async def test_a_request_that_fails_after_recording_leaves_no_row(store: Store) -> None:
    accounts = _accounts(store, 2)

    def fails(tx: Tx) -> None:
        _record(tx, accounts[1], 9)
        raise ValueError("rejected after writing")

    results = await _one_turn(store, [lambda tx: _record(tx, accounts[0], 1), fails])
    assert isinstance(results[1], ValueError)
    (event,) = results[0]  # type: ignore[misc]
    assert _stored_events(store) == [(event.id, accounts[0], 1)]
    assert store.read_sync(_history_count) == 1


async def test_a_row_that_cannot_be_written_fails_its_request_alone(store: Store) -> None:
    """A gathered row breaking a constraint fails when the batch's rows are written, after its
    request returned; the batch runs again, each row at once, and only that request fails."""
    accounts = _accounts(store, 2)
    store.write_sync(lambda tx: _record(tx, accounts[1], 1))

    results = await _one_turn(store, [lambda tx: _record(tx, accounts[0], 1), _orphan_event(accounts[1])])
    assert isinstance(results[1], Exception) and not isinstance(results[0], Exception)
    (event,) = results[0]  # type: ignore[misc]
    assert (event.id, accounts[0], 1) in _stored_events(store)
    assert len(_stored_events(store)) == 2
    assert store.read_sync(_history_count) == 2


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_failure_met_by_a_later_statement_reruns_the_batch(store: Store) -> None:
    """The rows are written before a later request's read, and fail there: the batch runs again,
    so neither the earlier requests' rows are lost nor the reader blamed."""
    accounts = _accounts(store, 2)
    store.write_sync(lambda tx: _record(tx, accounts[1], 1))
    results = await _one_turn(
        store, [lambda tx: _record(tx, accounts[0], 1), _orphan_event(accounts[1]), _history_count]
    )
    assert isinstance(results[1], Exception)
    assert results[2] == 2  # its own account's and the first request's
    (event,) = results[0]  # type: ignore[misc]
    assert (event.id, accounts[0], 1) in _stored_events(store)


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_only_single_row_inserts_into_the_logs_are_gathered(store: Store) -> None:
    (account,) = _accounts(store, 1)
    config = "INSERT INTO symbol_configs (account_id, symbol, margin_type, leverage) VALUES (?, ?, ?, ?)"
    result, count = await _one_turn(
        store, [lambda tx: tx.insert_later(config, (account, "BTCUSDT", "CROSSED", 5)), _history_count]
    )
    assert isinstance(result, ValueError) and count == 0
    assert store.read_sync(lambda tx: tx.all("SELECT * FROM symbol_configs")) == []


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_lone_request_inserts_at_once(store: Store) -> None:
    """Nothing to gather its rows with: the statements as written, the ids SQLite gives them."""
    (account,) = _accounts(store, 1)
    ((event,),) = await _one_turn(store, [lambda tx: _record(tx, account, 1)])
    assert _stored_events(store) == [(event.id, account, 1)]
    assert store.read_sync(_history_count) == 1
