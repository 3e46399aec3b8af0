"""Every error ``POST /fapi/v1/positionMargin`` can return: code, msg, HTTP status, exact JSON body.

Table-driven over one fixed world (accounts in one-way and hedge mode, a CROSSED symbol, an
account with no position) on a clock that stands still, so timestamp boundaries are exact.
Sources: reference §2.1 ([EC], [GI], observed [I150][I239]); GUESSes are marked "assumed" in
``isomargin.errors`` and listed in docs/COVERAGE.md. Every rejected request must leave wallets and
history exactly as they were.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx
import pytest

from isomargin.api.app import IsomarginApp, create_app
from isomargin.clock import FixedClock
from isomargin.config import Settings
from isomargin.store import repo
from tests.support import CONTROL, Api, Creds

NOW = 1_700_000_000_000  # the server's fixed "now"
SYMBOL_RANGE = "^[A-Z0-9-_.]{1,20}$"
IM = "Isolated balance insufficient."
NO_POS = "Cannot add position margin: position is 0."
# -2015 names the requester's IP (audit #10); httpx's ASGI transport connects from 127.0.0.1
REJECTED = "Invalid API-key, IP, or permissions for action, request ip: 127.0.0.1"


def m1102(name: str) -> str:
    return f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed."


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[IsomarginApp]:
    application = create_app(settings, clock=FixedClock(NOW))
    yield application
    application.state.store.close()


@dataclass
class World:
    api: Api
    app: IsomarginApp
    accounts: dict[str, Creds] = field(default_factory=dict)

    async def snapshot(self) -> tuple[Any, int]:
        """Everything a rejected request must not change: every wallet and position, the history."""
        accounts = (await self.api.http.get(f"{CONTROL}/accounts")).json()
        history = await self.app.state.store.read(lambda tx: repo.count_history(tx))
        return accounts, history


@pytest.fixture
async def world(api: Api, app: IsomarginApp) -> World:
    w = World(api, app)
    await api.mark("BTCUSDT", "50000")
    await api.mark("ETHUSDT", "2000")
    # one-way: BTCUSDT BOTH 0.01 @ 50000, leverage 10, isolated wallet 100 → max removable
    # min(100 − MM, 100 + 0 − 50000 × 0.01 × 0.1) = 50 (reference §6.3); cross wallet 10000 − 100 − 20 = 9880.
    oneway = w.accounts["oneway"] = await api.account("10000")
    await api.position(oneway, "BTCUSDT", "0.01", "50000", leverage=10, isolatedWallet="100")
    # ETHUSDT 0.1 @ 2000 (initial margin 20) held but CROSSED (test_crossed_symbol_setup says why
    # the store sets it).
    await api.position(oneway, "ETHUSDT", "0.1", "2000", leverage=10)
    await app.state.store.write(
        lambda tx: repo.upsert_symbol_config(tx, oneway.account_id, repo.SymbolConfig("ETHUSDT", "CROSSED", 10))
    )
    hedge = w.accounts["hedge"] = await api.account("10000", dual=True)
    await api.position(hedge, "BTCUSDT", "0.01", "50000", leverage=10, side="LONG")
    # empty: BTCUSDT switched to ISOLATED through Binance's own endpoint, but no position
    empty = w.accounts["empty"] = await api.account("10000")
    r = await api.signed("POST", "/fapi/v1/marginType", empty, {"symbol": "BTCUSDT", "marginType": "ISOLATED"})
    assert r.status_code == 200, r.text
    # fresh: never configured anything, so every symbol is CROSSED (Binance's default)
    w.accounts["fresh"] = await api.account("10000")
    return w


@dataclass(frozen=True)
class Case:
    id: str
    query: str  # "{ts}" is the server's now; "{ts+N}"/"{ts-N}" shift it
    code: int
    msg: str
    status: int = 400
    account: str = "oneway"
    body: str = ""
    sign: bool = True
    key: str = "own"  # own | none | empty | unknown | spaced
    secret: str | None = None


OK = "symbol=BTCUSDT&amount=1&type=1"
TS = "timestamp={ts}"

CASES = [
    # --- API key (401) [EC][GI] ---------------------------------------------------------------
    Case("no-key-header", f"{OK}&{TS}", -2014, "API-key format invalid.", 401, key="none"),
    Case("empty-key-header", f"{OK}&{TS}", -2014, "API-key format invalid.", 401, key="empty"),
    Case("key-with-space", f"{OK}&{TS}", -2014, "API-key format invalid.", 401, key="spaced"),
    Case("unknown-key", f"{OK}&{TS}", -2015, REJECTED, 401, key="unknown"),
    # --- -1102 missing, empty or malformed ---------------------------------------------------
    Case("symbol-missing", f"amount=1&type=1&{TS}", -1102, m1102("symbol")),
    Case("symbol-empty", f"symbol=&amount=1&type=1&{TS}", -1102, m1102("symbol")),
    Case("symbol-whitespace", f"symbol=%20BTCUSDT&amount=1&type=1&{TS}", -1102, m1102("symbol")),
    Case("amount-missing", f"symbol=BTCUSDT&type=1&{TS}", -1102, m1102("amount")),
    Case("amount-empty", f"symbol=BTCUSDT&amount=&type=1&{TS}", -1102, m1102("amount")),
    Case("amount-garbage", f"symbol=BTCUSDT&amount=abc&type=1&{TS}", -1102, m1102("amount")),
    Case("amount-exponent", f"symbol=BTCUSDT&amount=1e2&type=1&{TS}", -1102, m1102("amount")),
    Case("amount-whitespace", f"symbol=BTCUSDT&amount=%201&type=1&{TS}", -1102, m1102("amount")),
    Case("amount-nan", f"symbol=BTCUSDT&amount=NaN&type=1&{TS}", -1102, m1102("amount")),
    Case("type-missing", f"symbol=BTCUSDT&amount=1&{TS}", -1102, m1102("type")),
    Case("type-empty", f"symbol=BTCUSDT&amount=1&type=&{TS}", -1102, m1102("type")),
    Case("type-garbage", f"symbol=BTCUSDT&amount=1&type=ADD&{TS}", -1102, m1102("type")),
    Case("type-decimal", f"symbol=BTCUSDT&amount=1&type=1.0&{TS}", -1102, m1102("type")),
    Case("timestamp-missing", OK, -1102, m1102("timestamp")),
    Case("timestamp-empty", f"{OK}&timestamp=", -1102, m1102("timestamp")),
    Case("timestamp-garbage", f"{OK}&timestamp=now", -1102, m1102("timestamp")),
    Case("timestamp-decimal", f"{OK}&timestamp={{ts}}.5", -1102, m1102("timestamp")),
    Case("signature-missing", f"{OK}&{TS}", -1102, m1102("signature"), sign=False),
    Case("signature-empty", f"{OK}&{TS}&signature=", -1102, m1102("signature"), sign=False),
    Case("signature-whitespace", f"{OK}&{TS}&signature=%20ab", -1102, m1102("signature"), sign=False),
    Case("recvWindow-empty", f"{OK}&recvWindow=&{TS}", -1102, m1102("recvwindow")),
    Case("recvWindow-garbage", f"{OK}&recvWindow=5s&{TS}", -1102, m1102("recvwindow")),
    Case("recvWindow-zero", f"{OK}&recvWindow=0&{TS}", -1102, m1102("recvwindow")),
    Case("recvWindow-negative", f"{OK}&recvWindow=-1&{TS}", -1102, m1102("recvwindow")),
    # --- -1100 illegal characters, -1101 duplicates -------------------------------------------
    Case(
        "symbol-lowercase",
        f"symbol=btcusdt&amount=1&type=1&{TS}",
        -1100,
        f"Illegal characters found in parameter 'symbol'; legal range is '{SYMBOL_RANGE}'.",
    ),
    Case(
        "symbol-dollar",
        f"symbol=BTC%24USDT&amount=1&type=1&{TS}",
        -1100,
        f"Illegal characters found in parameter 'symbol'; legal range is '{SYMBOL_RANGE}'.",
    ),
    Case(
        "symbol-too-long",
        f"symbol={'A' * 21}&amount=1&type=1&{TS}",
        -1100,
        f"Illegal characters found in parameter 'symbol'; legal range is '{SYMBOL_RANGE}'.",
    ),
    Case(
        "bad-percent-escape",
        f"symbol=BTCUSDT&amount=1%zz&type=1&{TS}",
        -1100,
        "Illegal characters found in a parameter.",
    ),
    Case("duplicate-in-query", f"{OK}&amount=2&{TS}", -1101, "Duplicate values for a parameter detected."),
    Case(
        "duplicate-in-body",
        "",
        -1101,
        "Duplicate values for a parameter detected.",
        body=f"{OK}&type=2&{TS}",
    ),
    # --- -1121, -1130, -1102 values -----------------------------------------------------------
    Case("unknown-symbol", f"symbol=FOOUSDT&amount=1&type=1&{TS}", -1121, "Invalid symbol."),
    Case("type-3", f"symbol=BTCUSDT&amount=1&type=3&{TS}", -1130, "Data sent for parameter 'type' is not valid."),
    Case("type-0", f"symbol=BTCUSDT&amount=1&type=0&{TS}", -1130, "Data sent for parameter 'type' is not valid."),
    # an enum value outside BOTH/LONG/SHORT: -1102 naming it lower-cased (Params.enum; audit #3)
    Case("positionSide-garbage", f"{OK}&positionSide=UP&{TS}", -1102, m1102("positionside")),
    Case("positionSide-lowercase", f"{OK}&positionSide=long&{TS}", -1102, m1102("positionside")),
    # --- -1021 both messages [GI]: timestamp < serverTime + 1000 && serverTime − timestamp ≤ recvWindow
    Case(
        "timestamp-old",
        f"{OK}&timestamp={{ts-5001}}",
        -1021,
        "Timestamp for this request is outside of the recvWindow.",
    ),
    Case(
        "timestamp-old-own-window",
        f"{OK}&recvWindow=1000&timestamp={{ts-1001}}",
        -1021,
        "Timestamp for this request is outside of the recvWindow.",
    ),
    Case(
        "recvWindow-above-60000-is-60000",
        f"{OK}&recvWindow=100000&timestamp={{ts-60001}}",
        -1021,
        "Timestamp for this request is outside of the recvWindow.",
    ),
    Case(
        "timestamp-ahead-1000",
        f"{OK}&timestamp={{ts+1000}}",
        -1021,
        "Timestamp for this request was 1000ms ahead of the server's time.",
    ),
    Case(
        "timestamp-far-ahead",
        f"{OK}&timestamp={{ts+3600000}}",
        -1021,
        "Timestamp for this request was 1000ms ahead of the server's time.",
    ),
    # --- -1022 ----------------------------------------------------------------------------------
    Case("signature-wrong-secret", f"{OK}&{TS}", -1022, "Signature for this request is not valid.", secret="nope"),
    Case(
        "signature-of-other-bytes",
        f"{OK}&{TS}&signature=3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9",
        -1022,
        "Signature for this request is not valid.",
        sign=False,
    ),
    # --- amount rules ------------------------------------------------------------------------
    Case("amount-zero", f"symbol=BTCUSDT&amount=0&type=1&{TS}", -4055, "Amount must be positive."),
    Case("amount-zero-decimals", f"symbol=BTCUSDT&amount=0.00000000&type=2&{TS}", -4055, "Amount must be positive."),
    Case("amount-negative", f"symbol=BTCUSDT&amount=-1&type=1&{TS}", -4055, "Amount must be positive."),
    Case(
        "amount-9-decimals",
        f"symbol=BTCUSDT&amount=1.000000001&type=1&{TS}",
        -1111,
        "Precision is over the maximum defined for this asset.",
    ),
    Case(
        "amount-1e-9",
        f"symbol=BTCUSDT&amount=0.000000001&type=1&{TS}",
        -1111,
        "Precision is over the maximum defined for this asset.",
    ),
    # --- position side and mode ----------------------------------------------------------------
    Case(
        "LONG-in-one-way",
        f"{OK}&positionSide=LONG&{TS}",
        -4061,
        "Order's position side does not match user's setting.",
    ),
    Case(
        "SHORT-in-one-way",
        f"symbol=BTCUSDT&amount=1&type=2&positionSide=SHORT&{TS}",
        -4061,
        "Order's position side does not match user's setting.",
    ),
    # hedge mode with positionSide omitted: observed [I150]
    Case("hedge-no-side-add", f"{OK}&{TS}", -4054, NO_POS, account="hedge"),
    # [I239]: hedge mode, no side, a symbol never touched (CROSSED): still -4054
    Case("hedge-no-side-crossed-symbol-add", f"symbol=ETHUSDT&amount=1&type=1&{TS}", -4054, NO_POS, account="hedge"),
    Case("hedge-no-side-reduce", f"symbol=BTCUSDT&amount=1&type=2&{TS}", -4051, IM, account="hedge"),
    Case("hedge-BOTH-add", f"{OK}&positionSide=BOTH&{TS}", -4054, NO_POS, account="hedge"),
    Case("hedge-empty-SHORT-add", f"{OK}&positionSide=SHORT&{TS}", -4054, NO_POS, account="hedge"),
    Case(
        "hedge-empty-SHORT-reduce",
        f"symbol=BTCUSDT&amount=1&type=2&positionSide=SHORT&{TS}",
        -4051,
        IM,
        account="hedge",
    ),
    # --- no position, not isolated, balances ----------------------------------------------------
    Case("no-position-add", f"{OK}&{TS}", -4054, NO_POS, account="empty"),
    Case("no-position-reduce", f"symbol=BTCUSDT&amount=1&type=2&{TS}", -4051, IM, account="empty"),
    Case("fresh-crossed-add", f"{OK}&{TS}", -4049, "Add margin only support for isolated position.", account="fresh"),
    Case(
        "fresh-crossed-reduce",
        f"symbol=BTCUSDT&amount=1&type=2&{TS}",
        -4049,
        "Add margin only support for isolated position.",
        account="fresh",
    ),
    Case(
        "crossed-symbol-add",
        f"symbol=ETHUSDT&amount=1&type=1&{TS}",
        -4049,
        "Add margin only support for isolated position.",
    ),
    Case(
        "crossed-symbol-reduce",
        f"symbol=ETHUSDT&amount=1&type=2&{TS}",
        -4049,
        "Add margin only support for isolated position.",
    ),
    Case("add-above-cross", f"symbol=BTCUSDT&amount=100000&type=1&{TS}", -4050, "Cross balance insufficient."),
    Case(
        "add-cross-plus-1e-8", f"symbol=BTCUSDT&amount=9880.00000001&type=1&{TS}", -4050, "Cross balance insufficient."
    ),
    Case("reduce-above-max-removable", f"symbol=BTCUSDT&amount=50.00000001&type=2&{TS}", -4051, IM),
    Case("reduce-all-isolated", f"symbol=BTCUSDT&amount=100&type=2&{TS}", -4051, IM),
]


def fill(template: str) -> str:
    out = template.replace("{ts}", str(NOW))
    for sign in ("+", "-"):
        while "{ts" + sign in out:
            start = out.index("{ts" + sign)
            end = out.index("}", start)
            delta = int(out[start + 4 : end])
            out = out[:start] + str(NOW + delta if sign == "+" else NOW - delta) + out[end + 1 :]
    return out


async def send(world: World, case: Case) -> httpx.Response:
    creds = world.accounts[case.account]
    api_key = {"own": None, "none": None, "empty": "", "unknown": "x" * 64, "spaced": "abc def"}[case.key]
    return await world.api.raw(
        "POST",
        "/fapi/v1/positionMargin",
        creds,
        fill(case.query),
        fill(case.body),
        sign=case.sign,
        api_key=api_key,
        send_key=case.key != "none",
        secret=case.secret,
    )


def assert_binance_error(r: httpx.Response, status: int, code: int, msg: str) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json"
    assert "x-mbx-used-weight-1m" in r.headers
    assert r.text == json.dumps({"code": code, "msg": msg}, separators=(",", ":"))
    body = r.json()
    assert type(body["code"]) is int and type(body["msg"]) is str


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_position_margin_error(world: World, case: Case) -> None:
    before = await world.snapshot()
    r = await send(world, case)
    assert_binance_error(r, case.status, case.code, case.msg)
    assert await world.snapshot() == before


def test_every_position_margin_error_of_the_catalogue_is_in_the_table() -> None:
    """A new error the endpoint can raise must get a row here (reference §2.1)."""
    expected = {-2014, -2015, -1102, -1100, -1101, -1121, -1130, -1021, -1022, -4055, -1111}
    expected |= {-4061, -4054, -4051, -4049, -4050}
    assert {c.code for c in CASES} == expected


@dataclass(frozen=True)
class Accepted:
    id: str
    query: str
    type: int
    amount: Decimal
    body: str = ""
    uppercase: bool = False


ACCEPTED = [
    Accepted("hmac-uppercase", f"{OK}&{TS}", 1, Decimal("1"), uppercase=True),
    Accepted("nine-zero-decimals", f"symbol=BTCUSDT&amount=1.000000000&type=1&{TS}", 1, Decimal("1")),
    Accepted("eight-decimals", f"symbol=BTCUSDT&amount=23.36332311&type=1&{TS}", 1, Decimal("23.36332311")),
    Accepted("python-float-str", f"symbol=BTCUSDT&amount=100.0&type=1&{TS}", 1, Decimal("100")),
    Accepted("timestamp-999-ahead", f"{OK}&timestamp={{ts+999}}", 1, Decimal("1")),
    Accepted("timestamp-at-window-edge", f"{OK}&timestamp={{ts-5000}}", 1, Decimal("1")),
    Accepted("recvWindow-60000", f"{OK}&recvWindow=60000&timestamp={{ts-60000}}", 1, Decimal("1")),
    Accepted("recvWindow-huge-clamped", f"{OK}&recvWindow=9999999&timestamp={{ts-60000}}", 1, Decimal("1")),
    Accepted("BOTH-in-one-way", f"{OK}&positionSide=BOTH&{TS}", 1, Decimal("1")),
    Accepted("reduce-exactly-max-removable", f"symbol=BTCUSDT&amount=50&type=2&{TS}", 2, Decimal("50")),
    Accepted("add-whole-cross-wallet", f"symbol=BTCUSDT&amount=9880&type=1&{TS}", 1, Decimal("9880")),
    # the query string wins over the body for a parameter sent in both [GI]
    Accepted("query-wins-over-body", "symbol=BTCUSDT&amount=2&type=2", 2, Decimal("2"), body=f"amount=7&type=1&{TS}"),
    Accepted("all-in-body", "", 1, Decimal("1"), body=f"{OK}&{TS}"),
    Accepted("mixed-query-body", "symbol=BTCUSDT&type=1", 1, Decimal("1"), body=f"amount=1&{TS}"),
]


@pytest.mark.parametrize("case", ACCEPTED, ids=[c.id for c in ACCEPTED])
async def test_position_margin_boundary_accepted(world: World, case: Accepted) -> None:
    creds = world.accounts["oneway"]
    before = Decimal((await world.api.summary(creds))["crossWalletBalance"])
    r = await world.api.raw(
        "POST", "/fapi/v1/positionMargin", creds, fill(case.query), fill(case.body), uppercase=case.uppercase
    )
    assert r.status_code == 200, r.text
    assert r.json()["type"] == case.type and Decimal(str(r.json()["amount"])) == case.amount
    after = await world.api.summary(creds)
    delta = -case.amount if case.type == 1 else case.amount
    assert Decimal(after["crossWalletBalance"]) == before + delta
    assert Decimal(after["walletBalance"]) == Decimal("10000")


# --- wrong methods, unexpected failures -------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "status", "code", "msg"),
    [
        ("GET", "/fapi/v1/positionMargin", 405, -1020, "This operation is not supported."),
        ("DELETE", "/fapi/v1/positionMargin", 405, -1020, "This operation is not supported."),
        ("POST", "/fapi/v1/positionMargin/history", 405, -1020, "This operation is not supported."),
        ("POST", "/fapi/v1/ping", 405, -1020, "This operation is not supported."),
    ],
)
async def test_wrong_method(world: World, method: str, path: str, status: int, code: int, msg: str) -> None:
    before = await world.snapshot()
    r = await world.api.raw(method, path, world.accounts["oneway"], f"{OK}&timestamp={NOW}")
    assert_binance_error(r, status, code, msg)
    assert await world.snapshot() == before


async def test_unexpected_exception_is_a_binance_500_without_traceback(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from dataclasses import replace

    from isomargin.api.route import Route, write

    def explode(*args: object) -> None:
        raise RuntimeError("secret internals: Traceback /path/to/isomargin")

    # the route's service fails inside its transaction, as a bug in a use case would
    key = ("POST", "/fapi/v1/positionMargin")
    route = world.app.binance.routes[key]
    assert isinstance(route, Route)
    monkeypatch.setitem(world.app.binance.routes, key, replace(route, service=write(explode)))
    before = await world.snapshot()
    r = await world.api.raw("POST", "/fapi/v1/positionMargin", world.accounts["oneway"], f"{OK}&timestamp={NOW}")
    assert_binance_error(r, 500, -1000, "An unknown error occured while processing the request.")
    assert "Traceback" not in r.text and "secret" not in r.text
    assert await world.snapshot() == before
    assert "unexpected error" in caplog.text  # logged for the operator, not sent to the client


async def test_crossed_symbol_setup(world: World) -> None:
    """-4049 on a CROSSED symbol that holds a position needs a state no API reaches: the control
    plane opens isolated positions only, and Binance refuses to change the margin type of a symbol
    with a position (-4048). So the world sets that symbol config through the store (the usual
    -4049, on a CROSSED symbol with no position, is the "fresh" account's). This checks that the
    setup really is what the crossed-symbol cases are about."""
    creds = world.accounts["oneway"]
    config = await world.app.state.store.read(lambda tx: repo.get_symbol_config(tx, creds.account_id, "ETHUSDT"))
    assert config is not None and config.margin_type == "CROSSED"
    position = await world.app.state.store.read(lambda tx: repo.get_position(tx, creds.account_id, "ETHUSDT", "BOTH"))
    assert position is not None and position.position_amt == Decimal("0.1")


# --- order of checks (assumed; api/auth.py and service/margin.py, listed in docs/COVERAGE.md) ---

ORDER = [
    # key before everything
    Case(
        "unknown-key-beats-missing-params",
        "symbol=BTCUSDT",
        -2015,
        REJECTED,
        401,
        key="unknown",
        sign=False,
    ),
    # endpoint parameters before timestamp and signature
    Case(
        "params-beat-old-timestamp",
        "symbol=BTCUSDT&type=1&timestamp={ts-99999}",
        -1102,
        m1102("amount"),
        secret="nope",
    ),
    Case("timestamp-missing-beats-signature-missing", OK, -1102, m1102("timestamp"), sign=False),
    # timestamp before signature
    Case(
        "old-timestamp-beats-bad-signature",
        f"{OK}&timestamp={{ts-99999}}",
        -1021,
        "Timestamp for this request is outside of the recvWindow.",
        secret="nope",
    ),
    # signature before business rules
    Case(
        "bad-signature-beats-unknown-symbol",
        f"symbol=FOOUSDT&amount=1&type=1&{TS}",
        -1022,
        "Signature for this request is not valid.",
        secret="nope",
    ),
    # business rules: symbol, amount, side/mode, position, margin type, balance
    Case("unknown-symbol-beats-zero-amount", f"symbol=FOOUSDT&amount=0&type=1&{TS}", -1121, "Invalid symbol."),
    Case(
        "zero-amount-beats-side-mismatch",
        f"symbol=BTCUSDT&amount=0&type=1&positionSide=LONG&{TS}",
        -4055,
        "Amount must be positive.",
    ),
    Case(
        "side-mismatch-beats-no-position",
        f"{OK}&positionSide=LONG&{TS}",
        -4061,
        "Order's position side does not match user's setting.",
        account="empty",
    ),
    Case("no-position-beats-balance", f"symbol=BTCUSDT&amount=100000&type=1&{TS}", -4054, NO_POS, account="empty"),
    Case(
        "crossed-beats-no-position",
        f"symbol=BTCUSDT&amount=100000&type=1&{TS}",
        -4049,
        "Add margin only support for isolated position.",
        account="fresh",
    ),
    Case("hedge-BOTH-beats-crossed", f"symbol=ETHUSDT&amount=1&type=2&{TS}", -4051, IM, account="hedge"),
    Case(
        "crossed-beats-balance",
        f"symbol=ETHUSDT&amount=100000&type=1&{TS}",
        -4049,
        "Add margin only support for isolated position.",
    ),
]


@pytest.mark.parametrize("case", ORDER, ids=[c.id for c in ORDER])
async def test_order_of_checks(world: World, case: Case) -> None:
    before = await world.snapshot()
    r = await send(world, case)
    assert_binance_error(r, case.status, case.code, case.msg)
    assert await world.snapshot() == before
