"""Typed reads and writes of isomargin's tables, one small function each.

All SQL of the application lives here (and in the migrations). Every function takes the open
:class:`~isomargin.store.base.Tx` of the use case calling it, so a use case is one transaction.
Money goes in as ``Decimal`` and is stored as a scaled integer (``money_sql``: ``_money`` on
the way in, ``_decimal`` on the way out). The SQL is written by hand (this is the hot path of
every request; nothing is compiled per call), but its column lists come from the one schema
source, ``schema.py``, and are checked against it when this module is imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from decimal import Decimal
from functools import lru_cache

import sqlalchemy as sa

from isomargin.domain.value import value
from isomargin.store import risk, schema
from isomargin.store.base import Row, Tx
from isomargin.store.money_sql import decode_money as _decimal
from isomargin.store.money_sql import encode_money as _money
from isomargin.store.write_plan import WritePlan


def _columns(table: sa.Table, row_type: type, *, prefix: str = "") -> str:
    """The columns a dataclass is read from, in its field order (each field names a column)."""
    return schema.column_list(table, *(f.name for f in fields(row_type)), prefix=prefix)


def _placeholders(count: int) -> str:
    return ", ".join("?" * count)


@value
class Account:
    id: int
    dual_side_position: bool
    cross_wallet: Decimal
    update_time: int
    #: the last outbox sequence number the account's events were given (store.outbox)
    event_seq: int = 0


@value
class ApiKey:
    api_key: str
    account_id: int
    key_type: str
    #: HMAC: the secret sealed with the master key (auth.keystore); RSA/Ed25519: the public PEM
    secret: str
    can_trade: bool
    enabled: bool
    #: comma-separated addresses/networks; None = any IP
    ip_whitelist: str | None
    futures_enabled: bool = True


@value
class SymbolConfig:
    symbol: str
    margin_type: str  # "ISOLATED" | "CROSSED", as /fapi/v1/marginType spells them
    leverage: int


@value
class PositionRow:
    symbol: str
    position_side: str
    position_amt: Decimal
    entry_price: Decimal
    isolated_wallet: Decimal
    update_time: int
    #: ADL quantile 0–4 as last ranked (service/adl.py); read, never written by the position upsert
    adl_quantile: int = 0


#: the columns a position change writes: every field but the stored ADL quantile


@value
class HistoryRow:
    symbol: str
    type: int
    amount: Decimal
    asset: str
    time: int
    position_side: str
    #: what moved the margin: USER_ADJUST (positionMargin), TRADE, FUNDING_FEE (reference §2.2)
    delta_type: str = "USER_ADJUST"


# --- accounts ---------------------------------------------------------------------------------

_ACCOUNT_COLS = _columns(schema.accounts, Account)
#: every column but the id the database assigns and those with a default, in table order
_NEW_ACCOUNT_COLS = [c.name for c in schema.accounts.columns if not c.primary_key and c.server_default is None]
_INSERT_ACCOUNT = (
    f"INSERT INTO accounts ({', '.join(_NEW_ACCOUNT_COLS)})"
    f" VALUES ({_placeholders(len(_NEW_ACCOUNT_COLS))}) RETURNING id"
)


def _account(row: Row) -> Account:
    return Account(int(row[0]), bool(row[1]), _decimal(row[2]), int(row[3]), int(row[4]))


def insert_account(tx: Tx, *, cross_wallet: Decimal, dual_side_position: bool, now_ms: int) -> int:
    row = tx.one(
        _INSERT_ACCOUNT,
        (dual_side_position, _money(cross_wallet), now_ms, now_ms),
    )
    assert row is not None
    return int(row[0])


def get_account(tx: Tx, account_id: int, *, lock: bool = False) -> Account | None:
    """The account; with ``lock`` its row stays locked until commit (lock it before positions)."""
    row = tx.one(f"SELECT {_ACCOUNT_COLS} FROM accounts WHERE id = ?" + (tx.for_update if lock else ""), (account_id,))
    return _account(row) if row else None


def list_accounts(tx: Tx) -> list[Account]:
    return [_account(r) for r in tx.all(f"SELECT {_ACCOUNT_COLS} FROM accounts ORDER BY id")]


_SET_CROSS_WALLET = "UPDATE accounts SET cross_wallet = ?, update_time = ?, event_seq = ? WHERE id = ?"


def set_cross_wallet(tx: Tx, account_id: int, cross_wallet: Decimal, now_ms: int, *, event_seq: int) -> None:
    """Write the cross wallet and the account's last outbox number (read under the row's lock)."""
    tx.run(_SET_CROSS_WALLET, (_money(cross_wallet), now_ms, event_seq, account_id))


def plan_cross_wallet(plan: WritePlan, account_id: int, cross_wallet: Decimal, now_ms: int, *, event_seq: int) -> None:
    """:func:`set_cross_wallet` as a part of a change's one PostgreSQL statement."""
    plan.add(_SET_CROSS_WALLET, (_money(cross_wallet), now_ms, event_seq, account_id))


