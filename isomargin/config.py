"""Server settings from CLI flags and ``ISOMARGIN_*`` environment variables.

Flags win over environment variables, which win over the defaults here.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from isomargin.symbols import DEFAULT_SYMBOLS, SymbolSpec, load_symbols

DEFAULT_DB_URL = "sqlite:///isomargin.db"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class Settings:
    db_url: str = DEFAULT_DB_URL
    host: str = "127.0.0.1"
    port: int = 8765
    workers: int = 1
    #: control-plane bearer token; without one the server only listens on loopback
    admin_token: str | None = None
    scenario: Path | None = None
    symbols: Mapping[str, SymbolSpec] = field(default_factory=lambda: dict(DEFAULT_SYMBOLS))
    #: REQUEST_WEIGHT per IP per minute, as exchangeInfo.rateLimits shows [EI]
    weight_limit_per_minute: int = 2400
    orders_limit_per_minute: int = 1200
    #: Binance SDKs document 60000 as recvWindow's maximum [FCP][SKILL]
    recv_window_max_ms: int = 60_000
    sqlite_synchronous: str = "NORMAL"
    pool_max: int = 10
    redis_url: str | None = None
    #: prefix of every rate-limit key in Redis (several deployments can share one Redis)
    redis_prefix: str = "isomargin:"
    #: 429 answers one IP may get in a minute before it is banned with 418 (assumed, see api.ratelimit)
    ban_after_429s: int = 5
    #: AES-GCM key for HMAC secrets at rest, base64 (else master_key_file; see docs/security.md)
    master_key: str | None = None
    master_key_file: Path | None = None
    trusted_proxies: tuple[str, ...] = ()
    max_body_bytes: int = 64 * 1024
    log_level: str = "info"
    access_log: bool = False

    def __post_init__(self) -> None:
        for proxy in self.trusted_proxies:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise ValueError(f"trusted proxy {proxy!r} is not an IP address or network (e.g. 10.0.0.0/8)") from None

    @property
    def is_loopback(self) -> bool:
        return self.host in LOOPBACK_HOSTS or self.host.startswith("127.")

    def check_exposure(self) -> None:
        """Refuse to expose an unauthenticated control plane beyond this machine."""
        if not self.is_loopback and not self.admin_token:
            raise ValueError(
                f"refusing to listen on {self.host}: the control plane would be open to the network. "
                "Set ISOMARGIN_ADMIN_TOKEN (or --admin-token), or bind 127.0.0.1."
            )


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value else None


def settings_from_env(**overrides: object) -> Settings:
    """Settings from ``ISOMARGIN_*`` variables, then the given overrides (None = not given)."""
    values: dict[str, object] = {}
    env_map = {
        "db_url": "ISOMARGIN_DB_URL",
        "host": "ISOMARGIN_HOST",
        "admin_token": "ISOMARGIN_ADMIN_TOKEN",
        "redis_url": "ISOMARGIN_REDIS_URL",
        "redis_prefix": "ISOMARGIN_REDIS_PREFIX",
        "master_key": "ISOMARGIN_MASTER_KEY",
        "sqlite_synchronous": "ISOMARGIN_SQLITE_SYNCHRONOUS",
        "log_level": "ISOMARGIN_LOG_LEVEL",
    }
    for attr, var in env_map.items():
        if (value := _env(var)) is not None:
            values[attr] = value
    int_map = {
        "port": "ISOMARGIN_PORT",
        "workers": "ISOMARGIN_WORKERS",
        "weight_limit_per_minute": "ISOMARGIN_WEIGHT_LIMIT",
        "pool_max": "ISOMARGIN_POOL_MAX",
        "ban_after_429s": "ISOMARGIN_BAN_AFTER_429S",
        "max_body_bytes": "ISOMARGIN_MAX_BODY_BYTES",
    }
    for attr, var in int_map.items():
        if (value := _env(var)) is not None:
            values[attr] = int(value)
    if (proxies := _env("ISOMARGIN_TRUSTED_PROXIES")) is not None:
        values["trusted_proxies"] = tuple(p.strip() for p in proxies.split(",") if p.strip())
    if (key_file := _env("ISOMARGIN_MASTER_KEY_FILE")) is not None:
        values["master_key_file"] = Path(key_file)
    if (scenario := _env("ISOMARGIN_SCENARIO")) is not None:
        values["scenario"] = Path(scenario)
    symbols_file = overrides.pop("symbols_file", None) or _env("ISOMARGIN_SYMBOLS")
    if symbols_file:
        values["symbols"] = load_symbols(Path(str(symbols_file)))
    values.update({k: v for k, v in overrides.items() if v is not None})
    return replace(Settings(), **values)  # type: ignore[arg-type]
