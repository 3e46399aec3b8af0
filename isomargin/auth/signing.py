"""Binance request signatures: HMAC-SHA256, RSA (PKCS#1 v1.5, SHA-256) and Ed25519.

One implementation for both sides: the server verifies with :func:`verify`, the client signs
with :func:`sign`. Source: [GI] "SIGNED (TRADE and USER_DATA) Endpoint security"
(https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info) and
reference §3.3:

- the payload is ``totalParams`` = the query string followed by the request body, exactly as
  received, with no separator between them and the ``signature`` pair left out;
- HMAC signatures are lowercase or uppercase hex ("signature is not case sensitive");
- RSA and Ed25519 signatures are base64, URL-encoded on the wire.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from enum import StrEnum
from urllib.parse import unquote_to_bytes

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from isomargin.domain.value import value


class KeyType(StrEnum):
    HMAC_SHA256 = "HMAC_SHA256"
    RSA = "RSA"
    ED25519 = "ED25519"


#: read once: ``KeyType.HMAC_SHA256`` off the class goes through EnumType.__getattr__'s slow
#: attribute hook on Python 3.11, and every signed request compares against it
HMAC = KeyType.HMAC_SHA256
#: a stored key type → its member, without ``KeyType(text)``'s Python-level enum call
KEY_TYPES = {t.value: t for t in KeyType}


@value
class SignedPayload:
    """What was signed, and the signature the client sent (percent-decoded), if any."""

    payload: bytes
    signature: str | None
    signature_count: int


_AMPERSAND = ord("&")
_SIGNATURE_PREFIX = len(b"signature=")


def _split_signature(raw: bytes) -> tuple[bytes, list[bytes]]:
    """Remove every ``signature=`` pair from one parameter string, keeping the rest verbatim."""
    first = raw.find(b"signature=")  # find, not `in` (no TypeError raised and cleared: api/params.py)
    if first < 0:
        return raw, []
    if (first == 0 or raw[first - 1] == _AMPERSAND) and raw.find(b"&", first) < 0:
        # Every client's case: one signature pair, the last one. Splitting and joining every pair
        # gives the bytes before it (its "&" dropped) and its value: cut them out directly
        # (~4,000 instructions against ~15,000; docs/BENCHMARKS.md). No "signature=" stands before it.
        return raw[: max(first - 1, 0)], [raw[first + _SIGNATURE_PREFIX :]]
    kept: list[bytes] = []
    signatures: list[bytes] = []
    for pair in raw.split(b"&"):
        if pair.startswith(b"signature="):
            signatures.append(pair[_SIGNATURE_PREFIX:])
        else:
            kept.append(pair)
    return b"&".join(kept), signatures


def signed_payload(query: bytes, body: bytes) -> SignedPayload:
    """The bytes a client signed: query string + body, the ``signature`` pair removed.

    Binance asks that the signature be "the end part of your query string or request body";
    wherever it stands, only its own pair is removed and every other byte is kept as sent.
    """
    query_rest, query_sigs = _split_signature(query)
    body_rest, body_sigs = _split_signature(body)
    signatures = query_sigs + body_sigs
    signature: str | None = None
    if signatures:
        # The query string wins over the body for a parameter sent in both [GI].
        chosen = query_sigs[0] if query_sigs else body_sigs[0]
        if chosen.find(b"%") >= 0:  # a hex signature has nothing to unquote: skip the Python-level call
            chosen = unquote_to_bytes(chosen)
        signature = chosen.decode("latin-1")
    return SignedPayload(query_rest + body_rest, signature, len(signatures))


#: SHA-256's block size, RFC 2104's B
_BLOCK = 64
_IPAD = bytes(x ^ 0x36 for x in range(256))
_OPAD = bytes(x ^ 0x5C for x in range(256))
_PADS_MAX = 4096
#: secret → SHA-256 states with its inner and outer padded key already hashed. Held like the
#: SecretBox holds opened secrets (memory only, the process's lifetime); bounded, cleared when full.
_pads: dict[str, tuple[hashlib._Hash, hashlib._Hash]] = {}


def _hmac_pads(secret: str) -> tuple[hashlib._Hash, hashlib._Hash]:
    pads = _pads.get(secret)
    if pads is None:
        key = secret.encode()
        if len(key) > _BLOCK:
            key = hashlib.sha256(key).digest()
        key = key.ljust(_BLOCK, b"\0")
        pads = (hashlib.sha256(key.translate(_IPAD)), hashlib.sha256(key.translate(_OPAD)))
        if len(_pads) >= _PADS_MAX:
            _pads.clear()
        _pads[secret] = pads
    return pads


def hmac_sha256_hex(secret: str, payload: bytes) -> str:
    """HMAC-SHA256 (RFC 2104: ``H(K ⊕ opad ‖ H(K ⊕ ipad ‖ m))``) from the secret's two padded-key
    states, prepared once: two hash copies per request. OpenSSL 3's one-shot ``hmac.digest`` fetches
    the algorithm and sets the key on every call, ~25,800 instructions against ~14,900 here
    (docs/BENCHMARKS.md, perf2); ``tests/unit/test_signing.py`` holds both equal."""
    inner_pad, outer_pad = _hmac_pads(secret)
    inner = inner_pad.copy()
    inner.update(payload)
    outer = outer_pad.copy()
    outer.update(inner.digest())
    return outer.hexdigest()


def load_public_key(pem: str) -> rsa.RSAPublicKey | ed25519.Ed25519PublicKey:
    """A PEM public key (RSA in PKCS#8/SubjectPublicKeyInfo, or Ed25519). ValueError if neither."""
    key = serialization.load_pem_public_key(pem.encode())
    if not isinstance(key, rsa.RSAPublicKey | ed25519.Ed25519PublicKey):
        raise ValueError("only RSA and Ed25519 public keys are supported")
    return key


def load_private_key(pem: str) -> rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey):
        raise ValueError("only RSA and Ed25519 private keys are supported")
    return key


def sign(key_type: KeyType, secret_or_private_pem: str, payload: bytes) -> str:
    """The signature a client puts in ``signature=`` (before URL-encoding)."""
    if key_type is KeyType.HMAC_SHA256:
        return hmac_sha256_hex(secret_or_private_pem, payload)
    key = load_private_key(secret_or_private_pem)
    if isinstance(key, rsa.RSAPrivateKey):
        raw = key.sign(payload, padding.PKCS1v15(), hashes.SHA256())
    else:
        raw = key.sign(payload)
    return base64.b64encode(raw).decode()


def verify(key_type: KeyType, secret_or_public_pem: str, payload: bytes, signature: str) -> bool:
    """True when ``signature`` is valid for ``payload``; comparisons are constant-time."""
    if key_type is HMAC:
        if not signature.isascii():
            return False  # compare_digest refuses non-ASCII str (TypeError); never a valid hex digest
        expected = hmac_sha256_hex(secret_or_public_pem, payload)
        return hmac.compare_digest(expected, signature.lower())
    try:
        raw = base64.b64decode(signature, validate=True)
        key = load_public_key(secret_or_public_pem)
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(raw, payload, padding.PKCS1v15(), hashes.SHA256())
        else:
            key.verify(raw, payload)
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True
