"""Orders, trades (fills) and income rows: the records of trading (issue 11).

Hand-written SQL whose column lists come from ``schema.py`` (as in ``repo.py``). The money a
fill moves is written by ``store.changes.write_change``; these tables record what happened, for
the order, userTrades and income endpoints.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal

import sqlalchemy as sa

from isomargin.store import schema
from isomargin.store.base import Row, Tx
from isomargin.store.filters import filtered
from isomargin.store.money_sql import decode_money as _decimal
from isomargin.store.money_sql import encode_money as _money

#: the statuses of an order still on the book
OPEN_STATUSES = ("NEW", "PARTIALLY_FILLED")


def _columns(table: sa.Table, row_type: type) -> list[str]:
    names = [f.name for f in fields(row_type)]
    schema.column_list(table, *names)  # checked against the schema at import
    return names


def _insert(table: sa.Table, names: list[str]) -> str:
    cols = [n for n in names if n != "id"]
    return f"INSERT INTO {table.name} (account_id, {', '.join(cols)}) VALUES (?{', ?' * len(cols)}) RETURNING id"


def _values(row: object, names: list[str]) -> list[object]:
    values: list[object] = []
    for name in names:
        if name == "id":
            continue
        value = getattr(row, name)
        values.append(_money(value) if isinstance(value, Decimal) else value)
    return values


@dataclass(frozen=True, slots=True)
class OrderRow:
    id: int  # orderId (0 before the insert assigns it)
    symbol: str
    client_order_id: str
    side: str
    position_side: str
    type: str
    time_in_force: str
    orig_qty: Decimal
    price: Decimal
    executed_qty: Decimal
    cum_quote: Decimal
    reduce_only: bool
    status: str
    good_till_date: int
    time: int
    update_time: int
    reserved_margin: Decimal
    #: LIQUIDATION or ADL for the engine's orders (forceOrders); None for a user's own
    auto_close_type: str | None = None


@dataclass(frozen=True, slots=True)
class TradeRow:
    id: int  # the trade id (0 before the insert assigns it)
    symbol: str
    order_id: int
    side: str
    position_side: str
    price: Decimal
    qty: Decimal
    quote_qty: Decimal
    realized_pnl: Decimal
    commission: Decimal
    maker: bool
    time: int


@dataclass(frozen=True, slots=True)
class IncomeRow:
    id: int  # tranId (0 before the insert assigns it)
    symbol: str
    income_type: str
    income: Decimal
    asset: str
    info: str
    time: int
    trade_id: str


_ORDER_NAMES = _columns(schema.orders, OrderRow)
_TRADE_NAMES = _columns(schema.trades, TradeRow)
_INCOME_NAMES = _columns(schema.income, IncomeRow)
_INSERT_ORDER = _insert(schema.orders, _ORDER_NAMES)
_INSERT_TRADE = _insert(schema.trades, _TRADE_NAMES)
_INSERT_INCOME = _insert(schema.income, _INCOME_NAMES)
_ORDER_COLS = ", ".join(_ORDER_NAMES)
_TRADE_COLS = ", ".join(_TRADE_NAMES)
_INCOME_COLS = ", ".join(_INCOME_NAMES)


def _inserted(tx: Tx, sql: str, account_id: int, values: list[object]) -> int:
    row = tx.one(sql, (account_id, *values))
    assert row is not None
    return int(row[0])


def insert_order(tx: Tx, account_id: int, order: OrderRow) -> int:
    """Insert ``order``; the orderId the database assigned."""
    return _inserted(tx, _INSERT_ORDER, account_id, _values(order, _ORDER_NAMES))


def insert_trade(tx: Tx, account_id: int, trade: TradeRow) -> int:
    return _inserted(tx, _INSERT_TRADE, account_id, _values(trade, _TRADE_NAMES))


def insert_income(tx: Tx, account_id: int, row: IncomeRow) -> int:
    return _inserted(tx, _INSERT_INCOME, account_id, _values(row, _INCOME_NAMES))


def _order(row: Row) -> OrderRow:
    return OrderRow(
        int(row[0]),
        str(row[1]),
        str(row[2]),
        str(row[3]),
        str(row[4]),
        str(row[5]),
        str(row[6]),
        _decimal(row[7]),
        _decimal(row[8]),
        _decimal(row[9]),
        _decimal(row[10]),
        bool(row[11]),
        str(row[12]),
        int(row[13]),
        int(row[14]),
        int(row[15]),
        _decimal(row[16]),
        None if row[17] is None else str(row[17]),
    )


def _trade(row: Row) -> TradeRow:
    return TradeRow(
        int(row[0]),
        str(row[1]),
        int(row[2]),
        str(row[3]),
        str(row[4]),
        _decimal(row[5]),
        _decimal(row[6]),
        _decimal(row[7]),
        _decimal(row[8]),
        _decimal(row[9]),
        bool(row[10]),
        int(row[11]),
    )


def _income(row: Row) -> IncomeRow:
    return IncomeRow(
        int(row[0]), str(row[1]), str(row[2]), _decimal(row[3]), str(row[4]), str(row[5]), int(row[6]), str(row[7])
    )


def open_order_with_client_id(tx: Tx, account_id: int, symbol: str, client_order_id: str) -> bool:
    """Whether an open order of the account already uses ``client_order_id`` (-4116)."""
    row = tx.one(
        "SELECT 1 FROM orders WHERE account_id = ? AND symbol = ? AND client_order_id = ? AND status IN (?, ?)",
        (account_id, symbol, client_order_id, *OPEN_STATUSES),
    )
    return row is not None


def find_order(
    tx: Tx, account_id: int, symbol: str, order_id: int | None, client_order_id: str | None
) -> OrderRow | None:
    """The account's order by ``orderId`` (which wins) or else by ``origClientOrderId`` (the latest one)."""
    if order_id is not None:
        row = tx.one(
            f"SELECT {_ORDER_COLS} FROM orders WHERE account_id = ? AND symbol = ? AND id = ?",
            (account_id, symbol, order_id),
        )
    else:
        row = tx.one(
            f"SELECT {_ORDER_COLS} FROM orders WHERE account_id = ? AND symbol = ? AND client_order_id = ?"
            " ORDER BY id DESC LIMIT 1",
            (account_id, symbol, client_order_id),
        )
    return _order(row) if row else None


