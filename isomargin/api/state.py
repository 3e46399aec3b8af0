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


@dataclass
class AppState:
    settings: Settings
    store: Store
    clock: Clock
    secrets: SecretBox
    #: request weight per IP (in process, or shared through Redis)
    weights: Limiter = field(default_factory=lambda: LocalLimiter(2400))
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
