"""Each worker's due-event poller: scheduled events fire as wall time reaches them (issue 13).

While the clock runs, every worker looks every :data:`POLL_INTERVAL_S` for path points, funding
times, GTD ends and ADL refreshes that are due and applies them through
``service.scheduler.apply_next_due`` — the same code ``POST /_isomargin/v1/clock/advance`` runs.
Each event is claimed by the transaction that applies it, so with any number of workers and hosts
it fires exactly once. While the clock is frozen the poller does nothing: only an advance moves
time.
"""

from __future__ import annotations

import asyncio
import logging

from isomargin.api.state import AppState
from isomargin.service.scheduler import Applied, apply_next_due
from isomargin.store import Tx, schedule

log = logging.getLogger("isomargin.scheduler")

#: a point due in 300 ms fires within ~100 ms of it
POLL_INTERVAL_S = 0.1


async def apply_due(state: AppState) -> int:
    """Apply everything due by now (nothing while the clock is frozen); how many events."""
    await state.refresh_clock()
    if state.clock.frozen_at_ms is not None:
        return 0
    ctx = state.service_context()
    if not await state.store.read(lambda tx: schedule.anything_due(tx, ctx.now_ms, ctx.adl_refresh_ms)):
        return 0

    def next_event(tx: Tx) -> Applied | None:
        return apply_next_due(tx, ctx, ctx.now_ms)

    applied = 0
    while await state.store.write(next_event) is not None:
        applied += 1
    return applied


async def run_poller(state: AppState, interval_s: float = POLL_INTERVAL_S) -> None:
    while True:
        await asyncio.sleep(interval_s)
        try:
            await apply_due(state)
        except Exception:
            log.exception("applying scheduled events failed; retrying in %ss", interval_s)
