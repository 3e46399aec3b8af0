"""Everything one app instance owns. Built by ``create_app``; no process-global mutable state."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from isomargin.api.order_limits import LocalOrderCounter, OrderCounter
from isomargin.api.ratelimit import Limiter, LocalLimiter
from isomargin.auth.keystore import SecretBox
from isomargin.clock import Clock
from isomargin.config import Settings
from isomargin.service import ServiceContext
from isomargin.service.shared_settings import (
    DEFAULT_ADL_REFRESH_MS,
    DEFAULT_MARGIN_CALL_RATIO,
    SHARED_KEYS,
    SharedState,
    parse_shared,
    read_shared,
)
from isomargin.store import Store, repo

#: "never read": differs from every token a store returns
_UNREAD = object()


class KeyCache:
    """API keys this process has looked up, valid while the store's ``api_keys_token`` stands.

    Profiled, the key lookup's own read transaction was ~8% of a positionMargin request on
    SQLite (docs/BENCHMARKS.md). The token changes on any write to ``api_keys`` by this process
    and on any commit by another, so a cached key is never staler than a database read would
    be; stores that cannot tell (PostgreSQL) read every time. Unknown keys are not cached, so
    a flood of made-up keys cannot grow it; at ``MAX`` entries it starts over.
    """

    MAX = 100_000

    def __init__(self) -> None:
        self._token: object | None = None
        self._keys: dict[str, repo.ApiKey] = {}

    async def get(self, store: Store, api_key: str, token: object) -> repo.ApiKey | None:
        """The key, cached while ``token`` (the store's ``api_keys_token()``, not None) stands."""
        if token != self._token:
            self._keys.clear()
            self._token = token
        key = self._keys.get(api_key)
        if key is None:
            key = await store.read(lambda tx: repo.get_api_key(tx, api_key))
            # the token is read again: a commit landing during the read must not be cached over
            if key is not None and store.api_keys_token() == token:
                if len(self._keys) >= self.MAX:
                    self._keys.clear()
                self._keys[api_key] = key
        return key


@dataclass
class AppState:
    settings: Settings
    store: Store
    clock: Clock
    secrets: SecretBox
    #: request weight per IP (in process, or shared through Redis)
    weights: Limiter = field(default_factory=lambda: LocalLimiter(2400))
    #: ORDERS counts per account (in process, or shared through Redis with the same settings)
    orders: OrderCounter = field(default_factory=LocalOrderCounter)
    api_keys: KeyCache = field(default_factory=KeyCache)
    #: the margin-call ratio every worker applies (service.shared_settings), learnt with the clock
    margin_call_ratio: Decimal = DEFAULT_MARGIN_CALL_RATIO
    #: the ADL refresh interval every worker applies (service.shared_settings), learnt likewise
    adl_refresh_ms: int = DEFAULT_ADL_REFRESH_MS
    _clock_token: object = _UNREAD

    def service_context(self, now_ms: int | None = None) -> ServiceContext:
        # positional, in the fields' order (symbols, now_ms, secrets, order_response_2024,
        # margin_call_ratio, adl_refresh_ms): every request builds one, and keywords would be
        # packed into a dict first on Python 3.11
        return ServiceContext(
            self.settings.symbols,
            self.clock.now_ms() if now_ms is None else now_ms,
            self.secrets,
            self.settings.order_response == "2024",
            self.margin_call_ratio,
            self.adl_refresh_ms,
        )

    def _learn(self, shared: SharedState) -> None:
        self.clock.offset_ms = shared.offset_ms
        self.clock.frozen_at_ms = shared.frozen_at_ms
        self.margin_call_ratio = shared.margin_call_ratio
        self.adl_refresh_ms = shared.adl_refresh_ms

    async def refresh_clock(self, *, with_key: bool = False) -> None:
        """Learn the shared clock offset (and margin-call ratio) before this request reads the time.

        Another worker (or host) may have shifted the clock through its control plane; every
        worker must see that before its next request, or a signed request timed for the new
        clock would fail recvWindow on one worker and pass on the other.

        - SQLite: the offset is read again only when the store's state token moved (``PRAGMA
          data_version``, read once per event-loop turn: any commit by another process, or this
          process's own writes to ``server_state``). Nothing committed, nothing read.
        - PostgreSQL has no cheap token: a request that carries an API key reads the offset in
          the same statement as its key (:meth:`lookup_key`, ``with_key=True`` here); any other
          request reads it here, in a small read of its own.
        """
        token = self.store.state_token()
        if token is None:
            if not with_key:
                self._learn(await self.store.read_statement(read_shared))
            return
        if token != self._clock_token:
            # the token is taken before the read: a commit landing during it moves the token again
            self._learn(await self.store.read(read_shared))
            self._clock_token = token

    async def lookup_key(self, api_key: str) -> repo.ApiKey | None:
        """The API key, from the cache where the store can vouch for it (SQLite).

        Without a token (PostgreSQL) the key is read with the clock offset, which
        :meth:`refresh_clock` left to this read. One token per lookup: it both tells the two
        stores apart and validates the cache.
        """
        token = self.store.api_keys_token()
        if token is None:
            key, values = await self.store.read_statement(
                lambda tx: repo.get_api_key_and_state(tx, api_key, SHARED_KEYS)
            )
            if key is not None:
                self._learn(parse_shared(*values))
            return key
        return await self.api_keys.get(self.store, api_key, token)