def list_orders(
    tx: Tx,
    account_id: int,
    symbol: str | None,
    *,
    open_only: bool = False,
    from_id: int | None = None,
    start_ms: int | None = None,
    end_ms: int | None = None,
    limit: int = 1000,
) -> list[OrderRow]:
    """Orders oldest first, filtered as allOrders / openOrders ask."""
    sql, params = filtered(
        f"SELECT {_ORDER_COLS} FROM orders WHERE account_id = ?",
        (account_id,),
        ("symbol = ?", symbol),
        ("status IN (?, ?)", OPEN_STATUSES if open_only else None),
        ("id >= ?", from_id),
        ("time >= ?", start_ms),
        ("time <= ?", end_ms),
    )
    sql += " ORDER BY id LIMIT ?"
    params.append(limit)
    return [_order(r) for r in tx.all(sql, params)]


def list_trades(
    tx: Tx,
    account_id: int,
    symbol: str,
    *,
    order_id: int | None = None,
    from_id: int | None = None,
    start_ms: int | None = None,
    end_ms: int | None = None,
    limit: int = 500,
) -> list[TradeRow]:
    sql, params = filtered(
        f"SELECT {_TRADE_COLS} FROM trades WHERE account_id = ? AND symbol = ?",
        (account_id, symbol),
        ("order_id = ?", order_id),
        ("id >= ?", from_id),
        ("time >= ?", start_ms),
        ("time <= ?", end_ms),
    )
    sql += " ORDER BY id LIMIT ?"
    params.append(limit)
    return [_trade(r) for r in tx.all(sql, params)]


