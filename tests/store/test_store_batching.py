"""Group commit and the API-key cache keep one-request-one-transaction semantics (docs/BENCHMARKS.md)."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path

import pytest

from isomargin.api.app import IsomarginApp
from isomargin.store import Tx, open_store, repo
from tests.support import Api


async def test_concurrent_writes_commit_together_but_fail_alone(db_url: str) -> None:
    store = open_store(db_url)
    try:
        account_id = store.write_sync(
            lambda tx: repo.insert_account(tx, cross_wallet=Decimal(100), dual_side_position=False, now_ms=1)
        )

        def move(amount: int, fail: bool) -> object:
            def fn(tx: Tx) -> int:
                account = repo.get_account(tx, account_id, lock=True)
                assert account is not None
                repo.set_cross_wallet(tx, account_id, account.cross_wallet - amount, 2, event_seq=account.event_seq)
                if fail:
                    raise ValueError("rejected after writing")  # the write above must not survive
                return amount

            return store.write(fn)

        results = await asyncio.gather(*(move(n, fail=n % 3 == 0) for n in range(1, 10)), return_exceptions=True)
        ok = [r for r in results if isinstance(r, int)]
        failed = [r for r in results if isinstance(r, ValueError)]
        assert ok == [1, 2, 4, 5, 7, 8] and len(failed) == 3
        account = store.read_sync(lambda tx: repo.get_account(tx, account_id))
        assert account is not None and account.cross_wallet == Decimal(100 - sum(ok))
    finally:
        store.close()


async def _trade(api: Api, creds: object) -> int:
    r = await api.margin(creds, "1", 1)  # type: ignore[arg-type]
    return 200 if r.status_code == 200 else int(r.json()["code"])


async def test_a_key_disabled_by_another_process_is_refused_at_once(api: Api, app: IsomarginApp, db_url: str) -> None:
    creds = await api.account("1000")
    await api.position(creds)
    assert await _trade(api, creds) == 200  # the key is now cached by this process
    other = open_store(db_url, migrate=False)  # another worker or a CLI, its own connection
    try:
        other.write_sync(lambda tx: tx.run("UPDATE api_keys SET enabled = ? WHERE api_key = ?", (False, creds.api_key)))
    finally:
        other.close()
    assert await _trade(api, creds) == -2015


async def test_a_key_removed_through_this_process_is_refused_at_once(api: Api, tmp_path: Path) -> None:
    creds = await api.account("1000")
    await api.position(creds)
    assert await _trade(api, creds) == 200
    r = await api.http.post("/_isomargin/v1/reset")
    assert r.status_code == 200
    assert await _trade(api, creds) == -2015


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_sqlite_token_moves_on_key_writes_only(db_url: str) -> None:
    store = open_store(db_url)
    try:
        before = store.api_keys_token()
        store.write_sync(lambda tx: repo.set_state(tx, "x", "1"))
        assert store.api_keys_token() == before  # a margin transfer does not empty the cache
        store.write_sync(lambda tx: tx.run("DELETE FROM api_keys"))
        assert store.api_keys_token() != before
    finally:
        store.close()
