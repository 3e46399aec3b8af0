"""The market's history: price moves (``price_history``) and every account's trades, by symbol and time.

Read by the market-data endpoints (klines, tickers, depth); written only by
``trading.set_book`` (moves) and ``orders`` (trades). Each read is one range of the
(symbol, time) indexes, rows in (time, id) order.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from isomargin.store.base import Row, Tx
from isomargin.store.money_sql import decode_money as _decimal

#: rows deleted per pruning statement (one short transaction each)
PRUNE_CHUNK = 1000


@dataclass(frozen=True, slots=True)
class PriceRow:
    id: int
    time: int
    mark: Decimal
    bid: Decimal
    ask: Decimal


@dataclass(frozen=True, slots=True)
class TradeRow:
    id: int
    time: int
    price: Decimal
    qty: Decimal
    quote_qty: Decimal
    side: str
    maker: bool


_PRICE_COLS = "id, time, mark_price, bid_price, ask_price"
_TRADE_COLS = "id, time, price, qty, quote_qty, side, maker"


def _price(row: Row) -> PriceRow:
    return PriceRow(int(row[0]), int(row[1]), _decimal(row[2]), _decimal(row[3]), _decimal(row[4]))


def _trade(row: Row) -> TradeRow:
    return TradeRow(
        int(row[0]),
        int(row[1]),
        _decimal(row[2]),
        _decimal(row[3]),
        _decimal(row[4]),
        str(row[5]),
        bool(row[6]),
    )


def prices_between(tx: Tx, symbol: str, start_ms: int, end_ms: int) -> list[PriceRow]:
    """Moves of ``symbol`` with ``start_ms <= time <= end_ms``, in time order."""
    rows = tx.all(
        f"SELECT {_PRICE_COLS} FROM price_history WHERE symbol = ? AND time BETWEEN ? AND ? ORDER BY time, id",
        (symbol, start_ms, end_ms),
    )
    return [_price(r) for r in rows]


def price_before(tx: Tx, symbol: str, before_ms: int) -> PriceRow | None:
    """The last move of ``symbol`` before ``before_ms`` (what held at that moment)."""
    row = tx.one(
        f"SELECT {_PRICE_COLS} FROM price_history WHERE symbol = ? AND time < ? ORDER BY time DESC, id DESC LIMIT 1",
        (symbol, before_ms),
    )
    return None if row is None else _price(row)


def first_price_time(tx: Tx, symbol: str) -> int | None:
    row = tx.one("SELECT MIN(time) FROM price_history WHERE symbol = ?", (symbol,))
    return None if row is None or row[0] is None else int(row[0])


def trades_between(tx: Tx, symbol: str, start_ms: int, end_ms: int) -> list[TradeRow]:
    """Every account's fills of ``symbol`` with ``start_ms <= time <= end_ms``, in time order."""
    rows = tx.all(
        f"SELECT {_TRADE_COLS} FROM trades WHERE symbol = ? AND time BETWEEN ? AND ? ORDER BY time, id",
        (symbol, start_ms, end_ms),
    )
    return [_trade(r) for r in rows]


def trade_before(tx: Tx, symbol: str, before_ms: int) -> TradeRow | None:
    row = tx.one(
        f"SELECT {_TRADE_COLS} FROM trades WHERE symbol = ? AND time < ? ORDER BY time DESC, id DESC LIMIT 1",
        (symbol, before_ms),
    )
    return None if row is None else _trade(row)


def first_trade_time(tx: Tx, symbol: str) -> int | None:
    row = tx.one("SELECT MIN(time) FROM trades WHERE symbol = ?", (symbol,))
    return None if row is None or row[0] is None else int(row[0])


def last_price_id(tx: Tx, symbol: str) -> int:
    """The id of ``symbol``'s latest move (0: never moved): the depth answer's ``lastUpdateId``."""
    row = tx.one("SELECT MAX(id) FROM price_history WHERE symbol = ?", (symbol,))
    return 0 if row is None or row[0] is None else int(row[0])


def history_symbols(tx: Tx) -> list[str]:
    return [str(r[0]) for r in tx.all("SELECT DISTINCT symbol FROM price_history")]


def prune_prices(tx: Tx, symbol: str, older_than_ms: int) -> int:
    """Delete up to :data:`PRUNE_CHUNK` of ``symbol``'s moves older than ``older_than_ms``, but
    never the last one before it: that price still held at the cutoff and opens the first bar
    after it. Returns how many went; call again while it is :data:`PRUNE_CHUNK`."""
    keep = price_before(tx, symbol, older_than_ms)
    if keep is None:
        return 0
    return tx.run(
        "DELETE FROM price_history WHERE id IN (SELECT id FROM price_history"
        " WHERE symbol = ? AND time < ? AND id <> ? LIMIT ?)",
        (symbol, older_than_ms, keep.id, PRUNE_CHUNK),
    )
