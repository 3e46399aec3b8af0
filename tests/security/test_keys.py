"""API keys through the control plane: types, permissions, IP allow-lists, disable and delete.

A key that may not make a request answers -2015 "Invalid API-key, IP, or permissions for
action." with HTTP 401 [EC][GI]; the same for an unknown, disabled or deleted key.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pytest

from isomargin.auth.keystore import new_master_key
from isomargin.auth.signing import KeyType, sign
from isomargin.config import Settings
from tests.backends import database_url
from tests.keypairs import ed25519_pair, rsa_pair
from tests.support import CONTROL, FORM, Api, Creds, LiveServer, in_process_api

# the real server names the requesting IP (audit #10); httpx's ASGI transport connects from 127.0.0.1
REJECTED = {"code": -2015, "msg": "Invalid API-key, IP, or permissions for action, request ip: 127.0.0.1"}


async def add_key(api: Api, account_id: int, **body: Any) -> httpx.Response:
    return await api.http.post(f"{CONTROL}/accounts/{account_id}/apiKeys", json=body)


async def signed_with_key(
    api: Api, api_key: str, key_type: KeyType, private: str, params: dict[str, str], *, where: str = "query", **kw: Any
) -> httpx.Response:
    """A request signed with an RSA/Ed25519 private key: base64 signature, URL-encoded [GI]."""
    payload = urlencode({**params, "timestamp": str(api._now_ms())})
    signature = quote(sign(key_type, private, payload.encode()), safe="")
    text = f"{payload}&signature={signature}"
    headers = {"X-MBX-APIKEY": api_key, **kw.pop("headers", {})}
    if where == "body":
        return await api.http.post("/fapi/v1/positionMargin", content=text.encode(), headers={**headers, **FORM})
    return await api.http.post(f"/fapi/v1/positionMargin?{text}", headers=headers)


MARGIN = {"symbol": "BTCUSDT", "amount": "10", "type": "1"}


@pytest.mark.parametrize(
    ("key_type", "pair"), [(KeyType.RSA, rsa_pair), (KeyType.ED25519, ed25519_pair)], ids=["RSA", "ED25519"]
)
@pytest.mark.parametrize("where", ["query", "body"])
async def test_asymmetric_keys_sign_in_query_or_body(api: Api, key_type: KeyType, pair: Any, where: str) -> None:
    creds = await api.account("1000")
    await api.position(creds)
    private, public = pair()
    r = await add_key(api, creds.account_id, type=key_type.value, publicKey=public)
    assert r.status_code == 201 and r.json() == {"apiKey": r.json()["apiKey"], "type": key_type.value}
    r = await signed_with_key(api, r.json()["apiKey"], key_type, private, MARGIN, where=where)
    assert r.status_code == 200, r.text
    assert r.json()["amount"] == 10.0


@pytest.mark.parametrize("key_type", ["HMAC_SHA256", "RSA", "ED25519"])
async def test_signature_is_checked_over_the_bytes_received(api: Api, key_type: str) -> None:
    """Same parameters, different bytes (order changed after signing) → -1022, for every type."""
    creds = await api.account("1000")
    await api.position(creds)
    if key_type == "HMAC_SHA256":
        key, private = creds.api_key, creds.secret_key
    else:
        private, public = rsa_pair() if key_type == "RSA" else ed25519_pair()
        key = (await add_key(api, creds.account_id, type=key_type, publicKey=public)).json()["apiKey"]
    payload = urlencode({**MARGIN, "timestamp": str(api._now_ms())})
    signature = quote(sign(KeyType(key_type), private, payload.encode()), safe="")
    reordered = "&".join(reversed(payload.split("&")))
    headers = {"X-MBX-APIKEY": key}
    r = await api.http.post(f"/fapi/v1/positionMargin?{reordered}&signature={signature}", headers=headers)
    assert (r.status_code, r.json()) == (400, {"code": -1022, "msg": "Signature for this request is not valid."})
    # the same signature over the bytes as signed, split between query and body, is accepted
    cut = payload.index("&type=")
    r = await api.http.post(
        f"/fapi/v1/positionMargin?{payload[:cut]}",
        content=f"{payload[cut:]}&signature={signature}".encode(),
        headers={**headers, **FORM},
    )
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        ({"type": "RSA"}, 400, "needs publicKey"),
        ({"type": "RSA", "publicKey": "not a pem"}, 400, "not a valid PEM"),
        ({"type": "RSA", "publicKey": "ED25519"}, 400, "needs an RSA public key"),
        ({"type": "ED25519", "publicKey": "RSA"}, 400, "needs an Ed25519 public key"),
        ({"type": "RSA", "publicKey": "RSA1024"}, 400, "at least 2048 bits"),
        ({"type": "HMAC_SHA256", "publicKey": "RSA"}, 400, "only for RSA and ED25519"),
        ({"type": "RSA", "publicKey": "RSA", "secretKey": "x" * 64}, 400, "has no secretKey"),
        ({"type": "HMAC_SHA256", "secretKey": "short"}, 400, "secretKey must be"),
        ({"type": "HMAC_SHA256", "secretKey": "has spaces in it, sixteen+"}, 400, "secretKey must be"),
        ({"type": "DSA"}, 400, "type must be"),
        ({"type": "RSA", "publicKey": "RSA", "permissions": "all"}, 400, "unknown field(s) permissions"),
        ({"ipWhitelist": ["not-an-ip"]}, 400, "not an IP address"),
        ({"ipWhitelist": "10.0.0.1"}, 400, "must be a list"),
        ({"canTrade": "yes"}, 400, "canTrade must be true or false"),
    ],
)
async def test_bad_key_requests_are_refused_and_write_nothing(
    api: Api, body: dict[str, Any], status: int, fragment: str
) -> None:
    creds = await api.account("1000")
    pems = {"RSA": rsa_pair()[1], "ED25519": ed25519_pair()[1], "RSA1024": _rsa1024_public()}
    if body.get("publicKey") in pems:
        body = {**body, "publicKey": pems[body["publicKey"]]}
    r = await add_key(api, creds.account_id, **body)
    assert r.status_code == status and fragment in r.json()["error"], r.text
    assert len((await api.summary(creds))["apiKeys"]) == 1


def _rsa1024_public() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(65537, 1024).public_key()
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


async def test_key_for_a_missing_account_or_taken_name(api: Api) -> None:
    creds = await api.account("1000")
    assert (await add_key(api, 999_999)).status_code == 404
    assert (await add_key(api, creds.account_id, apiKey=creds.api_key)).status_code == 409


async def _patch(api: Api, key: str, **body: Any) -> httpx.Response:
    return await api.http.patch(f"{CONTROL}/apiKeys/{key}", json=body)


async def test_permissions_trade_futures_enabled_and_delete(api: Api) -> None:
    creds = await api.account("1000")
    await api.position(creds)
    assert (await api.margin(creds, "1", 1)).status_code == 200

    described = (await _patch(api, creds.api_key, canTrade=False)).json()
    assert described == {
        "apiKey": creds.api_key,
        "accountId": creds.account_id,
        "type": "HMAC_SHA256",
        "enabled": True,
        "enableFutures": True,
        "canTrade": False,
        "ipRestrict": False,
        "ipWhitelist": [],
    }
    r = await api.margin(creds, "1", 1)
    assert (r.status_code, r.json()) == (401, REJECTED)

    await _patch(api, creds.api_key, canTrade=True, enableFutures=False)
    r = await api.history(creds)
    assert (r.status_code, r.json()) == (401, REJECTED)

    await _patch(api, creds.api_key, enableFutures=True, enabled=False)
    r = await api.history(creds)
    assert (r.status_code, r.json()) == (401, REJECTED)

    await _patch(api, creds.api_key, enabled=True)
    assert (await api.history(creds)).status_code == 200
    # the control plane never shows a secret back
    got = (await api.http.get(f"{CONTROL}/apiKeys/{creds.api_key}")).json()
    assert creds.secret_key not in str(got) and "secretKey" not in got

    r = await api.http.delete(f"{CONTROL}/apiKeys/{creds.api_key}")
    assert (r.status_code, r.json()) == (200, {"apiKey": creds.api_key, "deleted": True})
    r = await api.history(creds)
    assert (r.status_code, r.json()) == (401, REJECTED)
    assert (await api.http.delete(f"{CONTROL}/apiKeys/{creds.api_key}")).status_code == 404
    assert (await _patch(api, creds.api_key, enabled=True)).status_code == 404
    assert (await api.summary(creds))["apiKeys"] == []


async def test_rejected_by_permission_writes_nothing(api: Api) -> None:
    creds = await api.account("1000")
    await api.position(creds)
    await _patch(api, creds.api_key, canTrade=False)
    before = await api.summary(creds)
    assert (await api.margin(creds, "5", 1)).status_code == 401
    after = await api.summary(creds)
    assert after["crossWalletBalance"] == before["crossWalletBalance"] and after["positions"] == before["positions"]


async def test_ip_allow_list(api: Api) -> None:
    """httpx's ASGI transport connects from 127.0.0.1."""
    creds = await api.account("1000")
    await api.position(creds)
    shown = (await _patch(api, creds.api_key, ipWhitelist=["10.1.2.3", "192.168.0.0/16"])).json()
    assert (shown["ipRestrict"], shown["ipWhitelist"]) == (True, ["10.1.2.3/32", "192.168.0.0/16"])
    r = await api.margin(creds, "1", 1)
    assert (r.status_code, r.json()) == (401, REJECTED)
    await _patch(api, creds.api_key, ipWhitelist=["127.0.0.0/8"])
    assert (await api.margin(creds, "1", 1)).status_code == 200
    await _patch(api, creds.api_key, ipWhitelist=[])  # back to any IP
    assert (await api.http.get(f"{CONTROL}/apiKeys/{creds.api_key}")).json()["ipRestrict"] is False


