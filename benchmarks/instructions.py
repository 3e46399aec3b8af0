"""Instructions per request, counted by valgrind's callgrind: a cost that other work on the host cannot move.

On the shared 2-CPU hosts, req/s and even CPU µs per request move by 10-30% from one minute to the
next; an instruction count does not. This drives the whole ASGI app in process (no HTTP, no wrk:
32 requests at a time through ``asyncio.gather``, so SQLite's group commit batches them as under
load), or the margin transfer's service function alone (32 transfers per transaction), and counts
only the measured loop (callgrind's instrumentation is switched on around it).

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/dev/null \\
        .venv/bin/python benchmarks/instructions.py margin 640
    # → "Collected : N" on stderr; N / 640 is the instructions per request
    # (history: N / 64, the count is divided by 10 for that mode)

Modes: ``service`` (modify_position_margin alone), ``margin`` (POST positionMargin), ``risk``
(GET v3/positionRisk), ``history`` (GET positionMargin/history, 500 rows). Run it with the
interpreter of the checkout to measure (each worktree's own ``.venv``); docs/BENCHMARKS.md has
the numbers of 2026-12-02. Without valgrind it prints CPU µs per operation instead (noisy).
"""

from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import uvloop

from isomargin.api.app import create_app
from isomargin.bench import dataset
from isomargin.config import settings_from_env
from isomargin.service.margin import MarginChange, modify_position_margin
from isomargin.store import open_store

ACCOUNTS = 100
BATCH = 32


def callgrind(switch: str) -> None:
    """Instrumentation on or off for this process (a no-op when not under callgrind)."""
    subprocess.run(["callgrind_control", "-i", switch, str(os.getpid())], capture_output=True, check=False)


def requests(mode: str, work: Path, now_ms: int) -> list[tuple[dict[str, Any], bytes]]:
    path = work / f"{mode}.tsv"
    if mode == "margin":
        dataset.write_margin_requests(path, ACCOUNTS, now_ms)
    elif mode == "history":
        params = [("symbol", "BTCUSDT"), ("limit", "500")]
        dataset.write_get_requests(path, "/fapi/v1/positionMargin/history", params, ACCOUNTS, now_ms)
    else:
        dataset.write_get_requests(path, "/fapi/v3/positionRisk", [], ACCOUNTS, now_ms)
    out = []
    for line in path.read_text().splitlines():
        method, target, key, body = line.split("\t")
        route, _, query = target.partition("?")
        headers = [(b"host", b"127.0.0.1"), (b"x-mbx-apikey", key.encode())]
        if body:
            headers.append((b"content-type", b"application/x-www-form-urlencoded"))
        scope = {"type": "http", "method": method, "path": route, "query_string": query.encode()}
        out.append(({**scope, "headers": headers, "client": ("127.0.0.1", 5555)}, body.encode()))
    return out


def main(mode: str, count: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="isomargin-instructions-"))
    url = f"sqlite:///{work}/db.sqlite"
    store = open_store(url)
    dataset.populate(store, ACCOUNTS, dataset.Population(0, 600 * ACCOUNTS if mode == "history" else 0))
    store.close()
    app = create_app(settings_from_env({}, db_url=url, weight_limit_per_minute=10**9))
    now_ms = int(time.time() * 1000)
    statuses: dict[int, int] = {}

    if mode == "service":
        changes = [MarginChange("BTCUSDT", Decimal(1), type_, None) for type_ in (1, 2)]
        done = [0]

        def run(n: int) -> None:
            ctx = app.state.service_context(now_ms)
            for _ in range(0, n, BATCH):

                def batch(tx: Any) -> None:
                    for _ in range(BATCH):
                        i = done[0]
                        done[0] += 1
                        modify_position_margin(tx, ctx, 1 + (i // 2) % ACCOUNTS, changes[i % 2])

                app.state.store.write_sync(batch)

    else:
        reqs = requests(mode, work, now_ms)
        loop = uvloop.new_event_loop()

        async def call(i: int) -> None:
            scope, body = reqs[i % len(reqs)]

            async def receive() -> dict[str, Any]:
                return {"type": "http.request", "body": body, "more_body": False}

            async def send(message: dict[str, Any]) -> None:
                if message["type"] == "http.response.start":
                    statuses[message["status"]] = statuses.get(message["status"], 0) + 1

            await app(dict(scope), receive, send)

        def run(n: int) -> None:
            async def go() -> None:
                for i in range(0, n, BATCH):
                    await asyncio.gather(*(call(i + j) for j in range(BATCH)))

            loop.run_until_complete(go())

    n = count // 10 if mode == "history" else count
    run(min(n, 320))  # warm: statement cache, key cache, first pages
    gc.collect()
    started = time.process_time()
    callgrind("on")
    run(n)
    callgrind("off")
    print(f"{mode}: {n} operations, {1e6 * (time.process_time() - started) / n:.1f} µs CPU each, answers {statuses}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 640)
