"""The official SDK ``binance-sdk-derivatives-trading-usds-futures`` against a real ``isomargin serve``.

The SDK sends every parameter in the query string (``binance_common.utils.send_request``),
signs with HMAC, RSA or Ed25519, validates replies with strict pydantic models (``StrictInt``,
``StrictStr``…) and raises its own exception classes carrying Binance's ``code`` (as
``status_code``) and ``msg`` (as ``error_message``). Reference §5 [SDK].
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from binance_common.configuration import ConfigurationRestAPI
from binance_common.errors import BadRequestError, UnauthorizedError
from binance_sdk_derivatives_trading_usds_futures.derivatives_trading_usds_futures import (
    DerivativesTradingUsdsFutures,
)
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from tests.support import CONTROL, Api, Creds, LiveServer

pytestmark = pytest.mark.slow


def sdk(base_url: str, api_key: str, secret: str | None = None, private_key: str | None = None) -> Any:
    # Generous timeout: the machine is shared; no retries, so a 5xx is seen, not retried.
    config = ConfigurationRestAPI(
        api_key=api_key,
        api_secret=secret,
        private_key=private_key,
        base_path=base_url,
        timeout=20_000,
        retries=0,
    )
    return DerivativesTradingUsdsFutures(config_rest_api=config).rest_api


@pytest.fixture
def make_sdk(live_server: LiveServer) -> Iterator[Any]:
    def build(creds: Creds) -> Any:
        return sdk(live_server.base_url, creds.api_key, creds.secret_key)

    yield build


async def wallets(api: Api, creds: Creds) -> tuple[Decimal, Decimal, Decimal]:
    s = await api.summary(creds)
    isolated = sum((Decimal(p["isolatedWallet"]) for p in s["positions"]), Decimal(0))
    return Decimal(s["crossWalletBalance"]), isolated, Decimal(s["walletBalance"])


async def test_add_and_reduce(live_api: Api, make_sdk: Any) -> None:
    creds = await live_api.account("10000")
    await live_api.mark("BTCUSDT", "50000")
    await live_api.position(creds, "BTCUSDT", "0.01", "50000", leverage=10)
    client = make_sdk(creds)

    reply = client.modify_isolated_position_margin(symbol="BTCUSDT", amount=100.0, type=1)
    data = reply.data()
    assert (data.amount, data.code, data.msg, data.type) == (100.0, 200, "Successfully modify position margin.", 1)
    assert reply.status == 200 and reply.rate_limits  # the SDK parsed X-MBX-USED-WEIGHT-1M
    assert await wallets(live_api, creds) == (Decimal("9850"), Decimal("150"), Decimal("10000"))

    data = client.modify_isolated_position_margin(symbol="BTCUSDT", amount=23.36332311, type=2).data()
    assert (data.amount, data.type) == (23.36332311, 2)
    assert await wallets(live_api, creds) == (Decimal("9873.36332311"), Decimal("126.63667689"), Decimal("10000"))


async def test_hedge_mode_with_position_side(live_api: Api, make_sdk: Any) -> None:
    creds = await live_api.account("10000", dual=True)
    await live_api.position(creds, "ETHUSDT", "1", "3000", leverage=20, side="LONG")
    await live_api.position(creds, "ETHUSDT", "-0.5", "3000", leverage=20, side="SHORT")
    client = make_sdk(creds)
    assert client.modify_isolated_position_margin(symbol="ETHUSDT", amount=10, type=1, position_side="SHORT").data()
    rows = client.get_position_margin_change_history(symbol="ETHUSDT").data()
    # each leg's open writes a TRADE row of its margin (LONG 1 × 3000 / 20 = 150, SHORT 0.5 × 3000 / 20
    # = 75), then the add to the SHORT
    assert [(r.position_side, r.delta_type, r.amount, r.type) for r in rows] == [
        ("LONG", "TRADE", "150.00000000", 1),
        ("SHORT", "TRADE", "75.00000000", 1),
        ("SHORT", "USER_ADJUST", "10.00000000", 1),
    ]
    with pytest.raises(BadRequestError) as err:  # positionSide omitted in hedge mode [I150]
        client.modify_isolated_position_margin(symbol="ETHUSDT", amount=10, type=1)
    assert (err.value.status_code, err.value.error_message) == (-4054, "Cannot add position margin: position is 0.")


async def test_history(live_api: Api, make_sdk: Any) -> None:
    creds = await live_api.account("10000")
    await live_api.position(creds)
    client = make_sdk(creds)
    for amount, type_ in ((23.36332311, 1), (100.0, 1), (3, 2)):
        client.modify_isolated_position_margin(symbol="BTCUSDT", amount=amount, type=type_)
    rows = client.get_position_margin_change_history(symbol="BTCUSDT").data()
    # the open's TRADE row (0.01 × 50000 / 10 = 50), then the three changes
    assert [(r.symbol, r.type, r.delta_type, r.amount, r.asset, r.position_side) for r in rows] == [
        ("BTCUSDT", 1, "TRADE", "50.00000000", "USDT", "BOTH"),
        ("BTCUSDT", 1, "USER_ADJUST", "23.36332311", "USDT", "BOTH"),
        ("BTCUSDT", 1, "USER_ADJUST", "100.00000000", "USDT", "BOTH"),
        ("BTCUSDT", 2, "USER_ADJUST", "-3.00000000", "USDT", "BOTH"),
    ]
    assert all(isinstance(r.time, int) for r in rows) and [r.time for r in rows] == sorted(r.time for r in rows)
    reduces = client.get_position_margin_change_history(symbol="BTCUSDT", type="2").data()
    assert [r.amount for r in reduces] == ["-3.00000000"]
    first_two = client.get_position_margin_change_history(symbol="BTCUSDT", limit=2).data()
    assert [r.amount for r in first_two] == ["50.00000000", "23.36332311"]


@pytest.mark.parametrize(
    ("kwargs", "code", "msg"),
    [
        ({"symbol": "FOOUSDT", "amount": 1, "type": 1}, -1121, "Invalid symbol."),
        ({"symbol": "BTCUSDT", "amount": 0, "type": 1}, -4055, "Amount must be positive."),
        ({"symbol": "BTCUSDT", "amount": 1, "type": 3}, -1130, "Data sent for parameter 'type' is not valid."),
        ({"symbol": "BTCUSDT", "amount": 1000000, "type": 1}, -4050, "Cross balance insufficient."),
        ({"symbol": "BTCUSDT", "amount": 49, "type": 2}, -4051, "Isolated balance insufficient."),
        ({"symbol": "ETHUSDT", "amount": 1, "type": 1}, -4049, "Add margin only support for isolated position."),
        (
            {"symbol": "BTCUSDT", "amount": 1, "type": 1, "position_side": "LONG"},
            -4061,
            "Order's position side does not match user's setting.",
        ),
        (
            {"symbol": "BTCUSDT", "amount": 1, "type": 1, "recv_window": 0},
            -1102,
            "Mandatory parameter 'recvwindow' was not sent, was empty/null, or malformed.",
        ),
    ],
)
async def test_errors_surface_as_sdk_exceptions(
    live_api: Api, make_sdk: Any, kwargs: dict[str, Any], code: int, msg: str
) -> None:
    creds = await live_api.account("10000")
    await live_api.position(creds)
    before = await live_api.summary(creds)
    with pytest.raises(BadRequestError) as err:
        make_sdk(creds).modify_isolated_position_margin(**kwargs)
    assert (err.value.status_code, err.value.error_message) == (code, msg)
    assert await live_api.summary(creds) == before


async def test_history_errors(live_api: Api, make_sdk: Any) -> None:
    creds = await live_api.account("10000")
    client = make_sdk(creds)
    with pytest.raises(BadRequestError) as err:
        client.get_position_margin_change_history(symbol="BTCUSDT", start_time=2, end_time=1)
    assert (err.value.status_code, err.value.error_message) == (-1023, "Start time is greater than end time.")
    with pytest.raises(BadRequestError) as err:
        client.get_position_margin_change_history(symbol="BTCUSDT", start_time=1, end_time=1 + 31 * 86_400_000)
    assert (err.value.status_code, err.value.error_message) == (-4165, "Maximum time interval is 30 days")


async def test_auth_errors(live_api: Api, live_server: LiveServer) -> None:
    creds = await live_api.account("10000")
    await live_api.position(creds)
    with pytest.raises(UnauthorizedError) as unauthorized:
        sdk(live_server.base_url, "no-such-key", creds.secret_key).modify_isolated_position_margin(
            symbol="BTCUSDT", amount=1, type=1
        )
    assert (unauthorized.value.status_code, unauthorized.value.error_message) == (
        -2015,
        "Invalid API-key, IP, or permissions for action, request ip: 127.0.0.1",
    )
    with pytest.raises(BadRequestError) as bad:
        sdk(live_server.base_url, creds.api_key, "wrong-secret").modify_isolated_position_margin(
            symbol="BTCUSDT", amount=1, type=1
        )
    assert (bad.value.status_code, bad.value.error_message) == (-1022, "Signature for this request is not valid.")
    # The server's clock one hour ahead: the SDK's timestamp falls outside the recvWindow.
    assert (await live_api.http.put(f"{CONTROL}/clock", json={"offsetMs": 3_600_000})).status_code == 200
    with pytest.raises(BadRequestError) as bad:
        sdk(live_server.base_url, creds.api_key, creds.secret_key).modify_isolated_position_margin(
            symbol="BTCUSDT", amount=1, type=1
        )
    assert (bad.value.status_code, bad.value.error_message) == (
        -1021,
        "Timestamp for this request is outside of the recvWindow.",
    )


def _pems(kind: str) -> tuple[str, str]:
    key: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if kind == "RSA"
        else ed25519.Ed25519PrivateKey.generate()
    )
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, public.decode()


@pytest.mark.parametrize("kind", ["RSA", "ED25519"])
async def test_asymmetric_keys(live_api: Api, live_server: LiveServer, kind: str) -> None:
    """The SDK signs with a private key (base64, URL-encoded in the query); the server holds the public key."""
    creds = await live_api.account("10000")
    await live_api.position(creds)
    private, public = _pems(kind)
    r = await live_api.http.post(
        f"{CONTROL}/accounts/{creds.account_id}/apiKeys", json={"type": kind, "publicKey": public}
    )
    assert r.status_code == 201, r.text
    client = sdk(live_server.base_url, r.json()["apiKey"], private_key=private)
    assert client.modify_isolated_position_margin(symbol="BTCUSDT", amount=5, type=1).data().code == 200
    other_private, _ = _pems(kind)
    with pytest.raises(BadRequestError) as bad:
        sdk(live_server.base_url, r.json()["apiKey"], private_key=other_private).modify_isolated_position_margin(
            symbol="BTCUSDT", amount=5, type=1
        )
    assert bad.value.status_code == -1022
    assert len((await live_api.summary(creds))["positions"]) == 1


def test_sdk_sends_parameters_in_the_query_string(live_server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """What makes this suite different from the form-body one: proven on the wire, not assumed."""
    import requests

    seen: list[httpx.Request] = []
    original = requests.Session.request

    def spy(self: requests.Session, method: str, url: str, **kwargs: Any) -> Any:
        seen.append(httpx.Request(method, url, params=kwargs.get("params"), content=kwargs.get("data") or b""))
        return original(self, method, url, **kwargs)

    monkeypatch.setattr(requests.Session, "request", spy)
    with pytest.raises(UnauthorizedError):
        sdk(live_server.base_url, "k", "s").modify_isolated_position_margin(symbol="BTCUSDT", amount=1, type=1)
    assert seen and seen[0].content == b""
    assert b"signature=" in seen[0].url.query and b"amount=1" in seen[0].url.query
