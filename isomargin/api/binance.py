"""Binance's REST surface: the fast HTTP path every non-control-plane request takes.

The handler chain for a Binance request, in order (one place, see also ``api.auth`` and
``Route.answer`` in ``api.route``):
a CORS pre-flight (``OPTIONS`` under ``/fapi/``) is answered at once (``api.headers``) → route
lookup → read body → parse parameters → count request weight (every request counts, the failed
ones too; over the limit → 429/418 and nothing else runs, ``api.ratelimit``) → API key →
endpoint parameters → timestamp and signature → permissions → the route's service in its one
store transaction → render (CORS and ``x-response-time`` headers on every ``/fapi/`` answer).
Every error, expected or not, is rendered here in Binance's ``{"code", "msg"}`` format. Plain
ASGI, no framework in front: positionMargin's throughput is measured (docs/BENCHMARKS.md).
"""

from __future__ import annotations

import ipaddress
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

import orjson

from isomargin import errors
from isomargin.api import auth, headers, order_limits, ratelimit
from isomargin.api.context import RequestContext
from isomargin.api.params import Params
from isomargin.api.route import Endpoint
from isomargin.api.routes import ROUTES, route_table
from isomargin.api.state import AppState
from isomargin.store import repo

log = logging.getLogger("isomargin")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

WEIGHT_HEADER = b"x-mbx-used-weight-1m"
JSON_HEADER = (b"content-type", b"application/json")
HTML_HEADER = (b"content-type", b"text/html")
# A path fapi does not serve, retired ones included (GET /fapi/v1/positionRisk, /fapi/v1/account):
# 404 with Binance's HTML error page, not JSON (live-tested notes: mainnet 2026-08-08, index id
# 68890380806; "直接 404，而且回的是币安那张 HTML 错误页" 2026-10-05, id 70110676557; audit #7). It
# replaced the 2023 answer 400 -5000 "GET /fapi/v1/account is retired, …". The page's text is
# quoted nowhere, so this one only says what it is (assumed), and a client that JSON-decodes a
# 404 fails here as it does on Binance. It counts weight 1 and reports it, like any request
# (assumed).
NOT_FOUND_PAGE = (
    b"<!DOCTYPE html><html><head><title>404 Not Found</title></head>"
    b"<body><h1>404 Not Found</h1><p>isomargin: this path is not part of the USD-M Futures API.</p>"
    b"</body></html>"
)


class BodyTooLarge(Exception):
    pass


class PathNotFound(Exception):
    """No route has this path: answered with :data:`NOT_FOUND_PAGE`."""


