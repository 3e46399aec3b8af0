"""HMAC secrets at rest: AES-256-GCM with a master key that never enters the database.

HMAC verification needs the raw secret, so it cannot be hashed like a password; instead the
``api_keys.secret`` column holds ``aesgcm1:<base64(nonce ‖ ciphertext ‖ tag)>`` with the API key
as associated data (a ciphertext copied onto another key's row does not decrypt). A copy of the
database without the master key hands out no working secret. RSA/Ed25519 rows hold only the
public key, which is not secret.

Where the master key comes from (first match wins; docs/security.md):

1. ``ISOMARGIN_MASTER_KEY`` — 32 bytes, base64 (``--master-key`` is deliberately not a flag:
   command lines are visible to every user of the machine);
2. ``ISOMARGIN_MASTER_KEY_FILE`` — a file holding that base64 text;
3. a key file next to the SQLite database (``<db>.key``) or, for PostgreSQL,
   ``./isomargin-master.key`` — created with mode 0600 on first start, so ``make serve`` needs
   no setup. Every worker and host serving one database must use the same key.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

log = logging.getLogger("isomargin.keystore")

PREFIX = "aesgcm1:"
KEY_BYTES = 32
NONCE_BYTES = 12
POSTGRES_KEY_FILE = Path("isomargin-master.key")


class MasterKeyError(ValueError):
    """The master key is missing, malformed, or does not open a stored secret."""


class SecretBox:
    """Encrypts and decrypts HMAC secrets with the server's master key."""

    __slots__ = ("_aead", "_opened")

    #: opened secrets kept at most; past it the cache starts over
    OPENED_MAX = 100_000

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise MasterKeyError(f"the master key must be {KEY_BYTES} bytes (base64), got {len(key)}")
        self._aead = AESGCM(key)
        # (api_key, sealed text) → secret. Opening (base64 + AES-GCM) ran on every signed
        # request, ~1.5% of a positionMargin (docs/BENCHMARKS.md). Keyed by the sealed text
        # itself, so it needs no invalidation: a rotated secret is sealed with a fresh nonce
        # and never matches an old entry; a text that fails to open is never stored.
        self._opened: dict[tuple[str, str], str] = {}

    def __repr__(self) -> str:  # never print key material
        return "SecretBox(<hidden>)"

    def seal(self, api_key: str, secret: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, secret.encode(), api_key.encode())
        return PREFIX + base64.b64encode(nonce + sealed).decode()

    def open(self, api_key: str, stored: str) -> str:
        if not is_sealed(stored):
            # A row written before secrets were encrypted (the migration seals them all; this
            # only happens if the schema was edited by hand): usable, but say so.
            log.warning("API key %s has a plaintext secret in the database", api_key[:8])
            return stored
        secret = self._opened.get((api_key, stored))
        if secret is not None:
            return secret
        try:
            raw = base64.b64decode(stored[len(PREFIX) :], validate=True)
            secret = self._aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], api_key.encode()).decode()
        except (InvalidTag, binascii.Error, ValueError) as exc:
            raise MasterKeyError(f"cannot decrypt the secret of API key {api_key[:8]}…: wrong master key?") from exc
        if len(self._opened) >= self.OPENED_MAX:
            self._opened.clear()
        self._opened[(api_key, stored)] = secret
        return secret


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


def new_master_key() -> str:
    return base64.b64encode(os.urandom(KEY_BYTES)).decode()


def _decode(text: str, origin: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except binascii.Error:
        raise MasterKeyError(f"{origin} is not base64") from None
    if len(key) != KEY_BYTES:
        raise MasterKeyError(f"{origin} must hold {KEY_BYTES} bytes (base64), got {len(key)}")
    return key


def default_key_file(db_url: str) -> Path:
    """``<file>.key`` beside a SQLite database; ``./isomargin-master.key`` otherwise."""
    if db_url.startswith("sqlite:///"):
        path = db_url[len("sqlite:///") :].split("?", 1)[0]
        if path and path != ":memory:":
            return Path(path + ".key")
    return POSTGRES_KEY_FILE


def read_or_create_key_file(path: Path) -> bytes:
    """The key in ``path``; a new random key written there (mode 0600) if there is none."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            log.warning("master key file %s is readable by other users (mode %o); chmod 600 it", path, mode)
        return _decode(path.read_text(), f"master key file {path}")
    with os.fdopen(fd, "w") as out:
        out.write(new_master_key() + "\n")
    log.info("created master key file %s (mode 0600); back it up with the database", path)
    return _decode(path.read_text(), f"master key file {path}")


def load_master_key(db_url: str, env_key: str | None = None, key_file: Path | None = None) -> SecretBox:
    if env_key:
        return SecretBox(_decode(env_key, "ISOMARGIN_MASTER_KEY"))
    path = key_file or default_key_file(db_url)
    path.parent.mkdir(parents=True, exist_ok=True)
    return SecretBox(read_or_create_key_file(path))
