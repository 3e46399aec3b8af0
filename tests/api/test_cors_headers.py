"""CORS and the other headers of Binance answers (isomargin/api/headers.py; audit #2, #21).

A web page on another origin can read every ``/fapi/`` answer, errors included, and its
pre-flight is answered; nothing else of isomargin — the control plane, any path beside the
Binance API — carries CORS headers or answers a pre-flight, so no web page can drive it.
"""

from __future__ import annotations

import re

import pytest

from tests.support import CONTROL, Api

CORS = {"access-control-allow-origin": "*", "access-control-allow-methods": "GET, POST, PUT, DELETE, OPTIONS"}
PREFLIGHT = {
    "Origin": "https://example.org",
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "x-mbx-apikey,content-type",
}


def cors_of(headers: object) -> dict[str, str]:
    assert hasattr(headers, "items")
    return {k.lower(): v for k, v in headers.items() if k.lower().startswith("access-control-")}


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/fapi/v1/ping", 200),
        ("GET", "/fapi/v1/exchangeInfo", 200),
        ("POST", "/fapi/v1/leverage", 401),  # no key: -2014
        ("GET", "/fapi/v1/nonexistent-xyz", 404),
        ("DELETE", "/fapi/v1/positionMargin", 405),
    ],
)
async def test_every_fapi_answer_carries_cors_and_response_time(api: Api, method: str, path: str, status: int) -> None:
    r = await api.http.request(method, path, headers={"Origin": "https://example.org"})
    assert r.status_code == status
    assert cors_of(r.headers) == CORS
    assert re.fullmatch(r"\d+ms", r.headers["x-response-time"])
    assert "server" not in r.headers and "access-control-allow-credentials" not in r.headers


async def test_signed_answers_carry_cors(api: Api) -> None:
    creds = await api.account("1000")
    r = await api.signed("GET", "/fapi/v2/balance", creds)
    assert r.status_code == 200 and cors_of(r.headers) == CORS


@pytest.mark.parametrize("path", ["/fapi/v1/positionMargin", "/fapi/v2/balance", "/fapi/v1/nonexistent-xyz"])
async def test_fapi_preflight_is_answered_and_costs_no_weight(api: Api, path: str) -> None:
    r = await api.http.options(path, headers=PREFLIGHT)
    assert (r.status_code, r.content) == (200, b"")
    assert cors_of(r.headers) == {
        **CORS,
        "access-control-allow-headers": "*,clienttype,Content-Type,X-MBX-APIKEY",
    }
    assert "x-mbx-used-weight-1m" not in r.headers
    # the pre-flight counted nothing: the next request is this IP's first weight of the minute
    assert (await api.http.get("/fapi/v1/ping")).headers["x-mbx-used-weight-1m"] == "1"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"{CONTROL}/health"),
        ("OPTIONS", f"{CONTROL}/accounts"),
        ("OPTIONS", f"{CONTROL}/health"),
        ("GET", "/"),
        ("OPTIONS", "/"),
        ("OPTIONS", "/dashboard/"),
        ("GET", "/api/v3/ping"),
        ("OPTIONS", "/api/v3/ping"),
    ],
)
async def test_nothing_outside_fapi_answers_a_web_page(api: Api, method: str, path: str) -> None:
    """The control plane and any path beside the Binance API: no CORS header, no pre-flight."""
    r = await api.http.request(method, path, headers=PREFLIGHT)
    assert cors_of(r.headers) == {}
    if method == "OPTIONS":
        assert r.status_code >= 400


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://testserver.evil.example"])
async def test_a_web_page_cannot_drive_the_control_plane(api: Api, origin: str) -> None:
    """No pre-flight is asked for a "simple" request (a no-cors POST, a text/plain form): the
    control plane refuses any request a browser marks as coming from another origin."""
    creds = await api.account("1000")
    before = (await api.http.get(f"{CONTROL}/accounts/{creds.account_id}")).json()
    page = {"Origin": origin, "Content-Type": "text/plain"}
    for method, path, body in (
        ("POST", f"{CONTROL}/reset", b""),
        ("POST", f"{CONTROL}/accounts", b'{"balance": "1", "x": "="}'),
        ("PUT", f"{CONTROL}/markPrices/BTCUSDT", b'{"markPrice": "1"}'),
        ("GET", f"{CONTROL}/accounts", b""),
    ):
        r = await api.http.request(method, path, headers=page, content=body)
        assert (r.status_code, r.json()) == (
            403,
            {"error": "the control plane does not answer web pages of other origins"},
        )
        assert cors_of(r.headers) == {}
    assert (await api.http.get(f"{CONTROL}/accounts/{creds.account_id}")).json() == before


async def test_the_control_plane_serves_its_own_origin_and_non_browsers(api: Api) -> None:
    """A page isomargin serves itself (a dashboard) sends its own origin; the CLI sends none."""
    for headers in ({"Origin": "http://testserver"}, {}):
        r = await api.http.get(f"{CONTROL}/accounts", headers=headers)
        assert r.status_code == 200, r.text
