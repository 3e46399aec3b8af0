"""Server settings: each declared once, on its :class:`Settings` field.

A field's :func:`setting` declaration (environment variable, ``isomargin serve`` flag, help text,
whether it is secret) is the only list of settings. Everything else is derived from it:
:func:`settings_from_env` reads the variables, ``isomargin serve`` builds its options from it
(isomargin.cli.options), :func:`worker_environ` hands the resolved settings to uvicorn's worker
processes, and README's configuration table is isomargin.config_doc (tests/unit/test_settings.py
fails when it drifts). Precedence: a flag, then its variable, then the default. An empty variable
counts as unset.

Why Starlette's :class:`~starlette.config.Config` reads the variables rather than pydantic-settings:

- :class:`Settings` stays a plain frozen dataclass. Modules and tests build it with keywords and
  ``dataclasses.replace``; a pydantic-settings ``BaseSettings`` reads the environment on *every*
  construction, so a test's ``Settings(db_url=…)`` would quietly pick up a developer's
  ``ISOMARGIN_ADMIN_TOKEN``. Here only :func:`settings_from_env` looks at the environment.
- Our variables' grammar is casts (a comma-separated list, a file path), which is what Config
  does; pydantic-settings decodes list-like types from JSON and would need a decoder per field.
- Neither library knows Typer flags, the serve banner or uvicorn's worker hand-off, so the
  declaration carrying those is ours either way.
- Starlette is already a dependency and its Config is one small module; pydantic and
  pydantic-settings would add about 100 ms of imports to every CLI command (pydantic alone measured
  80–90 ms here, against about 480 ms for the whole CLI).
"""

from __future__ import annotations

import ipaddress
import os
import typing
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Any

from starlette.config import Config
from starlette.datastructures import CommaSeparatedStrings

from isomargin.symbols import DEFAULT_SYMBOLS, SymbolSpec, load_symbols

DEFAULT_DB_URL = "sqlite:///isomargin.db"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
ORDER_RESPONSES = ("2026", "2024")
#: ``current``: only the 2026 /private URLs carry user data (Binance's mainnet); ``legacy``: the
#: retired /ws and /stream forms too (Binance's testnet), trading reference §4.2
USER_STREAM_URLS = ("current", "legacy")


@dataclass(frozen=True, slots=True)
class Setting:
    """How one :class:`Settings` field is configured from outside."""

    env: str
    help: str
    #: ``isomargin serve`` flag; None: environment only (a secret on a command line shows in ``ps``)
    flag: str | None = None
    #: never printed: not in repr, the banner, logs or error messages
    secret: bool = False
    #: the default as README states it, when the bare value says too little
    default_text: str | None = None
    #: smallest value accepted, checked for flags and variables alike
    minimum: int | None = None
    #: hides what is secret inside a value that is not (a password in a database URL)
    shown: Callable[[str], str] | None = None


def setting(default: Any, env: str, help: str, **options: Any) -> Any:
    """A :class:`Settings` field declared as a setting (its default, then how it is set)."""
    spec = Setting(env, help, **options)
    return field(default=default, metadata={"setting": spec})