def set_dual_side_position(tx: Tx, account_id: int, dual: bool, now_ms: int) -> None:
    tx.run("UPDATE accounts SET dual_side_position = ?, update_time = ? WHERE id = ?", (dual, now_ms, account_id))


# --- API keys ---------------------------------------------------------------------------------

_KEY_COLS = _columns(schema.api_keys, ApiKey)
_INSERT_KEY = f"INSERT INTO api_keys ({_KEY_COLS}, created_at) VALUES ({_placeholders(len(fields(ApiKey)) + 1)})"


def _api_key(row: Row) -> ApiKey:
    return ApiKey(
        str(row[0]),
        int(row[1]),
        str(row[2]),
        str(row[3]),
        bool(row[4]),
        bool(row[5]),
        None if row[6] is None else str(row[6]),
        bool(row[7]),
    )


def insert_api_key(tx: Tx, key: ApiKey, now_ms: int) -> None:
    tx.run(
        _INSERT_KEY,
        (
            key.api_key,
            key.account_id,
            key.key_type,
            key.secret,
            key.can_trade,
            key.enabled,
            key.ip_whitelist,
            key.futures_enabled,
            now_ms,
        ),
    )


def update_api_key(tx: Tx, key: ApiKey) -> None:
    """Write a key's permissions, allow-list and secret (its account and type never change)."""
    tx.run(
        "UPDATE api_keys SET secret = ?, can_trade = ?, enabled = ?, ip_whitelist = ?, futures_enabled = ?"
        " WHERE api_key = ?",
        (key.secret, key.can_trade, key.enabled, key.ip_whitelist, key.futures_enabled, key.api_key),
    )


def delete_api_key(tx: Tx, api_key: str) -> bool:
    return tx.run("DELETE FROM api_keys WHERE api_key = ?", (api_key,)) > 0


def first_sealed_hmac_key(tx: Tx, sealed_prefix: str) -> ApiKey | None:
    row = tx.one(
        f"SELECT {_KEY_COLS} FROM api_keys WHERE key_type = 'HMAC_SHA256' AND secret LIKE ? LIMIT 1",
        (sealed_prefix + "%",),
    )
    return _api_key(row) if row else None


def hmac_keys_with_plaintext_secret(tx: Tx, sealed_prefix: str) -> list[ApiKey]:
    rows = tx.all(
        f"SELECT {_KEY_COLS} FROM api_keys WHERE key_type = 'HMAC_SHA256' AND secret NOT LIKE ?",
        (sealed_prefix + "%",),
    )
    return [_api_key(r) for r in rows]


def get_api_key_and_state(tx: Tx, api_key: str, state_keys: Sequence[str]) -> tuple[ApiKey | None, list[str | None]]:
    """An API key and some ``server_state`` values, in one statement (one round trip on PostgreSQL).

    The state values are only read when the key exists (no row otherwise): a request with an
    unknown key is refused before it needs anything else.
    """
    values = ", ".join("(SELECT value FROM server_state WHERE key = ?)" for _ in state_keys)
    row = tx.one(f"SELECT {_KEY_COLS}, {values} FROM api_keys WHERE api_key = ?", (*state_keys, api_key))
    if row is None:
        return None, [None for _ in state_keys]
    n = len(state_keys)
    return _api_key(row[:-n]), [None if v is None else str(v) for v in row[-n:]]


