"""The control plane under ``/_isomargin/v1``: JSON in, JSON out. Not Binance's API.

Creates accounts and API keys, opens isolated positions, sets mark prices, shifts the clock and
resets state (docs/control-plane.md). With ``ISOMARGIN_ADMIN_TOKEN`` set, every call needs
``Authorization: Bearer <token>``. Money fields accept JSON strings or numbers; numbers are
parsed straight to Decimal, never through float.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from isomargin.api.openapi import openapi_document
from isomargin.api.render import position_risk_v2
from isomargin.api.state import CLOCK_OFFSET_KEY, AppState
from isomargin.auth.signing import KeyType
from isomargin.domain.position import PositionSide
from isomargin.money import decimal_string, fixed, parse_decimal
from isomargin.service import admin, keys
from isomargin.service.admin import OpenPosition
from isomargin.service.errors import AdminError
from isomargin.service.positions import get_position_view, position_views
from isomargin.store import Tx, repo

PREFIX = "/_isomargin/v1"
log = logging.getLogger("isomargin.control")
Endpoint = Callable[[Request], Awaitable[Response]]


def _error(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def _json_object(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    try:
        data = json.loads(raw, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError):
        raise AdminError("the body must be a JSON object") from None
    if not isinstance(data, dict):
        raise AdminError("the body must be a JSON object")
    return data


def _money(data: dict[str, Any], name: str, *, default: Decimal | None = None) -> Decimal:
    value = data.get(name)
    if value is None:
        if default is not None:
            return default
        raise AdminError(f"{name} is required")
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise AdminError(f'{name} must be a decimal string such as "100.5"')
    number = value if isinstance(value, Decimal) else parse_decimal(str(value))
    if number is None or not number.is_finite():
        raise AdminError(f'{name} must be a decimal string such as "100.5"')
    return number


def _int(data: dict[str, Any], name: str, *, default: int | None = None) -> int:
    value = data.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise AdminError(f"{name} must be an integer")
    return value


def _bool(data: dict[str, Any], name: str, default: bool) -> bool:
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise AdminError(f"{name} must be true or false")
    return value


def _opt_str(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is not None and (not isinstance(value, str) or not value):
        raise AdminError(f"{name} must be a non-empty string")
    return value


#: JSON field → Permissions attribute, for key creation and PATCH /apiKeys/{apiKey}
PERMISSION_FIELDS = {
    "enabled": "enabled",
    "enableFutures": "futures_enabled",
    "canTrade": "can_trade",
    "ipWhitelist": "ip_whitelist",
}


def _only(data: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise AdminError(f"unknown field(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")


def _permissions(data: dict[str, Any]) -> keys.Permissions:
    values: dict[str, Any] = {}
    for name, attr in PERMISSION_FIELDS.items():
        if name not in data:
            continue
        value = data[name]
        if name == "ipWhitelist":
            if value is None:
                value = []
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise AdminError('ipWhitelist must be a list of IP addresses or networks, e.g. ["10.0.0.0/8"]')
            values[attr] = tuple(value)
        elif isinstance(value, bool):
            values[attr] = value
        else:
            raise AdminError(f"{name} must be true or false")
    return keys.Permissions(**values)


def _path_int(request: Request, name: str) -> int:
    try:
        return int(request.path_params[name])
    except ValueError:
        raise AdminError(f"{name} must be an integer", 404) from None


#: account ids are 64-bit database integers: beyond that no account exists (and SQLite would
#: refuse to even look: OverflowError)
_MAX_ID = 2**63 - 1
#: the clock may be shifted by up to 100 years either way: enough for any recvWindow or 30-day
#: history test, and serverTime stays a 13-digit millisecond time Binance clients parse
MAX_CLOCK_OFFSET_MS = 100 * 365 * 86_400_000


def _account_id(value: int) -> int:
    if not 1 <= value <= _MAX_ID:
        raise AdminError(f"account {value} does not exist", 404)
    return value


def control_plane(state: AppState) -> Starlette:
    document = openapi_document()  # built once: the route table does not change at run time

    def guarded(endpoint: Endpoint) -> Endpoint:
        async def wrapper(request: Request) -> Response:
            token = state.settings.admin_token
            if token:
                given = request.headers.get("authorization", "")
                if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
                    return _error("missing or wrong Authorization: Bearer <ISOMARGIN_ADMIN_TOKEN>", 401)
            try:
                return await endpoint(request)
            except AdminError as exc:
                return _error(exc.message, exc.status)
            except Exception:
                # JSON like every other answer, never a traceback; the operator finds it in the log
                log.exception("unexpected error on %s %s", request.method, request.url.path)
                return _error("internal error: see the server log", 500)

        return wrapper

    async def write(fn: Callable[[Tx], Any]) -> Any:
        return await state.store.write(fn)

    async def create_account(request: Request) -> Response:
        data = await _json_object(request)
        balance = _money(data, "balance", default=Decimal(0))
        dual = _bool(data, "dualSidePosition", False)
        api_key, secret = _opt_str(data, "apiKey"), _opt_str(data, "secretKey")
        ctx = state.service_context()
        account_id, creds = await write(
            lambda tx: admin.create_account(
                tx, ctx, balance=balance, dual_side_position=dual, api_key=api_key, secret_key=secret
            )
        )
        return JSONResponse(
            {"accountId": account_id, "apiKey": creds.api_key, "secretKey": creds.secret_key}, status_code=201
        )

    async def add_api_key(request: Request) -> Response:
        account_id = _account_id(_path_int(request, "accountId"))
        data = await _json_object(request)
        _only(data, {"type", "apiKey", "secretKey", "publicKey", *PERMISSION_FIELDS})
        try:
            key_type = KeyType(data.get("type", "HMAC_SHA256"))
        except ValueError:
            raise AdminError("type must be HMAC_SHA256, RSA or ED25519") from None
        api_key, secret, public_key = _opt_str(data, "apiKey"), _opt_str(data, "secretKey"), _opt_str(data, "publicKey")
        permissions = _permissions(data)
        ctx = state.service_context()
        creds = await write(
            lambda tx: keys.add_api_key(
                tx,
                ctx,
                account_id,
                key_type,
                api_key=api_key,
                secret=secret,
                public_key=public_key,
                permissions=permissions,
            )
        )
        body: dict[str, Any] = {"apiKey": creds.api_key, "type": creds.key_type.value}
        if creds.secret_key is not None:
            body["secretKey"] = creds.secret_key
        return JSONResponse(body, status_code=201)

    async def get_api_key(request: Request) -> Response:
        api_key = request.path_params["apiKey"]
        key = await state.store.read(lambda tx: keys.get_api_key(tx, api_key))
        return JSONResponse(keys.describe(key))

    async def update_api_key(request: Request) -> Response:
        api_key = request.path_params["apiKey"]
        data = await _json_object(request)
        _only(data, set(PERMISSION_FIELDS))
        changes = _permissions(data)
        key = await write(lambda tx: keys.update_api_key(tx, api_key, changes))
        return JSONResponse(keys.describe(key))

    async def delete_api_key(request: Request) -> Response:
        api_key = request.path_params["apiKey"]
        await write(lambda tx: keys.delete_api_key(tx, api_key))
        return JSONResponse({"apiKey": api_key, "deleted": True})

    def account_summary(tx: Tx, account_id: int) -> dict[str, Any]:
        account = repo.get_account(tx, account_id)
        if account is None:
            raise AdminError(f"account {account_id} does not exist", 404)
        ctx = state.service_context()
        positions = position_views(tx, ctx, account_id, None, include_empty=False)
        isolated = repo.sum_isolated_wallets(tx, account_id)
        return {
            "accountId": account.id,
            "dualSidePosition": account.dual_side_position,
            "crossWalletBalance": fixed(account.cross_wallet),
            "walletBalance": fixed(account.cross_wallet + isolated),
            "positions": [position_risk_v2(v) for v in positions],
            "apiKeys": [keys.describe(k) for k in repo.list_api_keys(tx, account_id)],
        }

    async def get_account(request: Request) -> Response:
        account_id = _account_id(_path_int(request, "accountId"))
        return JSONResponse(await state.store.read(lambda tx: account_summary(tx, account_id)))

    async def list_accounts(request: Request) -> Response:
        def read(tx: Tx) -> list[dict[str, Any]]:
            return [account_summary(tx, a.id) for a in repo.list_accounts(tx)]

        return JSONResponse(await state.store.read(read))

    async def open_position(request: Request) -> Response:
        data = await _json_object(request)
        try:
            side = PositionSide(data.get("positionSide", "BOTH"))
        except ValueError:
            raise AdminError("positionSide must be BOTH, LONG or SHORT") from None
        symbol = data.get("symbol")
        if symbol is None:
            raise AdminError("symbol is required")
        if not isinstance(symbol, str):
            raise AdminError('symbol must be a string such as "BTCUSDT"')
        req = OpenPosition(
            account_id=_account_id(_int(data, "accountId")),
            symbol=symbol,
            position_side=side,
            position_amt=_money(data, "positionAmt"),
            entry_price=_money(data, "entryPrice"),
            # without "leverage": the symbol's leverage as the account set it through POST /fapi/v1/leverage
            leverage=_int(data, "leverage") if "leverage" in data else None,
            isolated_wallet=_money(data, "isolatedWallet") if "isolatedWallet" in data else None,
        )
        ctx = state.service_context()

        def run(tx: Tx) -> dict[str, object]:
            admin.open_position(tx, ctx, req)
            return position_risk_v2(get_position_view(tx, ctx, req.account_id, req.symbol, side))

        return JSONResponse(await write(run), status_code=201)

    async def set_mark_price(request: Request) -> Response:
        symbol = request.path_params["symbol"]
        data = await _json_object(request)
        price = _money(data, "markPrice")
        ctx = state.service_context()
        await write(lambda tx: admin.set_mark_price(tx, ctx, symbol, price))
        return JSONResponse({"symbol": symbol, "markPrice": decimal_string(price), "time": ctx.now_ms})

    async def list_mark_prices(request: Request) -> Response:
        marks = await state.store.read(repo.all_mark_prices)
        rows = []
        for name, spec in state.settings.symbols.items():
            price = marks[name][0] if name in marks else spec.default_mark_price
            rows.append({"symbol": name, "markPrice": decimal_string(price)})
        return JSONResponse(rows)

    async def set_clock(request: Request) -> Response:
        data = await _json_object(request)
        offset = _int(data, "offsetMs")
        if abs(offset) > MAX_CLOCK_OFFSET_MS:
            raise AdminError(f"offsetMs must be within ±{MAX_CLOCK_OFFSET_MS} (100 years)")
        await write(lambda tx: repo.set_state(tx, CLOCK_OFFSET_KEY, str(offset)))
        state.clock.offset_ms = offset
        return JSONResponse({"offsetMs": offset, "serverTime": state.clock.now_ms()})

    async def get_clock(request: Request) -> Response:
        return JSONResponse({"offsetMs": state.clock.offset_ms, "serverTime": state.clock.now_ms()})

    async def reset(request: Request) -> Response:
        ctx = state.service_context()
        await write(lambda tx: admin.reset(tx, ctx))
        state.clock.offset_ms = 0
        await state.weights.reset()
        return JSONResponse({"reset": True})

    async def openapi(request: Request) -> Response:
        return JSONResponse(document)

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "database": state.store.dialect})

    async def not_found(request: Request, exc: Exception) -> Response:
        return _error(f"no control-plane endpoint {request.method} {request.url.path}", 404)

    async def method_not_allowed(request: Request, exc: Exception) -> Response:
        return _error(f"{request.method} is not allowed on {request.url.path}", 405)

    routes = [
        Route(f"{PREFIX}/accounts", guarded(create_account), methods=["POST"]),
        Route(f"{PREFIX}/accounts", guarded(list_accounts), methods=["GET"]),
        Route(f"{PREFIX}/accounts/{{accountId}}", guarded(get_account), methods=["GET"]),
        Route(f"{PREFIX}/accounts/{{accountId}}/apiKeys", guarded(add_api_key), methods=["POST"]),
        Route(f"{PREFIX}/apiKeys/{{apiKey}}", guarded(get_api_key), methods=["GET"]),
        Route(f"{PREFIX}/apiKeys/{{apiKey}}", guarded(update_api_key), methods=["PATCH"]),
        Route(f"{PREFIX}/apiKeys/{{apiKey}}", guarded(delete_api_key), methods=["DELETE"]),
        Route(f"{PREFIX}/positions", guarded(open_position), methods=["POST"]),
        Route(f"{PREFIX}/markPrices", guarded(list_mark_prices), methods=["GET"]),
        Route(f"{PREFIX}/markPrices/{{symbol}}", guarded(set_mark_price), methods=["PUT"]),
        Route(f"{PREFIX}/clock", guarded(get_clock), methods=["GET"]),
        Route(f"{PREFIX}/clock", guarded(set_clock), methods=["PUT"]),
        Route(f"{PREFIX}/reset", guarded(reset), methods=["POST"]),
        Route(f"{PREFIX}/health", health, methods=["GET"]),
        Route(f"{PREFIX}/openapi.json", openapi, methods=["GET"]),
    ]
    app = Starlette(routes=routes, exception_handlers={404: not_found, 405: method_not_allowed})
    # a trailing slash is a path like any other: 404 in JSON, not an empty 307 to another URL
    app.router.redirect_slashes = False
    return app
