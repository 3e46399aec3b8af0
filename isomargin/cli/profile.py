"""Where the margin commands get their server and key: flags, then env, then a profile file.

Precedence per setting: command-line flag, then environment variable (``ISOMARGIN_BASE_URL``,
``ISOMARGIN_API_KEY``, ``ISOMARGIN_API_SECRET``, ``ISOMARGIN_KEY_FILE``, ``ISOMARGIN_KEY_TYPE``),
then the selected profile of the profile file, then the default (the local ``make serve`` URL,
so a command never reaches real money by accident).

Profile file: ``$ISOMARGIN_PROFILES``, else ``profiles.toml`` in isomargin's user config directory
as platformdirs names it: ``$XDG_CONFIG_HOME/isomargin/`` (``~/.config/isomargin/``) on Linux,
``~/Library/Application Support/isomargin/`` on macOS, ``%LOCALAPPDATA%/isomargin/`` on Windows.
One TOML table per profile; ``--profile NAME`` or ``ISOMARGIN_PROFILE`` picks one, otherwise
``[default]`` is used when present::

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
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from platformdirs import user_config_path

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
    #: an HMAC secret or a PEM private key: kept out of repr (and so out of logs that print one)
    api_secret: str | None = field(repr=False)
    key_type: KeyType
    recv_window: int


def profiles_path() -> Path:
    explicit = os.environ.get("ISOMARGIN_PROFILES")
    if explicit:
        return Path(explicit).expanduser()
    return user_config_path("isomargin", appauthor=False) / "profiles.toml"


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


#: The environment variable of each connection setting (read here, not by Typer: see resolve()).
ENV_VARS = {
    "base_url": "ISOMARGIN_BASE_URL",
    "api_key": "ISOMARGIN_API_KEY",
    "api_secret": "ISOMARGIN_API_SECRET",
    "key_file": "ISOMARGIN_KEY_FILE",
    "key_type": "ISOMARGIN_KEY_TYPE",
}


def resolve(
    *,
    base_url: str | None,
    api_key: str | None,
    api_secret: str | None,
    key_file: str | None,
    key_type: str | None,
    profile: str | None,
    recv_window: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> Connection:
    """Flags over the environment (``environ``, default ``os.environ``) over the profile over the defaults.

    The arguments are the command-line flags only. The environment is read here rather than
    merged in by Typer's ``envvar``, because the secret has two sources per layer (``api_secret``
    and ``key_file``): a merged value could not tell ``--key-file`` from ``ISOMARGIN_API_SECRET``,
    and the env secret would beat the flag. An empty value counts as unset.
    """
    env = os.environ if environ is None else environ
    table = load_profile(profile)
    flags = {
        "base_url": base_url,
        "api_key": api_key,
        "api_secret": api_secret,
        "key_file": key_file,
        "key_type": key_type,
    }
    layers: list[Mapping[str, Any]] = [flags, {name: env.get(var) for name, var in ENV_VARS.items()}, table]

    def pick(key: str) -> Any:
        return next((layer[key] for layer in layers if layer.get(key) not in (None, "")), None)

    url = str(pick("base_url") or DEFAULT_BASE_URL)
    url = URL_ALIASES.get(url.lower(), url)
    # Per layer, a secret before a key file; the first layer that has either wins.
    secret: str | None = None
    for layer in layers:
        if layer.get("api_secret") not in (None, ""):
            secret = str(layer["api_secret"])
            break
        if layer.get("key_file") not in (None, ""):
            secret = _read_key_file(str(layer["key_file"]))
            break
    kind_text = pick("key_type")
    try:
        kind = key_type_of(str(kind_text)) if kind_text else _guess_key_type(secret) if secret else KeyType.HMAC_SHA256
    except ValueError as exc:
        raise ProfileError(str(exc)) from exc
    window = recv_window or table.get("recv_window") or DEFAULT_RECV_WINDOW_MS
    key = pick("api_key")
    return Connection(url, None if key is None else str(key), secret, kind, int(window))
