"""Form-body clients against a real ``isomargin serve``, signed byte for byte as they sign.

Reference §5:
- python-binance [PYB]: POST parameters in an ``application/x-www-form-urlencoded`` body, sorted by
  key (``timestamp`` sorted in with the rest), values not re-quoted, ``signature`` appended last;
  GET parameters in the query string, same format.
- ccxt [CCXT] (``sign``, ``modifyMarginHelper``): ``urlencode({timestamp, ...params, recvWindow})`` —
  ``timestamp`` first, then ``type, symbol, amount``, ``recvWindow`` last; form body for POST, query
  string for GET; amount as a precision string (``"0.2"``).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from tests.support import Api, Creds

pytestmark = pytest.mark.slow

FORM = "application/x-www-form-urlencoded"
OK_MSG = "Successfully modify position margin."


def now_ms() -> int:
    return int(time.time() * 1000)


def _hmac(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


class PythonBinance:
    """python-binance's ``_request``: sorted params, signature last, POST in the body."""

    def __init__(self, http: httpx.AsyncClient, creds: Creds, secret: str | None = None) -> None:
        self.http, self.creds, self.secret = http, creds, secret or creds.secret_key

    def _payload(self, params: dict[str, Any]) -> str:
        params = {**params, "timestamp": now_ms()}
        query = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
        return f"{query}&signature={_hmac(self.secret, query)}"

    async def post(self, path: str, params: dict[str, Any]) -> httpx.Response:
        headers = {"X-MBX-APIKEY": self.creds.api_key, "Content-Type": FORM, "Accept": "application/json"}
        return await self.http.post(path, content=self._payload(params).encode(), headers=headers)

    async def get(self, path: str, params: dict[str, Any]) -> httpx.Response:
        return await self.http.get(f"{path}?{self._payload(params)}", headers={"X-MBX-APIKEY": self.creds.api_key})


class Ccxt:
    """ccxt binanceusdm's ``sign``: timestamp first, recvWindow last, POST in the body."""

    def __init__(self, http: httpx.AsyncClient, creds: Creds, recv_window: int = 10000) -> None:
        self.http, self.creds, self.recv_window = http, creds, recv_window

    def _payload(self, params: dict[str, Any]) -> str:
        query = urlencode({"timestamp": now_ms(), **params, "recvWindow": self.recv_window})
        return f"{query}&signature={_hmac(self.creds.secret_key, query)}"

    async def post(self, path: str, params: dict[str, Any]) -> httpx.Response:
        headers = {"X-MBX-APIKEY": self.creds.api_key, "Content-Type": FORM}
        return await self.http.post(path, content=self._payload(params).encode(), headers=headers)

    async def get(self, path: str, params: dict[str, Any]) -> httpx.Response:
        return await self.http.get(f"{path}?{self._payload(params)}", headers={"X-MBX-APIKEY": self.creds.api_key})


CLIENTS = {"python-binance": PythonBinance, "ccxt": Ccxt}


@pytest.fixture(params=list(CLIENTS))
def client_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def funded(api: Api) -> Creds:
    creds = await api.account("10000")
    await api.mark("BTCUSDT", "50000")
    await api.position(creds, "BTCUSDT", "0.01", "50000", leverage=10)
    return creds