async def read_body(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def read_headers(raw: Iterable[tuple[bytes, bytes]]) -> tuple[str | None, str | None]:
    """``X-MBX-APIKEY`` and ``X-Forwarded-For``, the two request headers the Binance path reads
    (the last of each when one is repeated); names in any letter case.

    Only these two are decoded: a dict of every header, decoded and lower-cased, cost ~9,000
    instructions for a bench request's three headers and ~21,000 for a typical client's eight,
    against ~3,700 and ~7,300 here (docs/BENCHMARKS.md).
    """
    api_key = forwarded = None
    for name, value in raw:
        if not name.islower():  # ASGI servers send lower-case names, but the spec does not require it
            name = name.lower()
        if name == b"x-mbx-apikey":
            api_key = value.decode("latin-1")
        elif name == b"x-forwarded-for":
            forwarded = value.decode("latin-1")
    return api_key, forwarded


def client_ip(scope: Scope, forwarded: str | None, trusted: tuple[Network, ...]) -> str:
    """The socket's peer; ``X-Forwarded-For`` only when that peer is a trusted proxy."""
    peer = scope.get("client")
    ip = peer[0] if peer else "unknown"
    if forwarded and trusted and _is_trusted(ip, trusted):
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        # Walk from the nearest hop back; the first untrusted address is the client.
        for hop in reversed(hops):
            if not _is_trusted(hop, trusted):
                return hop
        return hops[0] if hops else ip
    return ip


def _is_trusted(ip: str, trusted: tuple[Network, ...]) -> bool:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(address in net for net in trusted)


class BinanceHttp:
    """Every HTTP request outside the control plane: a Binance endpoint, or Binance's error."""

    def __init__(self, state: AppState) -> None:
        self.state = state
        self.routes = route_table(ROUTES)
        self.known_paths = {path for _, path in self.routes}
        # parsed once (Settings has checked every entry): X-Forwarded-For costs no parsing per request
        self.trusted_proxies = tuple(ipaddress.ip_network(p, strict=False) for p in state.settings.trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started_ns = time.perf_counter_ns()
        state = self.state
        path: str = scope["path"]
        if headers.is_preflight(scope["method"], path):
            await send({"type": "http.response.start", "status": 200, "headers": headers.PREFLIGHT_HEADERS})
            await send({"type": "http.response.body", "body": b""})
            return
        api_key, forwarded = read_headers(scope["headers"])
        ip = client_ip(scope, forwarded, self.trusted_proxies)
        route = self.routes.get((scope["method"], path))
        weight = 1
        used = 0
        extra: dict[str, str] = {}
        try:
            await state.refresh_clock(with_key=route is not None and route.security.needs_key)
            now_ms = state.clock.now_ms()
            query: bytes = scope.get("query_string", b"")
            # Parse before counting: the weight of some endpoints depends on their parameters [MP].
            body, params, error = await self.read_request(scope, receive, route, query)
            if route is not None and params is not None:
                weight = route.weight_of(params)
            # Every request counts, rejected ones too; past the limit nothing else runs.
            verdict = await state.weights.hit(ip, weight, now_ms)
            used = verdict.used
            if verdict.status != ratelimit.OK:
                raise rate_limit_error(verdict, state.weights.limit, ip)
            if error is not None:
                raise error
            if route is None:  # a path Binance does not serve (read_request let it through)
                raise PathNotFound
            assert params is not None
            ctx = RequestContext(scope["method"], path, query, body, api_key, ip, params, now_ms)
            payload = await self.dispatch(route, ctx)
            extra = ctx.extra_headers
            status = 200
        except errors.ApiError as exc:
            status, payload, extra = exc.http_status, exc.body(ip), exc.headers
        except PathNotFound:
            status, payload = 404, NOT_FOUND_PAGE
        except Exception:
            log.exception("unexpected error on %s %s", scope["method"], scope["path"])
            unknown = errors.UNKNOWN.error()
            status, payload = unknown.http_status, unknown.body()
        if isinstance(payload, bytes):
            response_headers, body_bytes = [HTML_HEADER, (WEIGHT_HEADER, b"%d" % used)], payload
        else:
            response_headers, body_bytes = [JSON_HEADER, (WEIGHT_HEADER, b"%d" % used)], orjson.dumps(payload)
        if extra:
            response_headers += [(k.lower().encode(), v.encode()) for k, v in extra.items()]
        if headers.has_cors(path):
            response_headers += headers.CORS_HEADERS
        response_headers += ((b"content-length", b"%d" % len(body_bytes)), headers.response_time(started_ns))
        await send({"type": "http.response.start", "status": status, "headers": response_headers})
        await send({"type": "http.response.body", "body": body_bytes})

    async def read_request(
        self, scope: Scope, receive: Receive, route: Endpoint | None, query: bytes
    ) -> tuple[bytes, Params | None, errors.ApiError | None]:
        """Body and parameters, or the error they earn (raised only after the weight is counted)."""
        body = b""
        try:
            if route is None:
                if scope["path"] in self.known_paths:
                    raise errors.UNSUPPORTED_OPERATION.error()
                return body, None, None  # not a Binance path: answered after it is counted
            try:
                body = await read_body(receive, self.state.settings.max_body_bytes)
            except BodyTooLarge:
                # assumed: Binance's front end answers this itself; we answer in its format
                raise errors.TOO_MANY_PARAMETERS.error() from None
            if scope["method"] == "GET":
                # "For GET endpoints, parameters must be sent as a query string" [GI]: a body is
                # read (and its size limited) but neither parsed nor signed, so a client that puts
                # a GET's parameters in the body fails here as it would on Binance (-1102).
                body = b""
            return body, Params(query, body), None
        except errors.ApiError as exc:
            return body, None, exc

    async def count_order(self, account_id: int, ctx: RequestContext, weights: tuple[int, int]) -> None:
        """The account's ORDERS counters (api/order_limits.py): headers on the answer, -1015 past a limit."""
        count = await self.state.orders.hit(account_id, ctx.now_ms, *weights)
        ctx.extra_headers.update(count.headers)
        if count.over:
            raise _order_limit_error(count)

    async def dispatch(self, route: Endpoint, ctx: RequestContext) -> object:
        """The API key (when the endpoint needs one), then the rest of the chain: ``Route.answer``."""
        state = self.state
        key: repo.ApiKey | None = None
        if route.security.needs_key:
            key_text = auth.check_api_key_header(ctx)
            key = auth.check_key_usable(await state.lookup_key(key_text))
            # on PostgreSQL the clock offset arrived with the key (AppState.refresh_clock)
            ctx.now_ms = state.clock.now_ms()
            counted = order_limits.COUNTED_PATHS.get(route.path) if route.method == "POST" else None
            if counted is not None:
                await self.count_order(key.account_id, ctx, counted)
        return await route.answer(state, ctx, key)


def _order_limit_error(count: order_limits.OrderCount) -> errors.ApiError:
    if count.ten_seconds > order_limits.PER_10S:
        return errors.TOO_MANY_ORDERS.error(order_limits.PER_10S, "10 SECOND", headers=count.headers)
    return errors.TOO_MANY_ORDERS.error(order_limits.PER_MINUTE, "1 MINUTE", headers=count.headers)


def rate_limit_error(verdict: ratelimit.Verdict, limit: int, ip: str) -> errors.ApiError:
    """429 -1003 with ``Retry-After`` until the minute ends, or 418 -1003 until the ban ends [GI]."""
    retry = {"Retry-After": str(verdict.retry_after_s)}
    if verdict.status == ratelimit.BANNED:
        return errors.IP_BANNED.error(ip, verdict.banned_until_ms, headers=retry)
    return errors.TOO_MANY_REQUESTS.error(ip, limit, headers=retry)
