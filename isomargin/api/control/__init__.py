"""The control plane under ``/_isomargin/v1``: JSON in, JSON out. Not Binance's API.

Creates accounts and API keys, opens isolated positions, sets mark prices, shifts the clock and
resets state (docs/control-plane.md). With ``ISOMARGIN_ADMIN_TOKEN`` set, every call but
``health`` and ``openapi.json`` needs ``Authorization: Bearer <token>``. The endpoints are
module-level functions, one module per resource; they find the app's state on the request.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from isomargin.api.control import accounts, clock, common, depth, keys, market, positions, schedule, trading
from isomargin.api.openapi import openapi_document
from isomargin.api.state import AppState

PREFIX = "/_isomargin/v1"


@cache
def _document() -> dict[str, Any]:
    return openapi_document()  # built once: the route table does not change at run time


async def openapi(request: Request) -> Response:
    return JSONResponse(_document())


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok", "database": common.app_state(request).store.dialect})


async def not_found(request: Request, exc: Exception) -> Response:
    return common.error(f"no control-plane endpoint {request.method} {request.url.path}", 404)


async def method_not_allowed(request: Request, exc: Exception) -> Response:
    return common.error(f"{request.method} is not allowed on {request.url.path}", 405)


guarded = common.guarded
ROUTES = [
    Route(f"{PREFIX}/accounts", guarded(accounts.create_account), methods=["POST"]),
    Route(f"{PREFIX}/accounts", guarded(accounts.list_accounts), methods=["GET"]),
    Route(f"{PREFIX}/accounts/{{accountId}}", guarded(accounts.get_account), methods=["GET"]),
    Route(f"{PREFIX}/accounts/{{accountId}}", guarded(trading.update_account), methods=["PATCH"]),
    Route(f"{PREFIX}/accounts/{{accountId}}/apiKeys", guarded(keys.add_api_key), methods=["POST"]),
    Route(f"{PREFIX}/accounts/{{accountId}}/deposits", guarded(trading.deposit), methods=["POST"]),
    Route(f"{PREFIX}/accounts/{{accountId}}/withdrawals", guarded(trading.withdraw), methods=["POST"]),
    Route(f"{PREFIX}/apiKeys/{{apiKey}}", guarded(keys.get_api_key), methods=["GET"]),
    Route(f"{PREFIX}/apiKeys/{{apiKey}}", guarded(keys.update_api_key), methods=["PATCH"]),
    Route(f"{PREFIX}/apiKeys/{{apiKey}}", guarded(keys.delete_api_key), methods=["DELETE"]),
    Route(f"{PREFIX}/positions", guarded(positions.open_position), methods=["POST"]),
    Route(f"{PREFIX}/markPrices", guarded(market.list_mark_prices), methods=["GET"]),
    Route(f"{PREFIX}/markPrices/{{symbol}}", guarded(market.set_mark_price), methods=["PUT"]),
    Route(f"{PREFIX}/markPrices/{{symbol}}/path", guarded(schedule.put_path), methods=["PUT"]),
    Route(f"{PREFIX}/markPrices/{{symbol}}/path", guarded(schedule.get_path), methods=["GET"]),
    Route(f"{PREFIX}/markPrices/{{symbol}}/path", guarded(schedule.delete_path), methods=["DELETE"]),
    Route(f"{PREFIX}/depth/{{symbol}}", guarded(depth.put_depth), methods=["PUT"]),
    Route(f"{PREFIX}/depth/{{symbol}}", guarded(depth.get_depth), methods=["GET"]),
    Route(f"{PREFIX}/depth/{{symbol}}", guarded(depth.delete_depth), methods=["DELETE"]),
    Route(f"{PREFIX}/funding/{{symbol}}", guarded(schedule.put_funding), methods=["PUT"]),
    Route(f"{PREFIX}/funding/{{symbol}}", guarded(schedule.get_funding), methods=["GET"]),
    Route(f"{PREFIX}/funding/{{symbol}}", guarded(schedule.delete_funding), methods=["DELETE"]),
    Route(f"{PREFIX}/settings", guarded(trading.get_settings), methods=["GET"]),
    Route(f"{PREFIX}/settings", guarded(trading.put_settings), methods=["PUT"]),
    Route(f"{PREFIX}/clock", guarded(clock.get_clock), methods=["GET"]),
    Route(f"{PREFIX}/clock", guarded(clock.set_clock), methods=["PUT"]),
    Route(f"{PREFIX}/clock/advance", guarded(clock.advance_clock), methods=["POST"]),
    Route(f"{PREFIX}/reset", guarded(clock.reset), methods=["POST"]),
    Route(f"{PREFIX}/health", health, methods=["GET"]),
    Route(f"{PREFIX}/openapi.json", openapi, methods=["GET"]),
]


def control_plane(state: AppState) -> Starlette:
    app = Starlette(routes=ROUTES, exception_handlers={404: not_found, 405: method_not_allowed})
    app.state.isomargin = state
    # a trailing slash is a path like any other: 404 in JSON, not an empty 307 to another URL
    app.router.redirect_slashes = False
    return app
