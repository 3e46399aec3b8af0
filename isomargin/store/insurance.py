"""The insurance fund: an append-only ledger (``insurance_fund``), summed when it is read.

No balance row is kept, so entries written by concurrent liquidations never contend for one hot
row; a read sums the entries of the symbols asked for (indexed by symbol).
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
    """Append one entry: ``amount`` > 0 pays into the fund (a clearance fee), < 0 out of it (a gap)."""
    tx.run(
        "INSERT INTO insurance_fund (symbol, asset, amount, kind, account_id, order_id, time)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (symbol, asset, _money(amount), kind, account_id, order_id, now_ms),
    )


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
