"""The in-process hub: each account's committed events, exactly once and in order, to its connections.

Events reach the hub from two places: this process's own commits (``Store.subscribe``, right after
COMMIT) and the feed (``api/stream/feed.py``: events other workers and hosts committed). Both may
hand over the same event, and on PostgreSQL another worker's events may be seen out of order (ids
are taken at INSERT, not at COMMIT). Each account's events are numbered 1, 2, 3… without gaps under
its row lock (``store.outbox``), so the hub delivers by that number alone:

- an event at or below the last delivered number is a duplicate: dropped;
- the next number is delivered, then any held events that follow it;
- a later number means something in between is not here yet: the event is held, and the account's
  events after the last delivered one are read from the outbox (rows are the truth). The missing
  event is there to read: its transaction held the account's row lock until it committed, before
  the later number could be taken.

The hub holds state only for accounts with a connection on this process; delivering to a
connection is appending to its bounded queue (``api/stream/connection.py``), so a slow client never
slows the hub. Once a second it checks its keys' expiry (60 minutes after the last keepalive, by
the server clock) and the 24-hour connection limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from isomargin.api.stream import frames
from isomargin.api.stream.connection import Connection, Subscription
from isomargin.domain.events import ListenKeyExpired
from isomargin.store import Store, outbox
from isomargin.store import listen_keys as key_rows
from isomargin.store.base import OutboxEvent

log = logging.getLogger("isomargin.stream")

#: "A single connection … is only valid for 24 hours" [doc UDS]
CONNECTION_LIMIT_MS = 24 * 3_600_000
#: close code and reason at the 24-hour limit (Binance's are not captured: assumed)
LIMIT_CLOSE_CODE = 1000
LIMIT_CLOSE_REASON = "Connection reached the 24 hour limit."
#: how often key expiry and the connection limit are checked
TICK_S = 1.0
#: a gap that reading the outbox did not fill is read again after this long
FILL_RETRY_S = 0.05


@dataclass(eq=False)
class AccountStream:
    """One account's delivery state on this process."""

    account_id: int
    #: the last sequence number delivered; None until the starting point is read
    delivered: int | None = None
    #: every event not delivered yet has a larger id (on SQLite, where ids are in commit order:
    #: the starting point's last id, then each delivered event's); what an outbox read skips
    after_id: int = 0
    held: dict[int, OutboxEvent] = field(default_factory=dict)
    subscriptions: set[Subscription] = field(default_factory=set)
    filling: bool = False
    #: a catch-up read is running; ``again``: another wake-up came meanwhile, read once more
    catching: bool = False
    again: bool = False


