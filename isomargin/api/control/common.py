"""What every control-plane endpoint shares: the app's state, the admin token, JSON in and out.

Errors are ``{"error": "<words>"}`` with a 4xx status (docs/control-plane.md), never Binance's
``{"code", "msg"}``. Money fields accept JSON strings or numbers; numbers are parsed straight to
Decimal, never through float.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from isomargin.api.state import AppState
from isomargin.money import parse_decimal
from isomargin.service.errors import AdminError

log = logging.getLogger("isomargin.control")
Endpoint = Callable[[Request], Awaitable[Response]]

#: account ids are 64-bit database integers: beyond that no account exists (and SQLite would
#: refuse to even look: OverflowError)
_MAX_ID = 2**63 - 1


def app_state(request: Request) -> AppState:
    """The isomargin state this control plane was built on (``control_plane`` stores it)."""
    state = request.app.state.isomargin
    assert isinstance(state, AppState)
    return state


def error(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def cross_origin(request: Request) -> bool:
    """Sent by a web page of another origin (or an opaque one: ``Origin: null``).

    Answering no CORS pre-flight is not enough to keep web pages out: a page can still send a
    "simple" request — ``fetch(url, {method: "POST", mode: "no-cors"})``, a form posting
    ``text/plain`` that parses as JSON — without asking, and ``POST /reset`` needs no body at all.
    A browser names the page's origin in ``Origin`` on every such request; the CLI, SDKs and
    test tooling send none, and a page served by isomargin itself (a dashboard) sends its own.
    """
    origin = request.headers.get("origin")
    if origin is None:
        return False
    return urlsplit(origin).netloc.lower() != request.headers.get("host", "").lower()


def guarded(endpoint: Endpoint) -> Endpoint:
    """Web pages of other origins refused, then the admin token when one is set; every refusal
    and failure answered as JSON."""

    async def wrapper(request: Request) -> Response:
        if cross_origin(request):
            return error("the control plane does not answer web pages of other origins", 403)
        token = app_state(request).settings.admin_token
        if token:
            given = request.headers.get("authorization", "")
            if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
                return error("missing or wrong Authorization: Bearer <ISOMARGIN_ADMIN_TOKEN>", 401)
        try:
            # the clock as every worker sees it: another worker's control plane may have moved it
            await app_state(request).refresh_clock()
            return await endpoint(request)
        except AdminError as exc:
            return error(exc.message, exc.status)
        except Exception:
            # JSON like every other answer, never a traceback; the operator finds it in the log
            log.exception("unexpected error on %s %s", request.method, request.url.path)
            return error("internal error: see the server log", 500)

    return wrapper


async def json_object(request: Request) -> dict[str, Any]:
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


def money(data: dict[str, Any], name: str, *, default: Decimal | None = None) -> Decimal:
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


def integer(data: dict[str, Any], name: str, *, default: int | None = None) -> int:
    value = data.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise AdminError(f"{name} must be an integer")
    return value


def boolean(data: dict[str, Any], name: str, default: bool) -> bool:
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise AdminError(f"{name} must be true or false")
    return value


def optional_string(data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is not None and (not isinstance(value, str) or not value):
        raise AdminError(f"{name} must be a non-empty string")
    return value


def only(data: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise AdminError(f"unknown field(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")


def path_int(request: Request, name: str) -> int:
    try:
        return int(request.path_params[name])
    except ValueError:
        raise AdminError(f"{name} must be an integer", 404) from None


def account_id(value: int) -> int:
    if not 1 <= value <= _MAX_ID:
        raise AdminError(f"account {value} does not exist", 404)
    return value
