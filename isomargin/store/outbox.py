"""The event outbox: events written in the transaction of the change that caused them.

A use case appends its events here; they become visible to other connections exactly when the
change commits, and the store hands them to in-process listeners after that COMMIT
(``Store.subscribe``). Other workers and hosts read the same rows (docs/architecture.md: an
outbox poll by id, PostgreSQL LISTEN/NOTIFY or Redis pub/sub carry the wake-up, never the data).

Each account numbers its events 1, 2, 3, … without gaps (``accounts.event_seq``, bumped under the
account's row lock), so a subscriber can prove it missed nothing and saw nothing twice. Rows older
than the retention are pruned (:func:`prune`), so the table does not grow without bound.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import orjson

from isomargin.domain.events import AccountUpdate, Event, to_payload
from isomargin.store.base import OutboxEvent, Row, Tx
from isomargin.store.write_plan import WritePlan

_COLS = "id, account_id, seq, type, time, payload"


def append(tx: Tx, account_id: int, events: Sequence[Event], now_ms: int) -> list[OutboxEvent]:
    """Append one account's events; they publish when ``tx`` commits.

    The caller holds the account's row lock (every write use case takes it first), so the
    sequence numbers handed out here cannot interleave with another transaction's.
    """
    if not events:
        return []
    row = tx.one(
        "UPDATE accounts SET event_seq = event_seq + ? WHERE id = ? RETURNING event_seq", (len(events), account_id)
    )
    if row is None:
        raise LookupError(f"account {account_id} does not exist")
    return insert_numbered(tx, account_id, int(row[0]), events, now_ms)


def insert_numbered(tx: Tx, account_id: int, last_seq: int, events: Sequence[Event], now_ms: int) -> list[OutboxEvent]:
    """Insert ``events`` numbered up to ``last_seq``, which the caller already took.

    For a caller that bumps ``accounts.event_seq`` by ``len(events)`` in a statement it runs anyway
    (``store.changes.write_change``: one UPDATE of the account row instead of two).
    """
    appended = []
    notify = tx.dialect == "postgresql"
    for seq, event in enumerate(events, start=last_seq - len(events) + 1):
        params = (account_id, seq, event.type, now_ms, payload_text(event))
        # the typed event itself: its payload dict is made only if someone asks (store.base)
        outboxed = OutboxEvent(0, account_id, seq, event.type, now_ms, None, event)
        if notify:
            # PostgreSQL: the wake-up for other workers' streams rides in the same statement (no
            # extra round trip); PostgreSQL delivers it at COMMIT and never for a rolled-back one.
            inserted = tx.one(_INSERT_NOTIFY, (*params, wake_up(account_id, seq)))
            assert inserted is not None
            outboxed.id = int(inserted[0])
        else:
            # SQLite: its id is set when the row is written, in its group commit's batch at the latest
            tx.insert_later(_INSERT, params, outboxed)
        appended.append(outboxed)
    tx.outbox.extend(appended)
    return appended


def send_numbered(
    tx: Tx, plan: WritePlan, account_id: int, last_seq: int, events: Sequence[Event], now_ms: int
) -> list[OutboxEvent]:
    """:func:`insert_numbered` on PostgreSQL as the answering end of ``plan``: the change's writes,
    its events and their wake-ups in one statement (``store.changes.write_change``)."""
    if not events:
        plan.run(tx)
        return []
    first = last_seq - len(events) + 1
    params: list[object] = []
    for seq, event in zip(range(first, last_seq + 1), events, strict=True):
        params += (account_id, seq, event.type, now_ms, payload_text(event))
    # the ids in sequence order, whatever order RETURNING gives the rows in
    ids = {row[0]: row[1] for row in plan.send(tx, _insert_rows_notify(len(events)), params)}
    # the typed event itself: its payload dict is made only if someone asks (store.base)
    appended = [
        OutboxEvent(int(ids[seq]), account_id, seq, event.type, now_ms, None, event)
        for seq, event in zip(range(first, last_seq + 1), events, strict=True)
    ]
    tx.outbox.extend(appended)
    return appended


def payload_text(event: Event) -> str:
    """The event's payload as the JSON text of its ``events`` row: ``to_payload``'s dict, encoded
    (what every writer of a row binds: :func:`insert_numbered`, and any statement that writes the row).

    An ACCOUNT_UPDATE of one balance and one position (every margin transfer, most fills) is
    written straight from the typed event (:func:`_account_update_text`); anything else goes through
    the dict and orjson. Both give the same bytes (tests/store/test_outbox_text.py).
    """
    if type(event) is AccountUpdate:
        text = _account_update_text(event)
        if text is not None:
            return text
    return orjson.dumps(to_payload(event)).decode()


#: strings seen to need no escaping in JSON (orjson writes them as they are): the symbols, sides,
#: margin types and asset an ACCOUNT_UPDATE carries, checked once each
_PLAIN: set[str] = set()
_PLAIN_MAX = 4096


def _plain(*texts: str) -> bool:
    """Whether every text is written as is between quotes (no quote, backslash or control character)."""
    for text in texts:
        if text not in _PLAIN:
            if orjson.dumps(text) != b'"' + text.encode() + b'"':
                return False
            if len(_PLAIN) < _PLAIN_MAX:
                _PLAIN.add(text)
    return True


def _account_update_text(e: AccountUpdate) -> str | None:
    """``orjson.dumps(to_payload(e))`` for an ACCOUNT_UPDATE of one balance and one position, written
    as one f-string: ~12k instructions instead of ~23k for the dict and its encoding (the event's
    decimals are ``str()`` in both; docs/BENCHMARKS.md). None for any other shape, or a string that
    JSON would escape: the caller then encodes the dict.

    The keys and their order are ``domain.events._account_update_payload``'s.
    """
    if len(e.balances) != 1 or len(e.positions) != 1 or e.funding_symbol is not None:
        return None
    (b,), (p,) = e.balances, e.positions
    strings_plain = b.asset in _PLAIN and p.symbol in _PLAIN and p.margin_type in _PLAIN and p.position_side in _PLAIN
    if not strings_plain and not _plain(b.asset, p.symbol, p.margin_type, p.position_side):
        return None
    # ``!s``: str() of each Decimal, its exact text (what to_payload stores); reason is an enum's value
    return (
        f'{{"m":"{e.reason._value_}",'
        f'"B":[{{"a":"{b.asset}","wb":"{b.wallet_balance!s}","cw":"{b.cross_wallet!s}","bc":"{b.balance_change!s}"}}],'
        f'"P":[{{"s":"{p.symbol}","pa":"{p.position_amt!s}","ep":"{p.entry_price!s}",'
        f'"cr":"{p.accumulated_realized!s}","up":"{p.unrealized_pnl!s}","mt":"{p.margin_type}",'
        f'"iw":"{p.isolated_wallet!s}","ps":"{p.position_side}","bep":"{p.break_even_price!s}"}}]}}'
    )


_INSERT = "INSERT INTO events (account_id, seq, type, time, payload) VALUES (?, ?, ?, ?, ?)"
#: PostgreSQL LISTEN/NOTIFY channel that tells every worker an account has a new event
CHANNEL = "isomargin_events"
_INSERT_NOTIFY = f"{_INSERT} RETURNING id, pg_notify('{CHANNEL}', ?)"
#: :func:`wake_up`'s payload, computed by PostgreSQL from the row inserted (``7:12``: integers
#: concatenate as their decimal digits)
_WAKE_UP_SQL = "account_id || ':' || seq"


@lru_cache(maxsize=16)
def _insert_rows_notify(count: int) -> str:
    """``count`` events in one INSERT, each with its wake-up (a change records one to a few)."""
    rows = ", ".join(["(?, ?, ?, ?, ?)"] * count)
    return (
        f"INSERT INTO events (account_id, seq, type, time, payload) VALUES {rows}"
        f" RETURNING seq, id, pg_notify('{CHANNEL}', {_WAKE_UP_SQL})"
    )


def wake_up(account_id: int, seq: int) -> str:
    """A wake-up's payload: which account has an event, and its number (a subscriber that already
    delivered it skips the read). Only a hint: the rows are the truth."""
    return f"{account_id}:{seq}"


def parse_wake_up(payload: str) -> tuple[int, int] | None:
    account, _, seq = payload.partition(":")
    try:
        return int(account), int(seq)
    except ValueError:
        return None


def _event(row: Row) -> OutboxEvent:
    # the payload dict only: the typed event is built when the stream delivers it (store.base)
    return OutboxEvent(int(row[0]), int(row[1]), int(row[2]), str(row[3]), int(row[4]), orjson.loads(row[5]))


#: rows one catch-up read returns at most (read again while it returns this many)
READ_LIMIT = 1000


def after_id(tx: Tx, last_id: int, limit: int = READ_LIMIT) -> list[OutboxEvent]:
    """Events with an id above ``last_id``, oldest first: how another worker catches up."""
    return [_event(r) for r in tx.all(f"SELECT {_COLS} FROM events WHERE id > ? ORDER BY id LIMIT ?", (last_id, limit))]


def for_account(
    tx: Tx, account_id: int, after_seq: int = 0, limit: int = READ_LIMIT, *, after_id: int = 0
) -> list[OutboxEvent]:
    """One account's events with a sequence number above ``after_seq``, in order.

    ``after_id``: the caller knows every such event has a larger id (SQLite only; ignored on
    PostgreSQL). SQLite has no index by account (schema.events says why): it reads the table
    from that id on, in id order, which there is also the account's sequence order (one writer at
    a time numbers and inserts). The hub passes the id of the last event it delivered, or the one
    its feed has read up to (api/stream/hub.py), so a read looks at the events of the last moments.
    PostgreSQL reads by ``(account_id, seq)``, its unique index.
    """
    if tx.dialect == "sqlite":
        rows = tx.all(
            f"SELECT {_COLS} FROM events WHERE id > ? AND account_id = ? AND seq > ? ORDER BY id LIMIT ?",
            (after_id, account_id, after_seq, limit),
        )
    else:
        rows = tx.all(
            f"SELECT {_COLS} FROM events WHERE account_id = ? AND seq > ? ORDER BY seq LIMIT ?",
            (account_id, after_seq, limit),
        )
    return [_event(r) for r in rows]


def last_id(tx: Tx) -> int:
    """The newest event's id (0 when there is none): where a new subscriber starts."""
    row = tx.one("SELECT MAX(id) FROM events")
    return int(row[0]) if row and row[0] is not None else 0


