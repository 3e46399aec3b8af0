"""Exceptions the client raises, one class per family of Binance errors.

Binance answers an error with ``{"code": <negative int>, "msg": "..."}`` and an HTTP status
(reference §2, [EC] https://developers.binance.com/docs/derivatives/usds-margined-futures/error-code,
[GI] .../general-info). :func:`error_for` turns such an answer into the most specific class here,
so a bot can ``except IsolatedBalanceInsufficient`` instead of comparing codes.

Retries: the client **never retries a request by itself**, and above all never a ``POST``. When a
``POST`` may or may not have been executed (HTTP 503 "Unknown error…", codes -1006/-1007, or the
connection dropped after the request was sent) it raises :class:`ExecutionStatusUnknown`: check
the outcome (e.g. ``margin_history``) before sending the change again, or margin moves twice.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class RequestInfo:
    """The request that failed: method, URL path and parameters, the signature left out."""

    method: str
    path: str
    params: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


class ClientError(Exception):
    """Base of everything ``isomargin.client`` raises (besides TypeError/ValueError on bad input)."""


class TransportError(ClientError):
    """The request never reached the server (connection refused, DNS, TLS, connect timeout).

    Nothing was executed, so sending again is safe.
    """

    def __init__(self, message: str, request: RequestInfo) -> None:
        super().__init__(message)
        self.request = request


class MissingCredentials(ClientError):
    """A signed endpoint was called on a client made without an API key or secret; nothing was sent.

    ``request`` is the call; ``missing`` names what was not given (``"API key"``, ``"API secret"``).
    """

    def __init__(self, request: RequestInfo, missing: tuple[str, ...]) -> None:
        super().__init__(f"{request} needs an API key and secret (no {' and no '.join(missing)} given)")
        self.request = request
        self.missing = missing


@dataclass(eq=False)
class BinanceAPIError(ClientError):
    """An error answer from Binance (or isomargin): ``code``, ``msg``, HTTP status, the request.

    ``http_status`` is ``None`` only for :class:`ExecutionStatusUnknown` raised on a client-side
    read timeout (no answer at all).
    """

    code: int
    msg: str
    http_status: int | None
    request: RequestInfo
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        Exception.__init__(self, str(self))

    def __str__(self) -> str:
        status = f"HTTP {self.http_status}" if self.http_status is not None else "no response"
        return f"Binance error {self.code}: {self.msg} ({status}, {self.request})"


# --- margin errors ([EC] 40xx; reference §2.1) ------------------------------------------------
class MarginError(BinanceAPIError):
    """A ``POST /fapi/v1/positionMargin`` rejection: nothing moved."""


class IsolatedMarginOnly(MarginError):
    """-4049 "Add margin only support for isolated position." (the symbol is CROSSED)."""


class CrossBalanceInsufficient(MarginError):
    """-4050 "Cross balance insufficient." (adding more than the cross wallet can spare)."""


class IsolatedBalanceInsufficient(MarginError):
    """-4051 "Isolated balance insufficient." (reducing past max removable, or an empty side)."""


class NoPositionToAddMargin(MarginError):
    """-4054 "Cannot add position margin: position is 0." (in hedge mode: check ``side``)."""


class AmountMustBePositive(MarginError):
    """-4055 "Amount must be positive."."""


# --- authentication errors ----------------------------------------------------------------
class AuthError(BinanceAPIError):
    """The key, signature or timestamp was refused: nothing was executed."""


class ApiKeyFormatInvalid(AuthError):
    """-2014 "API-key format invalid." (HTTP 401)."""


class ApiKeyRejected(AuthError):
    """-2015 "Invalid API-key, IP, or permissions for action." (HTTP 401)."""


class TimestampOutsideRecvWindow(AuthError):
    """-1021: the local clock (after time sync) and the server's disagree by more than recvWindow.

    The client re-syncs its clock offset before the next signed call; it does not resend this one.
    """


class InvalidSignature(AuthError):
    """-1022 "Signature for this request is not valid." (wrong secret or key type)."""


# --- rate limits ------------------------------------------------------------------------------
@dataclass(eq=False)
class RateLimitError(BinanceAPIError):
    """-1003 / HTTP 429 (or 418 once banned). ``retry_after`` in seconds when the server said.

    Binance: "Repeated 429 → 418; bans scale in duration for repeat offenders, from 2 minutes to
    3 days" [GI]. Back off for ``retry_after`` (from the ``Retry-After`` header, or the "banned
    until <ms>" message) before calling again.
    """

    retry_after: float | None = None


class IPBanned(RateLimitError):
    """HTTP 418: the IP is banned until the time in the message."""


# --- unknown outcome -------------------------------------------------------------------------
class ExecutionStatusUnknown(BinanceAPIError):
    """The request was sent, but whether it was executed is unknown [GI].

    HTTP 503 "Unknown error, please check your request or try again later." ("request sent, no
    response in time, execution status UNKNOWN"), codes -1006/-1007, or no answer before the
    read timeout. The client does not retry: look at the state (positions, margin history) first.
    """


UNKNOWN_503_MSG = "Unknown error, please check your request or try again later."
_BY_CODE: dict[int, type[BinanceAPIError]] = {
    -4049: IsolatedMarginOnly,
    -4050: CrossBalanceInsufficient,
    -4051: IsolatedBalanceInsufficient,
    -4054: NoPositionToAddMargin,
    -4055: AmountMustBePositive,
    -2014: ApiKeyFormatInvalid,
    -2015: ApiKeyRejected,
    -1021: TimestampOutsideRecvWindow,
    -1022: InvalidSignature,
    -1003: RateLimitError,
    -1006: ExecutionStatusUnknown,
    -1007: ExecutionStatusUnknown,
}
_BANNED_UNTIL = re.compile(r"banned until (\d{10,16})")


def _retry_after(headers: Mapping[str, str], msg: str, now: float) -> float | None:
    value = headers.get("retry-after")
    if value is not None:
        try:
            return max(0.0, float(value))
        except ValueError:
            pass  # an HTTP date: not sent by Binance; fall back to the message
    match = _BANNED_UNTIL.search(msg)
    if match:
        return max(0.0, int(match.group(1)) / 1000 - now)
    return None


def error_for(
    http_status: int, code: int, msg: str, request: RequestInfo, headers: Mapping[str, str]
) -> BinanceAPIError:
    """The most specific exception for one error answer (``headers`` with lower-case names).

    The code's own class when it has one; otherwise the HTTP status decides: 401 → :class:`AuthError`,
    429 → :class:`RateLimitError`, 418 → :class:`IPBanned`, anything else :class:`BinanceAPIError`.
    """
    if http_status == 503 and (msg == UNKNOWN_503_MSG or code in (-1006, -1007)):
        return ExecutionStatusUnknown(code, msg, http_status, request, headers)
    if http_status == 418:
        return IPBanned(code, msg, http_status, request, headers, _retry_after(headers, msg, time.time()))
    if http_status == 429 or code == -1003:
        return RateLimitError(code, msg, http_status, request, headers, _retry_after(headers, msg, time.time()))
    cls = _BY_CODE.get(code)
    if cls is None:
        # A code without a class of its own (or no JSON at all): the HTTP status still says what it is.
        cls = AuthError if http_status == 401 else BinanceAPIError
    return cls(code, msg, http_status, request, headers)
