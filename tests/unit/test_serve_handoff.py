"""``isomargin serve --workers N``: what the command resolves is exactly what each worker builds.

uvicorn is replaced by a stand-in that, like a freshly spawned worker, imports the factory serve
names and calls it with the environment serve left behind. tests/load/test_worker_settings.py
runs the real thing.
"""

from __future__ import annotations

import base64
import importlib
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from isomargin.cli import serve as serve_module
from isomargin.cli.main import app
from isomargin.config import Settings, declared_settings
from isomargin.symbols import load_symbols

SYMBOLS_FILE = Path(__file__).resolve().parents[2] / "examples" / "symbols.yaml"
TOKEN = "admin-token-SECRET"
MASTER_KEY = base64.b64encode(b"k" * 32).decode()


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No ISOMARGIN_* of the developer's; whatever serve writes is undone after the test."""
    for declared in declared_settings():
        monkeypatch.setenv(declared.spec.env, "")  # recorded, so teardown restores the original
        monkeypatch.delenv(declared.spec.env)
    return monkeypatch


def test_workers_build_exactly_the_settings_serve_resolved(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("ISOMARGIN_MASTER_KEY", MASTER_KEY)  # environment only
    clean_env.setenv("ISOMARGIN_REDIS_PREFIX", "from-env:")  # no flag given: the variable counts
    clean_env.setenv("ISOMARGIN_WEIGHT_LIMIT", "5")  # the flag below beats it
    resolved: list[Settings] = []
    started: dict[str, Any] = {}
    real_handoff = serve_module.worker_environ

    def handoff(settings: Settings, environ: Any) -> None:
        resolved.append(settings)
        real_handoff(settings, environ)

    def uvicorn_run(target: Any, **options: Any) -> None:
        module, _, name = target.partition(":")
        worker_app = getattr(importlib.import_module(module), name)()  # as a new worker process would
        started.update(options, target=target, worker_settings=worker_app.state.settings)
        worker_app.state.store.close()

    clean_env.setattr(serve_module, "worker_environ", handoff)
    clean_env.setattr(serve_module.uvicorn, "run", uvicorn_run)
    args = ["serve", "--db", f"sqlite:///{tmp_path}/w.db", "--host", "0.0.0.0", "--port", "9123"]
    args += ["--workers", "2", "--admin-token", TOKEN, "--weight-limit", "77", "--symbols", str(SYMBOLS_FILE)]
    args += ["--trusted-proxy", "10.0.0.0/8", "--trusted-proxy", "::1", "--access-log", "--max-body-bytes", "1000"]
    args += ["--ban-after-429s", "3", "--pool-max", "2", "--log-level", "warning", "--sqlite-synchronous", "FULL"]
    args += ["--user-stream-urls", "legacy"]

    result = CliRunner().invoke(app, args, env={"COLUMNS": "200"})

    assert result.exit_code == 0, result.output
    (parent,) = resolved
    assert started["worker_settings"] == parent
    assert started["target"] == "isomargin.api.app:create_app_from_env"
    assert (started["workers"], started["host"], started["port"]) == (2, "0.0.0.0", 9123)
    assert (started["access_log"], started["log_level"]) == (True, "warning")
    # the user-data stream's rule: a ping every 3 minutes, closed after 10 without a pong [doc UDS]
    assert (started["ws_ping_interval"], started["ws_ping_timeout"]) == (180.0, 600.0)
    assert parent.weight_limit_per_minute == 77 and parent.redis_prefix == "from-env:"
    assert parent.admin_token == TOKEN and parent.master_key == MASTER_KEY
    assert parent.trusted_proxies == ("10.0.0.0/8", "::1") and parent.max_body_bytes == 1000
    assert (parent.ban_after_429s, parent.pool_max, parent.sqlite_synchronous) == (3, 2, "FULL")
    assert parent.user_stream_urls == "legacy"
    assert parent.symbols == load_symbols(SYMBOLS_FILE) != Settings().symbols
    assert TOKEN not in result.output and MASTER_KEY not in result.output


def test_a_bad_master_key_stops_serve_without_printing_it(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    wrong = base64.b64encode(b"too-short-SECRET").decode()
    clean_env.setenv("ISOMARGIN_MASTER_KEY", wrong)

    result = CliRunner().invoke(app, ["serve", "--db", f"sqlite:///{tmp_path}/k.db"], env={"COLUMNS": "200"})

    assert result.exit_code == 2 and "error:" in result.output
    assert wrong not in result.output
