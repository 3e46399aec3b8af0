"""One stream connection as the hub sees it: its listenKey subscriptions and a bounded queue.

The hub never waits for a client: it appends text to the connection's queue and returns. The
connection's writer (``api/stream/endpoint.py``) sends what is queued. A client that reads too
slowly lets the queue fill; past :data:`QUEUE_LIMIT` frames the connection is closed with a reason
saying so — a frame is never silently dropped, so a client that stays connected has them all.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

#: frames a connection may have waiting before it is closed as too slow (about 300 KB of
#: ACCOUNT_UPDATE frames): far more than a burst of one account's changes, little memory
QUEUE_LIMIT = 1000
#: close code and reason for a client that fell behind (Binance documents none: assumed)
SLOW_CLOSE_CODE = 1008
SLOW_CLOSE_REASON = "Too many frames waiting: the client does not read fast enough."


@dataclass(eq=False)
class Subscription:
    """A listenKey on a connection: the account it belongs to and which events it lets through."""

    connection: Connection
    listen_key: str
    account_id: int
    #: the ``events`` allow-list (``e`` values); None: every event [obs MAXT]
    events: frozenset[str] | None
    #: server-clock ms when the key runs out, as last read (a keepalive elsewhere may extend it)
    expires_at: int

    def allows(self, event_name: str) -> bool:
        return self.events is None or event_name in self.events


@dataclass(eq=False)
class Connection:
    #: frames wrapped ``{"stream": key, "data": …}`` (``/stream`` paths)
    wrapped: bool
    #: server-clock ms at connect: the 24-hour limit counts from here
    opened_at: int
    limit: int = QUEUE_LIMIT
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    queue: deque[str] = field(default_factory=deque)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    #: set once: (code, reason) the writer closes with
    closing: tuple[int, str] | None = None
    #: stops the writer at once (set by the endpoint): a writer stuck sending to a client that
    #: reads nothing would never get to the close
    abort: Callable[[], object] | None = None

    def push(self, text: str) -> None:
        """Queue a frame; a full queue closes the connection instead (never a silent skip)."""
        if self.closing is not None:
            return
        if len(self.queue) >= self.limit:
            self.close(SLOW_CLOSE_CODE, SLOW_CLOSE_REASON, drop_queued=True)
            return
        self.queue.append(text)
        self.ready.set()

    def close(self, code: int, reason: str, *, drop_queued: bool = False) -> None:
        """Close after the frames already queued, or at once (``drop_queued``: a client too slow
        to take them would only hold the close back)."""
        if self.closing is None:
            self.closing = (code, reason)
            if drop_queued:
                self.queue.clear()
                if self.abort is not None:
                    self.abort()
            self.ready.set()