async def test_key_created_with_permissions(api: Api) -> None:
    creds = await api.account("1000")
    r = await add_key(api, creds.account_id, canTrade=False, ipWhitelist=["127.0.0.1"])
    assert r.status_code == 201 and len(r.json()["secretKey"]) == 64
    other = Creds(creds.account_id, r.json()["apiKey"], r.json()["secretKey"])
    # both positionMargin endpoints are TRADE endpoints [PMH]: a key without trading gets neither
    assert (await api.margin(other, "1", 1)).json() == REJECTED
    assert (await api.history(other)).json() == REJECTED
    await _patch(api, other.api_key, canTrade=True)
    assert (await api.history(other)).status_code == 200


@pytest.fixture
async def proxied(backend: str, tmp_path: Path) -> AsyncIterator[Api]:
    """An app that trusts two proxies, on a fresh database of the same backend as ``api``."""
    (tmp_path / "proxied").mkdir()
    with database_url(backend, tmp_path / "proxied", tag="proxied_") as url:
        settings = Settings(db_url=url, trusted_proxies=("127.0.0.1", "10.0.0.0/8"))
        async with in_process_api(settings) as api:
            yield api


async def test_forwarded_for_is_believed_only_from_trusted_proxies(api: Api, proxied: Api) -> None:
    for harness in (api, proxied):
        creds = await harness.account("1000")
        await harness.position(creds)
        await _patch(harness, creds.api_key, ipWhitelist=["203.0.113.7"])
        query = harness.sign_params(creds, {"symbol": "BTCUSDT"})
        # the client, then an internal proxy hop; our peer (127.0.0.1) is the outer proxy
        headers = {"X-MBX-APIKEY": creds.api_key, "X-Forwarded-For": "203.0.113.7, 10.0.0.5"}
        r = await harness.http.get(f"/fapi/v1/positionMargin/history?{query}", headers=headers)
        if harness is proxied:
            assert r.status_code == 200, r.text
        else:  # no trusted proxies named: the header is ignored, the peer 127.0.0.1 is not listed
            assert (r.status_code, r.json()) == (401, REJECTED)
    # behind the trusted proxies, -2015 names the client the proxies vouch for, not the proxy
    creds = await proxied.account("1000")
    await _patch(proxied, creds.api_key, ipWhitelist=["203.0.113.8"])
    query = proxied.sign_params(creds, {"symbol": "BTCUSDT"})
    headers = {"X-MBX-APIKEY": creds.api_key, "X-Forwarded-For": "203.0.113.7, 10.0.0.5"}
    r = await proxied.http.get(f"/fapi/v1/positionMargin/history?{query}", headers=headers)
    assert (r.status_code, r.json()["msg"]) == (
        401,
        "Invalid API-key, IP, or permissions for action, request ip: 203.0.113.7",
    )


