"""The liquidation bench measures the tick it claims to (issue 12's benchmark, ``bench.liquidation``).

Its loader writes positions in bulk, so their liquidation and margin-call keys do not come from
``store.changes.write_change``. Here they are compared with the keys write_change stores for the
same positions opened through the control plane's one change path, and the two marks the bench
times are shown to reach exactly the thin positions and nothing. On SQLite every statement of
such a tick that reads or writes positions is planned, and none may walk the table: that is what
keeps the tick's time flat from 1,000 to 100,000 positions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from isomargin.bench import liquidation_data as data
from isomargin.domain.position import PositionSide
from isomargin.service import admin, triggers
from isomargin.service.context import ServiceContext
from isomargin.service.price_moves import MoveReport
from isomargin.service.shared_settings import DEFAULT_MARGIN_CALL_RATIO
from isomargin.store import Store, Tx, open_store, repo
from isomargin.store.base import OutboxEvent, Row
from isomargin.store.money_sql import decode_money
from isomargin.symbols import DEFAULT_SYMBOLS

NOW = 1_700_000_000_000
CTX = ServiceContext(dict(DEFAULT_SYMBOLS), NOW)
#: 12 accounts, every 4th thin: ids 4, 8, 12
POPULATION = data.Population(accounts=12, thin=3)

Keys = tuple[Decimal | None, Decimal | None]


def loaded(db_url: str) -> Store:
    store = open_store(db_url)
    data.populate(store, POPULATION, DEFAULT_SYMBOLS, DEFAULT_MARGIN_CALL_RATIO, now_ms=NOW)
    return store


def stored_keys(tx: Tx) -> dict[int, tuple[Decimal, Keys]]:
    """account id → (isolated wallet, (liquidation key, margin-call key)), as stored."""
    rows = tx.all("SELECT account_id, isolated_wallet, liquidation_key, margin_call_key FROM positions")

    def money(value: object) -> Decimal | None:
        return None if value is None else decode_money(int(str(value)))

    return {int(str(r[0])): (decode_money(int(str(r[1]))), (money(r[2]), money(r[3]))) for r in rows}


def open_through_the_change_path(store: Store, wallet: Decimal) -> int:
    """An account holding the bench's position, opened by admin.open_position (write_change stores its keys)."""

    def run(tx: Tx) -> int:
        account_id = repo.insert_account(tx, cross_wallet=Decimal(1000), dual_side_position=False, now_ms=NOW)
        position = admin.OpenPosition(
            account_id, data.SYMBOL, PositionSide.BOTH, data.AMOUNT, data.ENTRY, data.LEVERAGE, wallet
        )
        admin.open_position(tx, CTX, position)
        return account_id

    return store.write_sync(run)


def test_the_loader_stores_the_keys_write_change_stores(db_url: str) -> None:
    store = loaded(db_url)
    try:
        thick_ref = open_through_the_change_path(store, data.WALLET)
        thin_ref = open_through_the_change_path(store, data.THIN_WALLET)
        rows = store.read_sync(stored_keys)
    finally:
        store.close()
    thick, thin = rows.pop(thick_ref), rows.pop(thin_ref)
    assert thick == (Decimal("24.75"), (Decimal("47715.86345382"), Decimal("47763.81909548")))
    assert thin == (Decimal("15"), (Decimal("48694.77911647"), Decimal("48743.71859297")))
    assert POPULATION.thin_ids() == [4, 8, 12]
    assert rows == {i: thin if i in POPULATION.thin_ids() else thick for i in range(1, 13)}


def test_the_server_finds_the_loaded_keys_current(db_url: str) -> None:
    """At start-up the server re-keys positions whose inputs changed (``service.triggers``): the
    loader stores the fingerprint of the server's own inputs, and re-keying anyway changes nothing."""
    store = loaded(db_url)
    try:
        assert store.write_sync(lambda tx: triggers.refresh_if_stale(tx, CTX)) == 0  # the fingerprint matched
        assert store.write_sync(lambda tx: triggers.refresh_all(tx, CTX)) == 0  # and every key was right
    finally:
        store.close()


def move(store: Store, mark: Decimal, wrap: Callable[[Tx], Any] = lambda tx: tx) -> MoveReport:
    return store.write_sync(lambda tx: admin.set_mark_price(wrap(tx), CTX, data.SYMBOL, mark))


