"""``isomargin serve --workers 2``, as a user runs it: every worker answers with the parent's settings.

Each worker is a process uvicorn spawns, which builds its app from the environment serve handed
it (isomargin.config.worker_environ). Settings given as flags are the ones that need handing over
(a variable is inherited anyway): a weight limit that beats a stale variable (exchangeInfo shows
it) and the admin token (the control plane's 401) are observed on connections owned by two
different workers. The log holds no secret.
"""

from __future__ import annotations

import base64
import time
from pathlib import Path

import httpx
import pytest

from tests.load import loadgen
from tests.support import LiveServer

pytestmark = pytest.mark.slow

TOKEN = "worker-token-SECRET"
MASTER_KEY = base64.b64encode(b"m" * 32).decode()
LIMIT = 1777


def _on_one_connection(live: LiveServer) -> tuple[int, dict[str, object]]:
    """The worker owning a fresh connection, and what it answered on it."""
    assert live.proc is not None
    with httpx.Client(base_url=live.base_url, timeout=10) as http:
        info = http.get("/fapi/v1/exchangeInfo").json()
        seen: dict[str, object] = {
            "weight_limit": info["rateLimits"][0]["limit"],
            "no_token": http.get("/_isomargin/v1/accounts").status_code,
            "token": http.get("/_isomargin/v1/accounts", headers={"Authorization": f"Bearer {TOKEN}"}).status_code,
        }
        # the connection is still open: its owner is the worker that answered on it
        owners = loadgen.connection_owners(live.port, live.proc.pid)
    (owner,) = owners
    return owner, seen


def test_every_worker_serves_the_settings_the_parent_resolved(tmp_path: Path) -> None:
    live = LiveServer(
        f"sqlite:///{tmp_path}/w.db",
        workers=2,
        extra_args=["--weight-limit", str(LIMIT), "--admin-token", TOKEN],
        env={"ISOMARGIN_MASTER_KEY": MASTER_KEY, "ISOMARGIN_LOG_LEVEL": "info", "ISOMARGIN_WEIGHT_LIMIT": "5"},
        log_path=tmp_path / "serve.log",
    )
    with live:
        answers: dict[int, dict[str, object]] = {}
        deadline = time.monotonic() + 30
        while len(answers) < 2 and time.monotonic() < deadline:
            owner, seen = _on_one_connection(live)
            answers[owner] = seen
        assert live.proc is not None and live.proc.pid not in answers
        assert len(answers) == 2, f"only worker(s) {list(answers)} answered"
        for seen in answers.values():
            assert seen == {"weight_limit": LIMIT, "no_token": 401, "token": 200}
    log = (tmp_path / "serve.log").read_text()
    assert "Started server process" in log
    assert TOKEN not in log and MASTER_KEY not in log
