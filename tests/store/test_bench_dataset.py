"""The bench loader writes what the app reads: its bulk SQL goes through the schema and the money encoding."""

from __future__ import annotations

from decimal import Decimal

from isomargin.bench.dataset import MARK, Population, bench_key, populate
from isomargin.store import Tx, open_store, repo


def test_preloaded_population_reads_back_through_repo(db_url: str) -> None:
    store = open_store(db_url)
    try:
        populate(store, 2, Population(accounts=5, history_rows=7), now_ms=10 * 86_400_000)

        def read(tx: Tx) -> tuple[object, ...]:
            positions = [repo.list_positions(tx, a.id) for a in repo.list_accounts(tx)]
            history = repo.query_history(tx, 3, "BTCUSDT", type_=None, start_ms=0, end_ms=10**13, limit=100)
            return repo.list_accounts(tx), positions, repo.all_mark_prices(tx), history, repo.count_history(tx)

        accounts, positions, marks, history, count = store.read_sync(read)
        assert [(a.id, a.cross_wallet) for a in accounts] == [(i, Decimal("1000000")) for i in range(1, 6)]
        assert {(p.position_amt, p.entry_price, p.isolated_wallet) for (p,) in positions} == {
            (Decimal("0.01"), Decimal(MARK), Decimal("1050"))
        }
        assert marks["BTCUSDT"][0] == Decimal(MARK)
        assert count == 7 and {h.amount for h in history} == {Decimal(1)}
        key = store.read_sync(lambda tx: repo.get_api_key(tx, bench_key(2)))
        assert key is not None and key.account_id == 2 and key.futures_enabled
        new_id = store.write_sync(
            lambda tx: repo.insert_account(tx, cross_wallet=Decimal(1), dual_side_position=False, now_ms=1)
        )
        assert new_id == 6  # the id sequence moved past the pre-loaded accounts
    finally:
        store.close()