def url_without_password(url: str) -> str:
    """``postgresql://user:***@host/db``: a URL fit for the banner and logs."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("@", 1)[-1] if "@" in url else url


@dataclass(frozen=True)
class Settings:
    db_url: str = setting(
        DEFAULT_DB_URL,
        "ISOMARGIN_DB_URL",
        "Database: sqlite:///FILE.db or postgresql://…",
        flag="--db",
        shown=url_without_password,
    )
    host: str = setting(
        "127.0.0.1",
        "ISOMARGIN_HOST",
        "Address to bind; a non-loopback address needs an admin token.",
        flag="--host",
    )
    port: int = setting(8765, "ISOMARGIN_PORT", "Port to bind.", flag="--port")
    workers: int = setting(1, "ISOMARGIN_WORKERS", "Worker processes.", flag="--workers")
    #: control-plane bearer token; without one the server only listens on loopback
    admin_token: str | None = setting(
        None,
        "ISOMARGIN_ADMIN_TOKEN",
        "Control-plane bearer token.",
        flag="--admin-token",
        secret=True,
        default_text="none (control plane open on loopback)",
    )
    # RUF009: setting() returns dataclasses.field(), which ruff sees only as a call
    scenario: Path | None = setting(None, "ISOMARGIN_SCENARIO", "YAML state to load at start.", flag="--scenario")  # noqa: RUF009
    #: the symbols file; settings_from_env loads it into ``symbols`` (workers load it again)
    symbols_file: Path | None = setting(  # noqa: RUF009
        None,
        "ISOMARGIN_SYMBOLS",
        "YAML symbols and brackets; replaces the defaults (example: examples/symbols.yaml).",
        flag="--symbols",
        default_text="BTCUSDT and ETHUSDT with Binance's brackets",
    )
    symbols: Mapping[str, SymbolSpec] = field(default_factory=lambda: dict(DEFAULT_SYMBOLS))
    #: REQUEST_WEIGHT per IP per minute, as exchangeInfo.rateLimits shows [EI]
    weight_limit_per_minute: int = setting(
        2400, "ISOMARGIN_WEIGHT_LIMIT", "REQUEST_WEIGHT per IP per minute.", flag="--weight-limit"
    )
    #: Binance's published order limit; shown in exchangeInfo, not configurable
    orders_limit_per_minute: int = 1200
    #: Binance SDKs document 60000 as recvWindow's maximum [FCP][SKILL]; not configurable
    recv_window_max_ms: int = 60_000
    #: the shape of order placement and cancel answers (binance-usdm-trading-reference.md §1.2, Q1)
    order_response: str = setting(
        "2026",
        "ISOMARGIN_ORDER_RESPONSE",
        "Order placement/cancel answers: 2026 (no avgPrice/cumQuote, as since 2026-07) or 2024 (with them).",
        flag="--order-response",
    )
    sqlite_synchronous: str = setting(
        "NORMAL",
        "ISOMARGIN_SQLITE_SYNCHRONOUS",
        "SQLite durability: NORMAL survives a killed process, FULL survives power loss (also OFF, EXTRA).",
        flag="--sqlite-synchronous",
    )
    pool_max: int = setting(
        10, "ISOMARGIN_POOL_MAX", "PostgreSQL connections per worker process.", flag="--pool-max", minimum=1
    )
    redis_url: str | None = setting(
        None,
        "ISOMARGIN_REDIS_URL",
        "Redis for rate-limit counters and stream wake-ups shared by every worker and host.",
        flag="--redis-url",
        default_text="none (rate limits per worker)",
        shown=url_without_password,
    )
    #: prefix of every rate-limit key in Redis (several deployments can share one Redis)
    redis_prefix: str = setting(
        "isomargin:", "ISOMARGIN_REDIS_PREFIX", "Key prefix of the rate-limit counters in Redis.", flag="--redis-prefix"
    )
    #: 429 answers one IP may get in a minute before it is banned with 418 (assumed, see api.ratelimit)
    ban_after_429s: int = setting(
        5, "ISOMARGIN_BAN_AFTER_429S", "429s per IP per minute before a 418 ban.", flag="--ban-after-429s"
    )
    #: AES-GCM key for HMAC secrets at rest, base64 (else master_key_file; see docs/security.md)
    master_key: str | None = setting(
        None,
        "ISOMARGIN_MASTER_KEY",
        "Master key for HMAC secrets at rest, base64 (docs/security.md).",
        secret=True,
        default_text="a 0600 key file beside the SQLite database",
    )
    master_key_file: Path | None = setting(  # noqa: RUF009
        None,
        "ISOMARGIN_MASTER_KEY_FILE",
        "File holding the master key (docs/security.md).",
        flag="--master-key-file",
        default_text="none",
    )
    trusted_proxies: tuple[str, ...] = setting(
        (),
        "ISOMARGIN_TRUSTED_PROXIES",
        "Proxy address/network whose X-Forwarded-For is believed (flag repeatable; variable comma-separated).",
        flag="--trusted-proxy",
        default_text="none (X-Forwarded-For ignored)",
    )
    max_body_bytes: int = setting(
        64 * 1024, "ISOMARGIN_MAX_BODY_BYTES", "Largest request body accepted.", flag="--max-body-bytes"
    )
    #: which user-data stream URLs carry events (api/stream/urls.py)
    user_stream_urls: str = setting(
        "current",
        "ISOMARGIN_USER_STREAM_URLS",
        "User-data stream URLs fed: current (/private/…, as Binance's mainnet since 2026-04-23) or legacy "
        "(also /ws/<listenKey> and /stream, as its testnet).",
        flag="--user-stream-urls",
    )
    #: how long price moves are kept for mark and premium-index klines (housekeeping prunes older ones)
    price_history_days: int = setting(
        30,
        "ISOMARGIN_PRICE_HISTORY_DAYS",
        "Days of price moves kept for mark-price klines and tickers.",
        flag="--price-history-days",
        minimum=1,
    )
    log_level: str = setting("info", "ISOMARGIN_LOG_LEVEL", "uvicorn's log level.", flag="--log-level")
    access_log: bool = setting(
        False, "ISOMARGIN_ACCESS_LOG", "Log every request (off: it costs throughput).", flag="--access-log"
    )

    def __post_init__(self) -> None:
        for proxy in self.trusted_proxies:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise ValueError(f"trusted proxy {proxy!r} is not an IP address or network (e.g. 10.0.0.0/8)") from None
        if self.order_response not in ORDER_RESPONSES:
            raise ValueError(
                f"--order-response must be one of {', '.join(ORDER_RESPONSES)}, not {self.order_response!r}"
            )
        if self.user_stream_urls not in USER_STREAM_URLS:
            raise ValueError(f"--user-stream-urls must be current or legacy, not {self.user_stream_urls!r}")
        for declared in declared_settings():
            value = getattr(self, declared.name)
            if declared.spec.minimum is not None and value < declared.spec.minimum:
                raise ValueError(f"{declared.names} must be at least {declared.spec.minimum}, not {value}")

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

    def __repr__(self) -> str:
        # Settings get logged and land in tracebacks: a secret is masked, a URL loses its password
        specs = {d.name: d.spec for d in declared_settings()}
        parts = []
        for f in fields(self):
            value = getattr(self, f.name)
            spec = specs.get(f.name)
            if f.name == "symbols":
                value = sorted(self.symbols)  # their full specs are pages long
            elif spec is not None and value is not None and (spec.secret or spec.shown):
                value = self.shown(f.name)
            parts.append(f"{f.name}={value!r}")
        return f"Settings({', '.join(parts)})"

    def shown(self, name: str) -> str:
        """A setting's value as it may be printed: secrets masked, passwords cut from URLs."""
        spec = next(d.spec for d in declared_settings() if d.name == name)
        value = getattr(self, name)
        if value is None:
            return "none"
        if spec.secret:
            return "***"
        return spec.shown(str(value)) if spec.shown else str(value)


