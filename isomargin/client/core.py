"""The client without I/O: builds and signs requests, reads answers, keeps the clock offset.

Operations (``isomargin.client.ops``) are generators that yield :class:`Call` descriptions and
receive decoded JSON. :meth:`Core.run` turns them into a generator of fully built
:class:`HttpRequest` objects that receives :class:`HttpResponse` objects; the sync and async
clients only move bytes between it and httpx. So signing, time sync, error mapping and paging
exist once, for both clients, and can be read without any networking in the way.

Signing follows [GI] §"SIGNED Endpoint security" (reference §3.3): ``timestamp`` (server time in
ms, corrected by the measured offset) and ``recvWindow`` are appended, the signature covers the
exact url-encoded string sent (query string for GET, form body otherwise) and goes last. One
signing implementation, shared with the server's verifier: :mod:`isomargin.auth.signing`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

from isomargin.auth.signing import KeyType, load_private_key, sign
from isomargin.client import errors
from isomargin.client.errors import BinanceAPIError, ClientError, RequestInfo

T = TypeVar("T")

BINANCE_URL = "https://fapi.binance.com"
BINANCE_TESTNET_URL = "https://demo-fapi.binance.com"
DEFAULT_RECV_WINDOW_MS = 5000
DEFAULT_TIME_SYNC_INTERVAL_S = 300.0
WEIGHT_HEADER = "x-mbx-used-weight-1m"
USER_AGENT = "isomargin-client/0.1"
# Binance's documented 5xx answers that mean "not executed" [GI]; any other 5xx to a POST is unknown.
_KNOWN_FAILURES = ("Service Unavailable.", "Internal error; unable to process your request. Please try again.")


@dataclass(frozen=True, slots=True)
class Call:
    """One Binance endpoint call, before timestamp and signature."""

    method: str
    path: str
    params: tuple[tuple[str, str], ...] = ()
    signed: bool = False


class ServerNow:
    """Yielded by an operation that needs the server's current time (ms); answered without I/O."""


SERVER_NOW = ServerNow()
Op = Generator[Call | ServerNow, Any, T]
TIME_CALL = Call("GET", "/fapi/v1/time")


@dataclass(frozen=True, slots=True)
class HttpRequest:
    method: str
    url: str
    headers: Mapping[str, str]
    content: bytes
    info: RequestInfo


@dataclass(frozen=True, slots=True)
class HttpResponse:
    status: int
    headers: Mapping[str, str]  # lower-case names
    content: bytes


def key_type_of(value: KeyType | str) -> KeyType:
    """``HMAC``/``HMAC_SHA256``, ``RSA``, ``ED25519``/``Ed25519``, case-insensitive."""
    if isinstance(value, KeyType):
        return value
    name = value.strip().upper()
    aliases = {"HMAC": KeyType.HMAC_SHA256, "HMAC_SHA256": KeyType.HMAC_SHA256, "RSA": KeyType.RSA}
    aliases["ED25519"] = KeyType.ED25519
    if name not in aliases:
        raise ValueError(f"key type must be HMAC, RSA or ED25519, not {value!r}")
    return aliases[name]


