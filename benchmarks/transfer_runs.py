"""The SQLite margin transfer alone, under wrk, for two or more checkouts in turn, round after round.

``isomargin bench`` measures a ceiling and five phases per run, about two minutes; on a shared host
the minutes differ more than the checkouts do. This measures only POST positionMargin (add and
reduce alternating, 32 connections, a fresh database, 1 s of warm-up), so each checkout runs
many times in a few minutes, alternating, and the medians and best runs can be compared:

    .venv/bin/python benchmarks/transfer_runs.py --checkout 6454ca9=/tmp/isomargin-base-6454ca9 \\
        --checkout main=. --rounds 6 [--duration 8]

Each checkout runs this file with its own interpreter (``<checkout>/.venv/bin/python``), so its own
server is measured by the same driver; it needs wrk. docs/BENCHMARKS.md ("Issue 9 on 2026-12-03")
quotes its numbers.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def measure_once(duration: float) -> dict[str, float]:
    """One run of this interpreter's isomargin: req/s, server CPU µs a request, p99 ms."""
    from rich.progress import Progress

    import isomargin.bench.runner as runner
    from isomargin.bench import dataset

    opts = runner.Options(duration=duration)
    work = Path(tempfile.mkdtemp(prefix="isomargin-transfer-"))
    url = f"sqlite:///{work}/empty.db"
    runner.prepare(url, opts, dataset.Population(0, 0))
    requests = work / "margin.tsv"
    dataset.write_margin_requests(requests, opts.bench_accounts, int(time.time() * 1000))
    port = runner.free_port()
    with (
        Progress(disable=True) as progress,
        runner.server(runner.isomargin_args(url, port, 1), port, work / "s.log") as s,
    ):
        runner.run_wrk(progress, "warm-up", s, requests, opts.connections, 1.0)
        result = runner.run_wrk(progress, "transfer", s, requests, opts.connections, duration)
    return {"rps": result.rps, "cpu_us": result.cpu_us or 0.0, "p99_ms": result.p99_ms}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkout", action="append", metavar="NAME=PATH")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # a child: one run, JSON out
    opts = parser.parse_args()
    if opts.one:
        print(json.dumps(measure_once(opts.duration)))
        return
    if not opts.checkout:
        parser.error("give --checkout NAME=PATH at least once")
    checkouts = [
        (name, Path(path).resolve() / ".venv/bin/python") for name, path in (c.split("=", 1) for c in opts.checkout)
    ]
    runs: dict[str, list[dict[str, float]]] = {name: [] for name, _ in checkouts}
    for round_ in range(1, opts.rounds + 1):
        for name, python in checkouts:
            args = [str(python), __file__, "--one", "--duration", str(opts.duration)]
            done = subprocess.run(args, capture_output=True, text=True, check=True, cwd=tempfile.gettempdir())
            run = json.loads(done.stdout.strip().splitlines()[-1])
            runs[name].append(run)
            line = f"{run['rps']:,.0f} req/s, {run['cpu_us']:.0f} µs CPU, p99 {run['p99_ms']:.2f} ms"
            print(f"round {round_} {name}: {line}", file=sys.stderr)
    first = statistics.median(r["rps"] for r in runs[checkouts[0][0]])
    print("| checkout | req/s, each round | median | best | median vs first |")
    print("|---|---|---:|---:|---:|")
    for name, _ in checkouts:
        rps = [r["rps"] for r in runs[name]]
        median = statistics.median(rps)
        each = " / ".join(f"{x:,.0f}" for x in rps)
        print(f"| `{name}` | {each} | {median:,.0f} | {max(rps):,.0f} | {100 * (median - first) / first:+.1f}% |")


if __name__ == "__main__":
    main()
