"""Market streams: ``<symbol>@markPrice`` (every 3 s), ``<symbol>@markPrice@1s`` and
``!markPrice@arr`` (``@1s``) [doc Mark-Price-Stream]; ``<symbol>@bookTicker`` (``book_ticker.py``)
and ``<symbol>@forceOrder`` / ``!forceOrder@arr`` (``force_order.py``) ride the same
once-a-second round.

The values are premiumIndex's, from the same service and row (``handlers.market``), so a stream
and a REST read of the same moment agree: the control plane's ``PUT /markPrices/{symbol}`` shows
on the next push. Each worker reads the prices itself (one statement per second while anything
is subscribed), so a price set through any worker reaches every worker's clients.

Frame, as the doc gives it: ``{"e":"markPriceUpdate","E","s","p","i","P","r","T"}`` — mark, index
and estimated settle price, funding rate and next funding time; ``!markPrice@arr`` sends a JSON
array of them. On ``/stream`` paths each is wrapped ``{"stream": <name>, "data": …}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from typing import Any

import orjson

from isomargin.api.handlers.market import premium_row
from isomargin.api.state import AppState
from isomargin.api.stream import book_ticker, force_order
from isomargin.api.stream.connection import Connection
from isomargin.service import force_orders
from isomargin.service.context import ServiceContext
from isomargin.service.reads import SymbolQuery, market_prices

log = logging.getLogger("isomargin.stream")

_NAME = re.compile(r"^(?:([a-z0-9]+)@markPrice|!markPrice@arr)(@1s)?$")
#: "Update Speed: 3000ms or 1000ms" [doc Mark-Price-Stream]
SLOW_EVERY_S = 3


def served(name: str) -> bool:
    return _NAME.match(name) is not None or book_ticker.served(name) or force_order.served(name)


def frame(row: dict[str, Any]) -> dict[str, Any]:
    """A premiumIndex row as a ``markPriceUpdate`` frame."""
    return {
        "e": "markPriceUpdate",
        "E": row["time"],
        "s": row["symbol"],
        "p": row["markPrice"],
        "i": row["indexPrice"],
        "P": row["estimatedSettlePrice"],
        "r": row["lastFundingRate"],
        "T": row["nextFundingTime"],
    }


class MarketStreams:
    def __init__(self, state: AppState) -> None:
        self.state = state
        self.subscribers: dict[Connection, list[str]] = {}
        self._task: asyncio.Task[None] | None = None
        self.book_tickers = book_ticker.BookTickers()
        #: the orderId this worker's forceOrder streams have read up to; None until one is subscribed
        self.liquidations_read: int | None = None

    async def subscribe(self, connection: Connection, names: list[str]) -> None:
        wanted = [n for n in names if served(n)]
        if not wanted:
            return
        reading = any(force_order.served(n) for names in self.subscribers.values() for n in names)
        if not reading and any(force_order.served(n) for n in wanted):
            # from this subscription on (nothing older): a liquidation after the answer is pushed
            self.liquidations_read = await self.state.store.read(force_orders.stream_start)
        current = self.subscribers.setdefault(connection, [])
        current += [n for n in wanted if n not in current]
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._push_forever())

    def unsubscribe(self, connection: Connection, names: list[str]) -> None:
        current = self.subscribers.get(connection)
        if current is not None:
            current[:] = [n for n in current if n not in names]
            if not current:
                del self.subscribers[connection]
        self.book_tickers.forget(connection, names)

    def drop(self, connection: Connection) -> None:
        self.subscribers.pop(connection, None)
        self.book_tickers.forget(connection)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _push_forever(self) -> None:
        tick = 0
        while True:
            await asyncio.sleep(1.0)
            tick += 1
            if not self.subscribers:
                continue
            try:
                await self.push(slow=tick % SLOW_EVERY_S == 0)
            except Exception:
                log.exception("pushing market streams failed; trying again in 1 s")

    async def push(self, *, slow: bool) -> None:
        """One round: every ``@1s`` subscription, the 3-second ones when ``slow``, and the book tops
        that moved; each kind read only while something subscribes to it."""
        state = self.state
        await state.refresh_clock()
        ctx = state.service_context()
        names = {n for names in self.subscribers.values() for n in names}
        if any(_NAME.match(n) for n in names):
            await self._push_marks(ctx, slow=slow)
        due: list[tuple[Connection, str, Any]] = []
        if any(book_ticker.served(n) for n in names):
            tops = await state.store.read(lambda tx: book_ticker.tops(tx, ctx))
            due += self.book_tickers.due(tops, ctx.now_ms, self.subscribers)
        if self.liquidations_read is not None and any(force_order.served(n) for n in names):
            after = self.liquidations_read
            self.liquidations_read, latest = await state.store.read(
                lambda tx: force_orders.latest_liquidations(tx, ctx, after)
            )
            due += force_order.due(latest, ctx.now_ms, self.subscribers)
        for connection, name, data in due:
            body = {"stream": name, "data": data} if connection.wrapped else data
            connection.push(orjson.dumps(body).decode())

    async def _push_marks(self, ctx: ServiceContext, *, slow: bool) -> None:
        marks = await self.state.store.read(lambda tx: market_prices(tx, ctx, SymbolQuery(None)))
        frames = {m.spec.symbol.lower(): frame(premium_row(m)) for m in marks}
        for connection, names in list(self.subscribers.items()):
            for name in names:
                match = _NAME.match(name)
                if match is None or (match.group(2) is None and not slow):
                    continue
                symbol = match.group(1)
                if symbol is None:
                    data: Any = list(frames.values())
                elif symbol in frames:
                    data = frames[symbol]
                else:
                    continue
                body = {"stream": name, "data": data} if connection.wrapped else data
                connection.push(orjson.dumps(body).decode())