def test_the_quiet_mark_reaches_nothing_and_the_liquidating_mark_the_thin_positions_only(db_url: str) -> None:
    store = loaded(db_url)
    try:
        quiet = move(store, data.QUIET_MARK)
        assert (quiet.liquidations, quiet.margin_calls) == ((), ())
        tick = move(store, data.LIQUIDATING_MARK)
    finally:
        store.close()
    assert [liq.account_id for liq in tick.liquidations] == POPULATION.thin_ids()
    assert tick.margin_calls == ()
    # an ordinary fill at the mark (the mark is above the thin positions' bankruptcy price, 48500)
    assert {(liq.fill_price, liq.gap) for liq in tick.liquidations} == {(data.LIQUIDATING_MARK, Decimal(0))}


class PlanningTx:
    """The store's transaction, planning each statement (SQLite ``EXPLAIN QUERY PLAN``) before running it."""

    def __init__(self, tx: Tx, plans: list[tuple[str, str]]) -> None:
        self._tx = tx
        self.plans = plans
        self.dialect = tx.dialect
        self.for_update = tx.for_update
        self.outbox = tx.outbox

    def _plan(self, sql: str, params: Sequence[object]) -> None:
        steps = self._tx.all("EXPLAIN QUERY PLAN " + sql, params)
        self.plans.extend((sql, str(step[-1])) for step in steps)

    def one(self, sql: str, params: Sequence[object] = ()) -> Row | None:
        self._plan(sql, params)
        return self._tx.one(sql, params)

    def all(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        self._plan(sql, params)
        return self._tx.all(sql, params)

    def run(self, sql: str, params: Sequence[object] = ()) -> int:
        self._plan(sql, params)
        return self._tx.run(sql, params)

    def insert(self, sql: str, params: Sequence[object] = ()) -> int:
        self._plan(sql, params)
        return self._tx.insert(sql, params)

    def insert_later(self, sql: str, params: Sequence[object], into: OutboxEvent | None = None) -> None:
        self._plan(sql, params)
        self._tx.insert_later(sql, params, into)


#: a pass over every row of a table that grows with the accounts. SQLite shows it as "SCAN t", or —
#: since every bench position is BTCUSDT — as an index search on the symbol alone; the partial
#: index of latched margin calls is exempt (it holds only the latched rows)
_WALK = re.compile(
    r"^SCAN (positions|symbol_configs|accounts|p|c|s|x)\b"
    r"|^SEARCH (positions|p) USING (COVERING )?INDEX (?!ix_positions_symbol_called\b)\w+ \(symbol=\?\)$"
)


def walks_of(plans: list[tuple[str, str]]) -> list[str]:
    return sorted({f"{plan}  <-  {sql}" for sql, plan in plans if _WALK.match(plan)})


def test_a_tick_walks_no_table_that_grows_with_the_positions(tmp_path: Path) -> None:
    store = loaded(f"sqlite:///{tmp_path}/plans.db")
    try:
        # the symbol's first move ranks its ADL quantiles (never ranked): the one walk of the
        # symbol's positions there is, and it comes at most once per refresh interval (30 s)
        ranking: list[tuple[str, str]] = []
        assert move(store, data.START_MARK, lambda tx: PlanningTx(tx, ranking)).liquidations == ()
        (walk,) = walks_of(ranking)
        assert "adl_quantile" in walk, walk
        plans: list[tuple[str, str]] = []
        assert move(store, data.QUIET_MARK, lambda tx: PlanningTx(tx, plans)).liquidations == ()
        assert len(move(store, data.LIQUIDATING_MARK, lambda tx: PlanningTx(tx, plans)).liquidations) == 3
        # 30 s of server time later the next move ranks again: the same one walk
        later = ServiceContext(dict(DEFAULT_SYMBOLS), NOW + 30_000)
        again: list[tuple[str, str]] = []
        store.write_sync(lambda tx: admin.set_mark_price(PlanningTx(tx, again), later, data.SYMBOL, data.QUIET_MARK))
        assert walks_of(again) == [walk]
    finally:
        store.close()
    planned = {sql for sql, _ in plans}
    assert any("liquidation_key >=" in sql for sql in planned)  # the candidate search was planned
    # within the interval, neither tick walks anything: the ranking waits for its refresh (the
    # code of main before it ranked at every move and failed here)
    assert walks_of(plans) == []
    # re-arming margin calls reads the latched rows only: a range of the margin-call key below the
    # mark would hold every position the mark has not reached, which no plan text tells from a
    # range of reached shorts, so the statement's index is named here
    rearm = {plan for sql, plan in plans if sql.startswith("UPDATE positions") and "margin_call_key <" in sql}
    assert rearm and all("ix_positions_symbol_called" in plan for plan in rearm), rearm
