"""``GET /fapi/v1/positionMargin/history`` [PMH]: its errors and its 30-day rules.

[PMH]: "Support querying future histories that are not older than 30 days"; "The time between
``startTime`` and ``endTime`` can't be more than 30 days"; ``endTime`` "Default current time if not
pass"; ``limit`` "Default: 500". -1023 and -4165 per reference §4.1 (-4165 assumed). Time moves
with the control plane's ``PUT /_isomargin/v1/clock``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from isomargin.api.app import IsomarginApp, create_app
from isomargin.clock import FixedClock
from isomargin.config import Settings
from isomargin.store import repo
from tests.support import CONTROL, Api, Creds

NOW = 1_700_000_000_000
DAY = 86_400_000
PATH = "/fapi/v1/positionMargin/history"


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[IsomarginApp]:
    application = create_app(settings, clock=FixedClock(NOW))
    yield application
    application.state.store.close()


async def set_clock(api: Api, offset_ms: int) -> None:
    r = await api.http.put(f"{CONTROL}/clock", json={"offsetMs": offset_ms})
    assert r.status_code == 200, r.text
    assert r.json() == {"offsetMs": offset_ms, "serverTime": NOW + offset_ms, "frozen": False}


@pytest.fixture
async def creds(api: Api) -> Creds:
    """Row OPEN (the open's TRADE: its isolatedWallet 100) and row A (add 10) at NOW, row B (reduce 3)
    at NOW + 20 days; the clock is left at NOW + 20 days."""
    creds = await api.account("10000")
    await api.mark("BTCUSDT", "50000")
    await api.position(creds, isolatedWallet="100")
    assert (await api.margin(creds, "10", 1)).status_code == 200
    await set_clock(api, 20 * DAY)
    assert (await api.margin(creds, "3", 2)).status_code == 200
    return creds


async def history(api: Api, creds: Creds, **params: Any) -> list[tuple[str, int]]:
    r = await api.history(creds, **params)
    assert r.status_code == 200, r.text
    return [(row["amount"], row["time"]) for row in r.json()]


OPEN = ("100.00000000", NOW)  # the control plane's open writes the TRADE row an order's open writes
A = ("10.00000000", NOW)
B = ("-3.00000000", NOW + 20 * DAY)


async def test_default_window_is_the_last_30_days(api: Api, creds: Creds) -> None:
    assert await history(api, creds) == [OPEN, A, B]
    await set_clock(api, 35 * DAY)  # OPEN and A are now 35 days old
    assert await history(api, creds) == [B]
    await set_clock(api, 51 * DAY)  # B is 31 days old
    assert await history(api, creds) == []


async def test_nothing_older_than_30_days_even_inside_the_asked_range(api: Api, creds: Creds) -> None:
    await set_clock(api, 35 * DAY)
    assert await history(api, creds, startTime=NOW - 1, endTime=NOW + 21 * DAY) == [B]
    # endTime only: startTime defaults to endTime − 30 days, then clipped to now − 30 days
    assert await history(api, creds, endTime=NOW + 21 * DAY) == [B]
    assert await history(api, creds, startTime=NOW, endTime=NOW) == []


async def test_explicit_ranges_are_inclusive(api: Api, creds: Creds) -> None:
    assert await history(api, creds, startTime=NOW, endTime=NOW) == [OPEN, A]
    assert await history(api, creds, startTime=NOW + 1) == [B]
    assert await history(api, creds, endTime=NOW) == [OPEN, A]
    # exactly 30 days apart is allowed (30 days + 1 ms is -4165, below)
    assert await history(api, creds, startTime=NOW - 10 * DAY, endTime=NOW + 20 * DAY) == [OPEN, A, B]
    assert await history(api, creds, startTime=NOW - 10 * DAY + 1, endTime=NOW + 20 * DAY) == [OPEN, A, B]


async def test_type_and_limit(api: Api, creds: Creds) -> None:
    assert await history(api, creds, type=1) == [OPEN, A]
    assert await history(api, creds, type=2) == [B]
    assert await history(api, creds, limit=1) == [OPEN]  # ascending time (then written order), first rows
    assert await history(api, creds, limit=2) == [OPEN, A]
    assert await history(api, creds, limit=1000) == [OPEN, A, B]  # above 500: served as 500 (assumed)


async def test_other_symbol_and_other_account_see_nothing(api: Api, creds: Creds) -> None:
    assert await history(api, creds, symbol="ETHUSDT") == []
    other = await api.account("10")
    assert await history(api, other) == []


M1102 = "Mandatory parameter '%s' was not sent, was empty/null, or malformed."
ERRORS = [
    (
        "start-after-end",
        f"symbol=BTCUSDT&startTime={NOW + 1}&endTime={NOW}",
        -1023,
        "Start time is greater than end time.",
    ),
    (
        "range-over-30-days",
        f"symbol=BTCUSDT&startTime={NOW - 10 * DAY - 1}&endTime={NOW + 20 * DAY}",
        -4165,
        "Maximum time interval is 30 days",
    ),
    # startTime alone, 31 days before now: endTime defaults to now
    ("start-only-too-old", f"symbol=BTCUSDT&startTime={NOW - 11 * DAY}", -4165, "Maximum time interval is 30 days"),
    ("symbol-missing", "type=1", -1102, M1102 % "symbol"),
    ("symbol-empty", "symbol=", -1102, M1102 % "symbol"),
    ("symbol-unknown", "symbol=FOOUSDT", -1121, "Invalid symbol."),
    (
        "symbol-lowercase",
        "symbol=btcusdt",
        -1100,
        "Illegal characters found in parameter 'symbol'; legal range is '^[A-Z0-9-_.]{1,20}$'.",
    ),
    ("type-3", "symbol=BTCUSDT&type=3", -1130, "Data sent for parameter 'type' is not valid."),
    ("type-garbage", "symbol=BTCUSDT&type=x", -1102, M1102 % "type"),
    ("limit-0", "symbol=BTCUSDT&limit=0", -1130, "Data sent for parameter 'limit' is not valid."),
    ("limit-garbage", "symbol=BTCUSDT&limit=ten", -1102, M1102 % "limit"),
    ("startTime-garbage", "symbol=BTCUSDT&startTime=yesterday", -1102, M1102 % "starttime"),
    ("endTime-empty", "symbol=BTCUSDT&endTime=", -1102, M1102 % "endtime"),
    ("duplicate", "symbol=BTCUSDT&symbol=ETHUSDT", -1101, "Duplicate values for a parameter detected."),
]


@pytest.mark.parametrize(("query", "code", "msg"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
async def test_history_errors(api: Api, app: IsomarginApp, creds: Creds, query: str, code: int, msg: str) -> None:
    """At NOW + 20 days (the ``creds`` fixture leaves the clock there)."""
    count = await app.state.store.read(lambda tx: repo.count_history(tx))
    r = await api.raw("GET", PATH, creds, f"{query}&timestamp={NOW + 20 * DAY}")
    assert_error(r, 400, code, msg)
    assert await app.state.store.read(lambda tx: repo.count_history(tx)) == count == 3


@pytest.mark.parametrize(
    ("key", "sign", "code", "msg", "status"),
    [
        (None, True, -2014, "API-key format invalid.", 401),
        ("y" * 64, True, -2015, "Invalid API-key, IP, or permissions for action, request ip: 127.0.0.1", 401),
        ("own", False, -1102, M1102 % "signature", 400),
    ],
)
async def test_history_auth_errors(
    api: Api, creds: Creds, key: str | None, sign: bool, code: int, msg: str, status: int
) -> None:
    r = await api.raw(
        "GET",
        PATH,
        creds,
        f"symbol=BTCUSDT&timestamp={NOW + 20 * DAY}",
        sign=sign,
        api_key=None if key in (None, "own") else key,
        send_key=key is not None,
    )
    assert_error(r, status, code, msg)


async def test_history_timestamp_follows_the_shifted_clock(api: Api, creds: Creds) -> None:
    """After the clock moved 20 days, a client on the wall clock is outside the recvWindow."""
    r = await api.raw("GET", PATH, creds, f"symbol=BTCUSDT&timestamp={NOW}")
    assert_error(r, 400, -1021, "Timestamp for this request is outside of the recvWindow.")


def assert_error(r: httpx.Response, status: int, code: int, msg: str) -> None:
    assert r.status_code == status, r.text
    assert r.text == json.dumps({"code": code, "msg": msg}, separators=(",", ":"))


async def test_a_get_reads_its_parameters_from_the_query_only(api: Api, creds: Creds) -> None:
    """[GI] "For GET endpoints, parameters must be sent as a query string": a correctly signed
    GET with everything in a form body finds no parameters, as a client would find on Binance."""
    stamp = f"timestamp={NOW + 20 * DAY}"
    r = await api.raw("GET", PATH, creds, body=f"symbol=BTCUSDT&{stamp}")
    assert_error(r, 400, -1102, M1102 % "symbol")
    # the same parameters in the query: the open's TRADE row and the account's two changes
    r = await api.raw("GET", PATH, creds, f"symbol=BTCUSDT&{stamp}")
    assert r.status_code == 200
    assert [row["amount"] for row in r.json()] == ["100.00000000", "10.00000000", "-3.00000000"]
