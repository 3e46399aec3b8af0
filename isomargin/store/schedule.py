"""What is scheduled to move the market (issue 13): funding schedules and history, path points.

Hand-written SQL, money through ``money_sql``. A due item is claimed by the transaction that
applies it: ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two workers polling at once never apply
the same point twice (SQLite's write lock serialises them already).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from isomargin.store.base import Row, Tx
from isomargin.store.filters import filtered
from isomargin.store.money_sql import decode_money as _decimal
from isomargin.store.money_sql import encode_money as _money


def _skip_locked(tx: Tx) -> str:
    return " FOR UPDATE SKIP LOCKED" if tx.dialect == "postgresql" else ""


def _optional(value: int | None) -> Decimal | None:
    return None if value is None else _decimal(value)


# --- funding ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FundingSchedule:
    symbol: str
    rate: Decimal
    interval_ms: int
    next_time: int


def set_funding(tx: Tx, schedule: FundingSchedule) -> None:
    tx.run(
        "INSERT INTO funding_schedules (symbol, rate, interval_ms, next_time) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (symbol) DO UPDATE SET rate = excluded.rate, interval_ms = excluded.interval_ms,"
        " next_time = excluded.next_time",
        (schedule.symbol, _money(schedule.rate), schedule.interval_ms, schedule.next_time),
    )


def delete_funding(tx: Tx, symbol: str) -> bool:
    return tx.run("DELETE FROM funding_schedules WHERE symbol = ?", (symbol,)) > 0


def _schedule(row: Row) -> FundingSchedule:
    return FundingSchedule(str(row[0]), _decimal(row[1]), int(row[2]), int(row[3]))


def funding_schedules(tx: Tx) -> dict[str, FundingSchedule]:
    rows = tx.all("SELECT symbol, rate, interval_ms, next_time FROM funding_schedules")
    return {str(r[0]): _schedule(r) for r in rows}


def next_funding_due(tx: Tx, until_ms: int) -> FundingSchedule | None:
    """The earliest funding time at or before ``until_ms``, claimed (locked) for this transaction."""
    row = tx.one(
        "SELECT symbol, rate, interval_ms, next_time FROM funding_schedules WHERE next_time <= ?"
        " ORDER BY next_time, symbol LIMIT 1" + _skip_locked(tx),
        (until_ms,),
    )
    return None if row is None else _schedule(row)


def move_funding_on(tx: Tx, symbol: str, next_time: int) -> None:
    tx.run("UPDATE funding_schedules SET next_time = ? WHERE symbol = ?", (next_time, symbol))


@dataclass(frozen=True, slots=True)
class FundingRecord:
    symbol: str
    funding_time: int
    rate: Decimal
    mark_price: Decimal


def record_funding(tx: Tx, record: FundingRecord) -> None:
    tx.run(
        "INSERT INTO funding_history (symbol, funding_time, rate, mark_price) VALUES (?, ?, ?, ?)",
        (record.symbol, record.funding_time, _money(record.rate), _money(record.mark_price)),
    )


def funding_history(
    tx: Tx, symbol: str | None, start_ms: int | None, end_ms: int | None, limit: int
) -> list[FundingRecord]:
    """Oldest first within the window; without a start, the latest ``limit`` (as Binance)."""
    sql, params = filtered(
        "SELECT symbol, funding_time, rate, mark_price FROM funding_history WHERE 1 = 1",
        (),
        ("symbol = ?", symbol),
        ("funding_time >= ?", start_ms),
        ("funding_time <= ?", end_ms),
    )
    newest_first = start_ms is None
    sql += " ORDER BY funding_time DESC, id DESC" if newest_first else " ORDER BY funding_time, id"
    sql += " LIMIT ?"
    params.append(limit)
    rows = [FundingRecord(str(r[0]), int(r[1]), _decimal(r[2]), _decimal(r[3])) for r in tx.all(sql, params)]
    return rows[::-1] if newest_first else rows


def last_funding_rates(tx: Tx) -> dict[str, Decimal]:
    """Each symbol's last settled rate."""
    rows = tx.all(
        "SELECT h.symbol, h.rate FROM funding_history h WHERE h.id ="
        " (SELECT MAX(x.id) FROM funding_history x WHERE x.symbol = h.symbol)"
    )
    return {str(r[0]): _decimal(r[1]) for r in rows}


# --- mark-price paths -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PathPoint:
    id: int
    symbol: str
    at_ms: int
    mark: Decimal
    bid: Decimal | None
    ask: Decimal | None


def add_points(tx: Tx, points: list[PathPoint]) -> None:
    for p in points:
        tx.run(
            "INSERT INTO price_path_points (symbol, at_ms, mark_price, bid_price, ask_price) VALUES (?, ?, ?, ?, ?)",
            (
                p.symbol,
                p.at_ms,
                _money(p.mark),
                None if p.bid is None else _money(p.bid),
                None if p.ask is None else _money(p.ask),
            ),
        )


def _point(row: Row) -> PathPoint:
    return PathPoint(int(row[0]), str(row[1]), int(row[2]), _decimal(row[3]), _optional(row[4]), _optional(row[5]))


_POINT_COLS = "id, symbol, at_ms, mark_price, bid_price, ask_price"


def points_of(tx: Tx, symbol: str) -> list[PathPoint]:
    rows = tx.all(f"SELECT {_POINT_COLS} FROM price_path_points WHERE symbol = ? ORDER BY at_ms, id", (symbol,))
    return [_point(r) for r in rows]


def delete_points(tx: Tx, symbol: str) -> int:
    return tx.run("DELETE FROM price_path_points WHERE symbol = ?", (symbol,))


def next_point_due(tx: Tx, until_ms: int) -> PathPoint | None:
    """The earliest path point at or before ``until_ms``, claimed (locked) for this transaction."""
    row = tx.one(
        f"SELECT {_POINT_COLS} FROM price_path_points WHERE at_ms <= ? ORDER BY at_ms, id LIMIT 1" + _skip_locked(tx),
        (until_ms,),
    )
    return None if row is None else _point(row)


def remove_point(tx: Tx, point_id: int) -> None:
    tx.run("DELETE FROM price_path_points WHERE id = ?", (point_id,))


def anything_due(tx: Tx, until_ms: int, adl_refresh_ms: int) -> bool:
    """Whether a path point, a funding time, a GTD order's end, a listen key's end or a pending ADL
    refresh is due (a cheap read before a claiming write; each an index range, or a table of one
    row per symbol)."""
    row = tx.one(
        "SELECT EXISTS (SELECT 1 FROM price_path_points WHERE at_ms <= ?)"
        " OR EXISTS (SELECT 1 FROM funding_schedules WHERE next_time <= ?)"
        " OR EXISTS (SELECT 1 FROM orders WHERE status IN ('NEW', 'PARTIALLY_FILLED')"
        " AND good_till_date > 0 AND good_till_date <= ?)"
        " OR EXISTS (SELECT 1 FROM listen_keys WHERE expires_at > 0 AND expires_at <= ?)"
        " OR EXISTS (SELECT 1 FROM adl_refreshes WHERE pending = ? AND ranked_at <= ?)",
        (until_ms, until_ms, until_ms, until_ms, True, until_ms - adl_refresh_ms),
    )
    return bool(row and row[0])
