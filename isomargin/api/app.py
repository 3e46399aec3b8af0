"""Build an app: its state (store, clock, counters, secrets) and the ASGI router on top of it.

``api/router.py`` routes each connection; ``api/binance.py`` is the Binance REST path,
``api/control`` the control plane, ``api/websocket.py`` the WebSocket endpoint.
"""

from __future__ import annotations

from isomargin.api import order_limits, ratelimit
from isomargin.api.router import IsomarginApp
from isomargin.api.state import AppState
from isomargin.clock import Clock
from isomargin.config import Settings
from isomargin.service import keys
from isomargin.store import Store, open_store

__all__ = ["IsomarginApp", "build_state", "create_app", "create_app_from_env"]


def build_state(
    settings: Settings, *, store: Store | None = None, clock: Clock | None = None, migrate: bool = True
) -> AppState:
    if store is None:
        store = open_store(
            settings.db_url, migrate=migrate, sqlite_synchronous=settings.sqlite_synchronous, pool_max=settings.pool_max
        )
    box = keys.open_secret_box(store, settings)
    limiter = ratelimit.make_limiter(
        settings.redis_url,
        settings.weight_limit_per_minute,
        prefix=settings.redis_prefix,
        ban_after_429s=settings.ban_after_429s,
    )
    orders = order_limits.make_order_counter(settings.redis_url, prefix=settings.redis_prefix)
    return AppState(settings=settings, store=store, clock=clock or Clock(), secrets=box, weights=limiter, orders=orders)


def create_app(
    settings: Settings | None = None, *, store: Store | None = None, clock: Clock | None = None, migrate: bool = True
) -> IsomarginApp:
    """A fresh app with its own store, clock and counters (no process-global state)."""
    from isomargin.config import settings_from_env

    return IsomarginApp(build_state(settings or settings_from_env(), store=store, clock=clock, migrate=migrate))


def create_app_from_env() -> IsomarginApp:
    """Factory for ``uvicorn --factory`` workers: settings from ``ISOMARGIN_*``, schema already migrated."""
    from isomargin.config import settings_from_env

    return create_app(settings_from_env(), migrate=False)
