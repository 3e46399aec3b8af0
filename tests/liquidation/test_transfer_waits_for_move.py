"""A margin transfer that starts while a price move holds its symbol is checked against the move's
mark, never the old one (issue 12's guarantee, store/risk.py's lock order), on PostgreSQL.

The statistical race (test_liquidation_concurrency.py) cannot say whether a transfer ever started
inside a move; here one does, deterministically: the move is held open until the transfer is seen
waiting for the symbol's lock, and the transfer must then be checked at the move's mark. It fails
when the transfer's shared lock is dropped (tried: the transfer succeeds against the old mark).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

import psycopg
import pytest

from isomargin import errors
from isomargin.domain.events import AccountConfigUpdate
from isomargin.domain.position import PositionSide
from isomargin.service import admin
from isomargin.service.context import ServiceContext
from isomargin.service.margin import MarginChange, modify_position_margin
from isomargin.store import Store, Tx, open_store, outbox, repo, risk, trading
from isomargin.store.postgres import libpq_url
from isomargin.symbols import DEFAULT_SYMBOLS
from tests.backends import database_url

pytestmark = [pytest.mark.postgres]

T = TypeVar("T")

NOW = 1_000_000


def waiting_advisory_locks(url: str) -> int:
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted").fetchone()
        return int(row[0]) if row else 0


def _long(store: Store, ctx: ServiceContext) -> int:
    """An account with 10,000 USDT and an isolated long: 0.01 BTCUSDT at 50,000, 10x, wallet 100."""
    account_id = store.write_sync(
        lambda tx: repo.insert_account(tx, cross_wallet=Decimal(10_000), dual_side_position=False, now_ms=1)
    )
    opening = admin.OpenPosition(
        account_id, "BTCUSDT", PositionSide.BOTH, Decimal("0.01"), Decimal(50_000), 10, Decimal(100)
    )
    store.write_sync(lambda tx: admin.open_position(tx, ctx, opening))
    return account_id


def test_a_transfer_started_during_a_move_is_checked_against_the_moves_mark(tmp_path: Path) -> None:
    with database_url("postgresql", tmp_path, tag="wait_") as url:
        store = open_store(url)
        ctx = ServiceContext(dict(DEFAULT_SYMBOLS), NOW)
        try:
            account_id = _long(store, ctx)  # mark 50,000, set next
            mark = Decimal(50_000)
            store.write_sync(lambda tx: trading.set_book(tx, "BTCUSDT", mark, mark, mark, NOW))
            # max removable = max(0, min(iw − MM, iw + size × (mark − entry) − mark × |size| / leverage)):
            #   at 50,000: min(100 − 500 × 0.004, 100 + 0 − 50) = min(98, 50) = 50 → removing 30 is allowed;
            #   at 46,000: min(100 − 460 × 0.004, 100 − 40 − 46) = min(98.16, 14) = 14 → 30 is -4051
            # (the position's liquidation price is (500 − 100) / (0.01 × 0.996) = 40,160.64: still alive)
            moved = threading.Event()
            release = threading.Event()

            def move(tx: Tx) -> None:  # what service.price_moves.move_price does first, held open
                risk.lock_price_moves(tx)
                risk.lock_symbol(tx, "BTCUSDT", exclusive=True)
                low = Decimal(46_000)
                trading.set_book(tx, "BTCUSDT", low, low, low, NOW + 1)
                moved.set()
                assert release.wait(30), "the test never released the move"

            outcome: list[object] = []

            def transfer(tx: Tx) -> Decimal:
                change = MarginChange("BTCUSDT", Decimal(30), 2, None)
                return modify_position_margin(tx, ctx, account_id, change).isolated_wallet

            def run_transfer() -> None:
                try:
                    outcome.append(store.write_sync(transfer))
                except errors.ApiError as exc:
                    outcome.append(exc.body()["code"])

            mover = threading.Thread(target=lambda: store.write_sync(move))
            mover.start()
            assert moved.wait(30)
            transferring = threading.Thread(target=run_transfer)
            transferring.start()
            deadline = time.monotonic() + 30
            try:
                while waiting_advisory_locks(url) == 0:  # the transfer is queued behind the move's lock
                    assert time.monotonic() < deadline, "the transfer never waited for the move's lock"
                    assert transferring.is_alive(), f"the transfer did not wait for the move: {outcome}"
                    time.sleep(0.01)
            finally:
                release.set()
            mover.join(30)
            transferring.join(30)
            assert outcome == [errors.ISOLATED_BALANCE_INSUFFICIENT.code]  # checked at 46,000, not 50,000
            # the same transfer after the move: refused the same way; the wallet is untouched
            run_transfer()
            assert outcome[-1] == errors.ISOLATED_BALANCE_INSUFFICIENT.code
            rows = store.read_sync(lambda tx: repo.list_positions(tx, account_id, "BTCUSDT"))
            assert [r.isolated_wallet for r in rows] == [Decimal(100)]
        finally:
            store.close()


def _started_during(store: Store, url: str, move: Callable[[Tx], None], transfer: Callable[[Tx], T]) -> T:
    """``transfer``'s result, run while ``move`` holds the symbol exclusively and waiting for it."""
    release = threading.Event()
    moved = threading.Event()
    result: list[T] = []

    def held(tx: Tx) -> None:
        risk.lock_price_moves(tx)
        risk.lock_symbol(tx, "BTCUSDT", exclusive=True)
        move(tx)
        moved.set()
        assert release.wait(30), "the test never released the move"

    mover = threading.Thread(target=lambda: store.write_sync(held))
    mover.start()
    assert moved.wait(30)
    transferring = threading.Thread(target=lambda: result.append(store.write_sync(transfer)))
    transferring.start()
    deadline = time.monotonic() + 30
    try:
        while waiting_advisory_locks(url) == 0:
            assert time.monotonic() < deadline, "the transfer never waited for the move's lock"
            assert transferring.is_alive(), f"the transfer did not wait for the move: {result}"
            time.sleep(0.01)
    finally:
        release.set()
    mover.join(30)
    transferring.join(30)
    assert len(result) == 1, "the transfer failed"
    return result[0]


