"""Property-based fuzzing of the control plane: any JSON to any of its calls.

Properties, for every request: no 5xx; the answer is JSON; a refusal is exactly
``{"error": "<words>"}`` with a 4xx status; and a refused call changes no money (the sum of
every account's wallet balance is unchanged).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from isomargin.api.app import create_app
from isomargin.config import Settings
from tests.security.test_fuzz import InProcessClient
from tests.support import CONTROL

FIELDS = [
    "balance", "dualSidePosition", "apiKey", "secretKey", "accountId", "symbol", "positionSide",
    "positionAmt", "entryPrice", "leverage", "isolatedWallet", "markPrice", "offsetMs", "type",
    "publicKey", "enabled", "enableFutures", "canTrade", "ipWhitelist",
]  # fmt: skip
#: values near the edges of what each field accepts, beside arbitrary JSON
EDGES = [
    "0", "1", "-1", "0.00000001", "1e3", "NaN", "10000", "999999999999999999.99999999", "1" + "0" * 18,
    "0.123456789", "BTCUSDT", "ETHUSDT", "BOTH", "LONG", "SHORT", "HMAC_SHA256", "RSA", "ED25519", "",
    " ", "é", "\x00", 0, 1, -1, 10, 125, 126, 2**63, -(2**63) - 1, 10**30, 1.5, True, False, None, [], {},
    ["10.0.0.0/8"], ["garbage"],
]  # fmt: skip
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
VALUE = st.sampled_from(EDGES) | JSON
CALLS = [
    ("POST", "/accounts"),
    ("POST", "/positions"),
    ("PUT", "/markPrices/BTCUSDT"),
    ("PUT", "/markPrices/{text}"),
    ("PUT", "/clock"),
    ("POST", "/accounts/{account}/apiKeys"),
    ("GET", "/accounts/{account}"),
    ("PATCH", "/apiKeys/{text}"),
    ("GET", "/apiKeys/{text}"),
    ("DELETE", "/apiKeys/{text}"),
]


@st.composite
def control_requests(draw: st.DrawFn) -> tuple[str, str, bytes]:
    method, path = draw(st.sampled_from(CALLS))
    account = draw(st.sampled_from(["1", "2", "0", "-1", str(2**63), "x", "1.5"]))
    text = quote(draw(st.text(min_size=1, max_size=70)), safe="")
    path = path.replace("{account}", account).replace("{text}", text)
    kind = draw(st.sampled_from(["object", "object", "object", "any", "garbage"]))
    if kind == "garbage":
        body = draw(st.binary(max_size=30))
    elif kind == "any":
        body = json.dumps(draw(JSON)).encode()
    else:
        names = draw(st.lists(st.sampled_from(FIELDS) | st.text(max_size=6), max_size=7))
        body = json.dumps({name: draw(VALUE) for name in names}).encode()
    return method, f"{CONTROL}{path}", body


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessClient]:
    tmp: Path = tmp_path_factory.mktemp("control-fuzz")
    app = create_app(Settings(db_url=f"sqlite:///{tmp}/fuzz.db"))
    http = InProcessClient(app)
    # two accounts for the calls that name one; a position so that opening another can conflict
    for body in ({"balance": "10000"}, {"balance": "10000", "dualSidePosition": True}):
        assert http.post(f"{CONTROL}/accounts", json=body).status_code == 201
    yield http
    http.close()
    app.state.store.close()


def total_money(http: InProcessClient) -> Decimal:
    accounts = http.get(f"{CONTROL}/accounts").json()
    return sum((Decimal(a["walletBalance"]) for a in accounts), Decimal(0))


@settings(
    max_examples=800,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(req=control_requests())
def test_fuzz_control_plane(client: InProcessClient, req: tuple[str, str, bytes]) -> None:
    method, url, body = req
    before = total_money(client)
    r = client.request(method, url, content=body, headers={"content-type": "application/json"})
    assert r.status_code < 500, (req, r.status_code, r.text)
    payload: Any = r.json()
    event(f"{method} {url.split('/')[3]} {r.status_code}")
    if r.status_code >= 400:
        assert isinstance(payload, dict) and set(payload) == {"error"} and isinstance(payload["error"], str), payload
        assert total_money(client) == before, ("a refused call changed money", req, payload)
