"""``POST``/``PUT``/``DELETE /fapi/v1/listenKey``: exact bodies, codes and statuses (trading reference §4.1)."""

from __future__ import annotations

import re

import httpx

from isomargin.api.app import IsomarginApp
from isomargin.store import outbox
from tests import snapshot
from tests.support import CONTROL, Api, Creds

PATH = "/fapi/v1/listenKey"
UNKNOWN_KEY = {"code": -1125, "msg": "This listenKey does not exist."}


async def call(api: Api, method: str, creds: Creds, query: str = "") -> httpx.Response:
    # USER_STREAM: the API key header, no timestamp, no signature [doc LK]
    return await api.raw(method, PATH, creds, query, sign=False)


async def shift_clock(api: Api, offset_ms: int) -> None:
    r = await api.http.put(f"{CONTROL}/clock", json={"offsetMs": offset_ms})
    assert r.status_code == 200, r.text


async def test_post_hands_out_one_key_per_account_and_the_same_key_again(api: Api) -> None:
    creds = await api.account()
    first = await call(api, "POST", creds)
    assert first.status_code == 200 and first.headers["content-type"] == "application/json"
    key = first.json()["listenKey"]
    assert re.fullmatch(r"[A-Za-z0-9]{64}", key)
    assert list(first.json()) == ["listenKey"]
    again = await call(api, "POST", creds)
    assert again.content == first.content  # the active key, extended
    other = await call(api, "POST", await api.account())
    assert other.json()["listenKey"] != key


async def test_put_extends_and_answers_the_key(api: Api) -> None:
    creds = await api.account()
    key = (await call(api, "POST", creds)).json()["listenKey"]
    r = await call(api, "PUT", creds)
    assert (r.status_code, r.json()) == (200, {"listenKey": key})
    # hummingbot sends the key as a parameter: accepted when it is the account's key
    r = await call(api, "PUT", creds, f"listenKey={key}")
    assert (r.status_code, r.json()) == (200, {"listenKey": key})
    r = await call(api, "PUT", creds, "listenKey=" + "x" * 64)
    assert (r.status_code, r.json()) == (400, UNKNOWN_KEY)


async def test_put_without_a_key_is_1125(api: Api) -> None:
    creds = await api.account()
    r = await call(api, "PUT", creds)
    assert (r.status_code, r.content) == (400, b'{"code":-1125,"msg":"This listenKey does not exist."}')


async def test_a_key_expires_60_minutes_after_its_last_keepalive_by_the_server_clock(api: Api) -> None:
    creds = await api.account()
    key = (await call(api, "POST", creds)).json()["listenKey"]
    await shift_clock(api, 59 * 60_000)
    assert (await call(api, "PUT", creds)).status_code == 200  # extended from +59 min to +119 min
    await shift_clock(api, 118 * 60_000)
    assert (await call(api, "PUT", creds)).status_code == 200
    await shift_clock(api, (118 + 60) * 60_000)
    r = await call(api, "PUT", creds)
    assert (r.status_code, r.json()) == (400, UNKNOWN_KEY)
    fresh = (await call(api, "POST", creds)).json()["listenKey"]
    assert fresh != key


async def test_delete_closes_the_key_and_records_listen_key_expired(api: Api, app: IsomarginApp) -> None:
    creds = await api.account()
    key = (await call(api, "POST", creds)).json()["listenKey"]
    r = await call(api, "DELETE", creds)
    assert (r.status_code, r.content) == (200, b"{}")
    assert (await call(api, "PUT", creds)).json() == UNKNOWN_KEY
    events = await app.state.store.read(lambda tx: outbox.for_account(tx, creds.account_id))
    assert [(e.type, e.payload) for e in events][-1] == ("listenKeyExpired", {"listenKey": key})
    # closing again (nothing to close) records nothing more
    assert (await call(api, "DELETE", creds)).content == b"{}"
    again = await app.state.store.read(lambda tx: outbox.for_account(tx, creds.account_id))
    assert len(again) == len(events)
    assert (await call(api, "POST", creds)).json()["listenKey"] != key


async def test_the_api_key_is_required_and_weight_is_1(api: Api) -> None:
    r = await api.raw("POST", PATH, None, sign=False)
    assert (r.status_code, r.json()) == (401, {"code": -2014, "msg": "API-key format invalid."})
    creds = await api.account()
    r = await call(api, "POST", creds)
    assert r.headers["x-mbx-used-weight-1m"] == "2"  # the refused request counted too


async def test_golden_responses(api: Api) -> None:
    """Each listenKey route's golden response (tests/golden; the key itself is masked)."""
    creds = await api.account()
    snapshot.check("listenKey-post", await call(api, "POST", creds))
    snapshot.check("listenKey-put", await call(api, "PUT", creds))
    snapshot.check("listenKey-delete", await call(api, "DELETE", creds))
    snapshot.check("listenKey-put-unknown", await call(api, "PUT", creds))