@dataclass(frozen=True, slots=True)
class Kind:
    """How values of one Python type travel as text: parsed from a variable, written for workers."""

    parse: Callable[[str], Any]
    write: Callable[[Any], str]
    #: the type Typer gives the flag (a tuple setting is a repeatable flag)
    cli_type: type


def comma_list(text: str) -> tuple[str, ...]:
    return tuple(item for item in CommaSeparatedStrings(text) if item)


KINDS: dict[Any, Kind] = {
    str: Kind(str, str, str),
    int: Kind(int, str, int),
    # Starlette's Config casts bool itself (true/false/1/0); written back as it reads them
    bool: Kind(bool, lambda v: "true" if v else "false", bool),
    Path: Kind(Path, str, Path),
    tuple[str, ...]: Kind(comma_list, ",".join, list[str]),
}


@dataclass(frozen=True, slots=True)
class Declared:
    name: str
    spec: Setting
    kind: Kind
    default: Any

    @property
    def default_text(self) -> str:
        """The default as help and README state it."""
        if self.spec.default_text is not None:
            return self.spec.default_text
        return "none" if self.default in (None, ()) else str(self.kind.write(self.default))

    @property
    def names(self) -> str:
        """How a user names it: ``--flag / ISOMARGIN_VAR``."""
        return f"{self.spec.flag} / {self.spec.env}" if self.spec.flag else self.spec.env


@cache
def declared_settings() -> tuple[Declared, ...]:
    """Every declared setting in field order, with how its type travels as text."""
    hints = typing.get_type_hints(Settings)
    found = []
    for f in fields(Settings):
        spec = f.metadata.get("setting")
        if spec is None:
            continue
        kind_type = hints[f.name]
        if type(None) in typing.get_args(kind_type):  # X | None: the kind of X
            (kind_type,) = (a for a in typing.get_args(kind_type) if a is not type(None))
        found.append(Declared(f.name, spec, KINDS[kind_type], f.default))
    return tuple(found)


class _SetOnly(Mapping[str, str]):
    """The environment without its empty variables, which count as unset."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ

    def __getitem__(self, key: str) -> str:
        value = self._environ[key]
        if not value:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return bool(self._environ.get(key)) if isinstance(key, str) else False

    def __iter__(self) -> Iterator[str]:
        return (k for k, v in self._environ.items() if v)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def settings_from_env(environ: Mapping[str, str] | None = None, **flags: Any) -> Settings:
    """Settings from the given flags (None = not given), else ``ISOMARGIN_*`` variables, else defaults.

    ``environ`` defaults to ``os.environ``. A ``symbols_file`` is loaded into ``symbols`` here.
    Raises ValueError (or OSError for an unreadable symbols file) with one line saying what is wrong.
    """
    config = Config(environ=_SetOnly(os.environ if environ is None else environ))
    values: dict[str, Any] = {}
    for declared in declared_settings():
        # A cast error quotes the value; secrets are str, which cannot fail (a test keeps it so)
        value = config(declared.spec.env, cast=declared.kind.parse, default=None)
        if value is not None:
            values[declared.name] = value
    values.update({name: value for name, value in flags.items() if value is not None})
    if values.get("symbols_file") is not None and "symbols" not in flags:
        values["symbols"] = load_symbols(Path(values["symbols_file"]))
    return Settings(**values)


def worker_environ(settings: Settings, environ: MutableMapping[str, str]) -> None:
    """Write every declared setting into ``environ`` for worker processes to read back.

    uvicorn's ``--workers`` children build their app from the environment (``create_app_from_env``),
    so each gets exactly what the parent resolved from flags and variables; a setting that is
    unset is removed, so a stale variable cannot differ from the parent's choice. Secrets travel
    too: a process's environment is readable only by its own user.
    """
    for declared in declared_settings():
        value = getattr(settings, declared.name)
        if value is None:
            environ.pop(declared.spec.env, None)
        else:
            environ[declared.spec.env] = declared.kind.write(value)
