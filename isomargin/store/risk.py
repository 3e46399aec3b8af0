"""What the liquidation engine reads and writes beside the one change path (issue 12).

The engine finds the positions a price move reaches through the signed keys every position
change stores (``store.changes.write_change``; ``domain.liquidation.TriggerKeys``): a long's key
is its price, hit when ``key >= mark``; a short's is the negated price, hit when
``-mark <= key < 0``. Each is one range of the ``(symbol, key)`` index, so a tick costs
O(log n + k) for k positions reached among n, never a scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from isomargin.store.base import Tx
from isomargin.store.money_sql import decode_money as _decimal
from isomargin.store.money_sql import encode_money as _money

#: (account_id, position_side) pairs, in the lock order: account id, then side
Slots = list[tuple[int, str]]


def _reached(tx: Tx, column: str, symbol: str, mark: Decimal, *, uncalled_only: bool = False) -> Slots:
    scaled = _money(mark)
    latch = " AND margin_called = ?" if uncalled_only else ""
    flag: tuple[object, ...] = (False,) if uncalled_only else ()
    head = f"SELECT account_id, position_side FROM positions WHERE symbol = ? AND {column} >= ?"
    longs = tx.all(head + latch, (symbol, scaled, *flag))
    shorts = tx.all(head + f" AND {column} < 0" + latch, (symbol, -scaled, *flag))
    return sorted((int(a), str(s)) for a, s in longs + shorts)


def liquidation_candidates(tx: Tx, symbol: str, mark: Decimal) -> Slots:
    """Isolated positions of ``symbol`` whose liquidation price ``mark`` has reached."""
    return _reached(tx, "liquidation_key", symbol, mark)


def margin_call_candidates(tx: Tx, symbol: str, mark: Decimal) -> Slots:
    """Isolated positions of ``symbol`` whose margin-call price ``mark`` has reached, not yet called."""
    return _reached(tx, "margin_call_key", symbol, mark, uncalled_only=True)


def rearm(tx: Tx, symbol: str, mark: Decimal) -> int:
    """Clear the margin-call latch of ``symbol``'s isolated positions the mark has left; how many.

    Only latched rows are looked at, through the partial index ``ix_positions_symbol_called``
    (few: those between their margin-call and liquidation price), so a tick does not walk every
    position of the symbol. The latch literal is the index's own predicate, spelled per dialect:
    a bound parameter would keep either planner from proving the partial index applies. SQLite is
    told the index by name: without statistics its planner prefers two ranges of the margin-call
    index, which hold every long below the mark (measured: the whole symbol, at a tick that calls
    nobody).

    Rows without a margin-call key are left alone: an isolated position's latch is cleared by
    ``write_change`` when its key goes (flat, or no such price), so a latched row with no key is a
    CROSSED position, whose latch ``service.margin_calls`` keeps on the account's cross margin —
    clearing it here made every tick call a cross position again.
    """
    scaled = _money(mark)
    if tx.dialect == "postgresql":
        table, latched = "positions", "margin_called"
    else:
        table, latched = "positions INDEXED BY ix_positions_symbol_called", "margin_called = 1"
    return tx.run(
        f"UPDATE {table} SET margin_called = ? WHERE symbol = ? AND {latched}"
        " AND ((margin_call_key > 0 AND margin_call_key < ?) OR (margin_call_key < 0 AND margin_call_key < ?))",
        (False, symbol, scaled, -scaled),
    )


def set_margin_called(tx: Tx, account_id: int, symbol: str, position_side: str, called: bool) -> None:
    tx.run(
        "UPDATE positions SET margin_called = ? WHERE account_id = ? AND symbol = ? AND position_side = ?",
        (called, account_id, symbol, position_side),
    )


def open_slots(tx: Tx, symbol: str) -> Slots:
    """Every open position of ``symbol`` (all accounts), in the lock order (a funding settlement)."""
    rows = tx.all(
        "SELECT account_id, position_side FROM positions WHERE symbol = ? AND position_amt <> 0"
        " ORDER BY account_id, position_side",
        (symbol,),
    )
    return [(int(a), str(s)) for a, s in rows]


@dataclass(frozen=True, slots=True)
class CrossHolder:
    account_id: int
    position_side: str
    margin_called: bool


def cross_holders(tx: Tx, symbol: str, default_margin_type: str) -> list[CrossHolder]:
    """Open CROSSED positions of ``symbol``, in the lock order: each is re-checked on the account's
    cross margin at every move of the symbol's price (their liquidation price moves with every
    other cross position of the account, so no stored key could stay true).

    Only rows without a liquidation key are read — the ``IS NULL`` end of the
    ``(symbol, liquidation_key)`` index — not every position of the symbol: a CROSSED position
    never has a key (``store.changes.keys_of``), and the margin type cannot change while a
    position is open (-4048), so an open CROSSED row's key is always NULL. The rest of that range
    (flat rows, isolated longs no fall can liquidate) is filtered out here.
    """
    rows = tx.all(
        "SELECT p.account_id, p.position_side, p.margin_called FROM positions p"
        " LEFT JOIN symbol_configs c ON c.account_id = p.account_id AND c.symbol = p.symbol"
        " WHERE p.symbol = ? AND p.liquidation_key IS NULL AND p.position_amt <> 0"
        " AND COALESCE(c.margin_type, ?) = 'CROSSED'"
        " ORDER BY p.account_id, p.position_side",
        (symbol, default_margin_type),
    )
    return [CrossHolder(int(r[0]), str(r[1]), bool(r[2])) for r in rows]


def lock_price_moves(tx: Tx) -> None:
    """Price moves run one at a time (PostgreSQL; SQLite's write lock already does it).

    A move locks many accounts, in id order within each of its steps (fills, liquidations, margin
    calls) but not across them; two concurrent moves of different symbols could then lock two
    accounts in opposite orders. Everything else locks at most one account, so with moves
    serialised no cycle of waits can form. Moves are control-plane operations, rare next to
    transfers and orders, so serialising them costs nothing that matters.
    """
    if tx.dialect == "postgresql":
        tx.one("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ?))", (":isomargin.price-moves",))


def lock_symbol(tx: Tx, symbol: str, *, exclusive: bool) -> None:
    """The first lock of every use case that moves a position of ``symbol`` (issue 12's lock order).

    A price move takes it exclusively, margin transfers and orders shared, then accounts in id
    order: a transfer checked against the old mark waits for the move to commit, so it can never
    leave a position alive below its liquidation price, and nothing deadlocks. PostgreSQL: a
    transaction-scoped advisory lock (no row needs to exist for a symbol never priced). SQLite:
    nothing to do, ``BEGIN IMMEDIATE`` already holds the database's one write lock.
    """
    if tx.dialect != "postgresql":
        return
    sql, key = symbol_lock(symbol, exclusive=exclusive)
    tx.one(f"SELECT {sql}", (key,))


def symbol_lock(symbol: str, *, exclusive: bool) -> tuple[str, str]:
    """:func:`lock_symbol`'s PostgreSQL expression and its one parameter, for a statement that takes
    the lock before it reads (``repo.get_account_for_change``: one round trip for both)."""
    # hashtext is PostgreSQL's own stable string hash; advisory locks are database-wide, so the key
    # names the schema (two deployments in one database never wait on each other) and what it guards
    return _LOCK_EXCLUSIVE if exclusive else _LOCK_SHARED, ":isomargin.symbol:" + symbol


_LOCK_EXCLUSIVE = "pg_advisory_xact_lock(hashtext(current_schema() || ?))"
_LOCK_SHARED = "pg_advisory_xact_lock_shared(hashtext(current_schema() || ?))"


@dataclass(frozen=True, slots=True)
class KeyedPosition:
    """An open position with what its keys are computed from, and the keys it has."""

    account_id: int
    symbol: str
    position_side: str
    position_amt: Decimal
    entry_price: Decimal
    wallet: Decimal
    isolated: bool
    liquidation_key: Decimal | None
    margin_call_key: Decimal | None


def open_positions(tx: Tx, default_margin_type: str) -> list[KeyedPosition]:
    """Every open position with its margin type and stored keys (service.triggers' refresh)."""
    rows = tx.all(
        "SELECT p.account_id, p.symbol, p.position_side, p.position_amt, p.entry_price, p.isolated_wallet,"
        " COALESCE(c.margin_type, ?), p.liquidation_key, p.margin_call_key FROM positions p"
        " LEFT JOIN symbol_configs c ON c.account_id = p.account_id AND c.symbol = p.symbol"
        " WHERE p.position_amt <> 0 ORDER BY p.account_id, p.symbol, p.position_side",
        (default_margin_type,),
    )
    return [
        KeyedPosition(
            int(r[0]),
            str(r[1]),
            str(r[2]),
            _decimal(r[3]),
            _decimal(r[4]),
            _decimal(r[5]),
            r[6] == "ISOLATED",
            None if r[7] is None else _decimal(r[7]),
            None if r[8] is None else _decimal(r[8]),
        )
        for r in rows
    ]


def set_keys(
    tx: Tx, account_id: int, symbol: str, side: str, liquidation: Decimal | None, margin_call: Decimal | None
) -> None:
    tx.run(
        "UPDATE positions SET liquidation_key = ?, margin_call_key = ?"
        " WHERE account_id = ? AND symbol = ? AND position_side = ?",
        (
            None if liquidation is None else _money(liquidation),
            None if margin_call is None else _money(margin_call),
            account_id,
            symbol,
            side,
        ),
    )
