"""Hypothesis: any sequence of orders, margin transfers and book moves keeps the money invariant.

The account's wallet (cross + Σ isolated wallets) moves only by realized PnL and commission, i.e.
by the sum of its income rows; every refusal is a Binance error (never an unexpected exception,
which the API would answer 500); open orders' reserved margin never exceeds the wallet.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from isomargin import errors
from isomargin.domain.orders import OrderSide, OrderType, ResponseType, TimeInForce
from isomargin.service import account_settings, admin, margin, order_queries, orders
from isomargin.service.account import wallet_view
from isomargin.service.context import ServiceContext
from isomargin.store import Store, open_store, repo
from isomargin.store import orders as order_rows
from isomargin.symbols import DEFAULT_SYMBOLS

CTX = ServiceContext(DEFAULT_SYMBOLS, now_ms=1_700_000_000_000)

quantities = st.sampled_from(["0.002", "0.005", "0.01", "0.013", "0.05"])
prices = st.integers(min_value=45000, max_value=55000).map(lambda p: Decimal(p))
steps = st.lists(
    st.one_of(
        st.tuples(st.just("market"), st.sampled_from(list(OrderSide)), quantities, st.booleans()),
        st.tuples(st.just("limit"), st.sampled_from(list(OrderSide)), quantities, prices),
        st.tuples(st.just("book"), prices, st.integers(min_value=0, max_value=20)),
        st.tuples(st.just("margin"), st.sampled_from(["1", "5", "20"]), st.booleans()),
        st.tuples(st.just("isolated"), st.booleans()),
    ),
    max_size=25,
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path: Path = tmp_path_factory.mktemp("props") / "props.db"
    s = open_store(f"sqlite:///{path}")
    yield s
    s.close()


def _new_order(
    side: OrderSide, qty: str, *, reduce_only: bool = False, price: Decimal | None = None
) -> orders.NewOrder:
    return orders.NewOrder(
        symbol="BTCUSDT",
        side=side,
        type=OrderType.MARKET if price is None else OrderType.LIMIT,
        quantity=Decimal(qty),
        price=price,
        time_in_force=TimeInForce.GTC,
        position_side=None,
        reduce_only=reduce_only or None,
        client_order_id=None,
        response_type=ResponseType.RESULT,
        good_till_date=0,
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
def test_money_moves_only_by_income(store: Store, steps: list[tuple[object, ...]]) -> None:
    store.write_sync(lambda tx: admin.reset(tx, CTX))
    account_id = store.write_sync(
        lambda tx: repo.insert_account(tx, cross_wallet=Decimal("2000"), dual_side_position=False, now_ms=CTX.now_ms)
    )
    for step in steps:
        with contextlib.suppress(errors.ApiError):  # a Binance refusal: rolled back, nothing changed
            store.write_sync(lambda tx, step=step: _run(tx, account_id, step))  # type: ignore[misc]
    wallet = store.read_sync(lambda tx: wallet_view(tx, CTX, account_id))
    income = store.read_sync(
        lambda tx: order_rows.list_income(
            tx, account_id, symbol=None, income_type=None, start_ms=0, end_ms=2**62, offset=0, limit=10_000
        )
    )
    assert wallet.wallet_balance == Decimal("2000") + sum((r.income for r in income), Decimal(0))
    assert wallet.cross_wallet >= 0 and wallet.open_order_margin <= wallet.wallet_balance


def _run(tx: object, account_id: int, step: tuple[object, ...]) -> None:
    kind = step[0]
    if kind == "market":
        _, side, qty, reduce_only = step
        orders.place_order(tx, CTX, account_id, _new_order(side, qty, reduce_only=reduce_only))  # type: ignore[arg-type]
    elif kind == "limit":
        _, side, qty, price = step
        orders.place_order(tx, CTX, account_id, _new_order(side, qty, price=price))  # type: ignore[arg-type]
    elif kind == "book":
        _, mark, spread = step
        assert isinstance(mark, Decimal) and isinstance(spread, int)
        admin.set_mark_price(tx, CTX, "BTCUSDT", mark, mark - spread, mark + spread)  # type: ignore[arg-type]
    elif kind == "margin":
        _, amount, add = step
        change = margin.MarginChange("BTCUSDT", Decimal(str(amount)), margin.ADD if add else margin.REDUCE, None)
        margin.modify_position_margin(tx, CTX, account_id, change)  # type: ignore[arg-type]
    else:
        _, iso = step
        cancel = order_queries.OrderList("BTCUSDT")
        order_queries.cancel_all_open_orders(tx, CTX, account_id, cancel)  # type: ignore[arg-type]
        wanted = account_settings.MarginType.ISOLATED if iso else account_settings.MarginType.CROSSED
        account_settings.change_margin_type(tx, CTX, account_id, account_settings.SetMarginType("BTCUSDT", wanted))  # type: ignore[arg-type]
