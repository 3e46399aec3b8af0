"""Everything one app instance owns. Built by ``create_app``; no process-global mutable state."""

from __future__ import annotations

from dataclasses import dataclass, field

from isomargin.api.ratelimit import Limiter, LocalLimiter
from isomargin.auth.keystore import SecretBox
from isomargin.clock import Clock
from isomargin.config import Settings
from isomargin.service import ServiceContext
from isomargin.store import Store, repo

CLOCK_OFFSET_KEY = "clock_offset_ms"
#: How often a worker re-reads the shared clock offset (another worker may have shifted it).
CLOCK_REFRESH_MS = 1000


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

    async def get(self, store: Store, api_key: str) -> repo.ApiKey | None:
        token = store.api_keys_token()
        if token is None:
            return await store.read(lambda tx: repo.get_api_key(tx, api_key))
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
    api_keys: KeyCache = field(default_factory=KeyCache)
    _clock_checked_at: int = -CLOCK_REFRESH_MS

    def service_context(self, now_ms: int | None = None) -> ServiceContext:
        return ServiceContext(
            self.settings.symbols, self.clock.now_ms() if now_ms is None else now_ms, secrets=self.secrets
        )

    async def refresh_clock(self) -> None:
        """Pick up a clock offset set through another worker's control plane, once a second."""
        wall = self.clock.now_ms() - self.clock.offset_ms
        if wall - self._clock_checked_at < CLOCK_REFRESH_MS:
            return
        self._clock_checked_at = wall
        value = await self.store.read(lambda tx: repo.get_state(tx, CLOCK_OFFSET_KEY))
        self.clock.offset_ms = int(value) if value else 0
