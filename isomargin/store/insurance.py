"""The insurance fund: an append-only ledger, summed on read (issue 12).

No balance row: every liquidation would otherwise update one hot row, serialising liquidations
of different accounts on PostgreSQL. A clearance fee comes in (amount > 0), a loss past a
bankruptcy price goes out (amount < 0); ``GET /fapi/v1/insuranceBalance`` shows the sum.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from isomargin.store.base import Tx
from isomargin.store.money_sql import decode_money as _decimal
from isomargin.store.money_sql import encode_money as _money


@dataclass(frozen=True, slots=True)
class FundBalance:
    """The fund's balance in one asset over some symbols, and the time of its last entry."""

    asset: str
    balance: Decimal
    update_time: int


def add_entry(
    tx: Tx,
    *,
    symbol: str,
    asset: str,
    amount: Decimal,
    kind: str,
    account_id: int | None,
    order_id: int | None,
    now_ms: int,
) -> None:
    tx.run(
        "INSERT INTO insurance_fund (symbol, asset, amount, kind, account_id, order_id, time)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (symbol, asset, _money(amount), kind, account_id, order_id, now_ms),
    )


def total(tx: Tx, asset: str) -> Decimal:
    """Σ of the ledger for ``asset`` (exact: the database sums scaled integers)."""
    row = tx.one("SELECT COALESCE(SUM(amount), 0) FROM insurance_fund WHERE asset = ?", (asset,))
    assert row is not None
    return _decimal(row[0])


def balance(tx: Tx, symbols: Iterable[str]) -> dict[str, FundBalance]:
    """Asset → the sum of the entries of ``symbols`` and the time of the latest (assets with entries only)."""
    names = sorted(set(symbols))
    if not names:
        return {}
    rows = tx.all(
        "SELECT asset, SUM(amount), MAX(time) FROM insurance_fund"
        f" WHERE symbol IN ({', '.join('?' * len(names))}) GROUP BY asset ORDER BY asset",
        names,
    )
    return {str(r[0]): FundBalance(str(r[0]), _decimal(r[1]), int(r[2])) for r in rows}
