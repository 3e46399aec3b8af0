"""Run the benchmark phases: start a server, drive it with wrk, collect throughput and latency.

Every phase starts its own server process on a fresh database (or none, for the ceiling), warms
it up for a second, then measures. wrk replays requests pre-signed just before the phase with
``recvWindow=60000``, so they stay valid for any phase shorter than a minute.
"""

from __future__ import annotations

import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from isomargin.bench import dataset
from isomargin.store import open_store

LUA = Path(__file__).with_name("wrk_feed.lua")
#: history rows per bench account in the read phases' database (answers are capped at 500)
HISTORY_PER_ACCOUNT = 600


class BenchError(Exception):
    pass


@dataclass
class Result:
    name: str
    connections: int
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    p999_ms: float
    non2xx: int
    socket_errors: int
    note: str = ""
    #: server CPU time (all its processes, user + system) per request: steadier than req/s
    #: when other work shares the machine, since it does not count time the server waited
    cpu_us: float | None = None


@dataclass
class TickResult:
    """One row of the liquidation phase (``bench.liquidation``): a kind of tick at one n."""

    backend: str
    n: int
    tick: str
    liquidated: int
    samples: int
    median_ms: float
    min_ms: float
    max_ms: float
    #: the bulk load of one repetition's database (median), for scale
    load_s: float
    samples_ms: list[float] = field(default_factory=list)
    #: the server process's CPU time per tick (median; /proc's 10 ms resolution; on PostgreSQL
    #: without the database's own CPU): steadier than wall time on a shared machine
    cpu_median_ms: float | None = None


@dataclass
class Options:
    duration: float = 10.0
    connections: int = 32
    bench_accounts: int = 100
    preload_accounts: int = 100_000
    preload_history: int = 1_000_000
    postgres_url: str | None = None
    pg_workers: tuple[int, ...] = (1, 2)
    phases: tuple[str, ...] = ("ceiling", "sqlite", "preloaded", "postgresql", "stream", "liquidation")
    #: the liquidation phase's open positions per database, and fresh databases per n
    liq_sizes: tuple[int, ...] = (1_000, 10_000, 100_000)
    liq_repetitions: int = 5
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="isomargin-bench-")))


def check_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise BenchError(
            "the bench drives the server with wrk, which is not installed: "
            "`sudo apt-get install -y wrk` (Debian/Ubuntu) or `brew install wrk` (macOS)"
        )
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def group_cpu_seconds(pgid: int) -> float | None:
    """User + system CPU seconds of every live process in a process group (Linux /proc), or None."""
    total, found = 0.0, False
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # field 5 (pgrp), counted after the ")" of the command name
            total += (int(fields[11]) + int(fields[12])) / tick
            found = True
    return total if found else None


@dataclass
class Served:
    base: str
    pgid: int


@contextmanager
def server(args: list[str], port: int, log: Path) -> Iterator[Served]:
    """A server subprocess in its own process group; yields its base URL once it answers."""
    base = f"http://127.0.0.1:{port}"
    with open(log, "ab") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise BenchError(f"server exited with {proc.returncode}; see {log}")
            try:
                httpx.post(f"{base}/fapi/v1/ping", timeout=0.5)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise BenchError(f"server did not answer within 60 s; see {log}") from None
                time.sleep(0.1)
        yield Served(base, proc.pid)
    finally:
        with_signal(proc, signal.SIGTERM)