async def test_add_reduce_history(live_api: Api, client_kind: str) -> None:
    creds = await funded(live_api)
    client = CLIENTS[client_kind](live_api.http, creds)
    # ccxt's modifyMarginHelper param order: type, symbol, amount
    r = await client.post("/fapi/v1/positionMargin", {"type": 1, "symbol": "BTCUSDT", "amount": "0.2"})
    assert (r.status_code, r.json()) == (200, {"amount": 0.2, "code": 200, "msg": OK_MSG, "type": 1})
    assert r.text == '{"code":200,"msg":"Successfully modify position margin.","amount":0.2,"type":1}'
    r = await client.post("/fapi/v1/positionMargin", {"type": 1, "symbol": "BTCUSDT", "amount": "100.0"})
    assert r.json()["amount"] == 100.0
    r = await client.post("/fapi/v1/positionMargin", {"type": 2, "symbol": "BTCUSDT", "amount": "50.1"})
    assert (r.status_code, r.json()["type"]) == (200, 2)

    summary = await live_api.summary(creds)
    assert Decimal(summary["crossWalletBalance"]) == Decimal("10000") - 50 - Decimal("0.2") - 100 + Decimal("50.1")
    assert Decimal(summary["walletBalance"]) == Decimal("10000")

    r = await client.get("/fapi/v1/positionMargin/history", {"symbol": "BTCUSDT"})
    assert r.status_code == 200
    # the open's TRADE row (0.01 × 50000 / 10 = 50), then the three changes
    assert [(row["type"], row["deltaType"], row["amount"]) for row in r.json()] == [
        (1, "TRADE", "50.00000000"),
        (1, "USER_ADJUST", "0.20000000"),
        (1, "USER_ADJUST", "100.00000000"),
        (2, "USER_ADJUST", "-50.10000000"),
    ]
    r = await client.get("/fapi/v1/positionMargin/history", {"symbol": "BTCUSDT", "type": 2, "limit": 10})
    assert [row["amount"] for row in r.json()] == ["-50.10000000"]


@pytest.mark.parametrize(
    ("params", "code", "msg"),
    [
        ({"type": 2, "symbol": "BTCUSDT", "amount": "100"}, -4051, "Isolated balance insufficient."),
        ({"type": 1, "symbol": "BTCUSDT", "amount": "0"}, -4055, "Amount must be positive."),
        ({"type": 1, "symbol": "XRPUSDT", "amount": "1"}, -1121, "Invalid symbol."),
        ({"type": 1, "symbol": "BTCUSDT"}, -1102,
         "Mandatory parameter 'amount' was not sent, was empty/null, or malformed."),
        ({"type": 1, "symbol": "BTCUSDT", "amount": "1", "positionSide": "SHORT"}, -4061,
         "Order's position side does not match user's setting."),
    ],
)  # fmt: skip
async def test_errors(live_api: Api, client_kind: str, params: dict[str, Any], code: int, msg: str) -> None:
    creds = await funded(live_api)
    before = await live_api.summary(creds)
    r = await CLIENTS[client_kind](live_api.http, creds).post("/fapi/v1/positionMargin", params)
    assert (r.status_code, r.json()) == (400, {"code": code, "msg": msg})
    assert await live_api.summary(creds) == before
    history = await CLIENTS[client_kind](live_api.http, creds).get(
        "/fapi/v1/positionMargin/history", {"symbol": "BTCUSDT"}
    )
    # only the open's TRADE row (0.01 × 50000 / 10 = 50): the refused change wrote none
    assert [(row["deltaType"], row["amount"]) for row in history.json()] == [("TRADE", "50.00000000")]


async def test_wrong_secret_in_body_is_1022(live_api: Api) -> None:
    creds = await funded(live_api)
    r = await PythonBinance(live_api.http, creds, secret="wrong").post(
        "/fapi/v1/positionMargin", {"type": 1, "symbol": "BTCUSDT", "amount": "1"}
    )
    assert (r.status_code, r.json()) == (400, {"code": -1022, "msg": "Signature for this request is not valid."})


async def test_history_errors_from_a_query_string_client(live_api: Api) -> None:
    creds = await funded(live_api)
    r = await Ccxt(live_api.http, creds).get(
        "/fapi/v1/positionMargin/history", {"symbol": "BTCUSDT", "startTime": 2, "endTime": 1}
    )
    assert (r.status_code, r.json()) == (400, {"code": -1023, "msg": "Start time is greater than end time."})


async def test_body_with_any_content_type_when_params_are_in_the_query(live_api: Api) -> None:
    """The legacy connector sends ``Content-Type: application/json`` with an empty body [FCP]."""
    creds = await funded(live_api)
    query = live_api.sign_params(creds, {"symbol": "BTCUSDT", "amount": "1", "type": "1"})
    r = await live_api.http.post(
        f"/fapi/v1/positionMargin?{query}",
        headers={"X-MBX-APIKEY": creds.api_key, "Content-Type": "application/json;charset=utf-8"},
    )
    assert r.status_code == 200, r.text
