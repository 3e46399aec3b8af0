"""The ``liquidation`` bench phase (issue 12): how a tick's time grows with the open positions.

For each n, a fresh database holds n isolated positions of which 100 are thin
(``bench.liquidation_data``); a real server (one worker) is started on it and timed over HTTP,
from the client, on ``PUT /_isomargin/v1/markPrices/BTCUSDT``:

- the *first* move of the fresh database, which ranks the symbol's ADL quantiles (never ranked
  before; ``service.adl``): the one O(n) step, which a running server takes at most once per
  ``adlRefreshMs`` (30 s) per symbol — timed to show its cost, and as the warm-up;
- *quiet* ticks to a mark that reaches nothing: the engine's candidate searches alone;
- one *liquidating* tick to the mark that reaches exactly the thin positions; its reply must list
  each of them and nothing else, or the phase fails — a tick that finds nothing is no measurement.

The quiet and liquidating ticks come within the ADL refresh interval of the first move, or the
phase fails: one of them would include a ranking. A liquidation rewrites the rows it touches, so
every repetition starts from a fresh database. The issue's target: the liquidating tick stays
within 2x from n = 1,000 to n = 100,000.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import httpx

from isomargin.bench import liquidation_data as data
from isomargin.bench.runner import (
    BenchError,
    Options,
    Report,
    Served,
    TickResult,
    free_port,
    group_cpu_seconds,
    isomargin_args,
    postgres_schema,
    server,
)
from isomargin.service.shared_settings import DEFAULT_ADL_REFRESH_MS, DEFAULT_MARGIN_CALL_RATIO
from isomargin.store import open_store
from isomargin.symbols import DEFAULT_SYMBOLS

#: positions the liquidating tick reaches, at every n (the issue's k)
VICTIMS = 100
#: quiet ticks timed per repetition (the marks alternate, so each one is a real move)
QUIET_PER_REPETITION = 3
FIRST = "first (ADL ranking)"
QUIET = "quiet"
LIQUIDATING = "liquidating"


@dataclass(frozen=True, slots=True)
class Tick:
    """What one timed move did, from its reply."""

    ms: float
    #: the server process's CPU time for the move (/proc, 10 ms resolution; None where unreadable).
    #: Steadier than ``ms`` when other work shares the machine; on PostgreSQL it leaves out the
    #: database's own CPU
    cpu_ms: float | None
    liquidated: list[int]
    margin_calls: int


def move(client: httpx.Client, served: Served, mark: Decimal) -> Tick:
    path = f"/_isomargin/v1/markPrices/{data.SYMBOL}"
    cpu_before = group_cpu_seconds(served.pgid)
    started = time.perf_counter()
    reply = client.put(path, json={"markPrice": str(mark)})
    ms = (time.perf_counter() - started) * 1000
    cpu_after = group_cpu_seconds(served.pgid)
    if reply.status_code != 200:
        raise BenchError(f"PUT {path} {mark} answered {reply.status_code}: {reply.text[:500]}")
    body = reply.json()
    cpu_ms = None if cpu_before is None or cpu_after is None else (cpu_after - cpu_before) * 1000
    return Tick(ms, cpu_ms, sorted(int(row["accountId"]) for row in body["liquidations"]), len(body["marginCalls"]))


def expect(tick: Tick, liquidated: list[int], what: str) -> None:
    """Fail loudly when a tick did not do what the phase times it for."""
    if tick.liquidated != liquidated or tick.margin_calls:
        raise BenchError(
            f"{what}: expected {len(liquidated)} liquidations and no margin call, the reply listed"
            f" {len(tick.liquidated)} liquidations (first ids {tick.liquidated[:5]})"
            f" and {tick.margin_calls} margin calls"
        )


@dataclass(frozen=True, slots=True)
class Repetition:
    """One fresh database: its bulk load, and the ticks timed on it."""

    load_s: float
    first: Tick
    quiet: list[Tick]
    liquidating: Tick


def one_repetition(url: str, population: data.Population, workdir: Path, tag: str) -> Repetition:
    """Load, serve and time one fresh database."""
    store = open_store(url)
    try:
        started = time.monotonic()
        # what the bench's server runs with: no --symbols, the margin-call ratio never set
        try:
            data.populate(store, population, DEFAULT_SYMBOLS, DEFAULT_MARGIN_CALL_RATIO)
        except ValueError as exc:  # the marks no longer fall where the phase needs them
            raise BenchError(str(exc)) from None
        load_s = time.monotonic() - started
    finally:
        store.close()
    port = free_port()
    with (
        server(isomargin_args(url, port, 1), port, workdir / f"liquidation-{tag}.log") as served,
        httpx.Client(base_url=served.base, timeout=120) as client,
    ):
        # the first move ranks ADL (the symbol was never ranked); also the warm-up: the connection,
        # the server's first statements, the database's caches
        ranked = time.monotonic()
        first = move(client, served, data.START_MARK)
        expect(first, [], "first move")
        quiet = []
        for k in range(QUIET_PER_REPETITION):
            mark = data.QUIET_MARK if k % 2 == 0 else data.START_MARK
            tick = move(client, served, mark)
            expect(tick, [], f"quiet move to {mark}")
            quiet.append(tick)
        tick = move(client, served, data.LIQUIDATING_MARK)
        expect(tick, population.thin_ids(), f"liquidating move to {data.LIQUIDATING_MARK}")
        if (time.monotonic() - ranked) * 1000 >= DEFAULT_ADL_REFRESH_MS:
            # the refresh interval ran out: a later move (or the poller) may have ranked again
            raise BenchError(
                f"the ticks took longer than the ADL refresh interval ({DEFAULT_ADL_REFRESH_MS} ms) after"
                " the first move: a timed tick may include a ranking; run on a quieter machine"
            )
    return Repetition(load_s, first, quiet, tick)


@contextmanager
def fresh_database(backend: str, opts: Options, tag: str) -> Iterator[str]:
    if backend == "SQLite":
        path = opts.workdir / f"liquidation-{tag}.db"
        try:
            yield f"sqlite:///{path}"
        finally:
            for leftover in path.parent.glob(path.name + "*"):
                leftover.unlink()
    else:
        assert opts.postgres_url is not None
        with postgres_schema(opts.postgres_url) as url:
            yield url


def summary(backend: str, n: int, kind: str, liquidated: int, ticks: list[Tick], load_s: list[float]) -> TickResult:
    samples = [t.ms for t in ticks]
    cpu = [t.cpu_ms for t in ticks if t.cpu_ms is not None]
    return TickResult(
        backend=backend,
        n=n,
        tick=kind,
        liquidated=liquidated,
        samples=len(samples),
        median_ms=round(statistics.median(samples), 2),
        min_ms=round(min(samples), 2),
        max_ms=round(max(samples), 2),
        load_s=round(statistics.median(load_s), 2),
        samples_ms=[round(s, 2) for s in samples],
        cpu_median_ms=round(statistics.median(cpu), 1) if cpu else None,
    )


def run_phase(opts: Options, report: Report, log: Callable[[str], None]) -> None:
    backends = ["SQLite"] + (["PostgreSQL"] if opts.postgres_url else [])
    if not opts.postgres_url:
        report.notes.append("Liquidation tick on PostgreSQL not measured: pass --postgres URL.")
    if any(n < VICTIMS for n in opts.liq_sizes):
        raise BenchError(f"--liq-sizes: every size must hold the {VICTIMS} positions the tick liquidates")
    for backend in backends:
        for n in opts.liq_sizes:
            population = data.Population(n, VICTIMS)
            loads: list[float] = []
            first: list[Tick] = []
            quiet: list[Tick] = []
            liquidating: list[Tick] = []
            for rep in range(opts.liq_repetitions):
                tag = f"{backend.lower()}-{n}-{rep}"
                with fresh_database(backend, opts, tag) as url:
                    repetition = one_repetition(url, population, opts.workdir, tag)
                loads.append(repetition.load_s)
                first.append(repetition.first)
                quiet.extend(repetition.quiet)
                liquidating.append(repetition.liquidating)
            kinds = ((FIRST, 0, first), (QUIET, 0, quiet), (LIQUIDATING, VICTIMS, liquidating))
            for kind, count, samples in kinds:
                result = summary(backend, n, kind, count, samples, loads)
                report.ticks.append(result)
                log(
                    f"{backend}, n = {n:,}, {kind}: median {result.median_ms:.1f} ms"
                    f" (min {result.min_ms:.1f}, max {result.max_ms:.1f}; server CPU {result.cpu_median_ms} ms;"
                    f" load {result.load_s:.1f} s)"
                )
