"""The client's pure core: what it signs, and how it reads answers a local server cannot produce.

These are unit tests of pure functions (no HTTP at all): Binance's documented signing vector, and
the 5xx/429/418 answers isomargin never sends (503 "unknown error", IP bans).
"""

from __future__ import annotations

import inspect
from urllib.parse import parse_qsl

import pytest

from isomargin.auth.signing import KeyType, signed_payload, verify
from isomargin.client import (
    AsyncClient,
    AuthError,
    BinanceAPIError,
    Client,
    ExecutionStatusUnknown,
    IPBanned,
    RateLimitError,
    TransportError,
)
from isomargin.client.core import Call, Core, HttpResponse
from isomargin.client.errors import RequestInfo, error_for

GI_SECRET = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9"


def _core(**kwargs: object) -> Core:
    options: dict[str, object] = {"recv_window": 5000, "time_sync": False, "time_sync_interval": 300.0}
    options.update(kwargs)
    return Core("https://fapi.binance.com", "key", GI_SECRET, "HMAC", **options)  # type: ignore[arg-type]


def test_signs_binance_documented_vector() -> None:
    """[GI] HMAC example: the exact string and signature from Binance's General Info page."""
    core = _core(clock=lambda: 1591702613.943)
    call = Call(
        "GET",
        "/fapi/v1/order",
        (
            ("symbol", "BTCUSDT"),
            ("side", "BUY"),
            ("type", "LIMIT"),
            ("quantity", "1"),
            ("price", "9000"),
            ("timeInForce", "GTC"),
        ),
        signed=True,
    )

    request = core.build(call)

    assert request.url == (
        "https://fapi.binance.com/fapi/v1/order?symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000"
        "&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943"
        "&signature=3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9"
    )
    assert request.headers["X-MBX-APIKEY"] == "key"


def test_post_goes_in_the_form_body_and_the_server_verifier_accepts_it() -> None:
    core = _core(clock=lambda: 1700000000.0)
    request = core.build(Call("POST", "/fapi/v1/positionMargin", (("symbol", "BTCUSDT"), ("amount", "1")), True))

    signed = signed_payload(b"", request.content)

    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert signed.signature is not None and verify(KeyType.HMAC_SHA256, GI_SECRET, signed.payload, signed.signature)
    assert dict(parse_qsl(request.content.decode()))["timestamp"] == "1700000000000"


def _answer(status: int, body: bytes, method: str = "POST", headers: dict[str, str] | None = None) -> Exception:
    core = _core()
    with pytest.raises(BinanceAPIError) as caught:
        core.decode(core.build(Call(method, "/fapi/v1/positionMargin")), HttpResponse(status, headers or {}, body))
    return caught.value


def test_503_unknown_error_is_execution_status_unknown() -> None:
    """[GI] 503 "Unknown error, please check your request or try again later." = may have executed."""
    error = _answer(503, b'{"code":-1000,"msg":"Unknown error, please check your request or try again later."}')
    assert type(error) is ExecutionStatusUnknown


def test_other_5xx_on_a_post_is_unknown_but_documented_failures_are_not() -> None:
    assert type(_answer(502, b"<html>Bad Gateway</html>")) is ExecutionStatusUnknown
    assert type(_answer(504, b'{"code":-1007,"msg":"Timeout waiting for response from backend server."}')) is (
        ExecutionStatusUnknown
    )
    not_run = _answer(503, b'{"code":-1001,"msg":"Internal error; unable to process your request. Please try again."}')
    assert type(not_run) is BinanceAPIError and not_run.code == -1001
    assert type(_answer(502, b"<html>Bad Gateway</html>", method="GET")) is BinanceAPIError


def test_rate_limits_carry_retry_after() -> None:
    limited = _answer(
        429,
        b'{"code":-1003,"msg":"Too many requests; current limit is 2400 requests per minute."}',
        "GET",
        {"retry-after": "17"},
    )
    banned = _answer(
        418,
        b'{"code":-1003,"msg":"Way too many requests; IP(1.2.3.4) banned until 4102444800000. Please use the'
        b' websocket for live updates to avoid bans."}',
        "GET",
    )

    assert isinstance(limited, RateLimitError) and limited.retry_after == 17.0 and limited.http_status == 429
    assert isinstance(banned, IPBanned) and banned.retry_after is not None and banned.retry_after > 3600


def test_error_for_maps_codes_to_classes() -> None:
    info = RequestInfo("POST", "/fapi/v1/positionMargin")
    assert error_for(400, -4049, "m", info, {}).__class__.__name__ == "IsolatedMarginOnly"
    assert error_for(400, -9999, "m", info, {}).__class__ is BinanceAPIError


def test_the_http_status_decides_when_the_code_has_no_class() -> None:
    """A 401 is an auth refusal whatever its code (or body); 429/418 are rate limits likewise."""
    info = RequestInfo("GET", "/fapi/v2/positionRisk")
    odd_401 = error_for(401, -1099, "Not found, unauthenticated, or unauthorized.", info, {})
    html_401 = _answer(401, b"<html>401 Authorization Required</html>", "GET")
    html_429 = _answer(429, b"<html>Too Many Requests</html>", "GET", {"retry-after": "3"})
    html_418 = _answer(418, b"<html>I'm a teapot</html>", "GET")

    assert type(odd_401) is AuthError and odd_401.code == -1099 and odd_401.http_status == 401
    assert type(html_401) is AuthError and html_401.code == 0
    assert type(error_for(401, -2015, "m", info, {})).__name__ == "ApiKeyRejected"  # the code's class first
    assert type(error_for(401, -1022, "m", info, {})).__name__ == "InvalidSignature"
    assert type(html_429) is RateLimitError and html_429.retry_after == 3.0
    assert type(html_418) is IPBanned


def test_sync_and_async_clients_offer_the_same_calls() -> None:
    """One logic, two transports: every public call exists on both with the same parameters."""

    def calls(cls: type) -> dict[str, list[str]]:
        return {
            name: list(inspect.signature(fn).parameters)
            for name, fn in inspect.getmembers(cls, inspect.isfunction)
            if not name.startswith("_") and name != "close"
        }

    assert calls(Client) == calls(AsyncClient)
    assert all(inspect.iscoroutinefunction(getattr(AsyncClient, name)) for name in calls(AsyncClient))


def test_a_lost_answer_to_a_post_is_unknown_but_a_refused_connection_is_not() -> None:
    """Never report a POST that may have run as a plain failure; a GET or an unsent call is safe."""
    core = _core(clock=lambda: 1700000000.0)
    post = core.build(Call("POST", "/fapi/v1/positionMargin", (("symbol", "BTCUSDT"),), True))
    get = core.build(Call("GET", "/fapi/v1/positionMargin/history", (("symbol", "BTCUSDT"),), True))
    lost = TimeoutError("read timed out")

    unknown = core.transport_failure(post, lost, sent=True)

    assert isinstance(unknown, ExecutionStatusUnknown) and unknown.http_status is None
    assert unknown.request.path == "/fapi/v1/positionMargin"
    assert type(core.transport_failure(post, lost, sent=False)) is TransportError
    assert type(core.transport_failure(get, lost, sent=True)) is TransportError
