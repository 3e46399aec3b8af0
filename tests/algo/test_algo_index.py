"""A price move finds the algo orders it reaches through their keys, never by a walk (SQLite plans).

Many open orders of every kind rest far from the price; a move that fires one stop and moves one
trailing stop plans every statement it runs, and each read of ``algo_orders`` by symbol must be a
range of the trigger or trail index — the k orders reached, not the n resting.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from isomargin.domain.algo import AlgoOrderType, WorkingType
from isomargin.domain.orders import OrderSide, TimeInForce
from isomargin.service import admin
from isomargin.service.algo_orders import NewAlgoOrder, place_algo_order
from isomargin.service.context import ServiceContext
from isomargin.store import Tx, open_store, repo
from isomargin.symbols import DEFAULT_SYMBOLS
from tests.store.test_bench_liquidation import PlanningTx

NOW = 1_700_000_000_000
CTX = ServiceContext(dict(DEFAULT_SYMBOLS), NOW)


def order(side: OrderSide, kind: AlgoOrderType, *, trigger: str | None = None, rate: str | None = None) -> NewAlgoOrder:
    return NewAlgoOrder(
        symbol="BTCUSDT",
        side=side,
        order_type=kind,
        trigger_price=None if trigger is None else Decimal(trigger),
        quantity=Decimal("0.001"),
        price=None,
        time_in_force=TimeInForce.GTC,
        working_type=WorkingType.MARK_PRICE,
        position_side=None,
        reduce_only=None,
        close_position=False,
        price_protect=False,
        client_algo_id=None,
        callback_rate=None if rate is None else Decimal(rate),
    )


def test_a_move_reads_only_the_ranges_of_the_keys_it_reaches(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/plans.db")
    try:

        def seed(tx: Tx) -> None:
            admin.set_mark_price(tx, CTX, "BTCUSDT", Decimal("50000"))
            for n in range(40):  # resting far away on every side and kind
                account = repo.insert_account(tx, cross_wallet=Decimal(1000), dual_side_position=False, now_ms=NOW)
                for side, kind, trigger in (
                    (OrderSide.SELL, AlgoOrderType.STOP_MARKET, f"{30000 + n}"),
                    (OrderSide.BUY, AlgoOrderType.STOP_MARKET, f"{70000 + n}"),
                    (OrderSide.SELL, AlgoOrderType.TAKE_PROFIT_MARKET, f"{80000 + n}"),
                ):
                    place_algo_order(tx, CTX, account, order(side, kind, trigger=trigger))
                place_algo_order(tx, CTX, account, order(OrderSide.SELL, AlgoOrderType.TRAILING_STOP_MARKET, rate="10"))
            near = repo.insert_account(tx, cross_wallet=Decimal(1000), dual_side_position=False, now_ms=NOW)
            place_algo_order(tx, CTX, near, order(OrderSide.SELL, AlgoOrderType.STOP_MARKET, trigger="49000"))

        store.write_sync(seed)
        plans: list[tuple[str, str]] = []
        # 48,000: fires the near stop (its order is refused, no position: REJECTED); the 40 trailing
        # stops sit at 45,000 (50000 × 0.9) and do not move down
        report = store.write_sync(
            lambda tx: admin.set_mark_price(PlanningTx(tx, plans), CTX, "BTCUSDT", Decimal("48000"))
        )
        assert [t.status for t in report.triggers] == ["REJECTED"]
        # 51,000 moves all 40 trailing stops' high (to 51,000, trigger 45,900), fires nothing
        plans_up: list[tuple[str, str]] = []
        report = store.write_sync(
            lambda tx: admin.set_mark_price(PlanningTx(tx, plans_up), CTX, "BTCUSDT", Decimal("51000"))
        )
        assert report.triggers == ()
        # 51000 × 0.9 = 45,900, stored as 45900 × 10^8
        sql = "SELECT COUNT(*) FROM algo_orders WHERE best_price IS NOT NULL AND trigger_price = ?"
        assert store.read_sync(lambda tx: tx.all(sql, (45900 * 10**8,)))[0][0] == 40
    finally:
        store.close()
    searches = [(sql, plan) for sql, plan in plans + plans_up if "FROM algo_orders WHERE symbol" in sql]
    ranges = {"trigger_key >= ?", "trail_key >= ?", "trigger_key < 0", "trail_key < 0"}
    assert {sql.split(" AND ")[-1] for sql, _ in searches} >= ranges
    for sql, plan in searches:
        key = sql.split(" AND ")[-1].split(" ")[0]  # the key the statement ranges over
        index = "ix_algo_orders_trail" if key == "trail_key" else "ix_algo_orders_trigger"
        assert plan.startswith(f"SEARCH algo_orders USING INDEX {index} (") and f"{key}>?" in plan, (sql, plan)
    assert not [plan for _, plan in plans + plans_up if plan.startswith("SCAN algo_orders")]
