"""The ``stream`` phase of ``isomargin bench``: the user-data stream under load, on one worker.

1. Every bench account takes a listenKey; 1,000 WebSocket connections open on
   ``/private/ws?listenKey=…``, spread evenly over the accounts. The worker's resident memory is
   read before and after (``/proc/<pid>/status``): what 1,000 idle connections cost it.
2. ``POST /fapi/v1/positionMargin`` runs at a steady rate (500/s by default) from wrk, not from
   this process: 10 connections, each pausing between requests (``wrk_paced.lua``), the bench
   accounts' pre-signed add and reduce of 1 USDT.
3. Every frame's arrival is compared with its ``T`` — the server-clock time the change was
   decided, just before its transaction: commit-to-frame latency plus the transaction itself, at
   millisecond resolution (the client and the server share the machine's clock). Each
   connection must receive every event of its account: the phase counts what is missing.

The client runs in this process on the same machine, so on a small box it competes with the
server for CPU; the numbers are an upper bound on what the stream costs.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import orjson
from websockets.asyncio.client import ClientConnection, connect

from isomargin.bench.dataset import bench_key, write_margin_requests
from isomargin.bench.runner import check_wrk, group_cpu_seconds


@dataclass
class StreamResult:
    connections: int
    rate: float
    seconds: float
    sent: int
    accepted: int
    frames: int
    expected_frames: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    rss_before_mb: float
    rss_idle_mb: float
    #: answers other than 200, by body, with their count
    refusals: dict[str, int]
    #: CPU seconds the server (all its processes) and this client used while the load ran
    server_cpu_s: float | None
    client_cpu_s: float


def rss_mb(pid: int) -> float:
    """The process's resident set size in MB (Linux), 0 where /proc cannot tell."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _reader(ws: ClientConnection, latencies: list[float]) -> None:
    try:
        async for message in ws:
            arrived = time.time() * 1000
            latencies.append(arrived - orjson.loads(message)["T"])
    except Exception:
        return  # closed: counted as missing frames


#: wrk connections that carry the paced load (each waits connections / rate seconds between requests)
LOAD_CONNECTIONS = 10
PACED_LUA = Path(__file__).with_name("wrk_paced.lua")
ROUND_TRIP_MS = 3
FEED_LUA = Path(__file__).with_name("wrk_feed.lua")


async def _paced_load(base_url: str, workdir: Path, accounts: int, rate: float, seconds: float) -> dict[str, float]:
    """positionMargin at ``rate``/s for ``seconds`` from wrk (C, not this process): its summary."""
    requests = workdir / "stream-margin.tsv"
    write_margin_requests(requests, accounts, int(time.time() * 1000))
    # each connection waits, then spends about a round trip on its request: the wait is shortened
    # by that round trip (measured ~3 ms here) so the rate comes out near ``rate``; the report
    # gives the rate wrk actually achieved
    wait_ms = max(1, round(LOAD_CONNECTIONS * 1000 / rate - ROUND_TRIP_MS))
    proc = await asyncio.create_subprocess_exec(
        check_wrk(),
        "-t1",
        f"-c{LOAD_CONNECTIONS}",
        f"-d{max(1, round(seconds))}s",
        "-s",
        str(PACED_LUA),
        base_url,
        "--",
        str(requests),
        str(wait_ms),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "ISOMARGIN_WRK_FEED": str(FEED_LUA)},
    )
    out, err = await proc.communicate()
    match = re.search(r"BENCH_JSON (\{.*\})", out.decode())
    if proc.returncode != 0 or match is None:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {err.decode() or out.decode()}")
    summary: dict[str, float] = json.loads(match.group(1))
    return summary


