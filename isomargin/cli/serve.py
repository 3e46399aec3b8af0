"""``isomargin serve``: migrate, load a scenario, print how to call it, run uvicorn."""

from __future__ import annotations

import inspect
import os
from pathlib import Path
from typing import Any

import typer
import uvicorn
import yaml
from rich.console import Console

from isomargin.api.stream.endpoint import PING_INTERVAL_S, PONG_TIMEOUT_S
from isomargin.auth.keystore import MasterKeyError
from isomargin.cli.options import with_setting_options
from isomargin.config import Settings, settings_from_env, worker_environ
from isomargin.scenario import ScenarioError, load_scenario
from isomargin.service.keys import open_secret_box
from isomargin.store import open_store

#: how long a worker may take to answer uvicorn's supervisor before it is restarted
WORKER_HEALTHCHECK_S = 30


def _banner(settings: Settings, scenario: Path | None) -> str:
    base = f"http://{settings.host}:{settings.port}"
    # shown(): a password in the database URL stays out of the banner and its log
    lines = [f"isomargin on [bold]{base}[/bold]  (database {settings.shown('db_url')}, {settings.workers} worker(s))"]
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


def _serve(**flags: Any) -> None:
    """Run the server: Binance's /fapi endpoints and the control plane on one port."""
    console = Console(stderr=True)
    try:
        settings = settings_from_env(**flags)
        settings.check_exposure()
        store = open_store(settings.db_url, sqlite_synchronous=settings.sqlite_synchronous)
        box = open_secret_box(store, settings)  # before workers start: a wrong key stops here
        if settings.scenario:
            from isomargin.api.state import AppState
            from isomargin.clock import Clock

            ctx = AppState(settings=settings, store=store, clock=Clock(), secrets=box).service_context()
            report = load_scenario(store, ctx, settings.scenario)
            console.print(
                f"scenario {settings.scenario}: {len(report.accounts_created)} account(s) created, "
                f"{len(report.accounts_kept)} kept from an earlier run, {report.positions_opened} position(s) opened"
            )
        store.close()
    except (ValueError, ScenarioError, OSError, MasterKeyError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    # Plain, unwrapped text: the example must survive copy-paste from any terminal width.
    console.rule("isomargin")
    console.print(_banner(settings, settings.scenario), soft_wrap=True, highlight=False)
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
        # Binance's stream rule: a ping every 3 minutes, closed when no pong came for 10 [doc UDS]
        "ws_ping_interval": PING_INTERVAL_S,
        "ws_ping_timeout": PONG_TIMEOUT_S,
    }
    if settings.workers > 1:
        # uvicorn's workers are new processes that build their app from the environment
        worker_environ(settings, os.environ)
        if "timeout_worker_healthcheck" in inspect.signature(uvicorn.Config).parameters:
            # uvicorn kills a worker that does not answer its supervisor's ping within 5 s; a worker
            # still importing on a busy machine (seen here at load 20 on 2 CPUs) was killed and
            # restarted in a loop, never serving. 30 s still catches a hung worker.
            common["timeout_worker_healthcheck"] = WORKER_HEALTHCHECK_S
        uvicorn.run("isomargin.api.app:create_app_from_env", factory=True, workers=settings.workers, **common)
    else:
        from isomargin.api.app import create_app

        uvicorn.run(create_app(settings, migrate=False), **common)


#: the command: one option per declared setting (isomargin.config), flags over variables over defaults
serve = with_setting_options(_serve)