def list_income(
    tx: Tx,
    account_id: int,
    *,
    symbol: str | None,
    income_type: str | None,
    start_ms: int,
    end_ms: int,
    offset: int,
    limit: int,
) -> list[IncomeRow]:
    sql, params = filtered(
        f"SELECT {_INCOME_COLS} FROM income WHERE account_id = ? AND time >= ? AND time <= ?",
        (account_id, start_ms, end_ms),
        ("symbol = ?", symbol),
        ("income_type = ?", income_type),
    )
    sql += " ORDER BY time, id LIMIT ? OFFSET ?"
    params.extend((limit, offset))
    return [_income(r) for r in tx.all(sql, params)]


def reserved_margin(tx: Tx, account_id: int) -> Decimal:
    """Σ initial margin the account's open orders reserve (``openOrderInitialMargin``)."""
    row = tx.one(
        "SELECT COALESCE(SUM(reserved_margin), 0) FROM orders WHERE account_id = ? AND status IN (?, ?)",
        (account_id, *OPEN_STATUSES),
    )
    assert row is not None
    return _decimal(row[0])


def update_order(
    tx: Tx, order_id: int, *, status: str, executed_qty: Decimal, cum_quote: Decimal, reserved: Decimal, now_ms: int
) -> None:
    """An order's state after a fill, a cancel or an expiry."""
    tx.run(
        "UPDATE orders SET status = ?, executed_qty = ?, cum_quote = ?, reserved_margin = ?, update_time = ?"
        " WHERE id = ?",
        (status, _money(executed_qty), _money(cum_quote), _money(reserved), now_ms, order_id),
    )


def crossed_orders(tx: Tx, symbol: str, bid: Decimal, ask: Decimal) -> list[tuple[int, OrderRow]]:
    """Resting orders of ``symbol`` the book now crosses — a BUY at or above the ask, a SELL at or
    below the bid — with their accounts, in account then order id order (the lock order)."""
    rows = tx.all(
        f"SELECT account_id, {_ORDER_COLS} FROM orders WHERE symbol = ? AND status IN (?, ?)"
        " AND ((side = 'BUY' AND price >= ?) OR (side = 'SELL' AND price <= ?)) ORDER BY account_id, id",
        (symbol, *OPEN_STATUSES, _money(ask), _money(bid)),
    )
    return [(int(r[0]), _order(r[1:])) for r in rows]


def open_order_count(tx: Tx, account_id: int, symbol: str) -> int:
    row = tx.one(
        "SELECT COUNT(*) FROM orders WHERE account_id = ? AND symbol = ? AND status IN (?, ?)",
        (account_id, symbol, *OPEN_STATUSES),
    )
    assert row is not None
    return int(row[0])


def open_reduce_only_quantity(tx: Tx, account_id: int, symbol: str, position_side: str, side: str) -> Decimal:
    """What the account's open reduce-only orders on one side of a position still have to fill."""
    row = tx.one(
        "SELECT COALESCE(SUM(orig_qty - executed_qty), 0) FROM orders WHERE account_id = ? AND symbol = ?"
        " AND position_side = ? AND side = ? AND reduce_only = ? AND status IN (?, ?)",
        (account_id, symbol, position_side, side, True, *OPEN_STATUSES),
    )
    assert row is not None
    return _decimal(row[0])


def symbols_with_open_orders(tx: Tx, account_id: int) -> set[str]:
    rows = tx.all(
        "SELECT DISTINCT symbol FROM orders WHERE account_id = ? AND status IN (?, ?)", (account_id, *OPEN_STATUSES)
    )
    return {str(r[0]) for r in rows}


def open_orders_of(tx: Tx, account_id: int, symbol: str, position_side: str) -> list[OrderRow]:
    """The account's open orders on one position of ``symbol``, in id order (a liquidation expires them)."""
    rows = tx.all(
        f"SELECT {_ORDER_COLS} FROM orders WHERE account_id = ? AND symbol = ? AND position_side = ?"
        " AND status IN (?, ?) ORDER BY id",
        (account_id, symbol, position_side, *OPEN_STATUSES),
    )
    return [_order(r) for r in rows]