async def measure(
    base_url: str,
    server_pid: int,
    accounts: int,
    connections: int = 1000,
    rate: float = 500.0,
    seconds: float = 10.0,
    workdir: Path = Path("."),
) -> StreamResult:
    ws_base = base_url.replace("http://", "ws://")
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=base_url, timeout=30, limits=httpx.Limits(max_connections=64)) as http:
        keys = {}
        for i in range(1, accounts + 1):
            r = await http.post("/fapi/v1/listenKey", headers={"X-MBX-APIKEY": bench_key(i)})
            r.raise_for_status()
            keys[i] = r.json()["listenKey"]
        rss_before = rss_mb(server_pid)
        sockets: list[ClientConnection] = []
        for first in range(0, connections, 50):
            batch = range(first, min(first + 50, connections))
            urls = [f"{ws_base}/private/ws?listenKey={keys[j % accounts + 1]}" for j in batch]
            sockets += await asyncio.gather(*(connect(u, open_timeout=30, max_queue=None) for u in urls))
        await asyncio.sleep(2.0)  # let the server settle before reading its memory
        rss_idle = rss_mb(server_pid)
        readers = [asyncio.ensure_future(_reader(ws, latencies)) for ws in sockets]
        server_cpu = group_cpu_seconds(server_pid)
        client_cpu = time.process_time()
        load = await _paced_load(base_url, workdir, accounts, rate, seconds)
        server_after = group_cpu_seconds(server_pid)
        server_cpu_s = server_after - server_cpu if server_after is not None and server_cpu is not None else None
        client_cpu_s = time.process_time() - client_cpu
        elapsed = load["duration_us"] / 1e6
        total = int(load["requests"])
        accepted = total - int(load["non2xx"])
        expected = accepted * connections // accounts if connections % accounts == 0 else -1
        deadline = time.monotonic() + 10
        while len(latencies) < expected and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        for ws in sockets:
            await ws.close()
        for task in readers:
            task.cancel()
    return StreamResult(
        connections=connections,
        rate=total / elapsed if elapsed else 0.0,
        seconds=elapsed,
        sent=total,
        accepted=accepted,
        frames=len(latencies),
        expected_frames=expected,
        p50_ms=_percentile(latencies, 0.50),
        p99_ms=_percentile(latencies, 0.99),
        max_ms=max(latencies, default=float("nan")),
        rss_before_mb=rss_before,
        rss_idle_mb=rss_idle,
        refusals={} if not load["non2xx"] else {"non-2xx": int(load["non2xx"])},
        server_cpu_s=server_cpu_s,
        client_cpu_s=client_cpu_s,
    )


#: the issue's targets on these machines (docs/BENCHMARKS.md)
TARGET_P99_MS = 50.0
TARGET_IDLE_MB = 100.0


def run_phase(
    work: Path, bench_accounts: int, seconds: float, report_notes: list[str], info: dict[str, object]
) -> None:
    """Start one worker on a fresh SQLite database, measure, and add the lines and numbers to the report."""
    from dataclasses import asdict

    from isomargin.bench import dataset
    from isomargin.bench.runner import Options, free_port, isomargin_args, prepare, server

    accounts = min(bench_accounts, 100)  # 1,000 connections spread evenly: 10 per account
    url = f"sqlite:///{work}/stream.db"
    prepare(url, Options(bench_accounts=accounts, workdir=work), dataset.Population(0, 0))
    port = free_port()
    with server(isomargin_args(url, port, 1), port, work / "stream.log") as served:
        result = asyncio.run(measure(served.base, served.pgid, accounts, seconds=seconds, workdir=work))
    info["stream"] = asdict(result)
    # wrk counts answered requests: one in flight when it stopped may still add its frames
    missing = max(0, result.expected_frames - result.frames)
    growth = result.rss_idle_mb - result.rss_before_mb
    report_notes += [
        f"stream, 1 worker, {result.connections} connections: positionMargin at {result.rate:.0f}/s"
        f" ({result.accepted}/{result.sent} accepted), {result.frames:,} frames, {missing} missing",
        f"  commit-to-frame p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, max {result.max_ms:.1f} ms"
        f" (target p99 < {TARGET_P99_MS:.0f} ms): {_ok(result.p99_ms < TARGET_P99_MS and missing == 0)}",
        f"  worker memory {result.rss_before_mb:.0f} MB → {result.rss_idle_mb:.0f} MB with the connections idle"
        f" (+{growth:.0f} MB; target < {TARGET_IDLE_MB:.0f} MB): {_ok(growth < TARGET_IDLE_MB)}",
    ]


def _ok(passed: bool) -> str:
    return "[green]met[/green]" if passed else "[red]NOT met[/red]"
