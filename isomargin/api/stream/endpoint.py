"""The WebSocket endpoint: a stream URL → a connection fed by the hub, commands answered in order.

Plain ASGI, like the Binance REST path. A path no stream server serves, or a path form whose
listenKey is unknown or expired, is refused as Binance refuses an unknown path (``api/websocket.py``).
Otherwise the listenKeys are attached to the hub BEFORE the handshake is accepted, so every event
committed after the client sees the connection open reaches it. One writer task sends what the
connection's queue holds — frames and command replies alike, so a reply never overtakes a frame
queued before it. Pings every 3 minutes and the 10-minute pong deadline are uvicorn's
(``isomargin serve`` sets them: :data:`PING_INTERVAL_S`, :data:`PONG_TIMEOUT_S`).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
from typing import Any

import orjson

from isomargin.api.binance import Receive, Scope, Send, client_ip, read_headers
from isomargin.api.state import AppState
from isomargin.api.stream import book_ticker, market, urls, wsapi
from isomargin.api.stream.connection import Connection, Subscription
from isomargin.api.stream.feed import Feed
from isomargin.api.stream.hub import Hub
from isomargin.api.stream.market import MarketStreams
from isomargin.api.websocket import unknown_stream
from isomargin.store import listen_keys as key_rows

log = logging.getLogger("isomargin.stream")

#: "The websocket server will send a ping frame every 3 minutes. If the websocket server does not
#: receive a pong frame back from the connection within a 10 minute period, the connection will be
#: disconnected" [doc UDS]
PING_INTERVAL_S = 180.0
PONG_TIMEOUT_S = 600.0

#: the methods Binance's stream servers list in their "unknown variant" error [doc LSU]
METHODS = ("SUBSCRIBE", "UNSUBSCRIBE", "LIST_SUBSCRIPTIONS", "SET_PROPERTY", "GET_PROPERTY")


class StreamEndpoint:
    def __init__(self, state: AppState) -> None:
        self.state = state
        self.hub = Hub(state.store, self._now_ms)
        settings = state.settings
        self.feed = Feed(self.hub, state.store, settings.redis_url, settings.redis_prefix)
        self.legacy = settings.user_stream_urls == "legacy"
        self.wsapi = wsapi.WsApi(state)
        self.market = MarketStreams(state)
        self.trusted_proxies = tuple(ipaddress.ip_network(p, strict=False) for p in settings.trusted_proxies)

    async def stop(self) -> None:
        await self.market.stop()
        await self.feed.stop()
        await self.hub.stop()

    async def _now_ms(self) -> int:
        await self.state.refresh_clock()
        return self.state.clock.now_ms()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] == wsapi.PATH:
            _, forwarded = read_headers(scope["headers"])
            await self.wsapi(scope, receive, send, client_ip(scope, forwarded, self.trusted_proxies))
            return
        url = urls.parse(scope["path"], scope.get("query_string", b"").decode("latin-1"))
        if url is None:
            await unknown_stream(scope, receive, send)
            return
        if url.kind == "legacy" and url.streams and not self.legacy:
            # a retired market-stream URL: refused as before the stream existed (api/websocket.py)
            await unknown_stream(scope, receive, send)
            return
        now = await self._now_ms()
        found = await self._valid_keys([k.listen_key for k in url.keys], now)
        if url.keys and len(found) < len(url.keys):
            # a key named in the URL that does not exist or ran out: refused like an unknown path
            await unknown_stream(scope, receive, send)
            return
        if (await receive())["type"] != "websocket.connect":
            return
        session = Session(self, Connection(wrapped=url.wrapped, opened_at=now), url)
        if url.kind == "legacy" and not self.legacy:
            log.warning(
                "%s is a legacy user-data URL: Binance's mainnet stopped feeding it on 2026-04-23 and so does "
                "isomargin (--user-stream-urls current). Use /private/ws?listenKey=<key> or /private/stream.",
                scope["path"],
            )
        self.hub.open(session.connection)
        self.feed.start()
        try:
            for key in url.keys:
                await session.subscribe_key(key.listen_key, key.events, found.get(key.listen_key))
            await self.market.subscribe(session.connection, list(url.streams))
            await send({"type": "websocket.accept"})
            await session.run(receive, send)
        finally:
            self.hub.close(session.connection)
            self.market.drop(session.connection)

    async def _valid_keys(self, keys: list[str], now: int) -> dict[str, key_rows.ListenKey]:
        if not keys:
            return {}
        rows = await self.state.store.read(lambda tx: [key_rows.find(tx, k) for k in keys])
        return {r.listen_key: r for r in rows if r is not None and r.valid_at(now)}


class Session:
    """One accepted connection: its subscriptions by name, and its reader and writer."""

    def __init__(self, endpoint: StreamEndpoint, connection: Connection, url: urls.StreamUrl) -> None:
        self.endpoint = endpoint
        self.connection = connection
        self.url = url
        #: what LIST_SUBSCRIPTIONS answers, in subscription order
        self.names: list[str] = [k.listen_key for k in url.keys] + list(url.streams)
        self.combined = url.wrapped

    @property
    def feeds(self) -> bool:
        """Whether user data flows here (legacy URLs only with ``--user-stream-urls legacy``)."""
        return self.url.delivers and (self.url.kind != "legacy" or self.endpoint.legacy)

    async def subscribe_key(
        self, listen_key: str, events: frozenset[str] | None, row: key_rows.ListenKey | None
    ) -> None:
        if row is None or not self.feeds:
            return
        current = self.connection.subscriptions.get(listen_key)
        if current is not None:
            if current.events is None or events is None:
                current.events = None
            else:
                current.events = current.events | events
            return
        sub = Subscription(self.connection, listen_key, row.account_id, events, row.expires_at)
        await self.endpoint.hub.attach(sub)

    async def run(self, receive: Receive, send: Send) -> None:
        writer = asyncio.ensure_future(self._write(send))
        reader = asyncio.ensure_future(self._read(receive))
        self.connection.abort = writer.cancel
        try:
            await asyncio.wait({writer, reader}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (writer, reader):
                task.cancel()
                try:
                    await task
                except (asyncio.CancelledError, OSError):
                    pass  # the client went away, or the connection is being closed
                except Exception:
                    log.exception("stream connection %s failed", self.url.kind)
        closing = self.connection.closing
        if closing is not None and writer.cancelled():
            # aborted while stuck sending (a client too slow): one try at the close frame, bounded
            with contextlib.suppress(Exception):
                await asyncio.wait_for(send({"type": "websocket.close", "code": closing[0], "reason": closing[1]}), 5)

    async def _write(self, send: Send) -> None:
        connection = self.connection
        while True:
            await connection.ready.wait()
            connection.ready.clear()
            while connection.queue:
                await send({"type": "websocket.send", "text": connection.queue.popleft()})
            if connection.closing is not None:
                code, reason = connection.closing
                await send({"type": "websocket.close", "code": code, "reason": reason})
                return

    async def _read(self, receive: Receive) -> None:
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            if text is None and message.get("bytes") is not None:
                text = message["bytes"].decode("utf-8", "replace")
            if text is not None:
                reply = await self.command(text)
                if reply is not None:
                    self.connection.push(orjson.dumps(reply).decode())

    async def command(self, text: str) -> dict[str, Any] | None:
        """A JSON command's reply (Binance's live subscribing [doc LSU]); SUBSCRIBE is acknowledged
        ``{"result": null, "id": …}`` even for a name never served [obs MAXT]."""
        try:
            request = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            return {"error": {"code": 3, "msg": f"Invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"}}
        if not isinstance(request, dict):
            return {"error": {"code": 2, "msg": "Invalid request: expected a JSON object"}}
        request_id = request.get("id")
        method = request.get("method")
        params = request.get("params") or []
        if method not in METHODS:
            expected = ", ".join(METHODS)
            return {
                "error": {"code": 2, "msg": f"Invalid request: unknown variant {method}, expected one of {expected}"},
                "id": request_id,
            }
        if method == "LIST_SUBSCRIPTIONS":
            return {"result": list(self.names), "id": request_id}
        if method == "GET_PROPERTY":
            return {"result": self.combined, "id": request_id}
        if method == "SET_PROPERTY":
            if params[:1] == ["combined"] and len(params) == 2 and isinstance(params[1], bool):
                self.combined = self.connection.wrapped = params[1]
                return {"result": None, "id": request_id}
            return {"error": {"code": 0, "msg": "Unknown property"}, "id": request_id}
        names = [p for p in params if isinstance(p, str)]
        if method == "SUBSCRIBE":
            await self._subscribe(names)
        else:
            self._unsubscribe(names)
        return {"result": None, "id": request_id}

    async def _subscribe(self, names: list[str]) -> None:
        """Items are a bare listenKey (every event) or ``<listenKey>@<EVENT>`` (open question 11) on
        the user-data paths, market stream names on ``/market`` (and legacy ones when fed)."""
        for name in names:
            if name not in self.names:
                self.names.append(name)
        if self.url.kind == "market" or (self.url.kind == "legacy" and self.endpoint.legacy):
            await self.endpoint.market.subscribe(self.connection, names)
            names = [n for n in names if not market.served(n)]
        elif self.url.kind == "public":
            # Binance serves book data on /public since the 2026 URL split (reference §4.2)
            await self.endpoint.market.subscribe(self.connection, [n for n in names if book_ticker.served(n)])
        wanted: dict[str, frozenset[str] | None] = {}
        for name in names:
            key, _, event = name.partition("@")
            events = frozenset({event}) if event else None
            before = wanted.get(key, frozenset())
            wanted[key] = None if events is None or before is None else before | events
        if not self.url.delivers:
            return
        now = await self.endpoint._now_ms()
        rows = await self.endpoint._valid_keys(list(wanted), now)
        for key, events in wanted.items():
            await self.subscribe_key(key, events, rows.get(key))

    def _unsubscribe(self, names: list[str]) -> None:
        self.endpoint.market.unsubscribe(self.connection, names)
        for name in names:
            if name in self.names:
                self.names.remove(name)
            key = name.partition("@")[0]
            sub = self.connection.subscriptions.get(key)
            if sub is None:
                continue
            left = [n.partition("@")[2] for n in self.names if n.partition("@")[0] == key]
            if not left:
                self.endpoint.hub.detach(sub)
            else:
                sub.events = None if "" in left else frozenset(left)
