"""Conditional (algo) orders: the rows behind ``/fapi/v1/algoOrder`` and the engine's triggers.

An open order (``NEW``) stores a signed ``trigger_key`` (``schema.algo_orders``): the trigger price
for an order that fires as the price falls to it (a SELL stop, a BUY take-profit), the negated
price for one that fires as the price rises to it (a BUY stop, a SELL take-profit) — the shape of
``store.risk``'s liquidation keys. A price ``p`` reaches the first kind when ``key >= p`` and the
second when ``-p <= key < 0``: one range of the ``(symbol, working_type, side, trigger_key)`` index
each, so a move costs O(log n + k) for the k orders it triggers. Final orders have no key.

A TRAILING_STOP_MARKET order keeps a second key of the same shape, ``trail_key``, on its own index:
the price at which it next moves — its activation price, then any price past its best one. Its
``trigger_key`` is NULL until it is active, then the level its best price puts it at. A move reads
one range of each index per side, so trailing orders cost the k the move reaches (those that fire
and those whose best price it improves), never a walk over the symbol's orders.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal

from isomargin.store import schema
from isomargin.store.base import Row, Tx
from isomargin.store.filters import filtered
from isomargin.store.money_sql import decode_money as _decimal
from isomargin.store.money_sql import encode_money as _money

OPEN_STATUS = "NEW"


@dataclass(frozen=True, slots=True)
class AlgoRow:
    id: int  # algoId (0 before the insert assigns it)
    symbol: str
    client_algo_id: str
    order_type: str
    side: str
    position_side: str
    time_in_force: str
    quantity: Decimal  # 0 for closePosition
    price: Decimal  # 0 unless STOP / TAKE_PROFIT
    trigger_price: Decimal
    working_type: str
    close_position: bool
    reduce_only: bool
    price_protect: bool
    status: str
    actual_order_id: int | None
    actual_price: Decimal
    create_time: int
    update_time: int
    trigger_time: int
    trigger_key: Decimal | None
    #: TRAILING_STOP_MARKET only (None for the other types): as sent, or the working price at placement
    activate_price: Decimal | None = None
    #: the percentage, 0.1 to 10
    callback_rate: Decimal | None = None
    #: the best working price since activation (highest for a SELL, lowest for a BUY); None before
    best_price: Decimal | None = None
    trail_key: Decimal | None = None


_NAMES = [f.name for f in fields(AlgoRow)]
_COLS = schema.column_list(schema.algo_orders, *_NAMES)
_INSERT = (
    f"INSERT INTO algo_orders (account_id, {', '.join(_NAMES[1:])}) VALUES (?{', ?' * (len(_NAMES) - 1)}) RETURNING id"
)


def _row(r: Row) -> AlgoRow:
    return AlgoRow(
        int(r[0]),
        str(r[1]),
        str(r[2]),
        str(r[3]),
        str(r[4]),
        str(r[5]),
        str(r[6]),
        _decimal(r[7]),
        _decimal(r[8]),
        _decimal(r[9]),
        str(r[10]),
        bool(r[11]),
        bool(r[12]),
        bool(r[13]),
        str(r[14]),
        None if r[15] is None else int(r[15]),
        _decimal(r[16]),
        int(r[17]),
        int(r[18]),
        int(r[19]),
        None if r[20] is None else _decimal(r[20]),
        *(None if v is None else _decimal(v) for v in r[21:25]),
    )


def insert(tx: Tx, account_id: int, row: AlgoRow) -> int:
    """Insert ``row``; the algoId the database assigned."""
    values = [_money(v) if isinstance(v, Decimal) else v for v in (getattr(row, n) for n in _NAMES[1:])]
    found = tx.one(_INSERT, (account_id, *values))
    assert found is not None
    return int(found[0])


def finish(tx: Tx, algo_id: int, *, status: str, now_ms: int) -> None:
    """Leave NEW without an order (cancelled, expired, rejected): its key goes, no move finds it again."""
    tx.run(
        "UPDATE algo_orders SET status = ?, update_time = ?, trigger_key = NULL, trail_key = NULL WHERE id = ?",
        (status, now_ms, algo_id),
    )


def triggered(tx: Tx, algo_id: int, *, status: str, now_ms: int, order_id: int, avg_price: Decimal) -> None:
    """Leave NEW by the trigger, which placed order ``order_id`` (filled at ``avg_price``, 0 if not)."""
    tx.run(
        "UPDATE algo_orders SET status = ?, update_time = ?, trigger_time = ?, actual_order_id = ?,"
        " actual_price = ?, trigger_key = NULL, trail_key = NULL WHERE id = ?",
        (status, now_ms, now_ms, order_id, _money(avg_price), algo_id),
    )


def finish_triggered(tx: Tx, order_id: int, *, status: str, now_ms: int, avg_price: Decimal) -> AlgoRow | None:
    """Leave TRIGGERED: the order ``order_id`` it placed has ended (filled at ``avg_price`` on
    average). The algo order as it was before, or None when no TRIGGERED algo order placed it."""
    row = tx.one(f"SELECT {_COLS} FROM algo_orders WHERE actual_order_id = ? AND status = 'TRIGGERED'", (order_id,))
    if row is None:
        return None
    found = _row(row)
    tx.run(
        "UPDATE algo_orders SET status = ?, update_time = ?, actual_price = ? WHERE id = ?",
        (status, now_ms, _money(avg_price), found.id),
    )
    return found


def find(tx: Tx, account_id: int, algo_id: int | None, client_algo_id: str | None) -> AlgoRow | None:
    """The account's algo order by ``algoId`` (which wins) or else by ``clientAlgoId`` (the latest)."""
    if algo_id is not None:
        row = tx.one(f"SELECT {_COLS} FROM algo_orders WHERE account_id = ? AND id = ?", (account_id, algo_id))
    else:
        row = tx.one(
            f"SELECT {_COLS} FROM algo_orders WHERE account_id = ? AND client_algo_id = ? ORDER BY id DESC LIMIT 1",
            (account_id, client_algo_id),
        )
    return _row(row) if row else None


