"""The official SDK signs with each of Binance's three key types against a real ``isomargin serve``.

Binance accepts HMAC_SHA256, RSA (PKCS#8, RSASSA-PKCS1-v1_5 SHA-256, base64, URL-encoded) and
Ed25519 (base64, URL-encoded) keys [GI][SKILL][SDK]; ``binance-sdk-derivatives-trading-usds-futures``
picks RSA or Ed25519 from the ``private_key`` it is given (binance_common.signature.Signers).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from binance_sdk_derivatives_trading_usds_futures.derivatives_trading_usds_futures import (
    ConfigurationRestAPI,
    DerivativesTradingUsdsFutures,
)

from tests.keypairs import ed25519_pair, new_pair, rsa_pair
from tests.support import CONTROL, LiveServer

pytestmark = pytest.mark.slow


def _setup(server: LiveServer, key_type: str) -> tuple[int, dict[str, Any]]:
    """A funded account with a BTCUSDT position and a key of ``key_type``; SDK config kwargs."""
    with httpx.Client(base_url=server.base_url) as http:
        assert http.post(f"{CONTROL}/reset").status_code == 200
        account = http.post(f"{CONTROL}/accounts", json={"balance": "10000"}).json()
        r = http.post(
            f"{CONTROL}/positions",
            json={"accountId": account["accountId"], "symbol": "BTCUSDT", "positionAmt": "0.01", "entryPrice": "50000"},
        )
        assert r.status_code == 201, r.text
        if key_type == "HMAC_SHA256":
            return account["accountId"], {"api_key": account["apiKey"], "api_secret": account["secretKey"]}
        private, public = rsa_pair() if key_type == "RSA" else ed25519_pair()
        r = http.post(
            f"{CONTROL}/accounts/{account['accountId']}/apiKeys", json={"type": key_type, "publicKey": public}
        )
        assert r.status_code == 201, r.text
        assert set(r.json()) == {"apiKey", "type"}  # no secret: the server holds only the public key
        return account["accountId"], {"api_key": r.json()["apiKey"], "private_key": private}


@pytest.mark.parametrize("key_type", ["HMAC_SHA256", "RSA", "ED25519"])
def test_official_sdk_signs_with_every_key_type(live_server: LiveServer, key_type: str) -> None:
    account_id, auth = _setup(live_server, key_type)
    client = DerivativesTradingUsdsFutures(
        config_rest_api=ConfigurationRestAPI(base_path=live_server.base_url, timeout=10_000, retries=0, **auth)
    )
    added = client.rest_api.modify_isolated_position_margin(symbol="BTCUSDT", amount=25.5, type=1).data()
    assert added.code == 200 and added.type == 1 and Decimal(str(added.amount)) == Decimal("25.5")
    history = client.rest_api.get_position_margin_change_history(symbol="BTCUSDT").data()
    # the open's TRADE row (0.01 × 50000 / 20 = 25), then the add
    assert [(row.delta_type, row.amount, row.type) for row in history] == [
        ("TRADE", "25.00000000", 1),
        ("USER_ADJUST", "25.50000000", 1),
    ]
    with httpx.Client(base_url=live_server.base_url) as http:
        summary = http.get(f"{CONTROL}/accounts/{account_id}").json()
    # the opening margin 0.01 × 50000 / 20 = 25, plus the 25.5 the SDK added
    assert summary["positions"][0]["isolatedWallet"] == "50.50000000"


@pytest.mark.parametrize("key_type", ["HMAC_SHA256", "RSA", "ED25519"])
def test_a_different_key_of_the_same_type_is_rejected_with_1022(live_server: LiveServer, key_type: str) -> None:
    _, auth = _setup(live_server, key_type)
    if key_type == "HMAC_SHA256":
        auth["api_secret"] = "f" * 64
    else:
        # a fresh pair of the same kind: the server holds the other public key
        auth["private_key"] = new_pair(key_type)[0]
    client = DerivativesTradingUsdsFutures(
        config_rest_api=ConfigurationRestAPI(base_path=live_server.base_url, timeout=10_000, retries=0, **auth)
    )
    with pytest.raises(Exception) as caught:
        client.rest_api.modify_isolated_position_margin(symbol="BTCUSDT", amount=1, type=1)
    assert "Signature for this request is not valid." in str(caught.value)
