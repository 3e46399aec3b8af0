"""``isomargin watch`` against a live server: a margin change appears as one line (or its raw frame)."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import IO

import pytest

from isomargin.cli.watch import describe, stream_base
from tests.support import Api, LiveServer

pytestmark = pytest.mark.slow


def lines(stream: IO[str]) -> queue.Queue[str]:
    found: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in stream:
            found.put(line)

    threading.Thread(target=pump, daemon=True).start()
    return found


@pytest.fixture
def watching(live_server: LiveServer) -> Iterator[list[subprocess.Popen[str]]]:
    procs: list[subprocess.Popen[str]] = []
    yield procs
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=10)
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()


@pytest.mark.parametrize("as_json", [True, False])
async def test_watch_prints_each_event(
    live_server: LiveServer, live_api: Api, watching: list[subprocess.Popen[str]], as_json: bool
) -> None:
    creds = await live_api.account("10000")
    await live_api.position(creds, amt="0.01", entry="50000", leverage=10)
    env = {**os.environ, "ISOMARGIN_BASE_URL": live_server.base_url, "ISOMARGIN_API_KEY": creds.api_key}
    args = [sys.executable, "-m", "isomargin.cli.main", "watch", *(["--json"] if as_json else [])]
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watching.append(proc)
    assert proc.stdout is not None and proc.stderr is not None
    out, err = lines(proc.stdout), lines(proc.stderr)
    assert "watching the user-data stream" in err.get(timeout=20)
    assert (await live_api.margin(creds, "100", 1)).status_code == 200
    line = out.get(timeout=10)
    if as_json:
        frame = json.loads(line)
        assert frame["e"] == "ACCOUNT_UPDATE" and frame["a"]["P"][0]["iw"] == "150"
    else:
        assert "ACCOUNT_UPDATE MARGIN_TRANSFER" in line and "isolated wallet 150" in line


def test_describe_and_the_stream_host() -> None:
    frame = {"e": "ACCOUNT_CONFIG_UPDATE", "E": 0, "T": 0, "ac": {"s": "BTCUSDT", "l": 25}}
    assert describe(frame).endswith("ACCOUNT_CONFIG_UPDATE[/bold] BTCUSDT leverage 25")
    assert stream_base("https://fapi.binance.com") == "wss://fstream.binance.com"
    assert stream_base("http://127.0.0.1:8765") == "ws://127.0.0.1:8765"