def list_for(
    tx: Tx,
    account_id: int,
    symbol: str | None,
    *,
    open_only: bool = False,
    from_id: int | None = None,
    start_ms: int | None = None,
    end_ms: int | None = None,
    limit: int = 1000,
    offset: int = 0,
) -> list[AlgoRow]:
    """The account's algo orders oldest first, filtered as openAlgoOrders / allAlgoOrders ask."""
    sql, params = filtered(
        f"SELECT {_COLS} FROM algo_orders WHERE account_id = ?",
        (account_id,),
        ("symbol = ?", symbol),
        ("status = ?", OPEN_STATUS if open_only else None),
        ("id >= ?", from_id),
        ("create_time >= ?", start_ms),
        ("create_time <= ?", end_ms),
    )
    sql += " ORDER BY id LIMIT ? OFFSET ?"
    params += [limit, offset]
    return [_row(r) for r in tx.all(sql, params)]


def open_close_position_exists(
    tx: Tx, account_id: int, symbol: str, position_side: str, side: str, order_type: str
) -> bool:
    """Whether an open closePosition order of this type already guards this side (-4130)."""
    row = tx.one(
        "SELECT 1 FROM algo_orders WHERE account_id = ? AND symbol = ? AND position_side = ? AND side = ?"
        " AND order_type = ? AND close_position = ? AND status = ?",
        (account_id, symbol, position_side, side, order_type, True, OPEN_STATUS),
    )
    return row is not None


def open_of_position(tx: Tx, account_id: int, symbol: str, position_side: str) -> list[AlgoRow]:
    """The account's open algo orders on one position of ``symbol`` (a liquidation expires them)."""
    rows = tx.all(
        f"SELECT {_COLS} FROM algo_orders WHERE account_id = ? AND symbol = ? AND position_side = ? AND status = ?"
        " ORDER BY id",
        (account_id, symbol, position_side, OPEN_STATUS),
    )
    return [_row(r) for r in rows]


def _keys_reached(
    tx: Tx, column: str, symbol: str, working_type: str, side: str, price: Decimal
) -> list[tuple[int, AlgoRow]]:
    scaled = _money(price)
    head = f"SELECT account_id, {_COLS} FROM algo_orders WHERE symbol = ? AND working_type = ? AND side = ?"
    falling = tx.all(head + f" AND {column} >= ?", (symbol, working_type, side, scaled))
    rising = tx.all(head + f" AND {column} >= ? AND {column} < 0", (symbol, working_type, side, -scaled))
    return [(int(r[0]), _row(r[1:])) for r in falling + rising]


def reached(tx: Tx, symbol: str, working_type: str, side: str, price: Decimal) -> list[tuple[int, AlgoRow]]:
    """Open orders of ``symbol`` on ``side`` working on ``working_type`` that ``price`` reaches,
    with their accounts: two ranges of the trigger index (falling-kind, then rising-kind keys)."""
    return _keys_reached(tx, "trigger_key", symbol, working_type, side, price)


def trail_reached(tx: Tx, symbol: str, working_type: str, side: str, price: Decimal) -> list[tuple[int, AlgoRow]]:
    """Open trailing stops that ``price`` activates or gives a better best price: two ranges of
    the trail index, as :func:`reached`."""
    return _keys_reached(tx, "trail_key", symbol, working_type, side, price)


def retrail(
    tx: Tx,
    algo_id: int,
    *,
    best: Decimal,
    trigger_price: Decimal,
    trigger_key: Decimal,
    trail_key: Decimal,
    now_ms: int,
) -> None:
    """A trailing stop's new best price, the trigger it puts it at and the keys of both (only
    while it is open: a cancel that got there first keeps its final status)."""
    tx.run(
        "UPDATE algo_orders SET best_price = ?, trigger_price = ?, trigger_key = ?, trail_key = ?, update_time = ?"
        " WHERE id = ? AND status = ?",
        (_money(best), _money(trigger_price), _money(trigger_key), _money(trail_key), now_ms, algo_id, OPEN_STATUS),
    )