def get_api_key(tx: Tx, api_key: str) -> ApiKey | None:
    row = tx.one(f"SELECT {_KEY_COLS} FROM api_keys WHERE api_key = ?", (api_key,))
    return _api_key(row) if row else None


def list_api_keys(tx: Tx, account_id: int) -> list[ApiKey]:
    rows = tx.all(f"SELECT {_KEY_COLS} FROM api_keys WHERE account_id = ? ORDER BY created_at", (account_id,))
    return [_api_key(r) for r in rows]


# --- symbol settings (margin type, leverage) --------------------------------------------------

_CONFIG_COLS = _columns(schema.symbol_configs, SymbolConfig)
_UPSERT_CONFIG = (
    f"INSERT INTO symbol_configs (account_id, {_CONFIG_COLS}) VALUES ({_placeholders(1 + len(fields(SymbolConfig)))})"
    " ON CONFLICT (account_id, symbol) DO UPDATE SET margin_type = excluded.margin_type,"
    " leverage = excluded.leverage"
)


def get_symbol_config(tx: Tx, account_id: int, symbol: str) -> SymbolConfig | None:
    row = tx.one(
        f"SELECT {_CONFIG_COLS} FROM symbol_configs WHERE account_id = ? AND symbol = ?",
        (account_id, symbol),
    )
    return SymbolConfig(str(row[0]), str(row[1]), int(row[2])) if row else None


def list_symbol_configs(tx: Tx, account_id: int) -> list[SymbolConfig]:
    rows = tx.all(
        f"SELECT {_CONFIG_COLS} FROM symbol_configs WHERE account_id = ? ORDER BY symbol",
        (account_id,),
    )
    return [SymbolConfig(str(r[0]), str(r[1]), int(r[2])) for r in rows]


def upsert_symbol_config(tx: Tx, account_id: int, config: SymbolConfig) -> None:
    tx.run(
        _UPSERT_CONFIG,
        (account_id, config.symbol, config.margin_type, config.leverage),
    )


# --- positions --------------------------------------------------------------------------------

_POS_COLS = _columns(schema.positions, PositionRow)
_POS_FIELD_COUNT = len(fields(PositionRow))
#: the trigger keys (issue 12), written last: an UPDATE leaves them out when the row already holds them
_POS_TRIGGER_KEYS = ("liquidation_key", "margin_call_key")
#: what a position change writes (besides the key), in the order of :func:`_position_values`;
#: the ADL quantile is not written here (service/adl.py ranks)
_POS_WRITTEN = (
    "position_amt",
    "entry_price",
    "isolated_wallet",
    "update_time",
    *_POS_TRIGGER_KEYS,
)
#: how many of :data:`_POS_WRITTEN` an UPDATE that keeps the stored keys writes
_POS_WRITTEN_BUT_KEYS = len(_POS_WRITTEN) - len(_POS_TRIGGER_KEYS)
_POS_KEY = ("account_id", "symbol", "position_side")


def _update_position_sql(written: tuple[str, ...], still_called: bool) -> str:
    return (
        f"UPDATE positions SET {', '.join(f'{c} = ?' for c in written)}"
        f"{'' if still_called else ', margin_called = FALSE'} WHERE {' AND '.join(f'{c} = ?' for c in _POS_KEY)}"
    )


