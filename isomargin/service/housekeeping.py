"""Work no request asks for: pruning the event outbox and the price history.

Events live as long as a stream connection may (Binance closes user-data connections after 24
hours, reference §4.2): a client reconnecting within that time can still be caught up; older rows
only cost disk. Each worker runs :func:`run_housekeeping` in its lifespan; several doing so at once
is harmless (each chunk is one short transaction, and deleting what another worker deleted is a
no-op).

Price moves (``price_history``) are kept ``price_history_days`` (30 by default): enough for a month
of 1-minute mark-price klines, bounded however long a server runs. Each symbol keeps its last move
before the cutoff, which opens the first bar after it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from isomargin.clock import Clock
from isomargin.store import Store, Tx, market, outbox

log = logging.getLogger("isomargin.housekeeping")

#: how long events stay in the outbox: the 24-hour stream connection limit
EVENT_RETENTION_MS = 24 * 3_600_000
#: how often a worker prunes
PRUNE_INTERVAL_S = 60.0
DAY_MS = 24 * 3_600_000


async def prune_events(store: Store, clock: Clock, retention_ms: int = EVENT_RETENTION_MS) -> int:
    """Delete every event older than ``retention_ms`` by the server clock, chunk by chunk; how many."""
    cutoff = clock.now_ms() - retention_ms
    total = 0
    while True:
        deleted = await store.write(lambda tx: outbox.prune(tx, cutoff))
        total += deleted
        if deleted < outbox.PRUNE_CHUNK:
            return total


def _pruner(symbol: str, cutoff: int) -> Callable[[Tx], int]:
    return lambda tx: market.prune_prices(tx, symbol, cutoff)


async def prune_price_history(store: Store, clock: Clock, retention_ms: int) -> int:
    """Delete every price move older than ``retention_ms`` but each symbol's last one; how many."""
    cutoff = clock.now_ms() - retention_ms
    total = 0
    for symbol in await store.read(market.history_symbols):
        while True:
            deleted = await store.write(_pruner(symbol, cutoff))
            total += deleted
            if deleted < market.PRUNE_CHUNK:
                break
    return total


async def run_housekeeping(
    store: Store, clock: Clock, interval_s: float = PRUNE_INTERVAL_S, price_history_days: int = 30
) -> None:
    """Prune every ``interval_s`` until cancelled; a failed round is logged and retried next time."""
    while True:
        await asyncio.sleep(interval_s)
        try:
            pruned = await prune_events(store, clock)
            moves = await prune_price_history(store, clock, price_history_days * DAY_MS)
        except Exception:
            log.exception("pruning the event outbox or price history failed; retrying in %ss", interval_s)
        else:
            if pruned:
                log.info("pruned %d events older than %d h", pruned, EVENT_RETENTION_MS // 3_600_000)
            if moves:
                log.info("pruned %d price moves older than %d days", moves, price_history_days)
