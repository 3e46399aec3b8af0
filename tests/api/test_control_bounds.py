"""The control plane refuses numbers money can't be kept exactly in; Binance reads stay exact.

Before these bounds a balance of 10^30 + 0.12345678 lost its cents on the first transfer (the
default Decimal context keeps 28 digits) and a mark price of 10^25 made premiumIndex answer 500.
"""

from __future__ import annotations

from typing import Any

import pytest

from isomargin.service import admin
from tests.support import CONTROL, Api

HUGE = "1000000000000000000000000000000.12345678"


async def _post(api: Api, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    r = await api.http.post(f"{CONTROL}{path}", json=body)
    return r.status_code, r.json()


@pytest.mark.parametrize(
    ("balance", "message"),
    [
        (HUGE, "balance must be below 10^10"),
        ("10000000000", "balance must be below 10^10"),
        ("1.123456789", "balance has more than 8 decimals"),
    ],
)
async def test_account_balance_out_of_bounds(api: Api, balance: str, message: str) -> None:
    status, body = await _post(api, "/accounts", {"balance": balance})
    assert (status, body) == (400, {"error": message})


async def test_largest_balance_is_kept_to_the_last_decimal(api: Api) -> None:
    # the largest value the store's 64-bit scaled integers are asked to hold (store/money_sql.py)
    creds = await api.account("9999999999.99999999")
    await api.position(creds, "BTCUSDT", "0.01", "50000", leverage=10)
    r = await api.margin(creds, "0.00000001", 1)
    assert r.status_code == 200, r.text
    r = await api.signed("GET", "/fapi/v2/balance", creds)
    (usdt,) = [row for row in r.json() if row["asset"] == "USDT"]
    # 50 of initial margin + 0.00000001 moved out of the cross wallet; the wallet total unchanged
    assert (usdt["balance"], usdt["crossWalletBalance"]) == (
        "9999999999.99999999",
        "9999999949.99999998",
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("positionAmt", "0.0001", "positionAmt has more than 3 decimals"),
        ("entryPrice", "1" + "0" * 10, "entryPrice must be below 10^10"),
        ("entryPrice", "50000.000000001", "entryPrice has more than 8 decimals"),
        ("isolatedWallet", "100.000000001", "isolatedWallet has more than 8 decimals"),
    ],
)
async def test_position_numbers_out_of_bounds(api: Api, field: str, value: str, message: str) -> None:
    creds = await api.account("10000")
    body: dict[str, Any] = {
        "accountId": creds.account_id,
        "symbol": "BTCUSDT",
        "positionSide": "BOTH",
        "positionAmt": "0.01",
        "entryPrice": "50000",
        "leverage": 10,
        field: value,
    }
    status, answer = await _post(api, "/positions", body)
    assert (status, answer) == (400, {"error": message})


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("1" + "0" * 25, "markPrice must be below 10^10"),
        ("10000000000", "markPrice must be below 10^10"),
        ("1.000000001", "markPrice has more than 8 decimals"),
    ],
)
async def test_mark_price_out_of_bounds(api: Api, price: str, message: str) -> None:
    r = await api.http.put(f"{CONTROL}/markPrices/BTCUSDT", json={"markPrice": price})
    assert (r.status_code, r.json()) == (400, {"error": message})
    r = await api.http.get("/fapi/v1/premiumIndex", params={"symbol": "BTCUSDT"})
    assert r.status_code == 200


async def test_huge_amounts_on_the_binance_side_are_refused_not_crashed(api: Api) -> None:
    """A 40-digit amount with 9 decimals: -1111, not a 500 from quantizing past 28 digits."""
    creds = await api.account("10000")
    await api.position(creds, "BTCUSDT", "0.01", "50000", leverage=10)
    r = await api.margin(creds, "1" + "0" * 30 + ".000000001", 1)
    assert (r.status_code, r.json()["code"]) == (400, -1111)
    r = await api.margin(creds, "1" + "0" * 40, 2)
    assert (r.status_code, r.json()["code"]) == (400, -4051)


