"""Where the CLI's server and key come from: flag/env over profile over default (pure, no server)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from isomargin.auth.signing import KeyType
from isomargin.cli.profile import DEFAULT_BASE_URL, ProfileError, resolve
from isomargin.client import BINANCE_TESTNET_URL, BINANCE_URL

NOTHING = {"base_url": None, "api_key": None, "api_secret": None, "key_file": None, "key_type": None}


@pytest.fixture
def profiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "profiles.toml"
    path.write_text(
        '[default]\nbase_url = "testnet"\napi_key = "profile-key"\napi_secret = "profile-secret"\n\n'
        f'[rsa]\nbase_url = "binance"\napi_key = "rsa-key"\nkey_file = "{tmp_path / "rsa.pem"}"\nrecv_window = 10000\n'
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    (tmp_path / "rsa.pem").write_bytes(pem)
    monkeypatch.setenv("ISOMARGIN_PROFILES", str(path))
    return path


def test_default_profile_then_flags_win(profiles: Path) -> None:
    from_profile = resolve(**NOTHING, profile=None)
    flags = resolve(**{**NOTHING, "base_url": "http://127.0.0.1:9999", "api_secret": "flag-secret"}, profile=None)

    assert (from_profile.base_url, from_profile.api_key, from_profile.api_secret) == (
        BINANCE_TESTNET_URL,
        "profile-key",
        "profile-secret",
    )
    assert from_profile.key_type is KeyType.HMAC_SHA256 and from_profile.recv_window == 5000
    assert (flags.base_url, flags.api_key, flags.api_secret) == ("http://127.0.0.1:9999", "profile-key", "flag-secret")


def test_named_profile_with_a_pem_key_file(profiles: Path) -> None:
    conn = resolve(**NOTHING, profile="rsa")

    assert conn.base_url == BINANCE_URL and conn.api_key == "rsa-key"
    assert conn.key_type is KeyType.RSA  # read from the PEM, not configured
    assert conn.api_secret is not None and conn.api_secret.startswith("-----BEGIN PRIVATE KEY-----")
    assert conn.recv_window == 10000


def test_no_profile_file_means_the_local_server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ISOMARGIN_PROFILES", str(tmp_path / "absent.toml"))

    conn = resolve(**NOTHING, profile=None)

    assert conn.base_url == DEFAULT_BASE_URL == "http://127.0.0.1:8765" and conn.api_key is None
    with pytest.raises(ProfileError, match="does not exist"):
        resolve(**NOTHING, profile="work")


def test_bad_settings_say_what_is_wrong(profiles: Path, tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="no \\[nope\\] profile"):
        resolve(**NOTHING, profile="nope")
    with pytest.raises(ProfileError, match="cannot read key file"):
        resolve(**{**NOTHING, "key_file": str(tmp_path / "missing.pem")}, profile=None)
    with pytest.raises(ProfileError, match="key type"):
        resolve(**{**NOTHING, "key_type": "DSA"}, profile=None)
