"""Authenticate a request: API key, mandatory timestamp and signature, recvWindow, signature.

Order of checks (Binance does not document it; reference open question 7 — assumed, and
listed in docs/COVERAGE.md):

1. ``X-MBX-APIKEY`` missing or malformed → -2014 (HTTP 401)
2. key unknown, disabled, or without the futures permission → -2015 (HTTP 401)
3. the endpoint's own parameters (done by the route's parser, before this module's step 4)
4. ``timestamp`` then ``signature`` missing or malformed → -1102
5. timestamp outside the window → -1021 (both of Binance's messages)
6. signature wrong → -1022
7. key not allowed to trade (TRADE endpoints) or IP not on the key's list → -2015
"""

from __future__ import annotations

import ipaddress
import logging

from isomargin import errors
from isomargin.api.context import RequestContext, Security
from isomargin.auth.keystore import MasterKeyError, SecretBox
from isomargin.auth.signing import HMAC, KEY_TYPES, KeyType, signed_payload, verify
from isomargin.store import repo

log = logging.getLogger("isomargin.auth")

API_KEY_MAX = 128
DEFAULT_RECV_WINDOW_MS = 5000

#: read once (a member read off an enum class is slow on Python 3.11: context.py)
_TRADE = Security.TRADE


def check_api_key_header(ctx: RequestContext) -> str:
    key = ctx.api_key_header
    if not key or len(key) > API_KEY_MAX or not key.isascii() or not key.isprintable() or " " in key:
        raise errors.BAD_API_KEY_FMT.error()
    return key


def check_key_usable(key: repo.ApiKey | None) -> repo.ApiKey:
    """Unknown, disabled, or not enabled for futures → -2015 (HTTP 401) [EC]."""
    if key is None or not key.enabled or not key.futures_enabled:
        raise errors.REJECTED_MBX_KEY.error()
    return key


def check_timestamp(ctx: RequestContext, recv_window_max_ms: int, *, frozen: bool = False) -> None:
    """``timestamp < serverTime + 1000 && serverTime - timestamp <= recvWindow`` [GI].

    While the clock is frozen (``PUT /_isomargin/v1/clock {"frozen": true}``) server time tracks no
    client's clock any more: a client signing with its own clock would drift past the 1000 ms
    margin within a second, and an advance of hours leaves every client behind the window. So a
    frozen clock checks that ``timestamp`` and ``recvWindow`` are well formed but not the window
    (assumed: Binance's clock never stands still). -1021 stays testable with a running clock and
    ``offsetMs``.
    """
    timestamp = ctx.params.integer("timestamp")
    assert timestamp is not None
    # Missing, empty ("signature=") or padded with whitespace: -1102 like any mandatory
    # parameter ("no empty values" [CL]), not -1022.
    ctx.params.string("signature")
    recv_window = ctx.params.integer("recvWindow", mandatory=False)
    if recv_window is None:
        recv_window = DEFAULT_RECV_WINDOW_MS
    elif recv_window <= 0:
        # A zero or negative window can never pass; -1102 like a malformed value (assumed).
        raise errors.MANDATORY_PARAM_EMPTY_OR_MALFORMED.error("recvWindow")
    # Above the documented maximum of 60000 Binance's behaviour is unknown (reference open
    # question 8): we treat it as the maximum (assumed).
    recv_window = min(recv_window, recv_window_max_ms)
    if frozen:
        return
    if timestamp >= ctx.now_ms + 1000:
        raise errors.TIMESTAMP_AHEAD.error()
    if ctx.now_ms - timestamp > recv_window:
        raise errors.TIMESTAMP_OUTSIDE_RECV_WINDOW.error()


def check_signature(ctx: RequestContext, key: repo.ApiKey, box: SecretBox) -> None:
    """Verify over the exact bytes received (query string + body, ``signature`` pair removed)."""
    signed = signed_payload(ctx.query, ctx.body)
    if signed.signature is None:
        raise errors.INVALID_SIGNATURE.error()
    # the dict first (no enum call); an unknown type still fails as ``KeyType(...)`` does
    key_type = KEY_TYPES.get(key.key_type) or KeyType(key.key_type)
    try:
        secret = box.open(key.api_key, key.secret) if key_type is HMAC else key.secret
    except MasterKeyError:
        # The server was started with another master key than the one that sealed this row
        # (checked at start for one row); nothing can verify it, so the signature is invalid.
        log.error("API key %s…: its secret does not open with this server's master key", key.api_key[:8])
        raise errors.INVALID_SIGNATURE.error() from None
    if not verify(key_type, secret, signed.payload, signed.signature):
        raise errors.INVALID_SIGNATURE.error()


def check_permissions(ctx: RequestContext, key: repo.ApiKey, security: Security) -> None:
    if security is _TRADE and not key.can_trade:
        raise errors.REJECTED_MBX_KEY.error()
    if key.ip_whitelist:
        try:
            ip = ipaddress.ip_address(ctx.client_ip)
        except ValueError:
            raise errors.REJECTED_MBX_KEY.error() from None
        allowed = (ipaddress.ip_network(n.strip(), strict=False) for n in key.ip_whitelist.split(",") if n.strip())
        if not any(ip in network for network in allowed):
            raise errors.REJECTED_MBX_KEY.error()
