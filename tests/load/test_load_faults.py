"""Correctness under concurrent load, SIGKILL and SIGTERM, on SQLite and on PostgreSQL.

Several ``isomargin serve`` worker processes over one database, many clients sending random
add/reduce on a few shared positions; afterwards ``loadgen.check_database`` proves money is
conserved, every acknowledged change is stored exactly once and no rejected one at all.
Each test also proves its premise: that several workers served, that the kill caught requests
in flight, that a request the server had begun when SIGTERM came was still answered.
Each load lasts a few seconds; the test never asserts on speed.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from tests.backends import backend_params, database_url
from tests.load import loadgen
from tests.support import LiveServer

pytestmark = pytest.mark.slow

#: worker processes per backend: PostgreSQL's row locks across 4; SQLite's file lock across 2
WORKERS = {"sqlite": 2, "postgresql": 4}
SERVER_ENV = {"ISOMARGIN_LOG_LEVEL": "warning"}
#: the per-IP weight counter must not turn a load test into a rate-limit test
SERVER_ARGS = ("--weight-limit", "100000000", "--pool-max", "4")


@pytest.fixture(params=backend_params())
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def url(backend: str, tmp_path: Path) -> Iterator[str]:
    with database_url(backend, tmp_path, tag="load_") as u:
        yield u


def server(
    url: str, backend: str, tmp_path: Path, workers: int | None = None, log_level: str = "warning"
) -> LiveServer:
    return LiveServer(
        url,
        workers=WORKERS[backend] if workers is None else workers,
        extra_args=SERVER_ARGS,
        env={**SERVER_ENV, "ISOMARGIN_LOG_LEVEL": log_level},
        log_path=tmp_path / "server.log",
    )


async def test_concurrent_workers_conserve_money_and_history(url: str, backend: str, tmp_path: Path) -> None:
    with server(url, backend, tmp_path) as live:
        accounts = await loadgen.set_up(live.base_url)
        outcomes = loadgen.Outcomes()
        load = asyncio.create_task(
            loadgen.drive(live.base_url, accounts, seconds=3, clients=16, min_requests=400, outcomes=outcomes)
        )
        # which processes hold the clients' connections while the load runs (each serves
        # every request sent on the connections it accepted)
        assert live.proc is not None
        serving: set[int] = set()
        while not load.done():
            serving |= set(loadgen.connection_owners(live.port, live.proc.pid))
            await asyncio.sleep(0.25)
        await load
    summary = loadgen.check_database(url, accounts, outcomes)
    assert summary["unknown"] == 0, "a request failed at the connection level without any fault injected"
    # the load must have exercised both answers, or the checks above prove little
    assert summary["rejected"] > 0, outcomes.codes()
    assert set(outcomes.codes()) <= {200, -4050, -4051}, outcomes.codes()
    # ... and several workers at once, or it proves nothing about workers sharing one database
    assert live.proc.pid not in serving
    assert len(serving) >= 2, f"only worker(s) {serving} of {WORKERS[backend]} served the load"


async def test_sigkill_mid_load_loses_no_acknowledged_change(url: str, backend: str, tmp_path: Path) -> None:
    live = server(url, backend, tmp_path)
    with live:
        accounts = await loadgen.set_up(live.base_url)
        stop, before = asyncio.Event(), loadgen.Outcomes()
        load = asyncio.create_task(
            loadgen.drive(live.base_url, accounts, seconds=60, clients=16, stop=stop, outcomes=before)
        )
        await loadgen.until_answered(before, 200)
        # Right after this coroutine saw the 200th answer, every one of the 16 clients has a
        # request outstanding (each sends the next as soon as it has an answer), and nothing
        # runs in this process between here and the kill: for none to be lost the server would
        # have to answer all 16 in those microseconds.
        killed_at = time.monotonic()
        live.kill_group(signal.SIGKILL)  # supervisor and every worker, mid-transaction for some
        stop.set()
        await load
        in_flight = before.lost_in_flight(killed_at)
        assert in_flight, "the kill caught no request in flight: it tested nothing"
        # restart on the same database: recovery happens, then more load on the same positions
        live.start()
        after = await loadgen.drive(
            live.base_url, accounts, seconds=1.5, clients=8, first_seq=10_000_000, min_requests=100
        )
    assert after.acked(), f"nothing succeeded after the restart: {after.codes()}"
    assert not after.unknown(), "a request failed at the connection level after the restart"
    outcomes = loadgen.Outcomes(before.results + after.results)
    loadgen.check_database(url, accounts, outcomes)


async def test_sigterm_finishes_in_flight_requests_and_refuses_new_ones(url: str, backend: str, tmp_path: Path) -> None:
    # info: uvicorn's shutdown steps are logged at that level (isomargin logs nothing per request)
    live = server(url, backend, tmp_path, workers=1, log_level="info")
    with live:
        *accounts, spare = await loadgen.set_up(live.base_url, accounts=4)
        stop, outcomes = asyncio.Event(), loadgen.Outcomes()
        load = asyncio.create_task(
            loadgen.drive(live.base_url, accounts, seconds=60, clients=16, stop=stop, outcomes=outcomes)
        )
        await loadgen.until_answered(outcomes, 200)
        # a request the server has begun (it asked for the body) and cannot finish before the
        # signal; a small add on an account the load leaves alone, so only shutdown can fail it
        held = await loadgen.HeldRequest(
            live.base_url, spare, loadgen.Request(spare.account_id, "BTCUSDT", 1, Decimal("1.99999999"))
        ).open()
        assert live.proc is not None
        signalled_at = time.monotonic()
        live.proc.send_signal(signal.SIGTERM)
        # the listening socket closes first: a new connection is refused while in-flight work drains
        refused_at = None
        async with httpx.AsyncClient(base_url=live.base_url, timeout=2) as probe:
            for _ in range(250):
                try:
                    await probe.get("/fapi/v1/ping", headers={"connection": "close"})
                except httpx.ConnectError:
                    refused_at = time.monotonic()
                    break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.02)
        assert refused_at is not None, "the server kept accepting connections after SIGTERM"
        # only now the body, and not at once: uvicorn gives open connections 0.1 s before it
        # checks for any left; a request still unfinished then must be waited for, not dropped
        await asyncio.sleep(0.5)
        answer = await held.finish()
        outcomes.results.append(answer)
        stop.set()
        await load
        returncode = live.proc.wait(timeout=20)
    log = (tmp_path / "server.log").read_text()
    assert held.sent < signalled_at < refused_at < answer.done
    assert answer.status == 200, f"a request in flight at SIGTERM was not finished: {answer}"
    # uvicorn re-raises the signal it caught once shutdown is complete, so -SIGTERM is also what
    # a process killed outright by the signal shows: the log says whether shutdown ran its course
    assert returncode in (0, -signal.SIGTERM), returncode
    assert "Shutting down" in log and "Waiting for connections to close" in log, log
    assert f"Finished server process [{live.proc.pid}]" in log, log
    assert "timeout graceful shutdown exceeded" not in log, log
    summary = loadgen.check_database(url, [*accounts, spare], outcomes)
    # graceful: a request the server read was answered, so nothing it applied went unacknowledged
    assert summary["history"] == summary["acked"], summary