# A new row starts un-called; an existing one stays margin-called only while its ratio is still at
# the threshold after the change (``still_called``), so a change that brings it back below re-arms
# the margin call (issue 12). UPDATE parameters: the written values, then the key; the latch is
# in the text, one statement per value of ``still_called``: kept as it is (``margin_called AND
# TRUE``), or cleared (``margin_called AND FALSE``). Not a bound boolean: Python's sqlite3 binds a
# bool (an int subclass) through its adaptation protocol, ~3,300 instructions on every change
# (docs/BENCHMARKS.md, perf2). Keyed by ``(still_called, keys_stored)``: when the row already
# holds the keys (``keys_stored``), the statement leaves them out, since SQLite rewrites the index
# entries of every indexed column an UPDATE sets, even to its own value (~16 k instructions for
# the two keys' indexes, ~7 k more to bind them; docs/BENCHMARKS.md "The trigger keys, cheaper").
_UPDATE_POSITION = {
    (still_called, keys_stored): _update_position_sql(
        _POS_WRITTEN[:_POS_WRITTEN_BUT_KEYS] if keys_stored else _POS_WRITTEN, still_called
    )
    for still_called in (True, False)
    for keys_stored in (True, False)
}
# INSERT parameters: the written values, FALSE for the latch, the key, then the latch again.
_INSERT_POSITION = (
    f"INSERT INTO positions ({schema.column_list(schema.positions, *_POS_WRITTEN, 'margin_called', *_POS_KEY)})"
    f" VALUES ({_placeholders(len(_POS_WRITTEN) + 1 + len(_POS_KEY))})"
    f" ON CONFLICT ({', '.join(_POS_KEY)}) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in _POS_WRITTEN)},"
    " margin_called = positions.margin_called AND ?"
)


def _change_cols(taker_rate: str) -> str:
    """What a margin change reads with a position: its symbol settings and the mark price, the
    account's Σ isolated wallets, its ``cr`` and the account's taker rate (``taker_rate``: the
    column's expression in the statement)."""
    return (
        f"{_columns(schema.positions, PositionRow, prefix='p.')},"
        f" {schema.column_list(schema.symbol_configs, 'margin_type', 'leverage', prefix='c.')},"
        f" {schema.column_list(schema.mark_prices, 'mark_price', prefix='m.')},"
        # the account's isolated wallets summed in the same statement: the wallet balance an
        # ACCOUNT_UPDATE carries, at no extra round trip (the positions are locked with the account)
        " (SELECT SUM(s.isolated_wallet) FROM positions s WHERE s.account_id = p.account_id),"
        # what its event's P row carries beside: ``cr`` and the taker rate ``bep`` is computed with
        f" {schema.column_list(schema.positions, 'accumulated_realized', prefix='p.')}, {taker_rate}"
    )


_JOIN_SETTINGS = (
    " LEFT JOIN symbol_configs c ON c.account_id = p.account_id AND c.symbol = p.symbol"
    " LEFT JOIN mark_prices m ON m.symbol = p.symbol"
)
# The hot path's statements, built once: positionMargin runs one of these per request.
_POSITION_FOR_CHANGE = (
    f"SELECT {_change_cols('(SELECT x.taker_commission_rate FROM accounts x WHERE x.id = p.account_id)')}"
    f" FROM positions p{_JOIN_SETTINGS} WHERE p.account_id = ? AND p.symbol = ? AND p.position_side = ?"
)
# the account's own row is in this statement: its taker rate read off it, not by a second search of
# the accounts table (~2.5k instructions a transfer, docs/BENCHMARKS.md)
_ACCOUNT_FOR_CHANGE = (
    f"SELECT {_columns(schema.accounts, Account, prefix='a.')}, {_change_cols('a.taker_commission_rate')}"
    " FROM accounts a LEFT JOIN positions p ON p.account_id = a.id AND p.symbol = ? AND p.position_side = ?"
    f"{_JOIN_SETTINGS} WHERE a.id = ?"
)


def _position(row: Row) -> PositionRow:
    return PositionRow(
        str(row[0]),
        str(row[1]),
        _decimal(row[2]),
        _decimal(row[3]),
        _decimal(row[4]),
        int(row[5]),
        int(row[6]),
    )


def get_position(tx: Tx, account_id: int, symbol: str, side: str, *, lock: bool = False) -> PositionRow | None:
    row = tx.one(
        f"SELECT {_POS_COLS} FROM positions WHERE account_id = ? AND symbol = ? AND position_side = ?"
        + (tx.for_update if lock else ""),
        (account_id, symbol, side),
    )
    return _position(row) if row else None


