"""Replay: a signed request is accepted again for as long as its timestamp window allows.

Binance's only timing protection for SIGNED endpoints is ``timestamp`` + ``recvWindow``
("if (timestamp < serverTime + 1000 && serverTime - timestamp <= recvWindow) process") [GI];
there is no nonce and no documented de-duplication, so the same signed bytes sent twice inside
the window are executed twice. isomargin matches that (docs/security.md), and rejects the very
same bytes with -1021 once the window has passed.
"""

from __future__ import annotations

from tests.support import CONTROL, Api


async def test_the_same_signed_bytes_run_twice_inside_the_window_then_expire(api: Api) -> None:
    creds = await api.account("1000")
    await api.position(creds)
    query = api.sign_params(creds, {"symbol": "BTCUSDT", "amount": "10", "type": "1", "recvWindow": "5000"})
    url, headers = f"/fapi/v1/positionMargin?{query}", {"X-MBX-APIKEY": creds.api_key}

    first = await api.http.post(url, headers=headers)
    again = await api.http.post(url, headers=headers)
    assert first.status_code == again.status_code == 200
    history = (await api.history(creds)).json()
    # the open's TRADE row (0.01 × 50000 / 10 = 50), then the add executed twice
    assert [(row["amount"], row["type"]) for row in history] == [("50.00000000", 1)] + [("10.00000000", 1)] * 2

    # 6 seconds later the recvWindow of 5000 ms has passed: the same bytes are refused
    assert (await api.http.put(f"{CONTROL}/clock", json={"offsetMs": 6000})).status_code == 200
    late = await api.http.post(url, headers=headers)
    assert (late.status_code, late.json()) == (
        400,
        {"code": -1021, "msg": "Timestamp for this request is outside of the recvWindow."},
    )
    assert len((await api.history(creds)).json()) == 3


async def test_a_larger_recv_window_keeps_a_replay_valid_longer(api: Api) -> None:
    creds = await api.account("1000")
    await api.position(creds)
    query = api.sign_params(creds, {"symbol": "BTCUSDT", "amount": "1", "type": "1", "recvWindow": "60000"})
    url, headers = f"/fapi/v1/positionMargin?{query}", {"X-MBX-APIKEY": creds.api_key}
    assert (await api.http.put(f"{CONTROL}/clock", json={"offsetMs": 59_000})).status_code == 200
    assert (await api.http.post(url, headers=headers)).status_code == 200
    assert (await api.http.put(f"{CONTROL}/clock", json={"offsetMs": 61_000})).status_code == 200
    assert (await api.http.post(url, headers=headers)).json()["code"] == -1021