#: rows one pruning statement looks at: pruning never holds the write lock long
PRUNE_CHUNK = 1000


def prune(tx: Tx, older_than_ms: int) -> int:
    """Delete up to :data:`PRUNE_CHUNK` of the oldest events written before ``older_than_ms``.

    Walks the table in id (commit) order and stops at the first event that is young enough, so
    it needs no index on ``time`` (one less B-tree for every event to write) and costs only what
    it deletes. An event whose time is older than an earlier id's (the clock was shifted back)
    simply waits for the events before it. Returns how many went; call again while it is
    :data:`PRUNE_CHUNK`.

    The newest event always stays, however old: SQLite numbers a new row after the largest id in
    the table, so emptying it would start the ids again at 1, and another worker reading on from
    the last id it saw (``after_id``) would miss every event until the ids passed it again.
    """
    rows = tx.all("SELECT id, time FROM events ORDER BY id LIMIT ?", (PRUNE_CHUNK,))
    last = None
    for event_id, time in rows:
        if int(time) >= older_than_ms:
            break
        last = int(event_id)
    if last is None:
        return 0
    return tx.run("DELETE FROM events WHERE id <= ? AND id < (SELECT MAX(id) FROM events)", (last,))


def last_seqs(tx: Tx, account_ids: Sequence[int]) -> dict[int, int]:
    """The last sequence number each account's events were given (0: none yet).

    Where a subscriber starts (events after this one are new to it), and how a periodic sweep
    sees that an account has events it has not been told about.
    """
    if not account_ids:
        return {}
    marks = ", ".join("?" for _ in account_ids)
    rows = tx.all(f"SELECT id, event_seq FROM accounts WHERE id IN ({marks})", list(account_ids))
    return {int(a): int(s) for a, s in rows}
