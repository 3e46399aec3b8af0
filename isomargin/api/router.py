"""The one ASGI app on top: it sends each connection to the part that speaks its protocol.

- HTTP under ``/_isomargin/`` → the control plane (Starlette, ``api/control``);
- any other HTTP request → the Binance path (``api/binance``), plain ASGI with nothing in front
  of it, because positionMargin's throughput is measured;
- a WebSocket → ``api/stream`` (the user-data stream; a path it does not serve is refused by
  ``api/websocket``); a WebSocket never reaches the HTTP-only Binance path, which would answer it
  with an HTTP response it cannot send;
- lifespan → startup and shutdown of the app's resources, here.

Long-lived streams are mounted here, ahead of the Binance path, so a long-lived connection is
never answered as a REST request.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc

from isomargin.api.binance import BinanceHttp, Receive, Scope, Send
from isomargin.api.control import control_plane
from isomargin.api.poller import run_poller
from isomargin.api.state import AppState
from isomargin.api.stream.endpoint import StreamEndpoint
from isomargin.service import triggers
from isomargin.service.housekeeping import run_housekeeping

CONTROL_PREFIX = "/_isomargin/"
#: objects the collector lets the young generation grow to before it runs (CPython's default: 700)
YOUNG_COLLECTION_THRESHOLD = 10_000


def prepare_collector() -> None:
    """Tune the cycle collector for serving, once everything long-lived has been built.

    - ``gc.freeze()``: the modules, route table and settings built so far live as long as the
      process; frozen, they are out of the collector's reach. Without this, each full collection
      walked it all and stalled every request in flight for 10-20 ms: it was the p99 of
      positionMargin (docs/BENCHMARKS.md).
    - A young generation of 10,000 objects instead of 700: with 32 requests in flight, a young
      collection every few requests scanned (and promoted, to be scanned again) the objects of
      requests still running, ~12k instructions a margin transfer, 2% of it; at 10,000 most of a
      request's objects are freed before any collection sees them (callgrind, docs/BENCHMARKS.md).
      The memory this keeps is at most 10,000 small objects more between collections.
    """
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, middle, old)


class IsomarginApp:
    def __init__(self, state: AppState) -> None:
        self.state = state
        self.binance = BinanceHttp(state)
        self.control = control_plane(state)
        self.streams = StreamEndpoint(state)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            if scope["path"].startswith(CONTROL_PREFIX):
                await self.control(scope, receive, send)
            else:
                await self.binance(scope, receive, send)
        elif kind == "websocket":
            await self.streams(scope, receive, send)
        elif kind == "lifespan":
            await self.lifespan(receive, send)

    async def _refresh_trigger_keys(self) -> None:
        """Positions' liquidation keys computed from other brackets or another margin-call ratio
        (or none: a database migrated from before them) are recomputed before the first request."""
        await self.state.refresh_clock()  # learn the shared margin-call ratio first
        ctx = self.state.service_context()
        await self.state.store.write(lambda tx: triggers.refresh_if_stale(tx, ctx))

    async def lifespan(self, receive: Receive, send: Send) -> None:
        housekeeping: asyncio.Task[None] | None = None
        poller: asyncio.Task[None] | None = None
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                prepare_collector()
                await self._refresh_trigger_keys()
                housekeeping = asyncio.create_task(
                    run_housekeeping(
                        self.state.store,
                        self.state.clock,
                        price_history_days=self.state.settings.price_history_days,
                    )
                )
                poller = asyncio.create_task(run_poller(self.state))
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                for task in (housekeeping, poller):
                    if task is not None:
                        task.cancel()
                        with contextlib.suppress(asyncio.CancelledError):
                            await task
                await self.streams.stop()
                await self.state.weights.close()
                await self.state.orders.close()
                self.state.store.close()
                await send({"type": "lifespan.shutdown.complete"})
                return
