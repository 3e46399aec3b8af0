"""The reads and writes of ADL ranking (service/adl.py): a symbol's positions, their quantiles,
and when the symbol was last ranked.

One statement reads every position of a symbol the ranking looks at, with what it needs beside
(the account's margin type for the symbol and its cross wallet); the quantiles that changed are
written back in a few statements, grouped by value. Both are O(n) in the symbol's positions: the
ranking is relative, so a ranking re-ranks them all — which is why it runs at most once per
refresh interval (``adl_refreshes``), not at every price move.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from isomargin.store import schema
from isomargin.store.base import Row, Tx
from isomargin.store.money_sql import decode_money as _decimal

#: rows per UPDATE: far below SQLite's 32,766 parameters and PostgreSQL's 65,535
_UPDATE_CHUNK = 500


@dataclass(frozen=True, slots=True)
class RankedPosition:
    """A position of the symbol being ranked, with its account's settings and cross wallet."""

    account_id: int
    position_side: str
    position_amt: Decimal
    entry_price: Decimal
    isolated_wallet: Decimal
    adl_quantile: int
    #: the account's stored margin type and leverage for the symbol (None: never set, the default)
    margin_type: str | None
    leverage: int | None
    cross_wallet: Decimal


_RANKED_COLS = schema.column_list(
    schema.positions, "position_side", "position_amt", "entry_price", "isolated_wallet", "adl_quantile", prefix="p."
)
_RANKING = (
    f"SELECT p.account_id, {_RANKED_COLS},"
    " c.margin_type, c.leverage, a.cross_wallet"
    " FROM positions p JOIN accounts a ON a.id = p.account_id"
    " LEFT JOIN symbol_configs c ON c.account_id = p.account_id AND c.symbol = p.symbol"
    # flat rows only when they still show a quantile (it must go back to 0)
    " WHERE p.symbol = ? AND (p.position_amt <> 0 OR p.adl_quantile <> 0)"
)


def positions_to_rank(tx: Tx, symbol: str) -> list[RankedPosition]:
    """Every open position of ``symbol`` (all accounts), and every flat one still showing a quantile."""
    return [
        RankedPosition(
            int(r[0]),
            str(r[1]),
            _decimal(r[2]),
            _decimal(r[3]),
            _decimal(r[4]),
            int(r[5]),
            None if r[6] is None else str(r[6]),
            None if r[7] is None else int(r[7]),
            _decimal(r[8]),
        )
        for r in tx.all(_RANKING, (symbol,))
    ]


def set_adl_quantiles(tx: Tx, symbol: str, quantiles: Mapping[tuple[int, str], int]) -> None:
    """Write ``(account id, position side) → quantile``: one UPDATE per (quantile, side) and 500 rows."""
    groups: dict[tuple[int, str], list[int]] = {}
    for (account_id, side), quantile in quantiles.items():
        groups.setdefault((quantile, side), []).append(account_id)
    for (quantile, side), account_ids in sorted(groups.items()):
        account_ids.sort()
        for start in range(0, len(account_ids), _UPDATE_CHUNK):
            chunk = account_ids[start : start + _UPDATE_CHUNK]
            tx.run(
                "UPDATE positions SET adl_quantile = ? WHERE symbol = ? AND position_side = ?"
                f" AND account_id IN ({', '.join('?' * len(chunk))})",
                (quantile, symbol, side, *chunk),
            )


def adl_quantiles_of_account(tx: Tx, account_id: int, symbol: str | None) -> list[tuple[str, str, int]]:
    """(symbol, position side, quantile) of the account's open positions, by symbol and side."""
    sql = "SELECT symbol, position_side, adl_quantile FROM positions WHERE account_id = ? AND position_amt <> 0"
    params: tuple[object, ...] = (account_id,)
    if symbol is not None:
        sql += " AND symbol = ?"
        params = (account_id, symbol)
    return [(str(r[0]), str(r[1]), int(r[2])) for r in tx.all(sql + " ORDER BY symbol, position_side", params)]


def open_interest(tx: Tx, symbol: str | None) -> dict[str, tuple[Decimal, Decimal]]:
    """Symbol → (Σ long amounts, Σ |short amounts|) of the open positions, summed by the database."""
    sql = (
        "SELECT symbol, COALESCE(SUM(CASE WHEN position_amt > 0 THEN position_amt ELSE 0 END), 0),"
        " COALESCE(SUM(CASE WHEN position_amt < 0 THEN -position_amt ELSE 0 END), 0)"
        " FROM positions WHERE position_amt <> 0"
    )
    params: tuple[object, ...] = ()
    if symbol is not None:
        sql += " AND symbol = ?"
        params = (symbol,)
    return {str(r[0]): (_decimal(r[1]), _decimal(r[2])) for r in tx.all(sql + " GROUP BY symbol", params)}


# --- when each symbol was ranked --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Refresh:
    """A symbol's last ranking (server ms) and whether a price move or settlement came since."""

    symbol: str
    ranked_at: int
    pending: bool


def _refresh(row: Row) -> Refresh:
    return Refresh(str(row[0]), int(row[1]), bool(row[2]))


def last_refresh(tx: Tx, symbol: str) -> Refresh | None:
    """``symbol``'s last ranking; None if it was never ranked. The caller holds the symbol's lock."""
    row = tx.one("SELECT symbol, ranked_at, pending FROM adl_refreshes WHERE symbol = ?", (symbol,))
    return None if row is None else _refresh(row)


def set_ranked(tx: Tx, symbol: str, now_ms: int) -> None:
    tx.run(
        "INSERT INTO adl_refreshes (symbol, ranked_at, pending) VALUES (?, ?, ?)"
        " ON CONFLICT (symbol) DO UPDATE SET ranked_at = excluded.ranked_at, pending = excluded.pending",
        (symbol, now_ms, False),
    )


def set_pending(tx: Tx, symbol: str) -> None:
    """A price move or settlement the last ranking has not seen (the row exists: it was ranked)."""
    tx.run("UPDATE adl_refreshes SET pending = ? WHERE symbol = ?", (True, symbol))


def next_refresh_due(tx: Tx, until_ms: int, interval_ms: int) -> Refresh | None:
    """The pending symbol whose interval ends first, at or before ``until_ms``, claimed for this
    transaction (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, as the other scheduled events).

    One row per symbol ever ranked: a handful, read whole."""
    lock = " FOR UPDATE SKIP LOCKED" if tx.dialect == "postgresql" else ""
    row = tx.one(
        "SELECT symbol, ranked_at, pending FROM adl_refreshes WHERE pending = ? AND ranked_at <= ?"
        " ORDER BY ranked_at, symbol LIMIT 1" + lock,
        (True, until_ms - interval_ms),
    )
    return None if row is None else _refresh(row)
