"""A parity case: one request, the state it needs, what to mask, and what is known to differ.

The same case runs against isomargin (state built through the control plane) and, with
``--record``, against a real Binance environment (state reached through Binance's own API, or
stated as a precondition of the demo account, or the case is skipped there with its reason).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

import httpx

from isomargin.errors import ErrorSpec
from tests.parity.compare import KnownDifference
from tests.parity.jsontext import parse, render
from tests.parity.snapfile import Answer, Snapshot
from tests.parity.transform import Transformer, apply_all, mask_header
from tests.support import Api, Creds

#: headers a recording keeps (the rest is server noise: dates, CDN ids, connection)
RECORDED_HEADERS = ("content-type", "x-mbx-used-weight-1m")
#: Tampering a case may ask for, to provoke the authentication errors.
TAMPERS = ("stale-timestamp", "bad-signature", "unknown-key", "no-key")
#: A well-formed key no server knows (Binance keys are 64 letters and digits).
UNKNOWN_KEY = "parity" + "0" * 58


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str
    params: tuple[tuple[str, str], ...] = ()
    signed: bool = False
    tamper: str | None = None

    def __post_init__(self) -> None:
        assert self.tamper is None or self.tamper in TAMPERS, self.tamper

    @property
    def line(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True, slots=True)
class Scenario:
    """The state a case needs.

    ``build`` sets it up on isomargin through the control plane and returns the credentials to
    sign with (None: no account). On a real remote, ``remote_steps`` are Binance API requests that
    bring the demo account there (their answers are ignored: "already set" is fine), and
    ``precondition`` says what they cannot do (opening a position needs a trade)."""

    name: str
    build: Callable[[Api], Awaitable[Creds | None]]
    precondition: str = ""
    remote_steps: tuple[Request, ...] = ()
    #: the precondition needs a trade the steps cannot make: --record leaves such cases alone
    #: unless the recorder says the demo account is ready (--preconditions-met)
    needs_trade: bool = False


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    about: str
    request: Request
    scenario: Scenario
    transformers: tuple[Transformer, ...] = ()
    known: tuple[KnownDifference, ...] = ()
    #: the catalogue entry isomargin answers with, for an error case (feeds docs/COVERAGE.md)
    error: ErrorSpec | None = None
    #: why this case is never sent to a real remote (None: it is, with --record)
    remote_skip: str | None = None

    @property
    def endpoint(self) -> str:
        return self.request.line


def now_ms() -> int:
    return int(time.time() * 1000)


async def send(http: httpx.AsyncClient, creds: Creds | None, request: Request, clock: Callable[[], int]) -> Answer:
    """Send ``request`` the way the official SDK does (every parameter in the query string,
    HMAC-SHA256 hex over it, ``signature`` last) and return what came back."""
    headers: dict[str, str] = {}
    params = list(request.params)
    if request.signed:
        if creds is None:
            raise AssertionError(f"{request.line} is signed but its scenario has no account")
        # 2 minutes old: outside any recvWindow up to Binance's maximum of 60000 ms.
        stamp = clock() - 120_000 if request.tamper == "stale-timestamp" else clock()
        params.append(("timestamp", str(stamp)))
        payload = urlencode(params)
        secret = "0" * 64 if request.tamper == "bad-signature" else creds.secret_key
        signature = hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
        query = f"{payload}&signature={signature}"
        if request.tamper != "no-key":
            headers["X-MBX-APIKEY"] = UNKNOWN_KEY if request.tamper == "unknown-key" else creds.api_key
    else:
        query = urlencode(params)
    url = f"{request.path}?{query}" if query else request.path
    response = await http.request(request.method, url, headers=headers)
    return Answer(response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.text)


async def remote_clock(http: httpx.AsyncClient) -> Callable[[], int]:
    """Milliseconds on the remote's clock: this machine's, shifted by the offset ``/fapi/v1/time``
    reports, so a recorder whose clock drifts still lands inside Binance's recvWindow."""
    response = await http.get("/fapi/v1/time")
    offset = int(response.json()["serverTime"]) - now_ms() if response.status_code == 200 else 0
    return lambda: now_ms() + offset


async def answer_from(api: Api, case: Case, *, remote_creds: Creds | None = None) -> Answer:
    """Run ``case`` on a target: isomargin (``remote_creds`` None: scenario through the control
    plane) or a remote Binance (its steps through Binance's own API, signed with ``remote_creds``)."""
    if remote_creds is None:
        creds = await case.scenario.build(api)
        clock = api.now
    else:
        creds = remote_creds
        clock = await remote_clock(api.http)
        for step in case.scenario.remote_steps:
            await send(api.http, creds, step, clock)
    return await send(api.http, creds, case.request, clock)


def recorded_snapshot(case: Case, answer: Answer, base_url: str, today: str | None = None) -> Snapshot:
    """What ``--record`` writes: the answer with the case's transformers already applied, so no
    account-specific value (balances, ids, the recorder's IP) lands in the repository."""
    body = answer.text
    if answer.body_format == "json":
        body = render(apply_all(case.transformers, parse(answer.text)))
    return Snapshot(
        case=case.name,
        request=case.request.line,
        provenance={
            "kind": "recorded",
            "source": urlsplit(base_url).netloc or base_url,
            "date": today or datetime.now(UTC).date().isoformat(),
            "grade": "RECORDED",
        },
        status=answer.status,
        headers={h: mask_header(h, answer.headers[h]) for h in RECORDED_HEADERS if h in answer.headers},
        body=body,
        body_format=answer.body_format,
    )
