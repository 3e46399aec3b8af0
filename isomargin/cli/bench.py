"""``isomargin bench``: the hot path's throughput and latency, as a fraction of the stack's ceiling."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from isomargin.bench.runner import BenchError, Options, Report, TickResult, progress_display, run

ALL_PHASES = ("ceiling", "sqlite", "preloaded", "postgresql", "stream", "liquidation")
#: the issue 12 target: the liquidating tick at the largest n within this factor of the smallest n's
TICK_GROWTH_TARGET = 2.0


def _markdown(report: Report) -> str:
    sections = []
    if report.results:
        sections.append(_results_markdown(report))
    if report.ticks:
        sections.append(_ticks_markdown(report))
    return "\n\n".join(sections)


def _results_markdown(report: Report) -> str:
    lines = [
        "| phase | conns | req/s | p50 ms | p99 ms | p99.9 ms | server CPU µs/req | non-2xx | socket errors | note |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in report.results:
        lines.append(
            f"| {r.name} | {r.connections} | {r.rps:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} | {r.p999_ms:.2f} |"
            f" {_cpu(r.cpu_us)} | {r.non2xx} | {r.socket_errors} | {r.note} |"
        )
    return "\n".join(lines)


TICK_COLUMNS = (
    "backend",
    "n",
    "tick",
    "liquidated",
    "median ms",
    "min–max ms",
    "vs smallest n",
    "server CPU ms",
    "runs",
    "load s",
)


def _tick_rows(report: Report) -> list[tuple[str, ...]]:
    """One row per (backend, n, kind of tick), with its median against the same tick at the smallest n."""
    rows: list[tuple[str, ...]] = []
    for t in report.ticks:
        base = _smallest(report, t)
        ratio = f"{t.median_ms / base.median_ms:.2f}x" if base is not None and base.median_ms else "n/a"
        rows.append(
            (
                t.backend,
                f"{t.n:,}",
                t.tick,
                str(t.liquidated),
                f"{t.median_ms:.1f}",
                f"{t.min_ms:.1f}–{t.max_ms:.1f}",
                ratio,
                _tick_cpu(t.cpu_median_ms),
                str(t.samples),
                f"{t.load_s:.1f}",
            )
        )
    return rows


def _tick_cpu(ms: float | None) -> str:
    """/proc counts CPU in 10 ms ticks: a quiet tick's 0 means less than one."""
    if ms is None:
        return "n/a"
    return "<10" if ms < 10 else f"{ms:.0f}"


def _smallest(report: Report, tick: TickResult) -> TickResult | None:
    same = [t for t in report.ticks if t.backend == tick.backend and t.tick == tick.tick]
    return min(same, key=lambda t: t.n) if same else None


