"""API keys: create, change permissions and IP allow-list, disable, delete (control plane).

Binance keys carry permissions (futures enabled, trading allowed) and an optional list of
trusted IPs; a request that a key may not make answers -2015 "Invalid API-key, IP, or
permissions for action." (HTTP 401) [EC][GI] — checked in ``isomargin.api.auth``. HMAC secrets
are sealed with the master key before they reach the database (``auth.keystore``).
"""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass, replace

from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from isomargin.auth.keystore import PREFIX as SEALED_PREFIX
from isomargin.auth.keystore import SecretBox, load_master_key
from isomargin.auth.signing import KeyType, load_public_key
from isomargin.config import Settings
from isomargin.service.context import ServiceContext
from isomargin.service.errors import AdminError
from isomargin.store import Store, Tx, repo

API_KEY_MAX = 128
SECRET_MIN, SECRET_MAX = 8, 128  # generated secrets are 64 hex characters, like Binance's
PUBLIC_KEY_MAX = 16_384
RSA_MIN_BITS = 2048
IP_LIST_MAX = 30  # Binance lets a key list up to 30 IPs (assumed for isomargin's allow-list size)


@dataclass(frozen=True, slots=True)
class Credentials:
    api_key: str
    secret_key: str | None  # None for RSA/Ed25519 keys: the server holds only the public key
    key_type: KeyType


@dataclass(frozen=True, slots=True)
class Permissions:
    """What a key may do; ``None`` fields are left as they are by :func:`update_api_key`."""

    enabled: bool | None = None
    futures_enabled: bool | None = None
    can_trade: bool | None = None
    #: allowed IPs/networks; ``()`` = any IP
    ip_whitelist: tuple[str, ...] | None = None


def new_api_key() -> str:
    # 64 alphanumerics, the length and alphabet of a Binance API key.
    return secrets.token_hex(32)


def _printable(value: str) -> bool:
    return value.isascii() and value.isprintable() and " " not in value


def normalize_ip_list(entries: tuple[str, ...]) -> str | None:
    """Validated ``"1.2.3.4,10.0.0.0/8"`` for storage; None for an empty list (any IP)."""
    if len(entries) > IP_LIST_MAX:
        raise AdminError(f"ipWhitelist holds at most {IP_LIST_MAX} entries")
    networks = []
    for entry in entries:
        try:
            networks.append(str(ipaddress.ip_network(entry.strip(), strict=False)))
        except ValueError:
            raise AdminError(f"ipWhitelist entry {entry!r} is not an IP address or network") from None
    return ",".join(networks) if networks else None


def _require_box(ctx: ServiceContext) -> SecretBox:
    if ctx.secrets is None:
        raise RuntimeError("no master key: HMAC secrets cannot be stored unsealed")
    return ctx.secrets


def _check_public_key(key_type: KeyType, pem: str | None) -> str:
    if not pem:
        raise AdminError(f"a {key_type.value} key needs publicKey (PEM)")
    if len(pem) > PUBLIC_KEY_MAX:
        raise AdminError("publicKey is too long")
    try:
        key = load_public_key(pem)
    except ValueError as exc:
        # cryptography's message runs to several lines with a URL; its first line says what failed
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise AdminError(f"publicKey is not a valid PEM public key: {reason}") from None
    if key_type is KeyType.RSA:
        if not isinstance(key, rsa.RSAPublicKey):
            raise AdminError("type RSA needs an RSA public key")
        if key.key_size < RSA_MIN_BITS:
            raise AdminError(f"RSA keys must have at least {RSA_MIN_BITS} bits")
    elif not isinstance(key, ed25519.Ed25519PublicKey):
        raise AdminError("type ED25519 needs an Ed25519 public key")
    return pem


