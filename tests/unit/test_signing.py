"""Request signatures: Binance's HMAC test vectors, the signed payload, RSA and Ed25519 round trips.

Source: [GI] "SIGNED (TRADE and USER_DATA) Endpoint security" and reference §3.3.
"""

from __future__ import annotations

import hmac
from urllib.parse import quote

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from isomargin.auth.signing import KeyType, hmac_sha256_hex, sign, signed_payload, verify
from tests.keypairs import new_pair

# The secret of Binance's General-Info examples [GI].
GI_SECRET = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9"
GI_PLAIN = (
    b"symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943"
)
GI_PLAIN_SIG = "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9"
GI_MIXED_QUERY = b"symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC"
GI_MIXED_BODY = b"quantity=1&price=9000&recvWindow=5000&timestamp=1591702613943"
#: HMAC of the real mixed payload ("There is no & between "GTC" and "quantity=1"") — reference §3.3.
GI_MIXED_SIG = "30baaf0fab549bbeda7f5ef201898b34122da25fd23c646cac2c529aebe670a4"
#: What the doc prints for the mixed example: the HMAC of a typo payload with "timestamp= 1591…".
GI_MIXED_DOC_PRINTED = "f9d0ae5e813ef6ccf15c2b5a434047a0181cb5a342b903b367ca6d27a66e36f2"


# --- HMAC test vectors ------------------------------------------------------------------------


@given(st.text(max_size=150), st.binary(max_size=300))
@example("", b"")
@example("k" * 64, b"x")  # exactly one block
@example("k" * 65, b"x")  # one byte over: the key is hashed first (RFC 2104)
@example("é" * 40, b"x")  # 80 UTF-8 bytes from 40 characters
def test_hmac_from_prepared_pads_equals_the_standard_library(secret: str, payload: bytes) -> None:
    """The padded-key states computed once per secret give ``hmac``'s digest, for keys shorter,
    equal to and longer than SHA-256's 64-byte block, twice in a row (the cached states are copied,
    never advanced)."""
    want = hmac.digest(secret.encode(), payload, "sha256").hex()
    assert hmac_sha256_hex(secret, payload) == want
    assert hmac_sha256_hex(secret, payload) == want


def test_hmac_vector_all_in_query() -> None:
    assert hmac_sha256_hex(GI_SECRET, GI_PLAIN) == GI_PLAIN_SIG
    assert sign(KeyType.HMAC_SHA256, GI_SECRET, GI_PLAIN) == GI_PLAIN_SIG
    assert verify(KeyType.HMAC_SHA256, GI_SECRET, GI_PLAIN, GI_PLAIN_SIG)


def test_hmac_vector_all_in_body_is_the_same_payload() -> None:
    signed = signed_payload(b"", GI_PLAIN + b"&signature=" + GI_PLAIN_SIG.encode())
    assert signed.payload == GI_PLAIN
    assert verify(KeyType.HMAC_SHA256, GI_SECRET, signed.payload, signed.signature or "")


def test_hmac_vector_mixed_query_and_body_has_no_separator() -> None:
    signed = signed_payload(GI_MIXED_QUERY, GI_MIXED_BODY + b"&signature=" + GI_MIXED_SIG.encode())
    assert signed.payload == b"symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC" + GI_MIXED_BODY
    assert b"GTCquantity=1" in signed.payload
    assert hmac_sha256_hex(GI_SECRET, signed.payload) == GI_MIXED_SIG
    assert verify(KeyType.HMAC_SHA256, GI_SECRET, signed.payload, GI_MIXED_SIG)


def test_doc_printed_mixed_signature_is_not_the_hmac_of_the_correct_payload() -> None:
    """The General-Info page prints f9d0ae5e…; it signs ``timestamp= 1591702613943`` (a stray space)."""
    correct = GI_MIXED_QUERY + GI_MIXED_BODY
    assert hmac_sha256_hex(GI_SECRET, correct) != GI_MIXED_DOC_PRINTED
    assert not verify(KeyType.HMAC_SHA256, GI_SECRET, correct, GI_MIXED_DOC_PRINTED)
    typo = correct.replace(b"timestamp=", b"timestamp= ")
    assert hmac_sha256_hex(GI_SECRET, typo) == GI_MIXED_DOC_PRINTED


def test_hmac_signature_is_not_case_sensitive() -> None:
    """ "signature is not case sensitive" [GI]."""
    assert verify(KeyType.HMAC_SHA256, GI_SECRET, GI_PLAIN, GI_PLAIN_SIG.upper())


@pytest.mark.parametrize(
    "signature",
    [
        GI_PLAIN_SIG[:-1] + ("0" if GI_PLAIN_SIG[-1] != "0" else "1"),  # one hex digit off
        GI_PLAIN_SIG[:-2],  # truncated
        GI_PLAIN_SIG + "00",  # too long
        "",
        "not-hex-at-all",
        "é" + GI_PLAIN_SIG[1:],  # non-ASCII: hmac.compare_digest would raise TypeError on it
        "\u0660" * 64,  # Arabic-Indic digits
        GI_MIXED_SIG,  # a valid signature of another payload
    ],
)
def test_hmac_rejects_wrong_signatures(signature: str) -> None:
    assert not verify(KeyType.HMAC_SHA256, GI_SECRET, GI_PLAIN, signature)


def test_hmac_rejects_a_different_secret_or_payload() -> None:
    assert not verify(KeyType.HMAC_SHA256, GI_SECRET[:-1] + "0", GI_PLAIN, GI_PLAIN_SIG)
    assert not verify(KeyType.HMAC_SHA256, GI_SECRET, GI_PLAIN + b"&", GI_PLAIN_SIG)