def force_orders(
    tx: Tx,
    account_id: int,
    *,
    symbol: str | None,
    auto_close_type: str | None,
    start_ms: int,
    end_ms: int,
    limit: int,
) -> list[OrderRow]:
    """The engine's orders for the account (``GET /fapi/v1/forceOrders``), newest first."""
    sql = f"SELECT {_ORDER_COLS} FROM orders WHERE account_id = ? AND auto_close_type IS NOT NULL"
    params: list[object] = [account_id]
    if auto_close_type is not None:
        sql += " AND auto_close_type = ?"
        params.append(auto_close_type)
    if symbol is not None:
        sql += " AND symbol = ?"
        params.append(symbol)
    sql += " AND time BETWEEN ? AND ? ORDER BY time DESC, id DESC LIMIT ?"
    params += [start_ms, end_ms, limit]
    return [_order(r) for r in tx.all(sql, params)]


def last_order_id(tx: Tx) -> int:
    """The highest orderId given so far (0: none): where a forceOrder stream starts reading."""
    row = tx.one("SELECT MAX(id) FROM orders")
    return 0 if row is None or row[0] is None else int(row[0])


def latest_liquidations(tx: Tx, after_id: int) -> list[OrderRow]:
    """Each symbol's latest LIQUIDATION order with an id above ``after_id`` (the forceOrder
    streams), by symbol: a range of the primary key, the orders placed since the last read."""
    rows = tx.all(
        f"SELECT {_ORDER_COLS} FROM orders WHERE id IN (SELECT MAX(id) FROM orders"
        " WHERE id > ? AND auto_close_type = ? GROUP BY symbol) ORDER BY symbol",
        (after_id, "LIQUIDATION"),
    )
    return [_order(r) for r in rows]


def set_client_order_id(tx: Tx, order_id: int, client_order_id: str) -> None:
    """Name an order after its id (the engine's ``autoclose-…`` orders need the id first)."""
    tx.run("UPDATE orders SET client_order_id = ? WHERE id = ?", (client_order_id, order_id))


def next_gtd_due(tx: Tx, until_ms: int) -> tuple[int, OrderRow] | None:
    """The open GTD order whose ``goodTillDate`` comes first at or before ``until_ms``, with its
    account. Not locked: an order is written under its account's lock, so the caller locks the
    account first and reads the order again (locking the row here, before the account, could
    deadlock with a cancel, which takes the account and then the order)."""
    row = tx.one(
        f"SELECT account_id, {_ORDER_COLS} FROM orders WHERE good_till_date > 0 AND good_till_date <= ?"
        " AND status IN (?, ?) ORDER BY good_till_date, id LIMIT 1",
        (until_ms, *OPEN_STATUSES),
    )
    return None if row is None else (int(row[0]), _order(row[1:]))


def open_notional(tx: Tx, account_id: int, symbol: str) -> tuple[Decimal, Decimal]:
    """Σ price × unfilled quantity of the account's open BUY and of its open SELL orders on ``symbol``.

    Summed here rather than in SQL: money is stored scaled by 10⁸, so a product of two columns
    would overflow SQLite's 64-bit integers; a symbol holds at most MAX_NUM_ORDERS open orders.
    """
    rows = tx.all(
        "SELECT side, price, orig_qty, executed_qty FROM orders WHERE account_id = ? AND symbol = ?"
        " AND status IN (?, ?)",
        (account_id, symbol, *OPEN_STATUSES),
    )
    bids = asks = Decimal(0)
    for side, price, orig_qty, executed_qty in rows:
        notional = _decimal(price) * (_decimal(orig_qty) - _decimal(executed_qty))
        if side == "BUY":
            bids += notional
        else:
            asks += notional
    return bids, asks
