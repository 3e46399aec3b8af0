"""Work no request asks for: pruning the event outbox.

Events live as long as a stream connection may (Binance closes user-data connections after 24
hours, reference §4.2): a client reconnecting within that time can still be caught up; older rows
only cost disk. Each worker runs :func:`run_housekeeping` in its lifespan; several doing so at once
is harmless (each chunk is one short transaction, and deleting what another worker deleted is a
no-op).
"""

from __future__ import annotations

import asyncio
import logging

from isomargin.clock import Clock
from isomargin.store import Store, outbox

log = logging.getLogger("isomargin.housekeeping")

#: how long events stay in the outbox: the 24-hour stream connection limit
EVENT_RETENTION_MS = 24 * 3_600_000
#: how often a worker prunes
PRUNE_INTERVAL_S = 60.0


async def prune_events(store: Store, clock: Clock, retention_ms: int = EVENT_RETENTION_MS) -> int:
    """Delete every event older than ``retention_ms`` by the server clock, chunk by chunk; how many."""
    cutoff = clock.now_ms() - retention_ms
    total = 0
    while True:
        deleted = await store.write(lambda tx: outbox.prune(tx, cutoff))
        total += deleted
        if deleted < outbox.PRUNE_CHUNK:
            return total


async def run_housekeeping(store: Store, clock: Clock, interval_s: float = PRUNE_INTERVAL_S) -> None:
    """Prune every ``interval_s`` until cancelled; a failed round is logged and retried next time."""
    while True:
        await asyncio.sleep(interval_s)
        try:
            pruned = await prune_events(store, clock)
        except Exception:
            log.exception("pruning the event outbox failed; retrying in %ss", interval_s)
        else:
            if pruned:
                log.info("pruned %d events older than %d h", pruned, EVENT_RETENTION_MS // 3_600_000)