@value
class PositionForChange:
    """A position with what a margin change reads beside it (None: not set, use the default)."""

    position: PositionRow
    config: SymbolConfig | None
    mark_price: Decimal | None
    #: Σ isolated wallets of the account's positions (this one included), as read
    account_isolated_wallets: Decimal
    #: the position's accumulated realized PnL (``cr``) and the account's taker commission rate
    accumulated_realized: Decimal
    taker_rate: Decimal


def get_position_for_change(tx: Tx, account_id: int, symbol: str, side: str) -> PositionForChange | None:
    """The position locked until commit, its symbol settings and mark price: one statement.

    One query instead of three on the hot path of positionMargin (docs/BENCHMARKS.md). Only the
    position row is locked (PostgreSQL refuses FOR UPDATE on the nullable side of an outer join).
    """
    lock = f"{tx.for_update} OF p" if tx.for_update else ""
    row = tx.one(_POSITION_FOR_CHANGE + lock, (account_id, symbol, side))
    if row is None:
        return None
    return _position_for_change(row)


def _position_for_change(row: Row) -> PositionForChange:
    """A :func:`_change_cols` row (position, settings, mark price, Σ isolated wallets, …)."""
    n = _POS_FIELD_COUNT  # the settings and the rest follow the position's columns
    config = None if row[n] is None else SymbolConfig(str(row[0]), str(row[n]), int(row[n + 1]))
    mark = None if row[n + 2] is None else _decimal(row[n + 2])
    return PositionForChange(
        _position(row), config, mark, _decimal(row[n + 3]), _decimal(row[n + 4]), _decimal(row[n + 5])
    )


def get_account_for_change(
    tx: Tx, account_id: int, symbol: str, side: str, *, lock_symbol: bool = False
) -> tuple[Account, PositionForChange | None] | None:
    """The account and :func:`get_position_for_change`'s position, both locked until commit.

    SQLite: one statement instead of two on the hot path of positionMargin (a statement is
    ~2.5% of its server CPU, docs/BENCHMARKS.md); ``BEGIN IMMEDIATE`` already holds the
    database's write lock, so there are no row locks to order. PostgreSQL: two statements,
    the account row locked before the position row (the lock order of every use case), and
    FOR UPDATE cannot reach the nullable side of an outer join anyway.

    ``lock_symbol``: ``risk.lock_symbol(symbol, exclusive=False)`` first — on PostgreSQL taken by
    the account's statement, before its row lock (the lock order), at no round trip of its own
    (see :func:`_account_after_lock`); SQLite has no lock to take.
    """
    if tx.for_update:
        if not lock_symbol:
            account = get_account(tx, account_id, lock=True)
        else:
            lock_sql, lock_key = risk.symbol_lock(symbol, exclusive=False)
            row = tx.one(_account_after_lock(lock_sql), (account_id, lock_key))
            account = None if row is None else _account(row)
        return None if account is None else (account, get_position_for_change(tx, account_id, symbol, side))
    row = tx.one(_ACCOUNT_FOR_CHANGE, (symbol, side, account_id))
    if row is None:
        return None
    account = _account(row)
    if row[5] is None:
        return account, None
    return account, _position_for_change(row[5:])


@lru_cache(maxsize=4)
def _account_after_lock(lock_sql: str) -> str:
    """The account read FOR UPDATE by the statement that first takes the symbol's lock.

    The lock is an uncorrelated sub-select: PostgreSQL computes it once, as the one-time filter in
    front of the account's scan, so it is held before the row is read and locked (EXPLAIN: LockRows
    over Result, One-Time Filter: $0, over the index scan). The statement's snapshot is older than
    the wait for that lock, but a row read FOR UPDATE is the latest committed version of it
    (READ COMMITTED re-reads a row updated since the snapshot before locking it), so the account
    is as current as a read after the lock; what the use case reads next — the position, the mark
    — is read by the next statement, on a snapshot taken after the lock was granted.
    tests/liquidation/test_transfer_waits_for_move.py holds both (without FOR UPDATE the
    transfer reads the account the move replaced, and its event's number collides).
    """
    return f"SELECT {_ACCOUNT_COLS} FROM accounts WHERE id = ? AND (SELECT {lock_sql} IS NOT NULL) FOR UPDATE"


