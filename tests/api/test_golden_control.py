"""Golden responses for every control-plane call (docs/control-plane.md), successes and errors."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from isomargin.api.app import IsomarginApp, create_app
from isomargin.config import Settings
from tests import snapshot
from tests.support import CONTROL, Api

FIXED_KEY = "golden-api-key-0000000000000000000000000000000000000000000000000"
FIXED_SECRET = "golden-secret-0000000000000000000000000000000000000000000000000"


async def test_create_account(api: Api) -> None:
    r = await api.http.post(f"{CONTROL}/accounts", json={"balance": "10000", "dualSidePosition": False})
    snapshot.check("control-accounts-create", r)
    assert r.status_code == 201 and len(r.json()["apiKey"]) == 64 and len(r.json()["secretKey"]) == 64


async def test_create_account_with_fixed_keys(api: Api) -> None:
    body = {"balance": 500, "dualSidePosition": True, "apiKey": FIXED_KEY, "secretKey": FIXED_SECRET}
    r = await api.http.post(f"{CONTROL}/accounts", json=body)
    assert r.status_code == 201
    assert (r.json()["apiKey"], r.json()["secretKey"]) == (FIXED_KEY, FIXED_SECRET)


async def test_open_position_and_read_accounts(api: Api) -> None:
    creds = await api.account("10000")
    await api.mark("BTCUSDT", "51000")
    body = {
        "accountId": creds.account_id,
        "symbol": "BTCUSDT",
        "positionSide": "BOTH",
        "positionAmt": "0.01",
        "entryPrice": "50000",
        "leverage": 10,
    }
    r = await api.http.post(f"{CONTROL}/positions", json=body)
    snapshot.check("control-positions-open", r)
    r = await api.http.get(f"{CONTROL}/accounts/{creds.account_id}")
    snapshot.check("control-accounts-get", r)
    r = await api.http.get(f"{CONTROL}/accounts")
    snapshot.check("control-accounts-list", r)


async def test_api_keys(api: Api) -> None:
    creds = await api.account("1")
    r = await api.http.post(f"{CONTROL}/accounts/{creds.account_id}/apiKeys", json={})
    snapshot.check("control-apiKeys-hmac", r)
    public = (
        ed25519.Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    r = await api.http.post(
        f"{CONTROL}/accounts/{creds.account_id}/apiKeys", json={"type": "ED25519", "publicKey": public}
    )
    snapshot.check("control-apiKeys-ed25519", r)
    assert "secretKey" not in r.json()


async def test_mark_prices_clock_reset_health(api: Api) -> None:
    r = await api.http.put(f"{CONTROL}/markPrices/BTCUSDT", json={"markPrice": "51000.10"})
    snapshot.check("control-markPrices-put", r)
    r = await api.http.get(f"{CONTROL}/markPrices")
    snapshot.check("control-markPrices-list", r)
    r = await api.http.put(f"{CONTROL}/clock", json={"offsetMs": 3_600_000})
    snapshot.check("control-clock-put", r)
    r = await api.http.get(f"{CONTROL}/clock")
    snapshot.check("control-clock-get", r)
    r = await api.http.post(f"{CONTROL}/reset")
    snapshot.check("control-reset", r)
    assert (await api.http.get(f"{CONTROL}/clock")).json()["offsetMs"] == 0
    assert (await api.http.get(f"{CONTROL}/accounts")).json() == []
    r = await api.http.get(f"{CONTROL}/health")
    snapshot.check("control-health", r)
    assert r.json()["database"] in ("sqlite", "postgresql")


ERRORS = [
    ("accounts-not-json", "POST", "/accounts", b"{nope", 400, "the body must be a JSON object"),
    ("accounts-array", "POST", "/accounts", b"[]", 400, "the body must be a JSON object"),
    ("accounts-negative", "POST", "/accounts", b'{"balance": "-1"}', 400, "balance must not be negative"),
    (
        "accounts-float-string",
        "POST",
        "/accounts",
        b'{"balance": "1e3"}',
        400,
        'balance must be a decimal string such as "100.5"',
    ),
    ("accounts-dual-not-bool", "POST", "/accounts", b'{"dualSidePosition": "yes"}', 400, None),
    ("account-unknown", "GET", "/accounts/999", b"", 404, "account 999 does not exist"),
    ("account-id-garbage", "GET", "/accounts/abc", b"", 404, "accountId must be an integer"),
    ("positions-no-symbol", "POST", "/positions", b'{"accountId": 1}', 400, "symbol is required"),
    (
        "positions-bad-side",
        "POST",
        "/positions",
        b'{"accountId": 1, "symbol": "BTCUSDT", "positionSide": "UP"}',
        400,
        "positionSide must be BOTH, LONG or SHORT",
    ),
    (
        "positions-unknown-account",
        "POST",
        "/positions",
        b'{"accountId": 999, "symbol": "BTCUSDT", "positionAmt": "1", "entryPrice": "1"}',
        404,
        "account 999 does not exist",
    ),
    ("mark-unknown-symbol", "PUT", "/markPrices/FOOUSDT", b'{"markPrice": "1"}', 404, None),
    ("mark-zero", "PUT", "/markPrices/BTCUSDT", b'{"markPrice": "0"}', 400, "markPrice must be positive"),
    ("mark-missing", "PUT", "/markPrices/BTCUSDT", b"{}", 400, "markPrice is required"),
    ("clock-not-int", "PUT", "/clock", b'{"offsetMs": "soon"}', 400, "offsetMs must be an integer"),
    ("unknown-path", "GET", "/nothing", b"", 404, "no control-plane endpoint GET /_isomargin/v1/nothing"),
    ("wrong-method", "DELETE", "/accounts", b"", 405, "DELETE is not allowed on /_isomargin/v1/accounts"),
]


@pytest.mark.parametrize(("name", "method", "path", "body", "status", "message"), ERRORS, ids=[e[0] for e in ERRORS])
async def test_control_errors(
    api: Api, name: str, method: str, path: str, body: bytes, status: int, message: str | None
) -> None:
    r = await api.http.request(method, f"{CONTROL}{path}", content=body)
    snapshot.check(f"control-error-{name}", r)
    assert r.status_code == status
    assert list(r.json()) == ["error"] and isinstance(r.json()["error"], str)
    if message is not None:
        assert r.json()["error"] == message


@pytest.fixture
async def guarded_api(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    from dataclasses import replace

    app: IsomarginApp = create_app(replace(settings, admin_token="s3cret"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        yield http
    app.state.store.close()


async def test_admin_token_is_required_when_set(guarded_api: httpx.AsyncClient) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "s3cret"}):
        r = await guarded_api.post(f"{CONTROL}/accounts", json={"balance": "1"}, headers=headers)
        assert r.status_code == 401
    snapshot.check("control-error-admin-token", r)
    r = await guarded_api.post(f"{CONTROL}/accounts", json={"balance": "1"}, headers={"Authorization": "Bearer s3cret"})
    assert r.status_code == 201
    # the health probe stays open; the Binance API is not behind the admin token
    assert (await guarded_api.get(f"{CONTROL}/health")).status_code == 200
    assert (await guarded_api.get("/fapi/v1/ping")).status_code == 200
