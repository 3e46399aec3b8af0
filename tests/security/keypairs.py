"""RSA and Ed25519 key pairs for tests, as PEM text (generated once per test session)."""

from __future__ import annotations

from functools import cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa


@cache
def rsa_pair(bits: int = 2048) -> tuple[str, str]:
    """(private PKCS#8 PEM, public SubjectPublicKeyInfo PEM) — what Binance's key form takes [GI]."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return _pems(key)


@cache
def ed25519_pair() -> tuple[str, str]:
    return _pems(ed25519.Ed25519PrivateKey.generate())


def fresh_private_pem(key_type: str) -> str:
    """A new private key of ``key_type`` ("RSA" or "ED25519") that the server has never seen."""
    key = rsa.generate_private_key(65537, 2048) if key_type == "RSA" else ed25519.Ed25519PrivateKey.generate()
    return _pems(key)[0]


def _pems(key: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey) -> tuple[str, str]:
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public