def list_positions(tx: Tx, account_id: int, symbol: str | None = None) -> list[PositionRow]:
    if symbol is None:
        rows = tx.all(
            f"SELECT {_POS_COLS} FROM positions WHERE account_id = ? ORDER BY symbol, position_side",
            (account_id,),
        )
    else:
        rows = tx.all(
            f"SELECT {_POS_COLS} FROM positions WHERE account_id = ? AND symbol = ? ORDER BY position_side",
            (account_id, symbol),
        )
    return [_position(r) for r in rows]


def _position_values(
    pos: PositionRow, liquidation_key: Decimal | None, margin_call_key: Decimal | None
) -> tuple[object, ...]:
    """The stored form of what :data:`_POS_WRITTEN` names, in its order."""
    return (
        _money(pos.position_amt),
        _money(pos.entry_price),
        _money(pos.isolated_wallet),
        pos.update_time,
        None if liquidation_key is None else _money(liquidation_key),
        None if margin_call_key is None else _money(margin_call_key),
    )


def upsert_position(
    tx: Tx,
    account_id: int,
    pos: PositionRow,
    *,
    liquidation_key: Decimal | None,
    margin_call_key: Decimal | None,
    still_called: bool,
    keys_stored: bool = False,
) -> None:
    """Write the position row with its trigger keys, whether or not it exists yet (only
    ``store.changes.write_change`` calls this). ``keys_stored``: the row, if it exists, already
    holds exactly these keys, so an UPDATE leaves the key columns (and their indexes) alone.

    An UPDATE first: every change but a first fill finds its row (positionMargin always does),
    and an UPDATE is cheaper than ``INSERT … ON CONFLICT DO UPDATE`` (SQLite builds the row to
    insert and probes the key before it updates; docs/BENCHMARKS.md, 2026-12-02). No row
    updated: the INSERT, still an upsert, so a row that appeared meanwhile is written all the
    same (it cannot, under the account's lock, which every write takes first).
    """
    values = _position_values(pos, liquidation_key, margin_call_key)
    key = (account_id, pos.symbol, pos.position_side)
    updated = values[:_POS_WRITTEN_BUT_KEYS] if keys_stored else values
    if tx.run(_UPDATE_POSITION[still_called, keys_stored], (*updated, *key)) == 0:
        tx.run(_INSERT_POSITION, (*values, False, *key, still_called))


# PostgreSQL, as a part of a change's one statement (``store.write_plan``): always the upsert, and
# the fill's realized PnL added to ``cr`` in it. A CTE cannot choose between the UPDATE and the
# INSERT by the UPDATE's row count (a second statement would be the round trip the plan saves),
# and may not write the row twice (``trading.add_accumulated_realized`` is a second write of it).
# The same values reach the row either way: a first fill's row starts with ``cr`` = its realized
# PnL (0 + realized, as the INSERT and then the addition leave it), an existing row gets
# ``cr + realized``, and the latch is kept or cleared as :data:`_UPDATE_POSITION` does. On
# PostgreSQL the upsert's extra work (the index probe before the update) is the server's, no round
# trip. Parameters: the written values, ``cr``'s increment, FALSE for a new row's latch, the key,
# then ``still_called``.
_PLAN_POSITION = (
    "INSERT INTO positions"
    f" ({schema.column_list(schema.positions, *_POS_WRITTEN, 'accumulated_realized', 'margin_called', *_POS_KEY)})"
    f" VALUES ({_placeholders(len(_POS_WRITTEN) + 2 + len(_POS_KEY))})"
    f" ON CONFLICT ({', '.join(_POS_KEY)}) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in _POS_WRITTEN)},"
    " accumulated_realized = positions.accumulated_realized + excluded.accumulated_realized,"
    " margin_called = positions.margin_called AND ?"
)