@pytest.mark.parametrize("account_id", [2**63, 10**30, 0, -1])
async def test_account_ids_beyond_the_database_do_not_exist(api: Api, account_id: int) -> None:
    # 2**63 and beyond made SQLite raise OverflowError (a plain 500) before it could say "no such row"
    message = {"error": f"account {account_id} does not exist"}
    r = await api.http.get(f"{CONTROL}/accounts/{account_id}")
    assert (r.status_code, r.json()) == (404, message)
    body = {"accountId": account_id, "symbol": "BTCUSDT", "positionAmt": "0.01", "entryPrice": "50000"}
    status, answer = await _post(api, "/positions", body)
    assert (status, answer) == (404, message)
    r = await api.http.post(f"{CONTROL}/accounts/{account_id}/apiKeys", json={})
    assert (r.status_code, r.json()) == (404, message)


@pytest.mark.parametrize("offset", [10**30, -(10**15), 100 * 365 * 86_400_000 + 1])
async def test_clock_offsets_beyond_a_century_are_refused(api: Api, offset: int) -> None:
    r = await api.http.put(f"{CONTROL}/clock", json={"offsetMs": offset})
    assert (r.status_code, r.json()) == (400, {"error": "offsetMs must be within ±3153600000000 (100 years)"})
    assert (await api.http.get(f"{CONTROL}/clock")).json()["offsetMs"] == 0


@pytest.mark.parametrize("server_time", [0, -1, 10**30, 2**63])
async def test_absolute_clock_times_outside_a_century_are_refused(api: Api, server_time: int) -> None:
    r = await api.http.put(f"{CONTROL}/clock", json={"serverTime": server_time, "frozen": True})
    refused = {"error": "serverTime must be a positive ms time within 100 years of now"}
    assert (r.status_code, r.json()) == (400, refused)
    assert (await api.http.get(f"{CONTROL}/clock")).json()["frozen"] is False


async def test_a_clock_takes_an_offset_or_an_absolute_time_not_both(api: Api) -> None:
    r = await api.http.put(f"{CONTROL}/clock", json={"serverTime": 1_767_225_600_000, "offsetMs": 0})
    assert (r.status_code, r.json()) == (400, {"error": "send offsetMs or serverTime, not both"})


async def test_a_clock_set_to_an_absolute_time(api: Api) -> None:
    new_year = 1_767_225_600_000  # 2026-01-01T00:00:00Z
    r = await api.http.put(f"{CONTROL}/clock", json={"serverTime": new_year, "frozen": True})
    assert r.status_code == 200, r.text
    assert (r.json()["serverTime"], r.json()["frozen"]) == (new_year, True)
    assert (await api.http.get("/fapi/v1/time")).json() == {"serverTime": new_year}
    r = await api.http.put(f"{CONTROL}/clock", json={"frozen": False})  # runs on from there
    assert new_year <= r.json()["serverTime"] < new_year + 60_000
    r = await api.http.put(f"{CONTROL}/clock", json={"serverTime": new_year})  # running, from there
    assert (r.json()["frozen"], new_year <= r.json()["serverTime"] < new_year + 60_000) == (False, True)


async def test_a_symbol_that_is_not_a_string(api: Api) -> None:
    creds = await api.account("10000")
    body = {"accountId": creds.account_id, "symbol": ["BTCUSDT"], "positionAmt": "0.01", "entryPrice": "50000"}
    assert await _post(api, "/positions", body) == (400, {"error": 'symbol must be a string such as "BTCUSDT"'})


async def test_an_unexpected_failure_answers_json_500(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(admin, "reset", explode)
    r = await api.http.post(f"{CONTROL}/reset")
    assert (r.status_code, r.json()) == (500, {"error": "internal error: see the server log"})
    assert "boom" not in r.text and "Traceback" not in r.text
    assert "unexpected error on POST /_isomargin/v1/reset" in caplog.text


@pytest.mark.parametrize("path", ["/markPrices/", "/accounts/", "/markPrices/%2F"])
async def test_a_trailing_slash_is_a_json_404_not_a_redirect(api: Api, path: str) -> None:
    r = await api.http.put(f"{CONTROL}{path}", json={"markPrice": "1"})
    assert r.status_code == 404 and r.headers["content-type"] == "application/json"
    assert set(r.json()) == {"error"}
