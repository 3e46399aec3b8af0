"""The stack's ceiling: what uvicorn (uvloop, httptools) serves when the app does only the unavoidable.

Each app reads the form body, parses it, looks up the key's secret in memory, verifies the
HMAC-SHA256 signature and answers positionMargin's success body — no database, no margin
rules. ``raw`` is a bare ASGI callable like isomargin's own Binance path (the strict ceiling the
bench divides by); ``starlette`` is the same work through Starlette's Request/Response (how far
a framework layer alone drops, for reference). Secrets are those ``dataset`` gives bench keys.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, MutableMapping
from functools import cache
from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from isomargin.bench.dataset import bench_secret

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
HEADERS = [(b"content-type", b"application/json")]

#: the in-memory secret table: derived once per key, then a dict lookup, as isomargin's key cache
_secret = cache(bench_secret)


def _answer(api_key: str, query: bytes, body: bytes) -> tuple[int, bytes]:
    payload = query + (b"&" if query and body else b"") + body
    head, sep, signature = payload.rpartition(b"&signature=")
    params = dict(parse_qsl(payload.decode()))
    secret = _secret(api_key)
    expected = hmac.digest(secret.encode(), head, "sha256").hex().encode()  # as isomargin's verify()
    if not sep or not hmac.compare_digest(expected, signature):
        return 400, orjson.dumps({"code": -1022, "msg": "Signature for this request is not valid."})
    out = {"amount": float(params["amount"]), "code": 200, "msg": "Successfully modify position margin."}
    out["type"] = int(params["type"])
    return 200, orjson.dumps(out)


async def raw(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
        return
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    api_key = next((v.decode() for k, v in scope["headers"] if k == b"x-mbx-apikey"), "")
    status, body = _answer(api_key, scope["query_string"], b"".join(chunks))
    await send(
        {"type": "http.response.start", "status": status, "headers": [*HEADERS, (b"content-length", b"%d" % len(body))]}
    )
    await send({"type": "http.response.body", "body": body})


async def _endpoint(request: Request) -> Response:
    body = await request.body()
    status, out = _answer(request.headers.get("x-mbx-apikey", ""), request.scope["query_string"], body)
    return Response(out, status_code=status, media_type="application/json")


starlette = Starlette(routes=[Route("/fapi/v1/positionMargin", _endpoint, methods=["POST"])])