def plan_position(
    plan: WritePlan,
    account_id: int,
    pos: PositionRow,
    *,
    liquidation_key: Decimal | None,
    margin_call_key: Decimal | None,
    still_called: bool,
    realized: Decimal,
) -> None:
    """:func:`upsert_position` and ``trading.add_accumulated_realized(realized)`` as one part of a
    change's one PostgreSQL statement (only ``store.changes.write_change`` calls this)."""
    values = _position_values(pos, liquidation_key, margin_call_key)
    plan.add(
        _PLAN_POSITION, (*values, _money(realized), False, account_id, pos.symbol, pos.position_side, still_called)
    )


def sum_isolated_wallets(tx: Tx, account_id: int) -> Decimal:
    """Σ isolated wallets of the account, summed by the database (exact: integers)."""
    row = tx.one("SELECT COALESCE(SUM(isolated_wallet), 0) FROM positions WHERE account_id = ?", (account_id,))
    assert row is not None
    return _decimal(row[0])


# --- mark prices ------------------------------------------------------------------------------


def get_mark_price(tx: Tx, symbol: str) -> Decimal | None:
    row = tx.one("SELECT mark_price FROM mark_prices WHERE symbol = ?", (symbol,))
    return _decimal(row[0]) if row else None


def all_mark_prices(tx: Tx) -> dict[str, tuple[Decimal, int]]:
    return {
        str(r[0]): (_decimal(r[1]), int(r[2]))
        for r in tx.all("SELECT symbol, mark_price, update_time FROM mark_prices")
    }


def set_mark_price(tx: Tx, symbol: str, price: Decimal, now_ms: int) -> None:
    tx.run(
        "INSERT INTO mark_prices (symbol, mark_price, update_time) VALUES (?, ?, ?)"
        " ON CONFLICT (symbol) DO UPDATE SET mark_price = excluded.mark_price, update_time = excluded.update_time",
        (symbol, _money(price), now_ms),
    )


# --- margin-change history --------------------------------------------------------------------


_HISTORY_COLS = _columns(schema.margin_history, HistoryRow)
_INSERT_HISTORY = (
    f"INSERT INTO margin_history (account_id, {_HISTORY_COLS}) VALUES ({_placeholders(len(fields(HistoryRow)) + 1)})"
)


def _history_values(account_id: int, row: HistoryRow) -> tuple[object, ...]:
    """A history row's values in :data:`_HISTORY_COLS`' order, after its account."""
    return (
        account_id,
        row.symbol,
        row.type,
        _money(row.amount),
        row.asset,
        row.time,
        row.position_side,
        row.delta_type,
    )


def insert_history(tx: Tx, account_id: int, row: HistoryRow) -> None:
    # an append-only log: SQLite's group commit writes a batch's rows in one statement
    tx.insert_later(_INSERT_HISTORY, _history_values(account_id, row))


@lru_cache(maxsize=16)
def _insert_histories(count: int) -> str:
    """One INSERT of ``count`` history rows (a change writes one or two: the texts stay few)."""
    row = f"({_placeholders(len(fields(HistoryRow)) + 1)})"
    return f"INSERT INTO margin_history (account_id, {_HISTORY_COLS}) VALUES {', '.join([row] * count)}"


def plan_histories(plan: WritePlan, account_id: int, rows: Sequence[HistoryRow]) -> None:
    """:func:`insert_history` of each row as one part of a change's one PostgreSQL statement."""
    if not rows:
        return
    params: list[object] = []
    for row in rows:
        params += _history_values(account_id, row)
    plan.add(_insert_histories(len(rows)), params)


def query_history(
    tx: Tx, account_id: int, symbol: str, *, type_: int | None, start_ms: int, end_ms: int, limit: int
) -> list[HistoryRow]:
    """Rows in ``[start_ms, end_ms]``, oldest first, at most ``limit``."""
    sql = f"SELECT {_HISTORY_COLS} FROM margin_history WHERE account_id = ? AND symbol = ? AND time >= ? AND time <= ?"
    params: list[object] = [account_id, symbol, start_ms, end_ms]
    if type_ is not None:
        sql += " AND type = ?"
        params.append(type_)
    sql += " ORDER BY time, id LIMIT ?"
    params.append(limit)
    return [
        HistoryRow(str(r[0]), int(r[1]), _decimal(r[2]), str(r[3]), int(r[4]), str(r[5]), str(r[6]))
        for r in tx.all(sql, params)
    ]


