"""What the sync and async clients share: construction, settings and the per-call state."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Generic, TypeVar

from isomargin.auth.signing import KeyType
from isomargin.client.core import (
    BINANCE_URL,
    DEFAULT_RECV_WINDOW_MS,
    DEFAULT_TIME_SYNC_INTERVAL_S,
    Core,
)

DEFAULT_TIMEOUT_S = 10.0
H = TypeVar("H")


class BaseClient(Generic[H]):
    """Settings common to :class:`~isomargin.client.Client` and :class:`~isomargin.client.AsyncClient`.

    Args:
        base_url: ``https://fapi.binance.com`` (default), the testnet ``https://demo-fapi.binance.com``
            or a local isomargin such as ``http://127.0.0.1:8765``.
        api_key: the ``X-MBX-APIKEY`` value.
        api_secret: the HMAC secret, or the PEM private key for ``key_type`` RSA / ED25519.
        key_type: ``"HMAC"`` (default), ``"RSA"`` or ``"ED25519"`` (or a :class:`KeyType`).
        recv_window: ``recvWindow`` sent with every signed call, in ms (Binance's default is 5000,
            its maximum 60000); ``None`` sends none.
        time_sync: measure the offset to the server's clock with ``GET /fapi/v1/time`` before the
            first signed call, again every ``time_sync_interval`` seconds and after any -1021.
        timeout: seconds to wait for connect and for the answer.
        http: an httpx client to use (proxies, TLS settings); by default one of our own, whose
            connection pool keeps connections alive between calls.

    Retries: none, ever. A change whose outcome is unknown raises
    :class:`~isomargin.client.errors.ExecutionStatusUnknown`; check before sending it again.
    """

    def __init__(
        self,
        base_url: str = BINANCE_URL,
        api_key: str | None = None,
        api_secret: str | None = None,
        *,
        key_type: KeyType | str = KeyType.HMAC_SHA256,
        recv_window: int | None = DEFAULT_RECV_WINDOW_MS,
        time_sync: bool = True,
        time_sync_interval: float = DEFAULT_TIME_SYNC_INTERVAL_S,
        timeout: float = DEFAULT_TIMEOUT_S,
        http: H | None = None,
    ) -> None:
        self._core = Core(
            base_url,
            api_key,
            api_secret,
            key_type,
            recv_window=recv_window,
            time_sync=time_sync,
            time_sync_interval=time_sync_interval,
        )
        self.timeout = timeout
        self._http: H = http if http is not None else self._new_http()

    def _new_http(self) -> H:
        raise NotImplementedError

    @property
    def base_url(self) -> str:
        return self._core.base_url

    @property
    def key_type(self) -> KeyType:
        return self._core.key_type

    @property
    def used_weight(self) -> int | None:
        """``X-MBX-USED-WEIGHT-1M`` of the last answer: the IP's request weight this minute [GI]."""
        return self._core.used_weight

    @property
    def last_headers(self) -> Mapping[str, str]:
        """Every header of the last answer (lower-case names)."""
        return self._core.last_headers

    @property
    def time_offset_ms(self) -> int:
        """Server time minus local time, as last measured (0 before the first sync)."""
        return self._core.time_offset_ms

    def __repr__(self) -> str:
        # Never the secret.
        return f"{type(self).__name__}(base_url={self.base_url!r}, key_type={self.key_type.value})"