def with_signal(proc: subprocess.Popen[bytes], sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        pass


def isomargin_args(db_url: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "isomargin.cli.main",
        "serve",
        "--db",
        db_url,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--weight-limit",
        "1000000000",  # the bench measures the hot path, not the rate limiter's 429s
        "--log-level",
        "warning",
    ]


def ceiling_args(app: str, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        f"isomargin.bench.ceiling:{app}",
        "--port",
        str(port),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--log-level",
        "warning",
        "--no-access-log",
    ]


_JSON_LINE = re.compile(r"^BENCH_JSON (\{.*\})$", re.M)


def run_wrk(
    progress: Progress,
    name: str,
    served: Served,
    requests_file: Path,
    connections: int,
    duration: float,
    note: str = "",
) -> Result:
    base = served.base
    cmd = [
        check_wrk(),
        "-t1",  # one generator thread: the other core is the server's
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        base,
        "--",
        str(requests_file),
    ]
    task = progress.add_task(name, total=duration)
    cpu_before = group_cpu_seconds(served.pgid)
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while proc.poll() is None:
        progress.update(task, completed=min(duration, time.monotonic() - started))
        time.sleep(0.1)
    progress.update(task, completed=duration)
    out, err = proc.communicate()
    cpu_after = group_cpu_seconds(served.pgid)
    match = _JSON_LINE.search(out)
    if proc.returncode != 0 or match is None:
        raise BenchError(f"wrk failed ({proc.returncode}): {err or out}")
    data = json.loads(match.group(1))
    seconds = data["duration_us"] / 1e6
    socket_errors = data["connect"] + data["read"] + data["write"] + data["timeout"]
    return Result(
        name=name,
        connections=connections,
        requests=data["requests"],
        seconds=round(seconds, 2),
        rps=round(data["requests"] / seconds, 1),
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        p999_ms=data["p999_us"] / 1000,
        non2xx=data["non2xx"],
        socket_errors=socket_errors,
        note=note,
        cpu_us=None
        if cpu_before is None or cpu_after is None or not data["requests"]
        else round(1e6 * (cpu_after - cpu_before) / data["requests"], 1),
    )


@contextmanager
def postgres_schema(server_url: str) -> Iterator[str]:
    """A throw-away schema ``isomargin_bench_<random>`` on the given server."""
    import psycopg

    schema = f"isomargin_bench_{secrets.token_hex(4)}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in server_url else "?"
    try:
        yield f"{server_url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def prepare(db_url: str, opts: Options, population: dataset.Population) -> float:
    """Migrate and fill the database; the seconds the bulk load took."""
    store = open_store(db_url)
    try:
        started = time.monotonic()
        dataset.populate(store, opts.bench_accounts, population)
        return time.monotonic() - started
    finally:
        store.close()


def machine() -> dict[str, object]:
    load = os.getloadavg()
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg_1_5_15": [round(x, 2) for x in load],
    }


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)
    ticks: list[TickResult] = field(default_factory=list)
    info: dict[str, object] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def find(self, name: str) -> Result | None:
        return next((r for r in self.results if r.name == name), None)

    def to_json(self) -> str:
        return json.dumps(
            {
                "info": self.info,
                "notes": self.notes,
                "results": [asdict(r) for r in self.results],
                "liquidation_ticks": [asdict(t) for t in self.ticks],
            },
            indent=2,
        )


Phase = Callable[[Progress, Report], None]


#: the phases that drive the server with wrk (the liquidation phase times single requests itself)
WRK_PHASES = ("ceiling", "sqlite", "preloaded", "postgresql", "stream")


