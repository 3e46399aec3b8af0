"""Property-based fuzzing of the Binance surface, generated from the published OpenAPI document.

Thousands of requests — valid, hostile and half-valid values, duplicates, extra parameters,
wrong methods and paths, query or body, unsigned, correctly signed, wrongly signed, stale — sent
to the in-process app and to a running ``isomargin serve``. Properties, for every request:

- no 5xx, the body is JSON, and every error body is exactly ``{"code", "msg"}`` with a
  (code, message) pair from the catalogue (isomargin/errors.py) — except where the real server
  answers otherwise: a path it does not serve is a 404 HTML page, an ``OPTIONS`` pre-flight an
  empty 200 (api/headers.py);
- a signed endpoint never succeeds without a valid signature by a known key;
- a rejected request leaves the account unchanged (cross wallet, isolated wallets, history).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from isomargin import errors
from isomargin.api.app import create_app
from isomargin.api.openapi import Param, openapi_document, params_of
from isomargin.api.route import Endpoint
from isomargin.api.routes import ROUTES
from isomargin.config import Settings
from tests.support import CONTROL, LiveServer

CATALOGUE = [
    (spec.code, re.compile(re.escape(spec.template).replace("%s", ".+?") + r"\Z", re.S)) for spec in errors.all_specs()
]
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]
KNOWN_PATHS = {r.path for r in ROUTES}
HOSTILE = [
    "", " ", " 1", "1 ", "1e3", "1E-2", "NaN", "Infinity", "-Infinity", "-0", "-0.0", "0", "-1", "3",
    "9" * 70, "1" * 600, "0.000000001", "1.5", "0x10", "1,000", "١", "１", "null", "true", "[]", "{}",
    "btcusdt", "BTC USDT", "BTCUSDT\x00", "BOTH ", "\u202e", "é", "'; DROP TABLE accounts;--",
    "99999999999999999999", "-9223372036854775809",
]  # fmt: skip
RAW_HOSTILE = ["%zz", "%", "%FF%FE", "%C0%AF", "%E2%82"]  # sent as they are, not percent-encoded
SYMBOLS = ["BTCUSDT", "ETHUSDT", "BTCUSDT", "ETHUSDT", "NOPEUSDT"]
#: signed, state-changing routes drawn four times as often as the rest
WEIGHTED_ROUTES = [r for r in ROUTES for _ in range(4 if r.security.signed else 1)]


def valid_value(param: Param) -> st.SearchStrategy[str]:
    if param.kind == "symbol":
        return st.sampled_from(SYMBOLS)
    if param.kind == "decimal":
        return st.decimals(min_value=0, max_value=3000, places=3).map(str)
    if param.values:
        return st.sampled_from(param.values)
    if param.kind == "integer":
        if param.name == "recvWindow":
            return st.integers(1, 70_000).map(str)
        return st.integers(0, 2**63 - 1).map(str)
    return st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=16)


def encoded(value: str) -> str:
    return quote(value, safe="")


def one_in(options: list[str]) -> st.SearchStrategy[str]:
    """A uniform pick (``st.integers`` would favour its bounds, and so make rare cases common)."""
    return st.integers(0, len(options) - 1).map(lambda i: options[(i * 7919) % len(options)])


def chance(n: int) -> st.SearchStrategy[bool]:
    """True about once in ``n`` draws."""
    return one_in(["yes"] + ["no"] * (n - 1)).map(lambda v: v == "yes")


@st.composite
def value_for(draw: st.DrawFn, param: Param) -> str:
    """Mostly valid (so requests get past parsing to auth and the business rules), else hostile."""
    pick = draw(one_in(["valid"] * 16 + ["hostile"] * 2 + ["raw"] + ["text"]))
    if pick == "valid":
        return encoded(draw(valid_value(param)))
    if pick == "hostile":
        return encoded(draw(st.sampled_from(HOSTILE)))
    if pick == "raw":
        return draw(st.sampled_from(RAW_HOSTILE))
    return encoded(draw(st.text(max_size=12)))


@dataclass
class Request:
    method: str
    path: str
    route: Endpoint | None
    pairs: list[tuple[str, str]]  # already encoded
    where: str  # query | body | split
    signing: str  # none | valid | bad | unknown_key | stale | fuzzed (timestamp) | garbled (signature)
    fuzzed: str  # the hostile timestamp or signature value, already encoded


@st.composite
def requests(draw: st.DrawFn) -> Request:
    route: Endpoint | None = draw(st.sampled_from(WEIGHTED_ROUTES))
    assert route is not None
    method, path = route.method, route.path
    if draw(chance(10)):  # a wrong method on a known path, or an unknown path
        method = draw(st.sampled_from(METHODS))
        if draw(st.booleans()):
            path = "/fapi/v1/" + encoded(draw(st.text(max_size=12)))
        route = next((r for r in ROUTES if (r.method, r.path) == (method, path)), None)
    params = [p for p in params_of(route) if p.name not in ("timestamp", "signature")] if route else []
    pairs: list[tuple[str, str]] = []
    for param in params:
        if draw(chance(10 if param.required else 3)):  # left out
            continue
        pairs.append((param.name, draw(value_for(param))))
        if draw(chance(25)):
            pairs.append((param.name, draw(value_for(param))))  # a duplicate
    for i in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):  # unknown parameters
        pairs.append((f"x{i}" + encoded(draw(st.text(max_size=8))), encoded(draw(st.text(max_size=8)))))
    pairs = draw(st.permutations(pairs))
    signing = draw(
        st.sampled_from(["none", "valid", "valid", "valid", "bad", "unknown_key", "stale", "fuzzed", "garbled"])
    )
    fuzzed = ""
    if signing in ("fuzzed", "garbled"):
        fuzzed = draw(st.sampled_from(HOSTILE).map(encoded) | st.text(min_size=1, max_size=70).map(encoded))
    return Request(method, path, route, pairs, draw(st.sampled_from(["query", "body", "split"])), signing, fuzzed)


@dataclass
class Account:
    account_id: int
    api_key: str
    secret: str


def build(req: Request, account: Account) -> tuple[str, bytes, dict[str, str]]:
    """The URL, body and headers, signing the exact bytes that go on the wire."""
    pairs = list(req.pairs)
    if req.signing != "none":
        now = int(time.time() * 1000)
        stamp = {"stale": str(now - 120_000), "fuzzed": req.fuzzed}.get(req.signing, str(now))
        pairs.append(("timestamp", stamp))
    text = [f"{k}={v}" for k, v in pairs]
    cut = {"query": len(text), "body": 0, "split": len(text) // 2}[req.where]
    query, body = "&".join(text[:cut]), "&".join(text[cut:])
    headers: dict[str, str] = {}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if req.signing != "none":
        headers["X-MBX-APIKEY"] = "no-such-key-123" if req.signing == "unknown_key" else account.api_key
        secret = "0" * 64 if req.signing == "bad" else account.secret
        signature = hmac.new(secret.encode(), (query + body).encode(), hashlib.sha256).hexdigest()
        if req.signing == "garbled":
            signature = req.fuzzed
        if body:
            body += f"&signature={signature}"
        else:
            query = f"{query}&signature={signature}" if query else f"signature={signature}"
    url = f"{req.path}?{query}" if query else req.path
    return url, body.encode(), headers


class InProcessClient:
    """Synchronous calls into the ASGI app on a private event loop (hypothesis tests are sync)."""

    def __init__(self, app: Any) -> None:
        self.loop = asyncio.new_event_loop()
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")

    def request(self, method: str, url: str, **kw: Any) -> httpx.Response:
        return self.loop.run_until_complete(self.http.request(method, url, **kw))

    def get(self, url: str, **kw: Any) -> httpx.Response:
        return self.request("GET", url, **kw)

    def post(self, url: str, **kw: Any) -> httpx.Response:
        return self.request("POST", url, **kw)

    def close(self) -> None:
        self.loop.run_until_complete(self.http.aclose())
        self.loop.close()


Client = httpx.Client | InProcessClient


def snapshot(http: Client, account: Account) -> Any:
    summary = http.get(f"{CONTROL}/accounts/{account.account_id}").json()
    return summary["crossWalletBalance"], summary["walletBalance"], summary["positions"]


#: the account's last known state per client: unchanged by a rejected request, so the snapshot
#: taken after one is the next request's "before" (one control-plane read per example, not two)
_known_state: dict[int, Any] = {}


def check(http: Client, account: Account, req: Request) -> None:
    before = _known_state.pop(id(http), None) or snapshot(http, account)
    url, body, headers = build(req, account)
    r = http.request(req.method, url, content=body, headers=headers)
    assert r.status_code < 500, (req, r.status_code, r.text)
    if req.method == "OPTIONS":  # a CORS pre-flight: answered before anything else looks
        assert (r.status_code, r.content, r.headers["access-control-allow-origin"]) == (200, b"", "*"), req
        event("OPTIONS pre-flight")
        return
    if req.path not in KNOWN_PATHS:
        assert (r.status_code, r.headers["content-type"]) == (404, "text/html"), (req, r.status_code, r.text)
        event("404 page")
        after = snapshot(http, account)
        assert after == before, ("a request to an unknown path changed the account", req)
        _known_state[id(http)] = after
        return
    payload = r.json()
    event(f"{r.status_code} {payload.get('code', '') if isinstance(payload, dict) else 'list'} {req.path[:40]}")
    if r.status_code == 200:
        assert req.route is not None
        if req.route.security.signed:
            assert req.signing == "valid", ("a signed endpoint succeeded without a valid signature", req)
        return
    assert isinstance(payload, dict) and set(payload) == {"code", "msg"}, (req, payload)
    code, msg = payload["code"], payload["msg"]
    assert isinstance(code, int) and isinstance(msg, str)
    assert any(code == c and pattern.match(msg) for c, pattern in CATALOGUE), (req, payload)
    after = snapshot(http, account)
    assert after == before, ("a rejected request changed the account", req, payload)
    _known_state[id(http)] = after


def setup_account(http: Client) -> Account:
    r = http.post(f"{CONTROL}/accounts", json={"balance": "100000"})
    data = r.json()
    account = Account(data["accountId"], data["apiKey"], data["secretKey"])
    for symbol, amt, entry in (("BTCUSDT", "0.5", "50000"), ("ETHUSDT", "-2", "3000")):
        body = {"accountId": account.account_id, "symbol": symbol, "positionAmt": amt, "entryPrice": entry}
        assert http.post(f"{CONTROL}/positions", json=body).status_code == 201
    return account


def fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
    )


@pytest.fixture(scope="module")
def in_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Client, Account]]:
    tmp = tmp_path_factory.mktemp("fuzz")
    app = create_app(Settings(db_url=f"sqlite:///{tmp}/fuzz.db", weight_limit_per_minute=10**9))
    client = InProcessClient(app)
    yield client, setup_account(client)
    client.close()
    app.state.store.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, Account]]:
    tmp: Path = tmp_path_factory.mktemp("fuzz-live")
    server = LiveServer(f"sqlite:///{tmp}/fuzz.db", extra_args=["--weight-limit", str(10**9)], log_path=tmp / "log")
    with server, httpx.Client(base_url=server.base_url, timeout=10) as client:
        yield client, setup_account(client)


@fuzz_settings(1500)
@given(req=requests())
def test_fuzz_in_process(in_process: tuple[Client, Account], req: Request) -> None:
    check(*in_process, req)


@pytest.mark.slow
@fuzz_settings(600)
@given(req=requests())
def test_fuzz_live_server(live: tuple[Client, Account], req: Request) -> None:
    check(*live, req)


def test_openapi_document_lists_every_route(in_process: tuple[Client, Account]) -> None:
    http, _ = in_process
    doc = http.get(f"{CONTROL}/openapi.json").json()
    assert doc == openapi_document() and doc["openapi"] == "3.0.3"
    listed = {(method.upper(), path) for path, ops in doc["paths"].items() for method in ops}
    assert listed == {(r.method, r.path) for r in ROUTES} | {("GET", "/_isomargin/v1/accounts")}
    paging = doc["paths"]["/_isomargin/v1/accounts"]["get"]["parameters"]
    assert [(p["name"], p["schema"].get("default")) for p in paging] == [("offset", 0), ("limit", 100)]
    margin = doc["paths"]["/fapi/v1/positionMargin"]["post"]
    assert [p["name"] for p in margin["parameters"]] == [
        "symbol", "positionSide", "amount", "type", "recvWindow", "timestamp", "signature",
    ]  # fmt: skip
    assert margin["security"] == [{"ApiKey": []}] and margin["x-weight"] == 1
    assert doc["paths"]["/fapi/v1/premiumIndex"]["get"]["x-weight"] == "depends on parameters"
    assert -1022 in doc["components"]["schemas"]["Error"]["properties"]["code"]["enum"]
