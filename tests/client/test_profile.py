"""Where the CLI's server and key come from: flag/env over profile over default (pure, no server)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from isomargin.auth.signing import KeyType
from isomargin.cli.profile import DEFAULT_BASE_URL, ENV_VARS, Connection, ProfileError, profiles_path, resolve
from isomargin.client import BINANCE_TESTNET_URL, BINANCE_URL

NOTHING = {"base_url": None, "api_key": None, "api_secret": None, "key_file": None, "key_type": None}


@pytest.fixture(autouse=True)
def no_connection_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """resolve() reads os.environ: a developer's own ISOMARGIN_API_KEY must not leak into these tests."""
    for var in ENV_VARS.values():
        monkeypatch.delenv(var, raising=False)


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


def test_flags_then_env_then_profile_for_every_setting(profiles: Path, tmp_path: Path) -> None:
    """Each setting on its own: the flag, else its environment variable, else the profile, else the default.

    The secret has two sources per layer (a secret or a key file): a key file flag beats a secret in
    the environment, and a key file in the environment beats the profile's secret.
    """
    (tmp_path / "flag.txt").write_text("flag-file-secret\n")
    (tmp_path / "env.txt").write_text("env-file-secret\n")
    env = {
        "ISOMARGIN_BASE_URL": "binance",
        "ISOMARGIN_API_KEY": "env-key",
        "ISOMARGIN_API_SECRET": "env-secret",
        "ISOMARGIN_KEY_FILE": str(tmp_path / "env.txt"),
        "ISOMARGIN_KEY_TYPE": "HMAC",
    }
    flags = {
        "base_url": "http://127.0.0.1:9999",
        "api_key": "flag-key",
        "api_secret": None,
        "key_file": str(tmp_path / "flag.txt"),
        "key_type": "HMAC_SHA256",
    }

    all_flags = resolve(**flags, profile=None, environ=env)
    env_only = resolve(**NOTHING, profile=None, environ=env)
    env_file = resolve(**NOTHING, profile=None, environ={**env, "ISOMARGIN_API_SECRET": ""})
    profile_only = resolve(**NOTHING, profile=None, environ={})
    flag_secret = resolve(**{**NOTHING, "api_secret": "flag-secret"}, profile=None, environ=env)

    assert (all_flags.base_url, all_flags.api_key, all_flags.api_secret) == (
        "http://127.0.0.1:9999",
        "flag-key",
        "flag-file-secret",
    )
    assert (env_only.base_url, env_only.api_key, env_only.api_secret) == (BINANCE_URL, "env-key", "env-secret")
    assert env_file.api_secret == "env-file-secret"  # the env key file beats the profile's api_secret
    assert (profile_only.base_url, profile_only.api_key, profile_only.api_secret) == (
        BINANCE_TESTNET_URL,
        "profile-key",
        "profile-secret",
    )
    assert flag_secret.api_secret == "flag-secret" and flag_secret.api_key == "env-key"
    with pytest.raises(ProfileError, match="key type"):
        resolve(**{**NOTHING, "key_type": "DSA"}, profile=None, environ=env)  # the flag's type, not env's
    with pytest.raises(ProfileError, match="key type"):
        resolve(**NOTHING, profile=None, environ={**env, "ISOMARGIN_KEY_TYPE": "DSA"})  # env's, not the profile's


def test_an_rsa_key_file_flag_beats_an_hmac_secret_in_the_environment(profiles: Path, tmp_path: Path) -> None:
    conn = resolve(
        **{**NOTHING, "key_file": str(tmp_path / "rsa.pem")}, profile=None, environ={"ISOMARGIN_API_SECRET": "hmac"}
    )

    assert conn.key_type is KeyType.RSA and conn.api_secret is not None and conn.api_secret.startswith("-----BEGIN")


def test_the_environment_is_os_environ_by_default(profiles: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISOMARGIN_API_KEY", "from-os-environ")

    assert resolve(**NOTHING, profile=None).api_key == "from-os-environ"


@pytest.mark.skipif(sys.platform != "linux", reason="the Linux path of platformdirs' user config directory")
def test_the_profile_file_is_in_the_user_config_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ISOMARGIN_PROFILES", raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert profiles_path() == tmp_path / "home" / ".config" / "isomargin" / "profiles.toml"

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert profiles_path() == tmp_path / "xdg" / "isomargin" / "profiles.toml"

    monkeypatch.setenv("ISOMARGIN_PROFILES", "~/elsewhere.toml")  # the override wins, ~ expanded
    assert profiles_path() == tmp_path / "home" / "elsewhere.toml"


def test_a_connection_repr_hides_the_secret() -> None:
    conn = Connection("http://127.0.0.1:8765", "the-key", "the-secret-value", KeyType.HMAC_SHA256, 5000)

    assert "the-key" in repr(conn) and "the-secret-value" not in repr(conn)
