"""Instructions per request, counted by valgrind's callgrind: a cost that other work on the host cannot move.

On the shared 2-CPU hosts, req/s and even CPU µs per request move by 10-30% from one minute to the
next; an instruction count does not. This drives the whole ASGI app in process (no HTTP, no wrk:
32 requests at a time through ``asyncio.gather``, so SQLite's group commit batches them as under
load), or the margin transfer's service function alone (32 transfers per transaction), and counts
only the measured loop (callgrind's instrumentation is switched on around it).

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/dev/null \\
        .venv/bin/python benchmarks/instructions.py margin 640
    # → "Collected : N" on stderr; N / 640 is the instructions per request
    # (history: N / 64, the count is divided by 10 for that mode); --batch 8: 8 in flight, not 32

Modes: ``service`` (modify_position_margin alone), ``margin`` (POST positionMargin, add and
reduce alternating), ``add`` / ``reduce`` (one direction only), ``risk`` (GET v3/positionRisk),
``account`` (GET v3/account), ``order`` (POST order, MARKET 0.01 ETHUSDT, buy and sell
alternating: a cross position that opens and closes), ``history`` (GET positionMargin/history,
500 rows). ``--postgres URL`` runs on a throw-away schema of that server instead of a SQLite file
(the count is then this process's side only: the database server's own work is not in it).
``--statements`` prints the SQL statements each operation sent (PostgreSQL: the messages sent,
i.e. round trips, besides the transactions' BEGIN and COMMIT; SQLite: every statement SQLite ran,
BEGIN and COMMIT included, shared by the 32 requests of a group commit).

Run it with the interpreter of the checkout to measure (each worktree's own ``.venv``; the script
itself runs unchanged against older checkouts, back to ``6454ca9``); ``benchmarks/compare.py`` runs
every mode for two checkouts and prints the table; docs/BENCHMARKS.md has the numbers. Without
valgrind it prints CPU µs per operation instead (noisy).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager, nullcontext
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
#: requests in flight at once (the app modes) or transfers per transaction (``service``): the size
#: of a SQLite group-commit batch. ``--batch`` changes it: under wrk the server's batches hold
#: ~11 requests on average (2 to 26 seen), and what a batch shares (BEGIN, COMMIT, the gathered
#: INSERTs) weighs more per request in a small one.
BATCH = 32
MODES = ("service", "margin", "add", "reduce", "risk", "account", "order", "history")


def callgrind(switch: str) -> None:
    """Instrumentation on or off for this process (a no-op when not under callgrind)."""
    subprocess.run(["callgrind_control", "-i", switch, str(os.getpid())], capture_output=True, check=False)


def request_lines(mode: str, work: Path, now_ms: int) -> list[str]:
    path = work / f"{mode}.tsv"
    if mode in ("margin", "add", "reduce"):
        dataset.write_margin_requests(path, ACCOUNTS, now_ms)
    elif mode == "order":
        dataset.write_order_requests(path, ACCOUNTS, now_ms)
    elif mode == "history":
        params = [("symbol", "BTCUSDT"), ("limit", "500")]
        dataset.write_get_requests(path, "/fapi/v1/positionMargin/history", params, ACCOUNTS, now_ms)
    elif mode == "account":
        dataset.write_get_requests(path, "/fapi/v3/account", [], ACCOUNTS, now_ms)
    else:
        dataset.write_get_requests(path, "/fapi/v3/positionRisk", [], ACCOUNTS, now_ms)
    lines = path.read_text().splitlines()
    if mode in ("add", "reduce"):
        wanted = "&type=1&" if mode == "add" else "&type=2&"
        lines = [line for line in lines if wanted in line]
    return lines


def requests(mode: str, work: Path, now_ms: int) -> list[tuple[dict[str, Any], bytes]]:
    out = []
    for line in request_lines(mode, work, now_ms):
        method, target, key, body = line.split("\t")
        route, _, query = target.partition("?")
        headers = [(b"host", b"127.0.0.1"), (b"x-mbx-apikey", key.encode())]
        if body:
            headers.append((b"content-type", b"application/x-www-form-urlencoded"))
        scope = {"type": "http", "method": method, "path": route, "query_string": query.encode()}
        out.append(({**scope, "headers": headers, "client": ("127.0.0.1", 5555)}, body.encode()))
    return out


Request = tuple[dict[str, Any], bytes]


def caller(app: Any, reqs: list[Request], statuses: dict[int, int]) -> Callable[[int], Awaitable[None]]:
    """``call(i)``: send request ``i`` (round the list) through the ASGI app, counting its status.

    The one coroutine per request the drivers await (this file and ``wal_pages.py``); ``reqs`` is
    read at each call, so replacing its contents (re-signing) takes effect at once.
    """

    async def call(i: int) -> None:
        scope, body = reqs[i % len(reqs)]

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                statuses[message["status"]] = statuses.get(message["status"], 0) + 1

        await app(dict(scope), receive, send)

    return call


@contextmanager
def database(postgres: str | None) -> Iterator[str]:
    if postgres is None:
        yield f"sqlite:///{tempfile.mkdtemp(prefix='isomargin-instructions-')}/db.sqlite"
        return
    from isomargin.bench.runner import postgres_schema

    with postgres_schema(postgres) as url:
        yield url


class StatementCounter:
    """Counts the statements sent (psycopg's ``Connection.execute``; SQLite's trace callback)."""

    def __init__(self) -> None:
        self.count = 0
        #: PostgreSQL: the BEGIN and COMMIT psycopg sends itself (each a round trip of its own)
        self.commands = 0

    @contextmanager
    def on(self, store: Any) -> Iterator[None]:
        import psycopg
        from psycopg._connection_base import BaseConnection

        # every statement goes through Cursor.execute (Connection.execute calls it too)
        original = psycopg.Cursor.execute
        command = BaseConnection._exec_command

        def counted(cursor: Any, *args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return original(cursor, *args, **kwargs)

        def counted_command(conn: Any, *args: Any, **kwargs: Any) -> Any:
            self.commands += 1
            return command(conn, *args, **kwargs)

        psycopg.Cursor.execute = counted  # type: ignore[method-assign]
        BaseConnection._exec_command = counted_command  # type: ignore[method-assign,assignment]
        sqlite = getattr(store, "_conn", None)
        if sqlite is not None and hasattr(sqlite, "set_trace_callback"):
            sqlite.set_trace_callback(self._traced)
        try:
            yield
        finally:
            psycopg.Cursor.execute = original  # type: ignore[method-assign]
            BaseConnection._exec_command = command  # type: ignore[method-assign]
            if sqlite is not None and hasattr(sqlite, "set_trace_callback"):
                sqlite.set_trace_callback(None)

    def _traced(self, _sql: str) -> None:
        self.count += 1


def settings(url: str) -> Any:
    """Settings for ``url`` with no rate limit (``settings_from_env`` took an environment from
    issue 9 on; ``6454ca9`` read ``os.environ`` itself)."""
    try:
        return settings_from_env({}, db_url=url, weight_limit_per_minute=10**9)
    except TypeError:
        return settings_from_env(db_url=url, weight_limit_per_minute=10**9)  # type: ignore[call-arg]


def main(mode: str, count: int, postgres: str | None, statements: bool) -> None:
    with database(postgres) as url:
        store = open_store(url)
        dataset.populate(store, ACCOUNTS, dataset.Population(0, 600 * ACCOUNTS if mode == "history" else 0))
        store.close()
        app = create_app(settings(url))
        try:
            measure(app, mode, count, statements)
        finally:
            app.state.store.close()


def measure(app: Any, mode: str, count: int, statements: bool) -> None:
    now_ms = int(time.time() * 1000)
    statuses: dict[int, int] = {}
    loop = uvloop.new_event_loop()

    measuring = [False]

    def resign() -> None:
        pass

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
        work = Path(tempfile.mkdtemp(prefix="isomargin-requests-"))
        reqs = requests(mode, work, now_ms)
        signed = [time.monotonic()]

        def resign() -> None:
            """Fresh timestamps: under valgrind on a loaded host a slow mode outlives recvWindow
            (60 s) otherwise. Not counted: instrumentation is off while the requests are signed."""
            if measuring[0]:
                callgrind("off")
            reqs[:] = requests(mode, work, int(time.time() * 1000))
            signed[0] = time.monotonic()
            if measuring[0]:
                callgrind("on")

        call = caller(app, reqs, statuses)

        def run(n: int) -> None:
            async def go() -> None:
                for i in range(0, n, BATCH):
                    if time.monotonic() - signed[0] > 30:
                        resign()
                    await asyncio.gather(*(call(i + j) for j in range(BATCH)))

            loop.run_until_complete(go())

    # the app's lifespan (background tasks) is not run: only the request path is measured; the
    # collector is tuned as the server's startup tunes it (a checkout from before that has no
    # ``prepare_collector``: CPython's defaults, as its server ran with)
    n = count // 10 if mode == "history" else count
    run(min(n, 320))  # warm: statement cache, key cache, first pages
    resign()
    statuses.clear()
    gc.collect()
    try:
        from isomargin.api.router import prepare_collector
    except ImportError:
        pass
    else:
        prepare_collector()
    counter = StatementCounter()
    started = time.process_time()
    with counter.on(app.state.store) if statements else nullcontext():
        measuring[0] = True
        callgrind("on")
        run(n)
        callgrind("off")
        measuring[0] = False
    cpu = 1e6 * (time.process_time() - started) / n
    sent = f", {counter.count / n:.2f} statements each" if statements else ""
    if statements and counter.commands:
        sent += f" (and {counter.commands / n:.2f} BEGIN/COMMIT)"
    print(f"{mode}: {n} operations, {cpu:.1f} µs CPU each{sent}, answers {statuses}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", choices=MODES)
    parser.add_argument("count", type=int, nargs="?", default=640)
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server (a throw-away schema is used)")
    parser.add_argument("--statements", action="store_true", help="count the SQL statements per operation")
    parser.add_argument("--batch", type=int, default=BATCH, help=f"requests in flight at once (default {BATCH})")
    args = parser.parse_args()
    BATCH = args.batch
    main(args.mode, args.count, args.postgres, args.statements)
