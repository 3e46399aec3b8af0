"""RSA and Ed25519 key pairs for tests, as PEM text: (private PKCS#8, public SubjectPublicKeyInfo),
what Binance's key form takes [GI]."""

from __future__ import annotations

from functools import cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa


def new_pair(key_type: str) -> tuple[str, str]:
    """A new key pair of ``key_type`` ("RSA", 2048 bits, or "ED25519") that no test has seen."""
    key = rsa.generate_private_key(65537, 2048) if key_type == "RSA" else ed25519.Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


@cache
def rsa_pair() -> tuple[str, str]:
    """One RSA pair per test session (generating one takes a noticeable fraction of a second)."""
    return new_pair("RSA")


@cache
def ed25519_pair() -> tuple[str, str]:
    return new_pair("ED25519")
