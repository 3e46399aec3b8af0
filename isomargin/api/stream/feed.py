"""Events other workers and hosts committed, into this process's hub (docs/architecture.md).

The rows in the outbox are the truth; the wake-ups only say when to read them. The hub delivers by
each account's gapless sequence number, so a duplicate is dropped and a gap is read from the outbox
before anything after it (``api/stream/hub.py``) — which is what makes the classic outbox gap
harmless: on PostgreSQL ids are taken at INSERT, so a transaction holding id 10 may commit after
one holding id 11; a reader that kept only "the last id seen" would miss 10 for good. Here what
is delivered goes by account and sequence number, never by the last id alone:

- **PostgreSQL**: one ``LISTEN`` connection per worker; each event's INSERT also calls
  ``pg_notify`` with ``<account>:<seq>`` (``store.outbox``), which PostgreSQL delivers at COMMIT, and
  never for a rolled-back transaction. A wake-up for an account this process serves, with a number
  it has not delivered, reads that account's events after its last delivered one. Every second a
  sweep compares ``accounts.event_seq`` of the served accounts with what was delivered, so a lost
  notification (the LISTEN connection dropped) delays an event by a second and loses nothing.
- **Redis** (``--redis-url``): each worker publishes the same ``<account>:<seq>`` after its commits,
  and listens, for deployments that share Redis anyway.
- **SQLite**: the workers share one file, and SQLite commits one writer at a time, so ids are in
  commit order: every few milliseconds the worker asks ``PRAGMA data_version`` (no table read)
  whether another process committed, and only then reads the events after the last id it saw.
  Having offered them, it tells the hub (``Hub.read_through``): an event still missing has a larger
  id, so the hub's catch-up reads from there (SQLite has no index by account: ``schema.events``).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Coroutine, Sequence
from typing import Any

from isomargin.api.stream.hub import Hub
from isomargin.store import Store, outbox
from isomargin.store.base import OutboxEvent

log = logging.getLogger("isomargin.stream")

#: SQLite: how often ``PRAGMA data_version`` is asked (a few µs each)
POLL_S = 0.005
#: PostgreSQL: how often the served accounts' sequence numbers are compared with what was delivered
SWEEP_S = 1.0
#: a LISTEN or Redis connection that failed is opened again after this long
RECONNECT_S = 1.0


class Feed:
    def __init__(self, hub: Hub, store: Store, redis_url: str | None, redis_prefix: str) -> None:
        self.hub = hub
        self.store = store
        self.redis_url = redis_url
        self.channel = f"{redis_prefix}events"
        self._tasks: list[asyncio.Task[None]] = []
        self._redis: Any = None
        if redis_url is not None:
            store.subscribe(self._publish)

    def start(self) -> None:
        """Start listening (once; the endpoint calls it at the first connection)."""
        if self._tasks:
            return
        if self.store.dialect == "sqlite":
            self._run(self._poll_sqlite())
        else:
            self._run(self._listen_postgres())
            self._run(self._sweep())
        if self.redis_url is not None:
            self._run(self._listen_redis())

    def _run(self, coro: Coroutine[Any, Any, None]) -> None:
        self._tasks.append(asyncio.get_running_loop().create_task(coro))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        if self._redis is not None:
            await self._redis.aclose()

    # --- SQLite -------------------------------------------------------------------------------

    async def _poll_sqlite(self) -> None:
        store, hub = self.store, self.hub
        last = await store.read(outbox.last_id)
        token = store.state_token()
        while True:
            await asyncio.sleep(POLL_S)
            seen = store.state_token()
            if seen == token:
                continue
            token = seen
            try:
                if not hub.accounts:
                    last = hub.read_through = await store.read(outbox.last_id)
                    continue
                while True:
                    rows = await store.read(functools.partial(outbox.after_id, last_id=last))
                    if rows:
                        last = rows[-1].id
                        hub.offer_all(rows)
                        hub.read_through = last  # offered: a gap's missing event comes later
                    if len(rows) < outbox.READ_LIMIT:
                        break
            except Exception:
                log.exception("reading the outbox failed; trying again")

    # --- PostgreSQL ---------------------------------------------------------------------------

    async def _listen_postgres(self) -> None:
        import psycopg

        from isomargin.store.postgres import libpq_url

        while True:
            try:
                async with await psycopg.AsyncConnection.connect(libpq_url(self.store.url), autocommit=True) as conn:
                    await conn.execute(f"LISTEN {outbox.CHANNEL}")
                    # what committed before LISTEN took effect: the served accounts are read again
                    await self._sweep_once()
                    async for note in conn.notifies():
                        self._woken(note.payload)
            except Exception:
                log.exception("the LISTEN connection failed; listening again in %ss", RECONNECT_S)
                await asyncio.sleep(RECONNECT_S)

    async def _sweep(self) -> None:
        while True:
            await asyncio.sleep(SWEEP_S)
            try:
                await self._sweep_once()
            except Exception:
                log.exception("comparing sequence numbers failed; trying again in %ss", SWEEP_S)

    async def _sweep_once(self) -> None:
        served = list(self.hub.served_accounts())
        if not served:
            return
        seqs = await self.store.read(lambda tx: outbox.last_seqs(tx, served))
        for account_id, seq in seqs.items():
            self.hub.wake(account_id, seq)

    def _woken(self, payload: str) -> None:
        parsed = outbox.parse_wake_up(payload)
        if parsed is not None:
            self.hub.wake(*parsed)

    # --- Redis --------------------------------------------------------------------------------

    def _client(self) -> Any:
        if self._redis is None:
            import redis.asyncio as aioredis

            assert self.redis_url is not None
            self._redis = aioredis.from_url(self.redis_url)
        return self._redis

    def _publish(self, events: Sequence[OutboxEvent]) -> None:
        """After this process's commit: tell the other workers (a listener must not block)."""
        last: dict[int, int] = {}
        for event in events:
            last[event.account_id] = event.seq
        messages = [outbox.wake_up(a, s) for a, s in last.items()]
        with contextlib.suppress(RuntimeError):  # no running loop (a synchronous CLI write)
            asyncio.get_running_loop().create_task(self._send(messages))

    async def _send(self, messages: list[str]) -> None:
        try:
            client = self._client()
            for message in messages:
                await client.publish(self.channel, message)
        except Exception:
            log.exception("publishing a wake-up to Redis failed (the other workers' sweep catches up)")

    async def _listen_redis(self) -> None:
        while True:
            try:
                pubsub = self._client().pubsub()
                await pubsub.subscribe(self.channel)
                async for message in pubsub.listen():
                    if message.get("type") == "message":
                        data = message["data"]
                        self._woken(data.decode() if isinstance(data, bytes) else str(data))
            except Exception:
                log.exception("the Redis subscription failed; subscribing again in %ss", RECONNECT_S)
                await asyncio.sleep(RECONNECT_S)
