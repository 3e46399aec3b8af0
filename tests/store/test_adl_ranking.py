"""rank_symbol's cost: one SELECT of the symbol's positions, an UPDATE only for quantiles that changed;
and refresh's: a move within the refresh interval reads one row and writes at most one.

The ranking is relative, so a ranking reads every open position of the symbol (O(n)); what it
writes is bounded by what changed, grouped by value and side (store/adl.py). That is why a price
move ranks only when the symbol's refresh interval is up (service/adl.py).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from isomargin.domain.position import PositionSide
from isomargin.service import admin, price_moves
from isomargin.service.adl import rank_symbol, refresh
from isomargin.service.book import Book
from isomargin.service.context import ServiceContext
from isomargin.store import Tx, open_store, repo
from isomargin.symbols import DEFAULT_SYMBOLS
from tests.store.test_hot_path_statements import CountingTx


def test_a_price_move_reads_once_and_writes_only_what_changed(db_url: str) -> None:
    store = open_store(db_url)
    ctx = ServiceContext(dict(DEFAULT_SYMBOLS), 1_000_000)
    try:
        accounts = []
        for entry in ("50000", "50000", "49000"):
            account_id = store.write_sync(
                lambda tx: repo.insert_account(tx, cross_wallet=Decimal(10_000), dual_side_position=False, now_ms=1)
            )
            request = admin.OpenPosition(account_id, "BTCUSDT", PositionSide.BOTH, Decimal("0.01"), Decimal(entry), 10)
            store.write_sync(lambda tx, r=request: admin.open_position(tx, ctx, r))
            accounts.append(account_id)

        def rank_at(mark: str) -> list[str]:
            counted: list[CountingTx] = []

            def run(tx: Tx) -> None:
                counted.append(CountingTx(tx))
                rank_symbol(counted[-1], ctx, "BTCUSDT", Decimal(mark))

            store.write_sync(run)
            return counted[-1].statements

        def quantiles() -> list[int]:
            def read(tx: Tx) -> list[int]:
                rows = [repo.get_position(tx, a, "BTCUSDT", "BOTH") for a in accounts]
                return [row.adl_quantile for row in rows if row is not None]

            return store.read_sync(read)

        # at 51000: the two @50000 tie (PnL 10 on wallet 50) below the @49000 (PnL 20): ranks 2/3, 2/3, 3/3
        # → ceil(10/3) − 1 = 3, 3 and 4: one UPDATE per value (3 and 4), each for its rows
        assert rank_at("51000") == ["SELECT", "UPDATE", "UPDATE"]
        assert quantiles() == [3, 3, 4]
        assert rank_at("51000") == ["SELECT"]  # nothing changed: nothing written
        # at 49500 the two @50000 are at a loss (0); the @49000 keeps 4: one UPDATE for both rows
        assert rank_at("49500") == ["SELECT", "UPDATE"]
        assert quantiles() == [0, 0, 4]
    finally:
        store.close()


def test_a_move_within_the_interval_costs_one_read_and_at_most_one_small_write(db_url: str) -> None:
    store = open_store(db_url)
    try:
        account_id = store.write_sync(
            lambda tx: repo.insert_account(tx, cross_wallet=Decimal(10_000), dual_side_position=False, now_ms=1)
        )
        ctx = ServiceContext(dict(DEFAULT_SYMBOLS), 1_000_000)
        request = admin.OpenPosition(account_id, "BTCUSDT", PositionSide.BOTH, Decimal("0.01"), Decimal(50000), 10)
        store.write_sync(lambda tx: admin.open_position(tx, ctx, request))

        def refresh_at(now_ms: int) -> tuple[bool, list[str]]:
            counted: list[CountingTx] = []

            def run(tx: Tx) -> bool:
                counted.append(CountingTx(tx))
                return refresh(counted[-1], ctx.__class__(ctx.symbols, now_ms), "BTCUSDT", Decimal(51000))

            ranked = store.write_sync(run)
            return ranked, counted[-1].statements

        # never ranked: ranks (the last refresh, the positions, the one quantile that changed: 0 → 4,
        # then the refresh row); the default interval is 30 s (Binance's [doc ADLQ])
        assert refresh_at(1_000_000) == (True, ["SELECT", "SELECT", "UPDATE", "INSERT"])
        assert refresh_at(1_000_001) == (False, ["SELECT", "UPDATE"])  # noted as pending
        assert refresh_at(1_029_999) == (False, ["SELECT"])  # already pending: nothing written
        assert refresh_at(1_030_000) == (True, ["SELECT", "SELECT", "INSERT"])  # 30 s: ranked, same 4
        assert refresh_at(1_000_000) == (True, ["SELECT", "SELECT", "INSERT"])  # the clock set back: due
    finally:
        store.close()


def test_a_dry_run_move_does_not_rank(db_url: str) -> None:
    """``?dryRun=true`` rolls back: a ranking (O(n) when due) would show in nothing it answers."""
    store = open_store(db_url)
    try:
        ctx = ServiceContext(dict(DEFAULT_SYMBOLS), 1_000_000)
        account_id = store.write_sync(
            lambda tx: repo.insert_account(tx, cross_wallet=Decimal(10_000), dual_side_position=False, now_ms=1)
        )
        request = admin.OpenPosition(account_id, "BTCUSDT", PositionSide.BOTH, Decimal("0.01"), Decimal(50000), 10)
        store.write_sync(lambda tx: admin.open_position(tx, ctx, request))
        mark = Decimal(51000)
        counted: list[CountingTx] = []

        def run(tx: Tx) -> None:
            counted.append(CountingTx(tx))
            price_moves.move_price(counted[-1], ctx, "BTCUSDT", Book(mark, mark, mark), dry_run=True)

        with pytest.raises(price_moves.DryRun):
            store.write_sync(run)  # the symbol was never ranked: a real move would rank it
        assert not [t for t in counted[-1].texts if "adl_" in t]
    finally:
        store.close()