def decimal_param(value: Decimal | str | int, name: str = "amount") -> str:
    """A money parameter as Binance expects it: plain decimal text. Floats are refused.

    ``0.1`` as a float is 0.1000000000000000055511151231257827…; money never goes through it.
    """
    if isinstance(value, float):
        raise TypeError(f"{name} must be a Decimal or a decimal string, not float ({value!r})")
    if isinstance(value, bool) or not isinstance(value, Decimal | str | int):
        raise TypeError(f"{name} must be a Decimal or a decimal string, not {type(value).__name__}")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except ArithmeticError:
        raise ValueError(f"{name} is not a decimal number: {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"{name} must be finite, not {value!r}")
    return format(number, "f")


def _decode_json(content: bytes) -> Any:
    # parse_float=Decimal: JSON numbers such as positionMargin's "amount": 100.0 stay exact.
    return json.loads(content, parse_float=Decimal)


class Core:
    """Credentials, clock offset and last used weight of one client; all request logic."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None,
        api_secret: str | None,
        key_type: KeyType | str,
        *,
        recv_window: int | None,
        time_sync: bool,
        time_sync_interval: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.key_type = key_type_of(key_type)
        self._secret = api_secret
        if api_secret is not None and self.key_type is not KeyType.HMAC_SHA256:
            load_private_key(api_secret)  # fail at construction, not on the first call
        if recv_window is not None and not 0 < recv_window <= 60000:
            raise ValueError("recv_window must be in 1..60000 ms (Binance's maximum is 60000)")
        self.recv_window = recv_window
        self.time_sync = time_sync
        self.time_sync_interval = time_sync_interval
        self._clock = clock
        self.time_offset_ms = 0
        self._synced_at: float | None = None
        self.used_weight: int | None = None
        self.last_headers: Mapping[str, str] = {}

    # --- clock --------------------------------------------------------------------------------
    def _local_ms(self) -> int:
        return int(self._clock() * 1000)

    def server_now_ms(self) -> int:
        """The server's time as estimated from the local clock and the last measured offset."""
        return self._local_ms() + self.time_offset_ms

    def _sync_due(self) -> bool:
        if not self.time_sync:
            return False
        return self._synced_at is None or self._clock() - self._synced_at > self.time_sync_interval

    def expire_time_sync(self) -> None:
        """Measure the offset again before the next signed call (done after every -1021)."""
        self._synced_at = None

    def _sync(self) -> Generator[HttpRequest, HttpResponse, None]:
        before = self._clock()
        request = self.build(TIME_CALL)
        response = yield request
        after = self._clock()
        data = self.decode(request, response)
        # The server read its clock somewhere between send and receive: assume the middle.
        self.time_offset_ms = int(data["serverTime"]) - int((before + after) / 2 * 1000)
        self._synced_at = after

    # --- requests -----------------------------------------------------------------------------
    def _require_credentials(self, call: Call) -> None:
        if self.api_key is None or self._secret is None:
            missing = ("API key",) * (self.api_key is None) + ("API secret",) * (self._secret is None)
            raise errors.MissingCredentials(RequestInfo(call.method, call.path, call.params), missing)

    def build(self, call: Call) -> HttpRequest:
        params = list(call.params)
        headers = {"User-Agent": USER_AGENT}
        if call.signed:
            self._require_credentials(call)
            assert self.api_key is not None and self._secret is not None
            if self.recv_window is not None:
                params.append(("recvWindow", str(self.recv_window)))
            params.append(("timestamp", str(self.server_now_ms())))
            payload = urlencode(params)
            signature = sign(self.key_type, self._secret, payload.encode())
            # RSA/Ed25519 signatures are base64 and must be URL-encoded (+ / =) [GI]; hex is unchanged.
            encoded = f"{payload}&signature={quote(signature, safe='')}"
            headers["X-MBX-APIKEY"] = self.api_key
        else:
            encoded = urlencode(params)
        info = RequestInfo(call.method, call.path, tuple(params))
        if call.method == "GET" or call.method == "DELETE":
            url = f"{self.base_url}{call.path}" + (f"?{encoded}" if encoded else "")
            return HttpRequest(call.method, url, headers, b"", info)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return HttpRequest(call.method, f"{self.base_url}{call.path}", headers, encoded.encode(), info)

    def decode(self, request: HttpRequest, response: HttpResponse) -> Any:
        """The JSON of a successful answer; the matching :mod:`~isomargin.client.errors` class otherwise."""
        self.last_headers = response.headers
        weight = response.headers.get(WEIGHT_HEADER)
        if weight is not None and weight.isdigit():
            self.used_weight = int(weight)
        info = request.info  # what was sent, timestamp and recvWindow included, never the signature
        try:
            data = _decode_json(response.content) if response.content else None
        except ValueError:
            data = None
        is_error = isinstance(data, dict) and isinstance(data.get("code"), int) and data["code"] < 0 and "msg" in data
        if response.status < 400 and not is_error:
            if data is None:
                raise BinanceAPIError(0, "the answer is not JSON", response.status, info, response.headers)
            return data
        if is_error:
            assert isinstance(data, dict)
            code, msg = int(data["code"]), str(data["msg"])
        else:
            code, msg = 0, response.content.decode("utf-8", "replace").strip()[:200]
        if response.status >= 500 and request.method != "GET" and msg not in _KNOWN_FAILURES and code != -1008:
            # A POST that may have run: never report it as a plain failure [GI].
            raise errors.ExecutionStatusUnknown(code, msg, response.status, info, response.headers)
        error = errors.error_for(response.status, code, msg, info, response.headers)
        if isinstance(error, errors.TimestampOutsideRecvWindow):
            self.expire_time_sync()
        raise error

    def transport_failure(self, request: HttpRequest, exc: Exception, *, sent: bool) -> ClientError:
        """What a network failure means: nothing executed, or (after sending a change) unknown."""
        if sent and request.method != "GET":
            return errors.ExecutionStatusUnknown(
                -1007, f"no answer from the server ({type(exc).__name__}): execution status unknown", None, request.info
            )
        return errors.TransportError(f"{request.info}: {type(exc).__name__}: {exc}", request.info)

    def run(self, op: Op[T]) -> Generator[HttpRequest, HttpResponse, T]:
        """Drive one operation: every Call it yields is signed, sent (by the caller) and decoded."""
        answer: Any = None
        while True:
            try:
                step = op.send(answer)
            except StopIteration as done:
                result: T = done.value
                return result
            if isinstance(step, Call) and step.signed:
                self._require_credentials(step)  # before the time sync: nothing is sent at all
            if (isinstance(step, ServerNow) or step.signed) and self._sync_due():
                yield from self._sync()
            if isinstance(step, ServerNow):
                answer = self.server_now_ms()
                continue
            request = self.build(step)
            response = yield request
            answer = self.decode(request, response)


def params(*pairs: tuple[str, object | None]) -> tuple[tuple[str, str], ...]:
    """Request parameters in order, leaving out the ones that are ``None``."""
    return tuple((name, str(value)) for name, value in pairs if value is not None)


def as_list(data: Any) -> Sequence[Any]:
    return data if isinstance(data, list) else [data]
