"""Where the margin commands get their server and key: flags, then env, then a profile file.

Precedence per setting: command-line flag, then environment variable (``ISOMARGIN_BASE_URL``,
``ISOMARGIN_API_KEY``, ``ISOMARGIN_API_SECRET``, ``ISOMARGIN_KEY_FILE``, ``ISOMARGIN_KEY_TYPE``),
then the selected profile of the profile file, then the default (the local ``make serve`` URL,
so a command never reaches real money by accident).

Profile file: ``$ISOMARGIN_PROFILES``, else ``$XDG_CONFIG_HOME/isomargin/profiles.toml``
(``~/.config/isomargin/profiles.toml``). One TOML table per profile; ``--profile NAME`` or
``ISOMARGIN_PROFILE`` picks one, otherwise ``[default]`` is used when present::

    [default]
    base_url = "http://127.0.0.1:8765"
    api_key = "demo-api-key-one-way-0000000000000000000000000000000000000000000"
    api_secret = "demo-secret-key-one-way-000000000000000000000000000000000000000"

    [binance]
    base_url = "binance"                # or "testnet", or any URL
    api_key = "..."
    key_file = "~/.config/isomargin/binance-ed25519.pem"   # secret or PEM private key
    key_type = "ED25519"                # HMAC (default), RSA, ED25519; guessed from a PEM
    recv_window = 5000
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from isomargin.auth.signing import KeyType, load_private_key
from isomargin.client.core import BINANCE_TESTNET_URL, BINANCE_URL, DEFAULT_RECV_WINDOW_MS, key_type_of

DEFAULT_BASE_URL = "http://127.0.0.1:8765"
URL_ALIASES = {"binance": BINANCE_URL, "testnet": BINANCE_TESTNET_URL, "local": DEFAULT_BASE_URL}


class ProfileError(Exception):
    """A setting cannot be resolved; the message says which and where."""


@dataclass(frozen=True, slots=True)
class Connection:
    base_url: str
    api_key: str | None
    api_secret: str | None
    key_type: KeyType
    recv_window: int


def profiles_path() -> Path:
    explicit = os.environ.get("ISOMARGIN_PROFILES")
    if explicit:
        return Path(explicit).expanduser()
    config_home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config_home) / "isomargin" / "profiles.toml"


def load_profile(name: str | None) -> dict[str, Any]:
    """The named profile (an error if missing), or ``[default]`` when present, or nothing."""
    path = profiles_path()
    if not path.exists():
        if name:
            raise ProfileError(f"profile {name!r} asked for, but {path} does not exist")
        return {}
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(f"cannot read {path}: {exc}") from exc
    chosen = name or "default"
    table = data.get(chosen)
    if table is None:
        if name:
            raise ProfileError(f"no [{name}] profile in {path}")
        return {}
    if not isinstance(table, dict):
        raise ProfileError(f"[{chosen}] in {path} is not a table")
    return table


def _read_key_file(path: str) -> str:
    try:
        return Path(path).expanduser().read_text().strip()
    except OSError as exc:
        raise ProfileError(f"cannot read key file {path}: {exc}") from exc


def _guess_key_type(secret: str) -> KeyType:
    """HMAC for a plain secret; RSA or Ed25519 for a PEM private key, by what it holds."""
    if not secret.startswith("-----BEGIN"):
        return KeyType.HMAC_SHA256
    try:
        key = load_private_key(secret)
    except ValueError as exc:
        raise ProfileError(f"the key file holds a PEM that is not an RSA or Ed25519 private key: {exc}") from exc
    if isinstance(key, rsa.RSAPrivateKey):
        return KeyType.RSA
    assert isinstance(key, ed25519.Ed25519PrivateKey)
    return KeyType.ED25519


def resolve(
    *,
    base_url: str | None,
    api_key: str | None,
    api_secret: str | None,
    key_file: str | None,
    key_type: str | None,
    profile: str | None,
    recv_window: int | None = None,
) -> Connection:
    """Flags/env (already merged by Typer's ``envvar``) over the profile over the defaults."""
    table = load_profile(profile)

    def pick(value: Any, key: str) -> Any:
        return value if value not in (None, "") else table.get(key)

    url = str(pick(base_url, "base_url") or DEFAULT_BASE_URL)
    url = URL_ALIASES.get(url.lower(), url)
    # Flag/env secret, flag/env key file, profile secret, profile key file: first one set wins.
    if api_secret:
        secret: str | None = api_secret
    elif key_file:
        secret = _read_key_file(key_file)
    elif table.get("api_secret"):
        secret = str(table["api_secret"])
    elif table.get("key_file"):
        secret = _read_key_file(str(table["key_file"]))
    else:
        secret = None
    kind_text = pick(key_type, "key_type")
    try:
        kind = key_type_of(str(kind_text)) if kind_text else _guess_key_type(secret) if secret else KeyType.HMAC_SHA256
    except ValueError as exc:
        raise ProfileError(str(exc)) from exc
    window = pick(recv_window, "recv_window") or DEFAULT_RECV_WINDOW_MS
    return Connection(url, pick(api_key, "api_key"), secret, kind, int(window))
