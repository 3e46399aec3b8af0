"""The WebSocket API's user-data methods on ``/ws-fapi/v1``: ``userDataStream.start`` / ``.ping`` / ``.stop``.

Futures' WebSocket API carries only the listenKey's life cycle, not the events, which still flow
on the stream URLs (trading reference §4.6 [doc LK-WSP]). Requests are ``{"id","method","params"}``
with ``params.apiKey`` (USER_STREAM: no signature); answers ``{"id","status","result"|"error",
"rateLimits"}``, where ``rateLimits`` is the IP's request weight, counted with the REST
endpoints' (weight 1 per request; 5 for the handshake [doc WSGI]). The same use cases as
``/fapi/v1/listenKey`` run behind it (``service.listen_keys``), so a key from either is the same key.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import orjson

from isomargin import errors
from isomargin.api import auth, ratelimit
from isomargin.api.binance import Receive, Scope, Send, rate_limit_error
from isomargin.api.state import AppState
from isomargin.service import listen_keys
from isomargin.service.context import ServiceContext
from isomargin.service.listen_keys import KeyRequest
from isomargin.service.reads import NoParams
from isomargin.store import Tx

log = logging.getLogger("isomargin.stream")

PATH = "/ws-fapi/v1"
#: "Each connection … handshake weight 5" [doc WSGI]
HANDSHAKE_WEIGHT = 5
METHOD_WEIGHT = 1
_NO_PARAMS = NoParams()


def _start(tx: Tx, ctx: ServiceContext, account_id: int) -> dict[str, Any]:
    return {"listenKey": listen_keys.start(tx, ctx, account_id, _NO_PARAMS)}


def _ping(tx: Tx, ctx: ServiceContext, account_id: int) -> dict[str, Any]:
    return {"listenKey": listen_keys.keepalive(tx, ctx, account_id, KeyRequest(None))}


def _stop(tx: Tx, ctx: ServiceContext, account_id: int) -> dict[str, Any]:
    listen_keys.close(tx, ctx, account_id, KeyRequest(None))
    return {}


METHODS: dict[str, Callable[[Tx, ServiceContext, int], dict[str, Any]]] = {
    "userDataStream.start": _start,
    "userDataStream.ping": _ping,
    "userDataStream.stop": _stop,
}


class WsApi:
    def __init__(self, state: AppState) -> None:
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send, ip: str) -> None:
        if (await receive())["type"] != "websocket.connect":
            return
        await send({"type": "websocket.accept"})
        await self._count(ip, HANDSHAKE_WEIGHT)
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text") or (message.get("bytes") or b"").decode("utf-8", "replace")
            reply = await self.answer(text, ip)
            await send({"type": "websocket.send", "text": orjson.dumps(reply).decode()})

    async def _count(self, ip: str, weight: int) -> ratelimit.Verdict:
        await self.state.refresh_clock()
        return await self.state.weights.hit(ip, weight, self.state.clock.now_ms())

    def _limits(self, used: int) -> list[dict[str, Any]]:
        limit = self.state.weights.limit
        return [
            {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": limit, "count": used}
        ]

    async def answer(self, text: str, ip: str) -> dict[str, Any]:
        try:
            request = orjson.loads(text)
        except orjson.JSONDecodeError:
            request = None
        if not isinstance(request, dict):
            # assumed: Binance's answer to a frame that is not a JSON request is not captured
            error = errors.MALFORMED_REQUEST.error()
            return {"id": None, "status": error.http_status, "error": error.body()}
        request_id = request.get("id")
        verdict = await self._count(ip, METHOD_WEIGHT)
        try:
            if verdict.status != ratelimit.OK:
                raise rate_limit_error(verdict, self.state.weights.limit, ip)
            method = METHODS.get(str(request.get("method")))
            if method is None:
                raise errors.UNSUPPORTED_OPERATION.error()  # assumed for a method isomargin does not serve
            params = request.get("params")
            if not isinstance(params, dict):
                params = {}
            api_key = params.get("apiKey")
            if not isinstance(api_key, str) or not api_key or len(api_key) > auth.API_KEY_MAX:
                raise errors.BAD_API_KEY_FMT.error()  # observed: 401 -2014 (reference §4.6)
            key = auth.check_key_usable(await self.state.lookup_key(api_key))
            ctx = self.state.service_context()
            account_id = key.account_id
            result = await self.state.store.write(lambda tx: method(tx, ctx, account_id))
        except errors.ApiError as exc:
            return {
                "id": request_id,
                "status": exc.http_status,
                "error": exc.body(),
                "rateLimits": self._limits(verdict.used),
            }
        return {"id": request_id, "status": 200, "result": result, "rateLimits": self._limits(verdict.used)}