# --- signed_payload(): which bytes were signed ------------------------------------------------


def test_signature_last_in_query() -> None:
    signed = signed_payload(b"symbol=BTCUSDT&amount=1&timestamp=5&signature=abc", b"")
    assert (signed.payload, signed.signature, signed.signature_count) == (
        b"symbol=BTCUSDT&amount=1&timestamp=5",
        "abc",
        1,
    )


def test_signature_last_in_body() -> None:
    signed = signed_payload(b"", b"amount=1&symbol=BTCUSDT&timestamp=5&signature=abc")
    assert (signed.payload, signed.signature, signed.signature_count) == (
        b"amount=1&symbol=BTCUSDT&timestamp=5",
        "abc",
        1,
    )


def test_query_and_body_mix_keeps_every_byte_but_the_signature_pair() -> None:
    signed = signed_payload(b"symbol=BTCUSDT&type=1", b"amount=1.0&timestamp=5&signature=abc")
    assert signed.payload == b"symbol=BTCUSDT&type=1amount=1.0&timestamp=5"
    assert signed.signature == "abc"


def test_signature_in_the_query_with_the_rest_in_the_body() -> None:
    signed = signed_payload(b"signature=abc", b"symbol=BTCUSDT&timestamp=5")
    assert (signed.payload, signed.signature) == (b"symbol=BTCUSDT&timestamp=5", "abc")


def test_no_signature() -> None:
    signed = signed_payload(b"symbol=BTCUSDT&timestamp=5", b"")
    assert (signed.payload, signed.signature, signed.signature_count) == (b"symbol=BTCUSDT&timestamp=5", None, 0)


def test_payload_is_the_raw_bytes_not_a_re_encoding() -> None:
    """Percent-escapes and parameter order are signed exactly as sent (reference §3.3)."""
    raw = b"symbol=BTCUSDT&note=a%2Bb+c&amount=100.0&timestamp=5"
    signed = signed_payload(raw + b"&signature=x", b"")
    assert signed.payload == raw


def test_signature_value_is_percent_decoded() -> None:
    signed = signed_payload(b"timestamp=5&signature=ab%2Bcd%2F%3D", b"")
    assert signed.signature == "ab+cd/="


def test_query_signature_wins_over_body_signature() -> None:
    signed = signed_payload(b"timestamp=5&signature=fromquery", b"signature=frombody")
    assert (signed.signature, signed.signature_count) == ("fromquery", 2)
    assert signed.payload == b"timestamp=5"


def test_a_parameter_merely_ending_in_signature_is_not_removed() -> None:
    signed = signed_payload(b"mysignature=1&timestamp=5&signature=abc", b"")
    assert signed.payload == b"mysignature=1&timestamp=5"


# --- RSA and Ed25519 --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rsa_pems() -> tuple[str, str]:
    return new_pair("RSA")


@pytest.fixture(scope="module")
def ed25519_pems() -> tuple[str, str]:
    return new_pair("ED25519")


@pytest.mark.parametrize("key_type", [KeyType.RSA, KeyType.ED25519])
def test_asymmetric_round_trip_through_the_wire(
    key_type: KeyType, rsa_pems: tuple[str, str], ed25519_pems: tuple[str, str]
) -> None:
    """Sign, URL-encode into the query as clients do [GI], split, verify."""
    private, public = rsa_pems if key_type is KeyType.RSA else ed25519_pems
    payload = b"symbol=BTCUSDT&amount=100&type=1&timestamp=1591702613943"
    signature = sign(key_type, private, payload)
    signed = signed_payload(payload + b"&signature=" + quote(signature, safe="").encode(), b"")
    assert signed.payload == payload and signed.signature == signature
    assert verify(key_type, public, signed.payload, signed.signature)


@pytest.mark.parametrize("key_type", [KeyType.RSA, KeyType.ED25519])
def test_asymmetric_rejections(key_type: KeyType, rsa_pems: tuple[str, str], ed25519_pems: tuple[str, str]) -> None:
    private, public = rsa_pems if key_type is KeyType.RSA else ed25519_pems
    other_private, other_public = new_pair(key_type.value)
    payload = b"symbol=BTCUSDT&amount=100&type=1&timestamp=1"
    signature = sign(key_type, private, payload)
    assert not verify(key_type, public, payload + b"0", signature)  # payload changed
    assert not verify(key_type, other_public, payload, signature)  # someone else's key
    assert not verify(key_type, public, payload, sign(key_type, other_private, payload))
    assert not verify(key_type, public, payload, "not base64 !!")  # malformed: False, not an exception
    assert not verify(key_type, public, payload, "")
    assert not verify(key_type, public, payload, hmac_sha256_hex("secret", payload))


def test_rsa_signature_is_deterministic_pkcs1v15(rsa_pems: tuple[str, str]) -> None:
    """PKCS#1 v1.5 (not PSS): the same payload always signs the same, as Binance's examples show."""
    private, _ = rsa_pems
    assert sign(KeyType.RSA, private, b"a=1") == sign(KeyType.RSA, private, b"a=1")


def test_key_of_the_wrong_kind_does_not_verify(rsa_pems: tuple[str, str], ed25519_pems: tuple[str, str]) -> None:
    private, _ = rsa_pems
    _, ed_public = ed25519_pems
    signature = sign(KeyType.RSA, private, b"a=1")
    assert not verify(KeyType.ED25519, ed_public, b"a=1", signature)
    assert not verify(KeyType.RSA, "not a pem", b"a=1", signature)