def run(opts: Options, progress: Progress, report: Report, log: Callable[[str], None]) -> None:
    if set(WRK_PHASES) & set(opts.phases):
        check_wrk()
    report.info["machine_before"] = machine()
    report.info["options"] = {
        "duration_s": opts.duration,
        "connections": opts.connections,
        "bench_accounts": opts.bench_accounts,
        "preload_accounts": opts.preload_accounts,
        "preload_history": opts.preload_history,
        "pg_workers": list(opts.pg_workers),
        "liquidation_sizes": list(opts.liq_sizes),
        "liquidation_repetitions": opts.liq_repetitions,
    }
    work = opts.workdir
    c, d = opts.connections, opts.duration

    def margin_file(tag: str) -> Path:
        path = work / f"margin-{tag}.tsv"
        dataset.write_margin_requests(path, opts.bench_accounts, int(time.time() * 1000))
        return path

    def order_file(tag: str) -> Path:
        path = work / f"orders-{tag}.tsv"
        dataset.write_order_requests(path, opts.bench_accounts, int(time.time() * 1000))
        return path

    def measure(name: str, base: Served, requests_file: Path, note: str = "") -> Result:
        run_wrk(progress, f"{name} (warm-up)", base, requests_file, c, 1.0)
        result = run_wrk(progress, name, base, requests_file, c, d, note)
        report.results.append(result)
        cpu = f", server CPU {result.cpu_us:.0f} µs/request" if result.cpu_us is not None else ""
        log(f"{name}: {result.rps:,.0f} req/s, p50 {result.p50_ms:.2f} ms, p99 {result.p99_ms:.2f} ms{cpu}")
        return result

    def gets(base: Served, tag: str, from_routes: bool = True) -> None:
        from isomargin.api.routes import ROUTES

        paths = {r.path for r in ROUTES if r.method == "GET"}
        ts = int(time.time() * 1000)
        hist = work / f"history-{tag}.tsv"
        dataset.write_get_requests(
            hist, "/fapi/v1/positionMargin/history", [("symbol", "BTCUSDT"), ("limit", "500")], opts.bench_accounts, ts
        )
        measure(f"{tag}: GET positionMargin/history limit=500", base, hist, "500 rows per answer")
        if "/fapi/v3/positionRisk" in paths:
            risk = work / f"risk-{tag}.tsv"
            dataset.write_get_requests(risk, "/fapi/v3/positionRisk", [], opts.bench_accounts, ts)
            measure(f"{tag}: GET v3/positionRisk", base, risk)
        elif from_routes:
            report.notes.append("GET /fapi/v3/positionRisk is not served by this build: not measured.")

    if "ceiling" in opts.phases:
        requests_file = margin_file("ceiling")
        for app in ("raw", "starlette"):
            port = free_port()
            with server(ceiling_args(app, port), port, work / f"ceiling-{app}.log") as base:
                measure(f"ceiling ({app} ASGI)" if app == "raw" else "ceiling (Starlette)", base, requests_file)

    # The read phases get their own database with HISTORY_PER_ACCOUNT rows per bench account,
    # so every history answer holds exactly 500 rows whatever the write phases left behind.
    reads = dataset.Population(0, opts.bench_accounts * HISTORY_PER_ACCOUNT)

    if "sqlite" in opts.phases:
        url = f"sqlite:///{work}/empty.db"
        prepare(url, opts, dataset.Population(0, 0))
        port = free_port()
        with server(isomargin_args(url, port, 1), port, work / "sqlite.log") as base:
            measure("SQLite, 1 worker: POST positionMargin", base, margin_file("sqlite"))
            measure("SQLite, 1 worker: POST order (MARKET)", base, order_file("sqlite"), "ETHUSDT 0.01, cross")
        url = f"sqlite:///{work}/reads.db"
        prepare(url, opts, reads)
        port = free_port()
        with server(isomargin_args(url, port, 1), port, work / "sqlite-reads.log") as base:
            gets(base, "SQLite, 1 worker")

    if "preloaded" in opts.phases:
        url = f"sqlite:///{work}/preloaded.db"
        population = dataset.Population(opts.preload_accounts, opts.preload_history)
        seconds = prepare(url, opts, population)
        note = f"{opts.preload_accounts:,} accounts, {opts.preload_history:,} history rows (bulk load {seconds:.1f} s)"
        log(f"pre-loaded {note}")
        port = free_port()
        with server(isomargin_args(url, port, 1), port, work / "preloaded.log") as base:
            measure("SQLite pre-loaded, 1 worker: POST positionMargin", base, margin_file("preloaded"), note)

    if "postgresql" in opts.phases:
        if not opts.postgres_url:
            report.notes.append("PostgreSQL not measured: pass --postgres URL.")
        else:
            for workers in opts.pg_workers:
                with postgres_schema(opts.postgres_url) as url:
                    prepare(url, opts, dataset.Population(0, 0))
                    port = free_port()
                    with server(isomargin_args(url, port, workers), port, work / f"pg-{workers}.log") as base:
                        measure(f"PostgreSQL, {workers} worker(s): POST positionMargin", base, margin_file("pg"))
                        measure(f"PostgreSQL, {workers} worker(s): POST order (MARKET)", base, order_file("pg"))
            with postgres_schema(opts.postgres_url) as url:
                prepare(url, opts, reads)
                port = free_port()
                with server(isomargin_args(url, port, 1), port, work / "pg-reads.log") as base:
                    gets(base, "PostgreSQL, 1 worker", from_routes=False)
    if "stream" in opts.phases:
        from isomargin.bench.stream import run_phase

        log("stream: 1,000 connections, positionMargin at 500/s")
        run_phase(work, opts.bench_accounts, d, report.notes, report.info)
    if "liquidation" in opts.phases:
        from isomargin.bench import liquidation

        log(f"liquidation: a tick among {', '.join(f'{n:,}' for n in opts.liq_sizes)} isolated positions")
        liquidation.run_phase(opts, report, log)
    report.info["machine_after"] = machine()


def progress_display() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:.0f}/{task.total:.0f} s"),
        TimeElapsedColumn(),
    )
