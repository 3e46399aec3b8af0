"""Parity options: ``--record`` sends every case to a real remote first and (re)writes its snapshot.

Offline (the default) each case compares isomargin's answer with its checked-in snapshot. With
``--record``, ``ISOMARGIN_PARITY_BASE_URL``, ``ISOMARGIN_PARITY_API_KEY`` and
``ISOMARGIN_PARITY_API_SECRET`` (an HMAC key of a Binance demo account) must be set; see
docs/parity.md.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from isomargin.config import Settings
from tests.parity.snapfile import SNAPSHOT_DIR
from tests.support import Api, Creds, in_process_api

ENV_BASE_URL = "ISOMARGIN_PARITY_BASE_URL"
ENV_API_KEY = "ISOMARGIN_PARITY_API_KEY"
ENV_API_SECRET = "ISOMARGIN_PARITY_API_SECRET"


@dataclass(frozen=True, slots=True)
class ParityMode:
    snapshot_dir: Path
    base_url: str | None = None  # set: record from this remote before comparing
    creds: Creds | None = None
    preconditions_met: bool = False

    @property
    def recording(self) -> bool:
        return self.base_url is not None


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("parity", "isomargin parity suite (tests/parity, docs/parity.md)")
    group.addoption(
        "--record",
        action="store_true",
        default=False,
        help=f"send each parity case to ${ENV_BASE_URL} (signed with ${ENV_API_KEY}/${ENV_API_SECRET}) "
        "and write its snapshot before comparing isomargin with it",
    )
    group.addoption(
        "--preconditions-met",
        action="store_true",
        default=False,
        help="with --record: the demo account is in the state the selected cases' scenarios need "
        "(an open position; docs/parity.md), so record those cases too",
    )
    group.addoption(
        "--parity-snapshot-dir",
        default=str(SNAPSHOT_DIR),
        help="where parity snapshots are read and recorded (default: tests/parity/snapshots)",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--record", default=False):
        missing = [name for name in (ENV_BASE_URL, ENV_API_KEY, ENV_API_SECRET) if not os.environ.get(name)]
        if missing:
            raise pytest.UsageError(f"--record needs {', '.join(missing)} (docs/parity.md)")


@pytest.fixture(scope="session")
def parity_mode(pytestconfig: pytest.Config) -> ParityMode:
    # pytest registers these options only when this conftest is loaded at start-up (a path under
    # tests/parity on the command line); a plain ``pytest`` run collects it later: offline then.
    directory = Path(pytestconfig.getoption("--parity-snapshot-dir", default=str(SNAPSHOT_DIR)))
    if not pytestconfig.getoption("--record", default=False):
        return ParityMode(directory)
    creds = Creds(0, os.environ[ENV_API_KEY], os.environ[ENV_API_SECRET])
    met = bool(pytestconfig.getoption("--preconditions-met", default=False))
    return ParityMode(directory, os.environ[ENV_BASE_URL].rstrip("/"), creds, met)


@pytest.fixture
async def isomargin(tmp_path: Path) -> AsyncIterator[Api]:
    """A fresh in-process isomargin on its own SQLite file (the scenario builds the state)."""
    async with in_process_api(Settings(db_url=f"sqlite:///{tmp_path}/parity.db")) as api:
        yield api


@pytest.fixture
async def remote(parity_mode: ParityMode) -> AsyncIterator[Api | None]:
    if parity_mode.base_url is None:
        yield None
        return
    async with httpx.AsyncClient(base_url=parity_mode.base_url, timeout=20) as http:
        yield Api(http)