def test_a_transfer_started_during_a_move_reads_the_account_the_move_left(tmp_path: Path) -> None:
    """The account is read by the statement that waits for the symbol (``repo._account_after_lock``):
    its snapshot predates the move's commit, yet the row it locks is the one the move wrote."""
    with database_url("postgresql", tmp_path, tag="wait_") as url:
        store = open_store(url)
        ctx = ServiceContext(dict(DEFAULT_SYMBOLS), NOW)
        try:
            account_id = _long(store, ctx)

            def move(tx: Tx) -> None:  # the move takes the cross wallet down to 50 and records an event
                assert repo.get_account(tx, account_id, lock=True) is not None
                (event,) = outbox.append(tx, account_id, [AccountConfigUpdate("BTCUSDT", 9)], NOW)
                repo.set_cross_wallet(tx, account_id, Decimal(50), NOW, event_seq=event.seq)

            def transfer(tx: Tx) -> tuple[Decimal, list[int]]:
                change = MarginChange("BTCUSDT", Decimal(40), 1, None)
                done = modify_position_margin(tx, ctx, account_id, change)
                return done.cross_wallet, [e.seq for e in done.events]

            before = store.read_sync(lambda tx: outbox.for_account(tx, account_id))
            cross, seqs = _started_during(store, url, move, transfer)
            # 50 − 40, not 10,000 − 40; numbered after the move's event (a stale number would collide)
            assert (cross, seqs) == (Decimal(10), [len(before) + 2])
            with pytest.raises(errors.ApiError) as refused:  # 10 left: 40 more is too much
                store.write_sync(transfer)
            assert refused.value.body()["code"] == errors.CROSS_BALANCE_INSUFFICIENT.code
        finally:
            store.close()