async def test_weight_is_counted_per_forwarded_client(proxied: Api) -> None:
    for ip, expected in (("198.51.100.1", "1"), ("198.51.100.2", "1"), ("198.51.100.1", "2")):
        r = await proxied.http.get("/fapi/v1/ping", headers={"X-Forwarded-For": ip})
        assert r.headers["x-mbx-used-weight-1m"] == expected
    # a spoofed chain ending in an untrusted hop: that hop is the client
    r = await proxied.http.get("/fapi/v1/ping", headers={"X-Forwarded-For": "198.51.100.1, 8.8.8.8"})
    assert r.headers["x-mbx-used-weight-1m"] == "1"


@pytest.mark.slow
def test_serve_trusted_proxy_flag(db_url: str) -> None:
    args = ["--trusted-proxy", "127.0.0.1", "--trusted-proxy", "10.0.0.0/8"]
    # a master key of its own: on PostgreSQL the default key file is ./isomargin-master.key
    with (
        LiveServer(db_url, extra_args=args, env={"ISOMARGIN_MASTER_KEY": new_master_key()}) as server,
        httpx.Client(base_url=server.base_url) as http,
    ):
        used = [
            http.get("/fapi/v1/ping", headers={"X-Forwarded-For": f"198.51.100.{n}, 10.1.1.1"}).headers[
                "x-mbx-used-weight-1m"
            ]
            for n in (1, 2, 1)
        ]
    assert used == ["1", "1", "2"]  # counted per forwarded client, not per proxy


@pytest.mark.slow
def test_serve_ignores_forwarded_for_without_trusted_proxies(db_url: str) -> None:
    """A real server (uvicorn in front) must not let a local client pick its IP with a header."""
    with (
        LiveServer(db_url, env={"ISOMARGIN_MASTER_KEY": new_master_key()}) as server,
        httpx.Client(base_url=server.base_url) as http,
    ):
        used = [
            http.get("/fapi/v1/ping", headers={"X-Forwarded-For": f"198.51.100.{n}"}).headers["x-mbx-used-weight-1m"]
            for n in (1, 2, 3)
        ]
    # one client (the socket's 127.0.0.1, which also sent the start-up ping), whatever the header says
    first = int(used[0])
    assert used == [str(first), str(first + 1), str(first + 2)]