def add_api_key(
    tx: Tx,
    ctx: ServiceContext,
    account_id: int,
    key_type: KeyType,
    *,
    api_key: str | None = None,
    secret: str | None = None,
    public_key: str | None = None,
    permissions: Permissions = Permissions(),
) -> Credentials:
    if repo.get_account(tx, account_id) is None:
        raise AdminError(f"account {account_id} does not exist", 404)
    api_key = api_key or new_api_key()
    if not _printable(api_key) or len(api_key) > API_KEY_MAX:
        raise AdminError(f"apiKey must be 1-{API_KEY_MAX} printable ASCII characters without spaces")
    if repo.get_api_key(tx, api_key) is not None:
        raise AdminError("apiKey already exists", 409)
    if key_type is KeyType.HMAC_SHA256:
        if public_key is not None:
            raise AdminError("publicKey is only for RSA and ED25519 keys")
        secret = secret or secrets.token_hex(32)
        if not _printable(secret) or not SECRET_MIN <= len(secret) <= SECRET_MAX:
            raise AdminError(f"secretKey must be {SECRET_MIN}-{SECRET_MAX} printable ASCII characters without spaces")
        stored = _require_box(ctx).seal(api_key, secret)
    else:
        if secret is not None:
            raise AdminError(f"a {key_type.value} key has no secretKey: send publicKey (PEM)")
        stored, secret = _check_public_key(key_type, public_key), None
    key = repo.ApiKey(
        api_key,
        account_id,
        key_type.value,
        stored,
        can_trade=True if permissions.can_trade is None else permissions.can_trade,
        enabled=True if permissions.enabled is None else permissions.enabled,
        ip_whitelist=normalize_ip_list(permissions.ip_whitelist or ()),
        futures_enabled=True if permissions.futures_enabled is None else permissions.futures_enabled,
    )
    repo.insert_api_key(tx, key, ctx.now_ms)
    return Credentials(api_key, secret, key_type)


def get_api_key(tx: Tx, api_key: str) -> repo.ApiKey:
    key = repo.get_api_key(tx, api_key)
    if key is None:
        raise AdminError("API key does not exist", 404)
    return key


def update_api_key(tx: Tx, api_key: str, changes: Permissions) -> repo.ApiKey:
    key = get_api_key(tx, api_key)
    updated = replace(
        key,
        enabled=key.enabled if changes.enabled is None else changes.enabled,
        can_trade=key.can_trade if changes.can_trade is None else changes.can_trade,
        futures_enabled=key.futures_enabled if changes.futures_enabled is None else changes.futures_enabled,
        ip_whitelist=key.ip_whitelist if changes.ip_whitelist is None else normalize_ip_list(changes.ip_whitelist),
    )
    repo.update_api_key(tx, updated)
    return updated


def delete_api_key(tx: Tx, api_key: str) -> None:
    if not repo.delete_api_key(tx, api_key):
        raise AdminError("API key does not exist", 404)


def seal_plaintext_secrets(tx: Tx, box: SecretBox) -> int:
    """Seal HMAC secrets stored before encryption existed; the count sealed (0 once done)."""
    keys = repo.hmac_keys_with_plaintext_secret(tx, SEALED_PREFIX)
    for key in keys:
        repo.update_api_key(tx, replace(key, secret=box.seal(key.api_key, key.secret)))
    return len(keys)


def open_secret_box(store: Store, settings: Settings) -> SecretBox:
    """Load the master key, check it opens the stored secrets, seal any left in plaintext.

    Run at every start, before the first request: a wrong key stops the server with a clear
    error instead of failing signatures one by one; sealing is idempotent.
    """
    box = load_master_key(settings.db_url, settings.master_key, settings.master_key_file)
    store.read_sync(lambda tx: check_master_key(tx, box))
    store.write_sync(lambda tx: seal_plaintext_secrets(tx, box))
    return box


def check_master_key(tx: Tx, box: SecretBox) -> None:
    """Refuse to start with a master key that does not open the stored secrets (MasterKeyError)."""
    key = repo.first_sealed_hmac_key(tx, SEALED_PREFIX)
    if key is not None:
        box.open(key.api_key, key.secret)


def describe(key: repo.ApiKey) -> dict[str, object]:
    """A key as the control plane shows it: never its secret."""
    return {
        "apiKey": key.api_key,
        "accountId": key.account_id,
        "type": key.key_type,
        "enabled": key.enabled,
        "enableFutures": key.futures_enabled,
        "canTrade": key.can_trade,
        "ipRestrict": key.ip_whitelist is not None,
        "ipWhitelist": key.ip_whitelist.split(",") if key.ip_whitelist else [],
    }
