"""Keys, signatures and clocks against a live isomargin: HMAC, RSA, Ed25519, -2014/-2015/-1021/-1022."""

from __future__ import annotations

from decimal import Decimal

import pytest

from isomargin.client import (
    ApiKeyFormatInvalid,
    ApiKeyRejected,
    ClientError,
    InvalidSignature,
    KeyType,
    TimestampOutsideRecvWindow,
)
from tests.client.conftest import Clients, shift_clock
from tests.keypairs import new_pair
from tests.support import CONTROL, Api, Creds

HOUR_MS = 3_600_000


@pytest.mark.parametrize("key_type", ["RSA", "ED25519"])
async def test_asymmetric_keys_sign_margin_changes(live_api: Api, clients: Clients, key_type: str) -> None:
    creds = await live_api.account("1000")
    await live_api.position(creds, amt="0.01", entry="50000", leverage=10)
    private, public = new_pair(key_type)
    r = await live_api.http.post(
        f"{CONTROL}/accounts/{creds.account_id}/apiKeys", json={"type": key_type, "publicKey": public}
    )
    assert r.status_code == 201, r.text
    signer = Creds(creds.account_id, r.json()["apiKey"], private)

    client = clients.sync(signer, key_type=key_type.lower())  # "rsa" / "ed25519" accepted
    change = client.add_margin("BTCUSDT", "12.5")
    aclient = clients.aio(signer, key_type=KeyType(key_type))
    history = await aclient.margin_history("BTCUSDT")

    assert client.key_type is KeyType(key_type)
    assert change.amount == Decimal("12.5")
    # the open's TRADE row (0.01 × 50000 / 10 = 50), then the signed add
    assert [(h.delta_type, h.amount) for h in history] == [("TRADE", Decimal("50")), ("USER_ADJUST", Decimal("12.5"))]


async def test_wrong_secret_is_invalid_signature(live_api: Api, clients: Clients) -> None:
    creds = await live_api.account("1000")
    client = clients.sync(Creds(creds.account_id, creds.api_key, "not-the-secret"))

    with pytest.raises(InvalidSignature) as caught:
        client.margin_history("BTCUSDT")

    assert (caught.value.code, caught.value.msg, caught.value.http_status) == (
        -1022,
        "Signature for this request is not valid.",
        400,
    )


async def test_unknown_and_malformed_keys(live_api: Api, clients: Clients) -> None:
    unknown = clients.sync(Creds(0, "no-such-key", "secret"))
    malformed = clients.sync(Creds(0, "has space", "secret"))

    with pytest.raises(ApiKeyRejected) as rejected:
        unknown.add_margin("BTCUSDT", "1")
    with pytest.raises(ApiKeyFormatInvalid) as bad_format:
        malformed.add_margin("BTCUSDT", "1")

    assert (rejected.value.code, rejected.value.http_status) == (-2015, 401)
    assert rejected.value.msg == "Invalid API-key, IP, or permissions for action, request ip: 127.0.0.1"
    assert (bad_format.value.code, bad_format.value.http_status) == (-2014, 401)


async def test_signed_call_without_credentials_is_refused_locally(clients: Clients) -> None:
    with pytest.raises(ClientError, match="needs an API key"):
        clients.sync().add_margin("BTCUSDT", "1")


async def test_time_sync_follows_a_skewed_server_clock(live_api: Api, clients: Clients) -> None:
    """The server's clock runs an hour ahead of ours: with time sync the calls still get in."""
    creds = await live_api.account("1000")
    await shift_clock(live_api, HOUR_MS)
    synced = clients.sync(creds)
    unsynced = clients.sync(creds, time_sync=False)

    assert synced.margin_history("BTCUSDT") == []
    with pytest.raises(TimestampOutsideRecvWindow) as caught:
        unsynced.margin_history("BTCUSDT")

    assert abs(synced.time_offset_ms - HOUR_MS) < 30_000
    assert unsynced.time_offset_ms == 0
    assert caught.value.code == -1021 and caught.value.http_status == 400
    assert caught.value.msg == "Timestamp for this request is outside of the recvWindow."


async def test_a_rejected_timestamp_triggers_a_new_sync(live_api: Api, clients: Clients) -> None:
    """The server's clock jumps after we synced: one -1021, then the next call re-syncs and works."""
    creds = await live_api.account("1000")
    await live_api.position(creds, amt="0.01", entry="50000", leverage=10)
    client = clients.aio(creds)
    # the open's TRADE row alone (0.01 × 50000 / 10 = 50)
    assert [h.amount for h in await client.margin_history("BTCUSDT")] == [Decimal("50")]

    await shift_clock(live_api, -HOUR_MS)  # our timestamps are now an hour ahead
    with pytest.raises(TimestampOutsideRecvWindow) as caught:
        await client.add_margin("BTCUSDT", "5")
    change = await client.add_margin("BTCUSDT", "5")  # the caller decided to resend: allowed now

    assert caught.value.msg == "Timestamp for this request was 1000ms ahead of the server's time."
    assert change.amount == Decimal("5")
    assert abs(client.time_offset_ms + HOUR_MS) < 30_000
    # the open's TRADE row (50) was written an hour ahead of the server's clock now: after endTime,
    # which defaults to the server's current time [PMH], so only the add is listed
    assert [h.amount for h in await client.margin_history("BTCUSDT")] == [Decimal("5")]


def test_bad_construction_fails_early() -> None:
    from isomargin.client import Client

    with pytest.raises(ValueError, match="key type"):
        Client("http://127.0.0.1:9", "k", "s", key_type="DSA")
    with pytest.raises(ValueError):
        Client("http://127.0.0.1:9", "k", "not a pem", key_type="RSA")
    with pytest.raises(ValueError, match="60000"):
        Client("http://127.0.0.1:9", "k", "s", recv_window=70000)
    assert "secret" not in repr(Client("http://127.0.0.1:9", "k", "secret"))
