"""Correctness under concurrent load, SIGKILL and SIGTERM, on SQLite and on PostgreSQL.

Several ``isomargin serve`` worker processes over one database, many clients sending random
add/reduce on a few shared positions; afterwards ``loadgen.check_database`` proves money is
conserved, every acknowledged change is stored exactly once and no rejected one at all.
Each load lasts a few seconds; the test never asserts on speed.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
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


def server(url: str, backend: str, tmp_path: Path, workers: int | None = None) -> LiveServer:
    return LiveServer(
        url,
        workers=WORKERS[backend] if workers is None else workers,
        extra_args=SERVER_ARGS,
        env=SERVER_ENV,
        log_path=tmp_path / "server.log",
    )


async def test_concurrent_workers_conserve_money_and_history(url: str, backend: str, tmp_path: Path) -> None:
    with server(url, backend, tmp_path) as live:
        accounts = await loadgen.set_up(live.base_url)
        outcomes = await loadgen.drive(live.base_url, accounts, seconds=3, clients=16, min_requests=400)
    summary = loadgen.check_database(url, accounts, outcomes)
    assert summary["unknown"] == 0, "a request failed at the connection level without any fault injected"
    # the load must have exercised both answers, or the checks above prove little
    assert summary["rejected"] > 0, outcomes.codes()
    assert set(outcomes.codes()) <= {200, -4050, -4051}, outcomes.codes()


async def test_sigkill_mid_load_loses_no_acknowledged_change(url: str, backend: str, tmp_path: Path) -> None:
    live = server(url, backend, tmp_path)
    with live:
        accounts = await loadgen.set_up(live.base_url)
        stop, before = asyncio.Event(), loadgen.Outcomes()
        load = asyncio.create_task(
            loadgen.drive(live.base_url, accounts, seconds=60, clients=16, stop=stop, outcomes=before)
        )
        await loadgen.until_answered(before, 200)
        live.kill_group(signal.SIGKILL)  # supervisor and every worker, mid-transaction for some
        stop.set()
        await load
        # restart on the same database: recovery happens, then more load on the same positions
        live.start()
        after = await loadgen.drive(
            live.base_url, accounts, seconds=1.5, clients=8, first_seq=10_000_000, min_requests=100
        )
    outcomes = loadgen.Outcomes(before.results + after.results)
    loadgen.check_database(url, accounts, outcomes)


async def test_sigterm_finishes_in_flight_requests_and_refuses_new_ones(url: str, backend: str, tmp_path: Path) -> None:
    live = server(url, backend, tmp_path, workers=1)
    with live:
        accounts = await loadgen.set_up(live.base_url)
        stop, outcomes = asyncio.Event(), loadgen.Outcomes()
        load = asyncio.create_task(
            loadgen.drive(live.base_url, accounts, seconds=60, clients=16, stop=stop, outcomes=outcomes)
        )
        await loadgen.until_answered(outcomes, 200)
        assert live.proc is not None
        live.proc.send_signal(signal.SIGTERM)
        # the listening socket closes first: a new connection is refused while in-flight work drains
        refused = False
        async with httpx.AsyncClient(base_url=live.base_url, timeout=2) as probe:
            for _ in range(250):
                try:
                    await probe.get("/fapi/v1/ping", headers={"connection": "close"})
                except httpx.ConnectError:
                    refused = True
                    break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.02)
        stop.set()
        await load
        # uvicorn re-raises the signal it caught once shutdown is complete: -SIGTERM, not a crash
        assert live.proc.wait(timeout=20) in (0, -signal.SIGTERM), "graceful shutdown did not exit cleanly"
    assert refused, "the server kept accepting connections after SIGTERM"
    summary = loadgen.check_database(url, accounts, outcomes)
    # graceful: a request the server read was answered, so nothing it applied went unacknowledged
    assert summary["history"] == summary["acked"], summary