def count_history(tx: Tx, account_id: int | None = None) -> int:
    if account_id is None:
        row = tx.one("SELECT COUNT(*) FROM margin_history")
    else:
        row = tx.one("SELECT COUNT(*) FROM margin_history WHERE account_id = ?", (account_id,))
    assert row is not None
    return int(row[0])


# --- server state and reset -------------------------------------------------------------------


def get_state(tx: Tx, key: str) -> str | None:
    row = tx.one("SELECT value FROM server_state WHERE key = ?", (key,))
    return str(row[0]) if row else None


def set_state(tx: Tx, key: str, value: str) -> None:
    tx.run(
        "INSERT INTO server_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def delete_state(tx: Tx, key: str) -> None:
    tx.run("DELETE FROM server_state WHERE key = ?", (key,))


def delete_everything(tx: Tx) -> None:
    """Empty every table of the schema (control-plane reset), children before parents.

    The tables come from ``schema.metadata``, so a table added there is emptied too without
    being listed here (tests/store/test_reset.py). Alembic's own ``alembic_version`` is not in
    the metadata and stays: the schema survives a reset.
    """
    for table in reversed(schema.metadata.sorted_tables):
        tx.run(f"DELETE FROM {table.name}")


# --- batch reads for paged lists (control plane) ----------------------------------------------
# Kept at the end of the module on purpose: each reads one table for a whole page of accounts in
# one statement, so a page costs a fixed number of statements however many accounts it holds.
# A page is a contiguous run of account ids (accounts are listed by id), so "the page's
# accounts" is ``account_id BETWEEN first AND last`` inside the same read transaction.


def accounts_page(tx: Tx, offset: int, limit: int) -> list[Account]:
    """At most ``limit`` accounts by id, skipping the first ``offset``."""
    rows = tx.all(f"SELECT {_ACCOUNT_COLS} FROM accounts ORDER BY id LIMIT ? OFFSET ?", (limit, offset))
    return [_account(r) for r in rows]


def positions_of_accounts(tx: Tx, first_id: int, last_id: int) -> dict[int, list[PositionRow]]:
    """Every position row of the accounts with ids in ``[first_id, last_id]``, by account."""
    rows = tx.all(
        f"SELECT account_id, {_POS_COLS} FROM positions WHERE account_id BETWEEN ? AND ?"
        " ORDER BY account_id, symbol, position_side",
        (first_id, last_id),
    )
    found: dict[int, list[PositionRow]] = {}
    for row in rows:
        found.setdefault(int(row[0]), []).append(_position(row[1:]))
    return found


def symbol_configs_of_accounts(tx: Tx, first_id: int, last_id: int) -> dict[int, list[SymbolConfig]]:
    rows = tx.all(
        "SELECT account_id, symbol, margin_type, leverage FROM symbol_configs WHERE account_id BETWEEN ? AND ?"
        " ORDER BY account_id, symbol",
        (first_id, last_id),
    )
    found: dict[int, list[SymbolConfig]] = {}
    for row in rows:
        found.setdefault(int(row[0]), []).append(SymbolConfig(str(row[1]), str(row[2]), int(row[3])))
    return found


def api_keys_of_accounts(tx: Tx, first_id: int, last_id: int) -> dict[int, list[ApiKey]]:
    """Every key of those accounts, oldest first per account (as :func:`list_api_keys`)."""
    rows = tx.all(
        f"SELECT {_KEY_COLS} FROM api_keys WHERE account_id BETWEEN ? AND ? ORDER BY account_id, created_at",
        (first_id, last_id),
    )
    found: dict[int, list[ApiKey]] = {}
    for row in rows:
        key = _api_key(row)
        found.setdefault(key.account_id, []).append(key)
    return found
