"""SQL of the ``listen_keys`` table (schema.py): one row per account with a user-data stream key."""

from __future__ import annotations

from dataclasses import dataclass

from isomargin.store.base import Tx


@dataclass(frozen=True, slots=True)
class ListenKey:
    account_id: int
    listen_key: str
    #: server-clock ms after which the key is no longer valid
    expires_at: int

    def valid_at(self, now_ms: int) -> bool:
        return now_ms < self.expires_at


def of_account(tx: Tx, account_id: int) -> ListenKey | None:
    row = tx.one("SELECT listen_key, expires_at FROM listen_keys WHERE account_id = ?", (account_id,))
    return None if row is None else ListenKey(account_id, str(row[0]), int(row[1]))


def find(tx: Tx, listen_key: str) -> ListenKey | None:
    """The key's row, valid or not (callers judge validity by the server clock)."""
    row = tx.one("SELECT account_id, expires_at FROM listen_keys WHERE listen_key = ?", (listen_key,))
    return None if row is None else ListenKey(int(row[0]), listen_key, int(row[1]))


def expiries(tx: Tx, keys: list[str]) -> dict[str, int]:
    """``expires_at`` of each of ``keys`` that still exists (a closed or replaced key is absent)."""
    if not keys:
        return {}
    marks = ", ".join("?" for _ in keys)
    rows = tx.all(f"SELECT listen_key, expires_at FROM listen_keys WHERE listen_key IN ({marks})", keys)
    return {str(k): int(e) for k, e in rows}


def put(tx: Tx, account_id: int, listen_key: str, expires_at: int, now_ms: int, *, replace: bool) -> None:
    """Store the account's key; ``replace`` when a row (an expired key) is already there."""
    if replace:
        tx.run(
            "UPDATE listen_keys SET listen_key = ?, expires_at = ?, created_at = ? WHERE account_id = ?",
            (listen_key, expires_at, now_ms, account_id),
        )
    else:
        tx.run(
            "INSERT INTO listen_keys (account_id, listen_key, expires_at, created_at) VALUES (?, ?, ?, ?)",
            (account_id, listen_key, expires_at, now_ms),
        )


def extend(tx: Tx, account_id: int, expires_at: int) -> None:
    tx.run("UPDATE listen_keys SET expires_at = ? WHERE account_id = ?", (expires_at, account_id))


#: ``expires_at`` of a key that has ended — closed by DELETE, or run out and applied by the
#: scheduler: kept, so a stream can tell "ended" (its listenKeyExpired is in the outbox) from "ran
#: out but not applied yet" or "replaced" (none is)
CLOSED = 0


def next_expiry_due(tx: Tx, until_ms: int) -> ListenKey | None:
    """The live key that runs out first at or before ``until_ms`` (``ix_listen_keys_expires_at``
    makes it a range read). Not locked: the caller locks the account first and reads it again —
    the lock order of every listen-key write."""
    row = tx.one(
        "SELECT account_id, listen_key, expires_at FROM listen_keys WHERE expires_at > ? AND expires_at <= ?"
        " ORDER BY expires_at, account_id LIMIT 1",
        (CLOSED, until_ms),
    )
    return None if row is None else ListenKey(int(row[0]), str(row[1]), int(row[2]))


def close(tx: Tx, account_id: int) -> None:
    tx.run("UPDATE listen_keys SET expires_at = ? WHERE account_id = ?", (CLOSED, account_id))
