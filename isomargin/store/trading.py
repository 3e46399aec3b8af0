"""What trading reads and writes beside positions: the book top, commission rates, ``cr``.

Hand-written SQL like ``repo.py`` (the order hot path runs these), money in and out through
``money_sql``. The book top lives in ``mark_prices`` next to the mark it moves with; the rates
and the accumulated realized PnL are columns of ``accounts`` and ``positions`` (schema.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from isomargin.domain.depth import Ladder
from isomargin.domain.value import value
from isomargin.store import repo
from isomargin.store.base import Row, Tx
from isomargin.store.money_sql import decode_money as _decimal
from isomargin.store.money_sql import encode_money as _money


@dataclass(frozen=True, slots=True)
class StoredBook:
    """A symbol's stored prices; ``bid``/``ask`` None mean "at the mark"; ``ladder`` None: the top
    alone, of unlimited size (domain/depth.py)."""

    mark: Decimal
    bid: Decimal | None
    ask: Decimal | None
    ladder: Ladder | None = None


@value
class FeeRates:
    maker: Decimal
    taker: Decimal


_BOOK_COLS = "mark_price, bid_price, ask_price, depth_step, depth_quantity"


def _book(row: Row) -> StoredBook:
    step, quantity = row[3], row[4]
    return StoredBook(
        _decimal(row[0]),
        None if row[1] is None else _decimal(row[1]),
        None if row[2] is None else _decimal(row[2]),
        None if step is None or quantity is None else Ladder(_decimal(step), _decimal(quantity)),
    )


def get_book(tx: Tx, symbol: str) -> StoredBook | None:
    row = tx.one(f"SELECT {_BOOK_COLS} FROM mark_prices WHERE symbol = ?", (symbol,))
    return None if row is None else _book(row)


def all_books(tx: Tx) -> dict[str, tuple[StoredBook, int]]:
    """Every stored book top with its ``update_time``, in one statement (the bookTicker stream's read)."""
    rows = tx.all(f"SELECT {_BOOK_COLS}, update_time, symbol FROM mark_prices")
    return {str(r[6]): (_book(r), int(r[5])) for r in rows}


def set_ladder(tx: Tx, symbol: str, ladder: Ladder | None, default_mark: Decimal, now_ms: int) -> None:
    """Set (or, with None, drop) ``symbol``'s ladder; a symbol never priced gets its row at its
    default mark (the book top stays at the mark)."""
    step = None if ladder is None else _money(ladder.step)
    quantity = None if ladder is None else _money(ladder.quantity)
    tx.run(
        "INSERT INTO mark_prices (symbol, mark_price, update_time, depth_step, depth_quantity) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (symbol) DO UPDATE SET depth_step = excluded.depth_step,"
        " depth_quantity = excluded.depth_quantity",
        (symbol, _money(default_mark), now_ms, step, quantity),
    )


def set_book(tx: Tx, symbol: str, mark: Decimal, bid: Decimal, ask: Decimal, now_ms: int) -> None:
    """The mark price and the book top, together (a mark without a book would leave it stale),
    and the move's row in ``price_history`` in the same transaction (klines and tickers read it;
    a dry run rolls both back)."""
    values = (symbol, _money(mark), now_ms, _money(bid), _money(ask))
    tx.run(
        "INSERT INTO mark_prices (symbol, mark_price, update_time, bid_price, ask_price) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (symbol) DO UPDATE SET mark_price = excluded.mark_price, update_time = excluded.update_time,"
        " bid_price = excluded.bid_price, ask_price = excluded.ask_price",
        values,
    )
    tx.run("INSERT INTO price_history (symbol, mark_price, time, bid_price, ask_price) VALUES (?, ?, ?, ?, ?)", values)


_ACCOUNT_FOR_ORDER = (
    "SELECT id, dual_side_position, cross_wallet, update_time, event_seq, maker_commission_rate,"
    " taker_commission_rate FROM accounts WHERE id = ?"
)


def lock_account_for_order(tx: Tx, account_id: int) -> tuple[repo.Account, FeeRates] | None:
    """The account row locked until commit (before any position: the lock order), with its rates."""
    return account_with_fee_rates(tx, account_id, lock=True)


def account_with_fee_rates(tx: Tx, account_id: int, *, lock: bool = False) -> tuple[repo.Account, FeeRates] | None:
    """The account and its commission rates in one statement (a read of positions needs both:
    one round trip less on PostgreSQL for positionRisk and account)."""
    row = tx.one(_ACCOUNT_FOR_ORDER + (tx.for_update if lock else ""), (account_id,))
    if row is None:
        return None
    account = repo.Account(int(row[0]), bool(row[1]), _decimal(row[2]), int(row[3]), int(row[4]))
    return account, FeeRates(_decimal(row[5]), _decimal(row[6]))


def fee_rates(tx: Tx, account_id: int) -> FeeRates | None:
    row = tx.one("SELECT maker_commission_rate, taker_commission_rate FROM accounts WHERE id = ?", (account_id,))
    return None if row is None else FeeRates(_decimal(row[0]), _decimal(row[1]))


def set_fee_rates(tx: Tx, account_id: int, rates: FeeRates) -> bool:
    changed = tx.run(
        "UPDATE accounts SET maker_commission_rate = ?, taker_commission_rate = ? WHERE id = ?",
        (_money(rates.maker), _money(rates.taker), account_id),
    )
    return changed > 0


def get_position_for_fill(tx: Tx, account_id: int, symbol: str, side: str) -> tuple[repo.PositionRow | None, Decimal]:
    """The position locked until commit (None: never held) and its accumulated realized PnL."""
    row = tx.one(
        "SELECT symbol, position_side, position_amt, entry_price, isolated_wallet, update_time, accumulated_realized"
        " FROM positions WHERE account_id = ? AND symbol = ? AND position_side = ?" + tx.for_update,
        (account_id, symbol, side),
    )
    if row is None:
        return None, Decimal(0)
    position = repo.PositionRow(
        str(row[0]), str(row[1]), _decimal(row[2]), _decimal(row[3]), _decimal(row[4]), int(row[5])
    )
    return position, _decimal(row[6])


def add_accumulated_realized(tx: Tx, account_id: int, symbol: str, side: str, realized: Decimal) -> None:
    """``cr`` += a fill's pre-fee realized PnL (only ``store.changes.write_change`` calls this)."""
    tx.run(
        "UPDATE positions SET accumulated_realized = accumulated_realized + ?"
        " WHERE account_id = ? AND symbol = ? AND position_side = ?",
        (_money(realized), account_id, symbol, side),
    )


def taker_rates_of_accounts(tx: Tx, first_id: int, last_id: int) -> dict[int, Decimal]:
    """Taker rates of the accounts with ids in ``[first_id, last_id]`` (a control-plane page)."""
    rows = tx.all(
        "SELECT id, taker_commission_rate FROM accounts WHERE id BETWEEN ? AND ?",
        (first_id, last_id),
    )
    return {int(r[0]): _decimal(r[1]) for r in rows}


def seed_next_order_id(tx: Tx, next_id: int) -> bool:
    """Make ``next_id`` the next orderId; False (nothing changed) unless it is above every id given."""
    row = tx.one("SELECT COALESCE(MAX(id), 0) FROM orders")
    assert row is not None
    if next_id <= int(row[0]):
        return False
    if tx.dialect == "sqlite":
        # the table is AUTOINCREMENT: the next rowid is above sqlite_sequence's high-water mark
        tx.run("DELETE FROM sqlite_sequence WHERE name = 'orders'")
        tx.run("INSERT INTO sqlite_sequence (name, seq) VALUES ('orders', ?)", (next_id - 1,))
    else:
        tx.one("SELECT setval(pg_get_serial_sequence('orders', 'id'), ?, false)", (next_id,))
    return True
