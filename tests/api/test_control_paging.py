"""``GET /_isomargin/v1/accounts`` pages (``?offset=0&limit=100``) and reads a page in a fixed
number of statements, however many accounts it holds (docs/control-plane.md)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import pytest

from isomargin.api.app import IsomarginApp
from isomargin.store import Tx
from isomargin.store.base import Row
from tests.support import CONTROL, Api, Creds

T = TypeVar("T")


async def make_accounts(api: Api, count: int) -> list[Creds]:
    made = []
    for n in range(count):
        creds = await api.account("1000")
        await api.position(creds, amt="0.01" if n % 2 else "-0.02")  # some long, some short
        await api.http.post(f"{CONTROL}/accounts/{creds.account_id}/apiKeys", json={})  # a second key
        made.append(creds)
    return made


async def page(api: Api, query: str = "") -> list[dict[str, Any]]:
    r = await api.http.get(f"{CONTROL}/accounts{query}")
    assert r.status_code == 200, r.text
    return list(r.json())


async def test_pages_walk_every_account_once_in_id_order(api: Api) -> None:
    made = await make_accounts(api, 5)
    ids = [c.account_id for c in made]
    assert [a["accountId"] for a in await page(api)] == ids  # defaults: offset 0, limit 100
    walked = []
    for offset in range(0, 6, 2):
        walked += [a["accountId"] for a in await page(api, f"?offset={offset}&limit=2")]
    assert walked == ids
    assert await page(api, "?offset=5") == []
    assert await page(api, "?offset=9223372036854775807&limit=1000") == []


async def test_a_listed_account_is_the_account_read_alone(api: Api) -> None:
    await make_accounts(api, 3)
    for listed in await page(api, "?limit=3"):
        alone = (await api.http.get(f"{CONTROL}/accounts/{listed['accountId']}")).json()
        assert listed == alone
        assert len(listed["positions"]) == 1 and len(listed["apiKeys"]) == 2


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?limit=0", "limit must be an integer from 1 to 1000"),
        ("?limit=1001", "limit must be an integer from 1 to 1000"),
        ("?limit=ten", "limit must be an integer from 1 to 1000"),
        ("?limit=", "limit must be an integer from 1 to 1000"),
        ("?limit=%EF%BC%95", "limit must be an integer from 1 to 1000"),  # a full-width digit 5
        ("?offset=-1", "offset must be an integer from 0 to 9223372036854775807"),
        ("?offset=1.5", "offset must be an integer from 0 to 9223372036854775807"),
        ("?offset=9223372036854775808", "offset must be an integer from 0 to 9223372036854775807"),
    ],
)
async def test_bad_paging_is_400_in_words(api: Api, query: str, message: str) -> None:
    r = await api.http.get(f"{CONTROL}/accounts{query}")
    assert (r.status_code, r.json()) == (400, {"error": message})


class CountingTx:
    """A transaction that counts the statements run through it."""

    def __init__(self, tx: Tx, counts: list[int]) -> None:
        self._tx, self._counts = tx, counts
        self.dialect, self.for_update = tx.dialect, tx.for_update

    def one(self, sql: str, params: Sequence[object] = ()) -> Row | None:
        self._counts[0] += 1
        return self._tx.one(sql, params)

    def all(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        self._counts[0] += 1
        return self._tx.all(sql, params)

    def run(self, sql: str, params: Sequence[object] = ()) -> int:
        self._counts[0] += 1
        return self._tx.run(sql, params)


async def statements_to_list(api: Api, app: IsomarginApp, monkeypatch: pytest.MonkeyPatch) -> int:
    store = app.state.store
    original = store.read
    counts = [0]

    async def counting_read(fn: Callable[[Tx], T]) -> T:
        return await original(lambda tx: fn(CountingTx(tx, counts)))

    with monkeypatch.context() as patch:
        patch.setattr(store, "read", counting_read)
        listed = await page(api)
    assert listed, "nothing listed: the count would prove nothing"
    return counts[0]


async def test_a_page_costs_the_same_statements_for_one_account_or_many(
    api: Api, app: IsomarginApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    await make_accounts(api, 1)
    one = await statements_to_list(api, app, monkeypatch)
    await make_accounts(api, 7)
    assert len(await page(api)) == 8
    assert await statements_to_list(api, app, monkeypatch) == one