class Hub:
    def __init__(self, store: Store, now_ms: Callable[[], Awaitable[int]]) -> None:
        self.store = store
        #: the server clock, refreshed from the shared offset (AppState.refresh_clock)
        self.now_ms = now_ms
        self.accounts: dict[int, AccountStream] = {}
        #: the SQLite feed has offered every event up to this id (api/stream/feed.py): an event
        #: missing now has a larger one, whatever account it is for
        self.read_through = 0
        self.connections: set[Connection] = set()
        self._ticker: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._unsubscribe = store.subscribe(self.offer_all)

    # --- connections ------------------------------------------------------------------------

    def open(self, connection: Connection) -> None:
        self.connections.add(connection)
        if self._ticker is None:
            self._ticker = asyncio.get_running_loop().create_task(self._tick_forever())

    async def attach(self, sub: Subscription) -> None:
        """Deliver ``sub``'s account's events from now on (every event committed after this returns)."""
        sub.connection.subscriptions[sub.listen_key] = sub
        stream = self.accounts.get(sub.account_id)
        if stream is None:
            stream = self.accounts[sub.account_id] = AccountStream(sub.account_id)
            account_id = sub.account_id
            seqs, last_id = await self.store.read(lambda tx: (outbox.last_seqs(tx, [account_id]), outbox.last_id(tx)))
            if self.accounts.get(account_id) is stream and stream.delivered is None:
                stream.delivered = seqs.get(account_id, 0)
                stream.after_id = last_id  # what the account had then is numbered up to delivered
                # events that arrived during the read and are older than the start are not new
                stream.held = {s: e for s, e in stream.held.items() if s > stream.delivered}
                self._drain(stream)
        stream.subscriptions.add(sub)

    def detach(self, sub: Subscription) -> None:
        sub.connection.subscriptions.pop(sub.listen_key, None)
        stream = self.accounts.get(sub.account_id)
        if stream is None:
            return
        stream.subscriptions.discard(sub)
        if not stream.subscriptions:
            del self.accounts[sub.account_id]

    def close(self, connection: Connection) -> None:
        for sub in list(connection.subscriptions.values()):
            self.detach(sub)
        self.connections.discard(connection)

    def served_accounts(self) -> dict[int, int | None]:
        """Accounts with a connection here and the last sequence number delivered to them."""
        return {a: s.delivered for a, s in self.accounts.items()}

    # --- events -------------------------------------------------------------------------------

    def offer_all(self, events: Sequence[OutboxEvent]) -> None:
        """Committed events, from this process's commits or the feed; duplicates are dropped."""
        for event in events:
            stream = self.accounts.get(event.account_id)
            if stream is not None:
                self._offer(stream, event)

    def _offer(self, stream: AccountStream, event: OutboxEvent) -> None:
        if stream.delivered is not None and event.seq <= stream.delivered:
            return  # delivered already (this process's commit and the feed both saw it)
        stream.held[event.seq] = event
        if stream.delivered is not None:
            self._drain(stream)

    def _drain(self, stream: AccountStream) -> None:
        assert stream.delivered is not None
        while (event := stream.held.pop(stream.delivered + 1, None)) is not None:
            stream.delivered = event.seq
            stream.after_id = max(stream.after_id, event.id)
            self._deliver(stream, event)
        if stream.held and not stream.filling:
            stream.filling = True
            self._spawn(self._fill(stream))

    async def _fill(self, stream: AccountStream) -> None:
        """Read the account's events after the last delivered one: the gap's missing events."""
        try:
            while stream.held and self.accounts.get(stream.account_id) is stream:
                after = stream.delivered
                assert after is not None
                rows = await self._events_after(stream)
                if rows and rows[0].seq > after + 1 and stream.delivered == after:
                    # pruned (older than the 24-hour retention): nothing can fill it; go on from there
                    log.warning("account %d: events %d..%d were pruned", stream.account_id, after + 1, rows[0].seq - 1)
                    stream.delivered = rows[0].seq - 1
                for event in rows:
                    self._offer(stream, event)  # delivers in order; ``filling`` keeps it from spawning
                if stream.held:
                    await asyncio.sleep(FILL_RETRY_S)
        finally:
            stream.filling = False

    def wake(self, account_id: int, seq: int | None = None) -> None:
        """Another worker committed event ``seq`` (None: some event) of ``account_id``: read the
        account's events after the last delivered one. Wake-ups that come while a read runs are
        folded into one more read, so a burst costs two reads, not one per event."""
        stream = self.accounts.get(account_id)
        if stream is None or stream.delivered is None:
            return
        if seq is not None and seq <= stream.delivered:
            return  # delivered already, most often by this process's own commit
        if stream.catching:
            stream.again = True
            return
        stream.catching = True
        self._spawn(self._catch_up(stream))

    async def _catch_up(self, stream: AccountStream) -> None:
        try:
            while self.accounts.get(stream.account_id) is stream:
                stream.again = False
                assert stream.delivered is not None
                rows = await self._events_after(stream)
                for event in rows:
                    self._offer(stream, event)
                if not stream.again and len(rows) < outbox.READ_LIMIT:
                    return
        finally:
            stream.catching = False

    async def _events_after(self, stream: AccountStream) -> list[OutboxEvent]:
        """The account's events after the last delivered one, from the outbox."""
        account_id, after = stream.account_id, stream.delivered
        assert after is not None
        after_id = max(stream.after_id, self.read_through)
        return await self.store.read(lambda tx: outbox.for_account(tx, account_id, after, after_id=after_id))

    def _deliver(self, stream: AccountStream, event: OutboxEvent) -> None:
        typed = event.event  # this process's own events carry it; a row read back is parsed here
        data = frames.frame(typed, event.time)
        plain: str | None = None
        for sub in list(stream.subscriptions):
            if isinstance(typed, ListenKeyExpired) and typed.listen_key != sub.listen_key:
                continue
            if sub.allows(data["e"]):
                if sub.connection.wrapped:
                    sub.connection.push(frames.encode(data, sub.listen_key))
                else:
                    plain = plain or frames.encode(data)
                    sub.connection.push(plain)
            if isinstance(typed, ListenKeyExpired):
                self.detach(sub)  # "no more user data event … until a new valid listenKey" [doc LKE]

    # --- clock: key expiry and the 24-hour limit ------------------------------------------------

    async def _tick_forever(self) -> None:
        while True:
            await asyncio.sleep(TICK_S)
            try:
                await self.tick()
            except Exception:
                log.exception("stream housekeeping failed; retrying in %ss", TICK_S)

    async def tick(self) -> None:
        now = await self.now_ms()
        await self._expire_keys(now)
        for connection in list(self.connections):
            if now - connection.opened_at >= CONNECTION_LIMIT_MS:
                connection.close(LIMIT_CLOSE_CODE, LIMIT_CLOSE_REASON)

    async def _expire_keys(self, now: int) -> None:
        due = [s for stream in self.accounts.values() for s in stream.subscriptions if s.expires_at <= now]
        if not due:
            return
        keys = sorted({s.listen_key for s in due})
        current = await self.store.read(lambda tx: key_rows.expiries(tx, keys))
        for sub in due:
            expires_at = current.get(sub.listen_key)
            if expires_at is not None and expires_at > now:
                sub.expires_at = expires_at  # kept alive, maybe through another worker
                continue
            # Closed by DELETE (expires_at 0): its listenKeyExpired comes through the outbox, in
            # order with the account's other events. Run out by the clock, or replaced by a new
            # key after running out: nothing records that, so the frame is made here.
            if expires_at != key_rows.CLOSED and sub.allows(ListenKeyExpired.type):
                sub.connection.push(frames.encode(frames.expired(sub.listen_key, now), self._stream_of(sub)))
            self.detach(sub)

    @staticmethod
    def _stream_of(sub: Subscription) -> str | None:
        return sub.listen_key if sub.connection.wrapped else None

    # --- lifecycle -----------------------------------------------------------------------------

    def _spawn(self, coro: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def stop(self) -> None:
        self._unsubscribe()
        tasks = [t for t in (self._ticker, *self._tasks) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