def _ticks_markdown(report: Report) -> str:
    lines = ["| " + " | ".join(TICK_COLUMNS) + " |", "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    lines += ["| " + " | ".join(row) + " |" for row in _tick_rows(report)]
    return "\n".join(lines)


def tick_verdict(report: Report) -> list[str]:
    """Issue 12: per backend, the liquidating tick at the largest n against the smallest n."""
    out = []
    for backend in dict.fromkeys(t.backend for t in report.ticks):
        killing = [t for t in report.ticks if t.backend == backend and t.liquidated]
        if len(killing) < 2:
            continue
        small, large = min(killing, key=lambda t: t.n), max(killing, key=lambda t: t.n)
        growth = large.median_ms / small.median_ms
        out.append(
            f"{backend}: the tick that liquidates {large.liquidated} takes {growth:.2f}x as long at n = {large.n:,}"
            f" as at n = {small.n:,} (target ≤ {TICK_GROWTH_TARGET:g}x): {_ok(growth <= TICK_GROWTH_TARGET)}"
        )
        if small.cpu_median_ms and large.cpu_median_ms:
            # the same ratio from the server's CPU time, which other load on the machine disturbs less
            out.append(f"  by server CPU per tick: {large.cpu_median_ms / small.cpu_median_ms:.2f}x")
    return out


def _cpu(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}"


def verdict(report: Report) -> list[str]:
    """The issue's targets, checked against this run."""
    out: list[str] = []
    ceiling = report.find("ceiling (raw ASGI)")
    starlette = report.find("ceiling (Starlette)")
    empty = report.find("SQLite, 1 worker: POST positionMargin")
    full = report.find("SQLite pre-loaded, 1 worker: POST positionMargin")
    if starlette and empty:
        share = empty.rps / starlette.rps
        out.append(f"SQLite 1 worker = {share:.0%} of the Starlette ceiling (target ≥ 40%): {_ok(share >= 0.40)}")
    if ceiling and empty:
        share = empty.rps / ceiling.rps
        out.append(
            f"SQLite 1 worker = {share:.0%} of the bare-ASGI ceiling (stricter: no framework at all; target ≥ 40%):"
            f" {_ok(share >= 0.40)}"
        )
        out.append(f"SQLite 1 worker p99 = {empty.p99_ms:.2f} ms (target < 10 ms): {_ok(empty.p99_ms < 10)}")
        if ceiling.cpu_us and empty.cpu_us:
            # the same ratio from server CPU per request, which other load on the machine disturbs less
            out.append(f"  by server CPU per request: {ceiling.cpu_us / empty.cpu_us:.0%} of the ceiling")
    if empty and full:
        change = full.rps / empty.rps - 1
        out.append(f"pre-loaded vs empty throughput: {change:+.1%} (target within ±10%): {_ok(abs(change) <= 0.10)}")
        out.append(f"pre-loaded p99 = {full.p99_ms:.2f} ms (target < 10 ms): {_ok(full.p99_ms < 10)}")
        if empty.cpu_us and full.cpu_us:
            out.append(f"  by server CPU per request: pre-loaded {full.cpu_us / empty.cpu_us - 1:+.1%} vs empty")
    out += tick_verdict(report)
    bad = [r.name for r in report.results if r.non2xx or r.socket_errors]
    if bad:
        out.append(f"[red]requests failed in: {', '.join(bad)}[/red] (results not valid)")
    return out


def _ok(passed: bool) -> str:
    return "[green]met[/green]" if passed else "[red]NOT met[/red]"


def bench(
    duration: Annotated[float, typer.Option(help="Seconds each measurement runs (< 50).", max=50)] = 10.0,
    connections: Annotated[int, typer.Option(help="Concurrent connections wrk keeps open.")] = 32,
    accounts: Annotated[int, typer.Option(help="Accounts the load is spread over.")] = 100,
    preload_accounts: Annotated[int, typer.Option(help="Accounts in the pre-loaded database.")] = 100_000,
    preload_history: Annotated[int, typer.Option(help="History rows in the pre-loaded database.")] = 1_000_000,
    postgres: Annotated[
        str | None,
        typer.Option(envvar="ISOMARGIN_BENCH_POSTGRES_URL", help="PostgreSQL server (a throw-away schema is used)."),
    ] = None,
    pg_workers: Annotated[str, typer.Option(help="Worker counts to measure on PostgreSQL, comma-separated.")] = "1,2",
    liq_sizes: Annotated[
        str, typer.Option(help="Liquidation phase: open isolated positions per database, comma-separated.")
    ] = "1000,10000,100000",
    liq_repetitions: Annotated[
        int, typer.Option(help="Liquidation phase: fresh databases (one liquidating tick each) per size.", min=1)
    ] = 5,
    phase: Annotated[
        list[str] | None, typer.Option(help=f"Run only these phases (repeatable): {', '.join(ALL_PHASES)}.")
    ] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write every number to this JSON file.")] = None,
    markdown_out: Annotated[Path | None, typer.Option("--markdown", help="Write the results table here.")] = None,
) -> None:
    """Start servers on fresh databases and measure signed POST /fapi/v1/positionMargin with wrk,
    and the liquidation tick (a mark move that liquidates 100 positions among n) request by request."""
    console = Console()
    phases = tuple(phase) if phase else ALL_PHASES
    unknown = set(phases) - set(ALL_PHASES)
    if unknown:
        console.print(f"[red]unknown phase(s): {', '.join(sorted(unknown))}[/red]")
        raise typer.Exit(2)
    opts = Options(
        duration=duration,
        connections=connections,
        bench_accounts=accounts,
        preload_accounts=preload_accounts,
        preload_history=preload_history,
        postgres_url=postgres,
        pg_workers=tuple(int(w) for w in pg_workers.split(",") if w.strip()),
        phases=phases,
        liq_sizes=tuple(int(n) for n in liq_sizes.split(",") if n.strip()),
        liq_repetitions=liq_repetitions,
    )
    report = Report()
    try:
        with progress_display() as progress:
            run(opts, progress, report, lambda line: progress.console.print(line))
    except BenchError as exc:
        console.print(f"[red]bench failed:[/red] {exc}")
        raise typer.Exit(1) from None
    table = Table(title="isomargin bench")
    for column in ("phase", "conns", "req/s", "p50 ms", "p99 ms", "p99.9 ms", "CPU µs/req", "non-2xx", "sock err"):
        table.add_column(column, justify="left" if column == "phase" else "right")
    for r in report.results:
        table.add_row(
            r.name,
            str(r.connections),
            f"{r.rps:,.0f}",
            f"{r.p50_ms:.2f}",
            f"{r.p99_ms:.2f}",
            f"{r.p999_ms:.2f}",
            _cpu(r.cpu_us),
            str(r.non2xx),
            str(r.socket_errors),
        )
    if report.results:
        console.print(table)
    if report.ticks:
        ticks = Table(title="liquidation tick: PUT /_isomargin/v1/markPrices/BTCUSDT, one worker")
        for column in TICK_COLUMNS:
            ticks.add_column(column, justify="left" if column in ("backend", "tick") else "right")
        for row in _tick_rows(report):
            ticks.add_row(*row)
        console.print(ticks)
    for line in verdict(report) + report.notes:
        console.print(line)
    console.print(f"load average before {report.info['machine_before']}, after {report.info.get('machine_after')}")
    if json_out:
        json_out.write_text(report.to_json() + "\n")
    if markdown_out:
        markdown_out.write_text(_markdown(report) + "\n")
