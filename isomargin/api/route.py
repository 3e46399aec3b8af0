"""A Binance endpoint declared once: parser, service, transaction, renderer — typed end to end.

``Route[Req, Res]`` ties a parser that makes a ``Req`` to a service that takes it and returns a
``Res``, and to a renderer of that ``Res``; mypy checks the three fit when the route is declared
with :func:`route` (``api/routes.py``), so nothing between parsing and rendering is ``Any``.
How the service runs is one of four shapes, each a small object that knows its transaction:

- :func:`write` — an account's use case in one write transaction: ``(tx, ctx, account_id, req)``;
- :func:`read` — an account's read in one read transaction, same signature;
- :func:`read_public` — a read that belongs to no account (market data): ``(tx, ctx, req)``;
- :func:`local` — no transaction at all, answered from configuration and the clock:
  ``(settings, now_ms, req)``.

Why four and not one signature with ``account_id: int | None`` and an optional transaction:
each service then says what it needs in its own type, a signed endpoint's service never checks
for a missing account, and a public one cannot ask for one. The dispatcher
(``api/binance.py``) runs the API key check, then :meth:`Route.answer`, which runs the rest of
the chain in Binance's order.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar, Generic, Protocol, TypeVar

from isomargin.api import auth
from isomargin.api.context import RequestContext, Security
from isomargin.api.params import Params
from isomargin.api.state import AppState
from isomargin.config import Settings
from isomargin.service.context import ServiceContext
from isomargin.store import Tx, repo

Req = TypeVar("Req")
Res = TypeVar("Res")
Req_contra = TypeVar("Req_contra", contravariant=True)
Res_co = TypeVar("Res_co", covariant=True)

Weight = int | Callable[[Params], int]


class Access(StrEnum):
    """What a route's service may do to the database."""

    NONE = "NONE"  # no transaction
    READ = "READ"  # one read-only transaction
    WRITE = "WRITE"  # one write transaction


class Service(Protocol[Req_contra, Res_co]):
    access: ClassVar[Access]

    # Not ``async def``: the three that run a transaction hand back the store's own awaitable
    # rather than wrap it in one more coroutine, whose frame every suspension and resumption of
    # the request would pass through.
    def __call__(self, state: AppState, now_ms: int, account_id: int | None, req: Req_contra) -> Awaitable[Res_co]: ...


@dataclass(frozen=True, slots=True)
class _Write(Generic[Req, Res]):
    fn: Callable[[Tx, ServiceContext, int, Req], Res]
    access: ClassVar[Access] = Access.WRITE

    def __call__(self, state: AppState, now_ms: int, account_id: int | None, req: Req) -> Awaitable[Res]:
        assert account_id is not None, "an account's use case behind an endpoint without a key"
        fn, ctx = self.fn, state.service_context(now_ms)
        return state.store.write(lambda tx: fn(tx, ctx, account_id, req))


@dataclass(frozen=True, slots=True)
class _Read(Generic[Req, Res]):
    fn: Callable[[Tx, ServiceContext, int, Req], Res]
    access: ClassVar[Access] = Access.READ

    def __call__(self, state: AppState, now_ms: int, account_id: int | None, req: Req) -> Awaitable[Res]:
        assert account_id is not None, "an account's read behind an endpoint without a key"
        fn, ctx = self.fn, state.service_context(now_ms)
        return state.store.read(lambda tx: fn(tx, ctx, account_id, req))


@dataclass(frozen=True, slots=True)
class _ReadPublic(Generic[Req, Res]):
    fn: Callable[[Tx, ServiceContext, Req], Res]
    access: ClassVar[Access] = Access.READ

    def __call__(self, state: AppState, now_ms: int, account_id: int | None, req: Req) -> Awaitable[Res]:
        fn, ctx = self.fn, state.service_context(now_ms)
        return state.store.read(lambda tx: fn(tx, ctx, req))


@dataclass(frozen=True, slots=True)
class _Local(Generic[Req, Res]):
    fn: Callable[[Settings, int, Req], Res]
    access: ClassVar[Access] = Access.NONE

    async def __call__(self, state: AppState, now_ms: int, account_id: int | None, req: Req) -> Res:
        return self.fn(state.settings, now_ms, req)


def write(fn: Callable[[Tx, ServiceContext, int, Req], Res]) -> Service[Req, Res]:
    return _Write(fn)


def read(fn: Callable[[Tx, ServiceContext, int, Req], Res]) -> Service[Req, Res]:
    return _Read(fn)


def read_public(fn: Callable[[Tx, ServiceContext, Req], Res]) -> Service[Req, Res]:
    return _ReadPublic(fn)


def local(fn: Callable[[Settings, int, Req], Res]) -> Service[Req, Res]:
    return _Local(fn)


@dataclass(frozen=True, slots=True)
class Route(Generic[Req, Res]):
    method: str
    path: str
    weight: Weight
    security: Security
    parse: Callable[[Params], Req]
    service: Service[Req, Res]
    #: the JSON answer, from the request and what the service returned
    render: Callable[[Req, Res], object]
    doc: str  # Binance's doc page for the endpoint

    @property
    def access(self) -> Access:
        return self.service.access

    def weight_of(self, params: Params | None) -> int:
        if isinstance(self.weight, int):
            return self.weight
        return self.weight(params) if params is not None else 1

    async def answer(self, state: AppState, ctx: RequestContext, key: repo.ApiKey | None) -> object:
        """The chain after the API key (checked by the dispatcher, ``key`` None when the endpoint
        needs none): endpoint parameters → timestamp and signature → permissions → the service in
        its one transaction → render."""
        request = self.parse(ctx.params)
        account_id = None
        if key is not None:
            if self.security.signed:
                auth.check_timestamp(
                    ctx, state.settings.recv_window_max_ms, frozen=state.clock.frozen_at_ms is not None
                )
                auth.check_signature(ctx, key, state.secrets)
            auth.check_permissions(ctx, key, self.security)
            account_id = ctx.account_id = key.account_id
            ctx.api_key = key.api_key
        return self.render(request, await self.service(state, ctx.now_ms, account_id, request))


def route(
    method: str,
    path: str,
    weight: Weight,
    security: Security,
    parse: Callable[[Params], Req],
    service: Service[Req, Res],
    render: Callable[[Req, Res], object],
    doc: str,
) -> Endpoint:
    """Declare a route. Declared through this function, not ``Route(...)`` in a table typed
    ``tuple[Endpoint, ...]``: there mypy would solve ``Req``/``Res`` from the table's type and
    accept a parser, service and renderer that do not fit; here only the arguments decide."""
    return Route(method, path, weight, security, parse, service, render, doc)


class Endpoint(Protocol):
    """A route whatever its request and result types: what the dispatcher, the docs and the
    OpenAPI generator read."""

    @property
    def method(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def weight(self) -> Weight: ...
    @property
    def security(self) -> Security: ...
    @property
    def doc(self) -> str: ...
    @property
    def access(self) -> Access: ...
    @property
    def render(self) -> Callable[..., object]: ...

    def weight_of(self, params: Params | None) -> int: ...

    async def answer(self, state: AppState, ctx: RequestContext, key: repo.ApiKey | None) -> object: ...
