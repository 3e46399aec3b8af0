"""``isomargin serve``: migrate, load a scenario, print how to call it, run uvicorn."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer
import uvicorn
import yaml
from rich.console import Console

from isomargin.auth.keystore import MasterKeyError
from isomargin.config import DEFAULT_DB_URL, Settings, settings_from_env
from isomargin.scenario import ScenarioError, load_scenario
from isomargin.service.keys import open_secret_box
from isomargin.store import open_store


def _env_for_workers(settings: Settings, symbols_file: Path | None) -> None:
    """Worker processes rebuild their settings from ISOMARGIN_* variables."""
    os.environ["ISOMARGIN_DB_URL"] = settings.db_url
    os.environ["ISOMARGIN_HOST"] = settings.host
    os.environ["ISOMARGIN_WEIGHT_LIMIT"] = str(settings.weight_limit_per_minute)
    os.environ["ISOMARGIN_SQLITE_SYNCHRONOUS"] = settings.sqlite_synchronous
    os.environ["ISOMARGIN_POOL_MAX"] = str(settings.pool_max)
    if settings.admin_token:
        os.environ["ISOMARGIN_ADMIN_TOKEN"] = settings.admin_token
    if settings.redis_url:
        os.environ["ISOMARGIN_REDIS_URL"] = settings.redis_url
    os.environ["ISOMARGIN_REDIS_PREFIX"] = settings.redis_prefix
    os.environ["ISOMARGIN_BAN_AFTER_429S"] = str(settings.ban_after_429s)
    os.environ["ISOMARGIN_MAX_BODY_BYTES"] = str(settings.max_body_bytes)
    os.environ["ISOMARGIN_LOG_LEVEL"] = settings.log_level
    if settings.master_key_file:
        os.environ["ISOMARGIN_MASTER_KEY_FILE"] = str(settings.master_key_file)
    if settings.trusted_proxies:
        os.environ["ISOMARGIN_TRUSTED_PROXIES"] = ",".join(settings.trusted_proxies)
    if symbols_file:
        os.environ["ISOMARGIN_SYMBOLS"] = str(symbols_file)


def _banner(settings: Settings, scenario: Path | None) -> str:
    base = f"http://{settings.host}:{settings.port}"
    lines = [f"isomargin on [bold]{base}[/bold]  (database {settings.db_url}, {settings.workers} worker(s))"]
    if scenario:
        data = yaml.safe_load(scenario.read_text()) or {}
        accounts = data.get("accounts") or []
        first = next((a for a in accounts if a.get("apiKey") and a.get("secretKey")), None)
        if first and not settings.is_loopback:
            # Beyond this machine the scenario's keys are real credentials: keep them out of logs.
            lines += ["", f"scenario accounts loaded; their API keys and secrets are in {scenario}"]
        elif first:
            key, secret = first["apiKey"], first["secretKey"]
            lines += [
                "",
                f"demo API key:    {key}",
                f"demo secret key: {secret}",
                "",
                "Add 100 USDT of margin to the demo BTCUSDT position, then take 50 back, then read the history:",
                "",
                f"  export BINANCE_API_KEY={key}",
                f"  export BINANCE_API_SECRET={secret}",
                '  sign() { printf \'%s\' "$1" | openssl dgst -sha256 -hmac "$BINANCE_API_SECRET" \\',
                "    | sed 's/^.* //'; }",
                '  call() { q="$2&timestamp=$(date +%s000)"; curl -s -X "$1" -H "X-MBX-APIKEY: $BINANCE_API_KEY" \\',
                f'    "{base}$3?$q&signature=$(sign "$q")"; echo; }}',
                "  call POST 'symbol=BTCUSDT&amount=100&type=1' /fapi/v1/positionMargin",
                "  call POST 'symbol=BTCUSDT&amount=50&type=2' /fapi/v1/positionMargin",
                "  call GET  'symbol=BTCUSDT' /fapi/v1/positionMargin/history",
                "  # or with the isomargin CLI (tables with the liquidation price before and after):",
                f"  export ISOMARGIN_BASE_URL={base} ISOMARGIN_API_KEY=$BINANCE_API_KEY"
                " ISOMARGIN_API_SECRET=$BINANCE_API_SECRET",
                "  .venv/bin/isomargin margin add BTCUSDT 100 && .venv/bin/isomargin positions",
            ]
    lines += ["", f"control plane: {base}/_isomargin/v1  (docs/control-plane.md)"]
    return "\n".join(lines)


def serve(
    host: Annotated[str, typer.Option(envvar="ISOMARGIN_HOST", help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="ISOMARGIN_PORT")] = 8765,
    db: Annotated[
        str, typer.Option("--db", envvar="ISOMARGIN_DB_URL", help="sqlite:///FILE.db or postgresql://…")
    ] = DEFAULT_DB_URL,
    scenario: Annotated[
        Path | None, typer.Option(envvar="ISOMARGIN_SCENARIO", help="YAML state to load at start.")
    ] = None,
    workers: Annotated[int, typer.Option(envvar="ISOMARGIN_WORKERS", help="Worker processes.")] = 1,
    symbols: Annotated[Path | None, typer.Option(envvar="ISOMARGIN_SYMBOLS", help="YAML symbols and brackets.")] = None,
    admin_token: Annotated[
        str | None, typer.Option(envvar="ISOMARGIN_ADMIN_TOKEN", help="Control-plane token.")
    ] = None,
    redis_url: Annotated[
        str | None, typer.Option(envvar="ISOMARGIN_REDIS_URL", help="Shared rate-limit counters.")
    ] = None,
    weight_limit: Annotated[
        int, typer.Option(envvar="ISOMARGIN_WEIGHT_LIMIT", help="REQUEST_WEIGHT per IP per minute.")
    ] = 2400,
    redis_prefix: Annotated[
        str, typer.Option(envvar="ISOMARGIN_REDIS_PREFIX", help="Key prefix of the rate-limit counters in Redis.")
    ] = "isomargin:",
    ban_after_429s: Annotated[
        int, typer.Option(envvar="ISOMARGIN_BAN_AFTER_429S", help="429s per IP per minute before a 418 ban.")
    ] = 5,
    trusted_proxy: Annotated[
        list[str] | None,
        typer.Option(help="Proxy address/network whose X-Forwarded-For is believed (repeatable)."),
    ] = None,
    master_key_file: Annotated[
        Path | None,
        typer.Option(envvar="ISOMARGIN_MASTER_KEY_FILE", help="Master key for HMAC secrets (docs/security.md)."),
    ] = None,
    max_body_bytes: Annotated[
        int, typer.Option(envvar="ISOMARGIN_MAX_BODY_BYTES", help="Largest request body accepted.")
    ] = 64 * 1024,
    sqlite_synchronous: Annotated[str, typer.Option(envvar="ISOMARGIN_SQLITE_SYNCHRONOUS")] = "NORMAL",
    pool_max: Annotated[
        int, typer.Option(envvar="ISOMARGIN_POOL_MAX", min=1, help="PostgreSQL connections per worker process.")
    ] = 10,
    log_level: Annotated[str, typer.Option(envvar="ISOMARGIN_LOG_LEVEL")] = "info",
    access_log: Annotated[bool, typer.Option(help="Log every request (off: it costs throughput).")] = False,
) -> None:
    """Run the server: Binance's /fapi endpoints and the control plane on one port."""
    console = Console(stderr=True)
    try:
        settings = settings_from_env(
            host=host,
            port=port,
            db_url=db,
            workers=workers,
            admin_token=admin_token,
            redis_url=redis_url,
            weight_limit_per_minute=weight_limit,
            redis_prefix=redis_prefix,
            ban_after_429s=ban_after_429s,
            trusted_proxies=tuple(trusted_proxy) if trusted_proxy else None,
            master_key_file=master_key_file,
            max_body_bytes=max_body_bytes,
            sqlite_synchronous=sqlite_synchronous,
            pool_max=pool_max,
            log_level=log_level,
            access_log=access_log,
            scenario=scenario,
            symbols_file=symbols,
        )
        settings.check_exposure()
        store = open_store(settings.db_url, sqlite_synchronous=settings.sqlite_synchronous)
        box = open_secret_box(store, settings)  # before workers start: a wrong key stops here
        if scenario:
            from isomargin.api.state import AppState
            from isomargin.clock import Clock

            ctx = AppState(settings=settings, store=store, clock=Clock(), secrets=box).service_context()
            report = load_scenario(store, ctx, scenario)
            console.print(
                f"scenario {scenario}: {len(report.accounts_created)} account(s) created, "
                f"{len(report.accounts_kept)} kept from an earlier run, {report.positions_opened} position(s) opened"
            )
        store.close()
    except (ValueError, ScenarioError, OSError, MasterKeyError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    # Plain, unwrapped text: the example must survive copy-paste from any terminal width.
    console.rule("isomargin")
    console.print(_banner(settings, scenario), soft_wrap=True, highlight=False)
    console.rule()
    common: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": settings.log_level,
        "access_log": settings.access_log,
        "timeout_graceful_shutdown": 10,
        "server_header": False,
        # uvicorn would otherwise believe X-Forwarded-For from 127.0.0.1 and rewrite the peer
        # address before isomargin sees it: any local client could pick its IP for rate limits
        # and key IP allow-lists. isomargin decides itself, from --trusted-proxy only.
        "proxy_headers": False,
    }
    if settings.workers > 1:
        _env_for_workers(settings, symbols)
        uvicorn.run("isomargin.api.app:create_app_from_env", factory=True, workers=settings.workers, **common)
    else:
        from isomargin.api.app import create_app

        uvicorn.run(create_app(settings, migrate=False), **common)
