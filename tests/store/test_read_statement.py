"""``Store.read_statement``: a lone statement's read (the API key's before every signed request),
sent on PostgreSQL without BEGIN and COMMIT; a second statement is refused, never run on a
snapshot of its own."""

from __future__ import annotations

from decimal import Decimal

import pytest

from isomargin.store import Store, Tx, open_store, repo


def _add_one(store: Store, account_id: int, cross_wallet: Decimal) -> None:
    store.write_sync(lambda tx: repo.set_cross_wallet(tx, account_id, cross_wallet + 1, 2, event_seq=0))


async def test_a_lone_statement_reads_what_a_transaction_reads(db_url: str) -> None:
    store = open_store(db_url)
    try:
        account_id = store.write_sync(
            lambda tx: repo.insert_account(tx, cross_wallet=Decimal(7), dual_side_position=False, now_ms=1)
        )
        for _ in range(3):  # the connection goes back and forth between the two modes
            alone = await store.read_statement(lambda tx: repo.get_account(tx, account_id))
            assert alone is not None and alone == await store.read(lambda tx: repo.get_account(tx, account_id))
            _add_one(store, account_id, alone.cross_wallet)
        after = await store.read_statement(lambda tx: repo.get_account(tx, account_id))
        assert after is not None and after.cross_wallet == Decimal(10)
    finally:
        store.close()


@pytest.mark.parametrize("backend", ["postgresql"])
async def test_a_second_statement_is_refused(db_url: str) -> None:
    store = open_store(db_url)

    def two(tx: Tx) -> None:
        tx.one("SELECT 1")
        tx.one("SELECT 2")

    try:
        with pytest.raises(RuntimeError, match="one statement"):
            await store.read_statement(two)
        assert await store.read_statement(lambda tx: tx.one("SELECT 3")) == (3,)
    finally:
        store.close()
