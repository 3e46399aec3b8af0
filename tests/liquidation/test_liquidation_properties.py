"""Hypothesis: whatever the price does and the accounts do, no position outlives its liquidation
price, and money is conserved between the users and the insurance fund (issue 12).

After every step, at the current mark: an isolated position's margin balance (iw + uPnL) is above
its maintenance margin; an account's cross margin balance is above its cross positions' total
maintenance margin. Each account's wallet moved by exactly its income rows (realized PnL,
commission, INSURANCE_CLEAR), and the fund's clearance entries equal the users' INSURANCE_CLEAR.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from isomargin import errors
from isomargin.domain.brackets import maintenance_margin
from isomargin.domain.orders import OrderSide
from isomargin.service import account_settings, admin, margin, orders
from isomargin.service.account import wallet_view
from isomargin.service.symbol_state import mark_price, symbol_config
from isomargin.store import Store, Tx, open_store, repo
from isomargin.store import orders as order_rows
from tests.trading.test_order_properties import CTX, _new_order

START = Decimal("1000")
SPEC = CTX.symbols["BTCUSDT"]

accounts = st.integers(min_value=0, max_value=2)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("market"), accounts, st.sampled_from(list(OrderSide)), st.sampled_from(["0.01", "0.03"])),
        st.tuples(st.just("mark"), st.integers(min_value=35000, max_value=65000).map(Decimal)),
        st.tuples(st.just("margin"), accounts, st.sampled_from(["1", "5", "15"]), st.booleans()),
    ),
    max_size=30,
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path: Path = tmp_path_factory.mktemp("liq-props") / "props.db"
    s = open_store(f"sqlite:///{path}")
    yield s
    s.close()


def _setup(tx: Tx) -> list[int]:
    """Three accounts: isolated at 20x, isolated at 50x, cross (the default) at 20x."""
    admin.reset(tx, CTX)
    ids = [repo.insert_account(tx, cross_wallet=START, dual_side_position=False, now_ms=CTX.now_ms) for _ in range(3)]
    for account_id, leverage in ((ids[0], 20), (ids[1], 50)):
        account_settings.change_margin_type(
            tx, CTX, account_id, account_settings.SetMarginType("BTCUSDT", account_settings.MarginType.ISOLATED)
        )
        account_settings.change_leverage(tx, CTX, account_id, account_settings.SetLeverage("BTCUSDT", leverage))
    admin.set_mark_price(tx, CTX, "BTCUSDT", Decimal("50000"))
    # every account starts in a position, so most runs see something die
    for account_id, side in zip(ids, (OrderSide.BUY, OrderSide.SELL, OrderSide.BUY), strict=True):
        orders.place_order(tx, CTX, account_id, _new_order(side, "0.03"))
    return ids


def _run(tx: Tx, ids: list[int], step: tuple[object, ...]) -> None:
    if step[0] == "market":
        _, who, side, qty = step
        orders.place_order(tx, CTX, ids[int(who)], _new_order(side, str(qty)))  # type: ignore[arg-type]
    elif step[0] == "mark":
        admin.set_mark_price(tx, CTX, "BTCUSDT", step[1])  # type: ignore[arg-type]
    else:
        _, who, amount, add = step
        change = margin.MarginChange("BTCUSDT", Decimal(str(amount)), margin.ADD if add else margin.REDUCE, None)
        margin.modify_position_margin(tx, CTX, ids[int(who)], change)


def _check_alive_above_maintenance(tx: Tx, ids: list[int]) -> None:
    mark = mark_price(tx, SPEC)
    for account_id in ids:
        account = repo.get_account(tx, account_id)
        assert account is not None
        cross_balance, cross_maint = account.cross_wallet, Decimal(0)
        for row in repo.list_positions(tx, account_id, "BTCUSDT"):
            if row.position_amt == 0:
                continue
            upnl = row.position_amt * (mark - row.entry_price)
            maint = maintenance_margin(SPEC.brackets, abs(row.position_amt) * mark)
            if symbol_config(tx, CTX, account_id, "BTCUSDT").margin_type == "ISOLATED":
                assert row.isolated_wallet + upnl > maint, (account_id, row, mark)
            else:
                cross_balance += upnl
                cross_maint += maint
        assert cross_maint == 0 or cross_balance > cross_maint, (account_id, mark)


def _check_money(tx: Tx, ids: list[int]) -> None:
    cleared = Decimal(0)
    for account_id in ids:
        income = order_rows.list_income(
            tx, account_id, symbol=None, income_type=None, start_ms=0, end_ms=2**62, offset=0, limit=10_000
        )
        wallet = wallet_view(tx, CTX, account_id).wallet_balance
        assert wallet == START + sum((r.income for r in income), Decimal(0))
        cleared -= sum((r.income for r in income if r.income_type == "INSURANCE_CLEAR"), Decimal(0))
    row = tx.one("SELECT COALESCE(SUM(amount), 0) FROM insurance_fund WHERE kind = 'CLEARANCE'")
    assert row is not None and Decimal(int(row[0])) / 10**8 == cleared


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
def test_no_position_outlives_its_liquidation_price_and_money_is_conserved(
    store: Store, steps: list[tuple[object, ...]]
) -> None:
    ids = store.write_sync(_setup)
    for step in steps:
        with contextlib.suppress(errors.ApiError):  # a Binance refusal: rolled back, nothing changed
            store.write_sync(lambda tx, step=step: _run(tx, ids, step))  # type: ignore[misc]
        store.read_sync(lambda tx: _check_alive_above_maintenance(tx, ids))
    store.read_sync(lambda tx: _check_money(tx, ids))
    liquidated = store.read_sync(lambda tx: tx.one("SELECT COUNT(*) FROM orders WHERE auto_close_type IS NOT NULL"))
    event(f"liquidations: {min(int(liquidated[0]) if liquidated else 0, 3)}")  # --hypothesis-show-statistics
