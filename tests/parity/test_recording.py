"""The recording path, with no network: a second isomargin (``isomargin serve``) stands in for
Binance's demo environment, is recorded into a temporary directory, and the comparison then
passes or fails as it should."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from tests.parity.catalogue import BY_NAME
from tests.parity.compare import KnownDifference
from tests.parity.conftest import ENV_API_KEY, ENV_API_SECRET, ENV_BASE_URL
from tests.parity.runner import record, snapshot_of, verdict
from tests.parity.snapfile import Snapshot, save
from tests.support import Api, Creds, LiveServer

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def stand_in(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp("remote")
    with LiveServer(f"sqlite:///{tmp}/remote.db", log_path=tmp / "server.log") as server:
        yield server


@pytest.fixture
async def remote(stand_in: LiveServer) -> AsyncIterator[tuple[Api, Creds]]:
    """The stand-in, reset, with one demo-like account (what a person with a demo key has)."""
    async with httpx.AsyncClient(base_url=stand_in.base_url, timeout=10) as http:
        assert (await http.post("/_isomargin/v1/reset")).status_code == 200
        api = Api(http)
        yield api, await api.account("10000")


async def test_recording_writes_masked_snapshots_with_provenance(
    remote: tuple[Api, Creds], stand_in: LiveServer, isomargin: Api, tmp_path: Path
) -> None:
    api, creds = remote
    case = BY_NAME["leverage-change"]
    path = await record(case, api, creds, stand_in.base_url, tmp_path)
    data = json.loads(path.read_text())
    assert data["provenance"] == {
        "kind": "recorded",
        "source": f"127.0.0.1:{stand_in.port}",
        "date": datetime.now(UTC).date().isoformat(),
        "grade": "RECORDED",
    }
    assert data["status"] == 200 and data["request"] == "POST /fapi/v1/leverage"
    assert data["headers"] == {"content-type": "application/json", "x-mbx-used-weight-1m": "<digits>"}
    # the raw text as served, with the case's transformer applied (maxNotionalValue masked)
    assert data["body"] == '{"symbol":"BTCUSDT","leverage":20,"maxNotionalValue":"<masked string:decimal:0>"}'

    snapshot = snapshot_of(case, tmp_path)
    assert snapshot is not None
    assert (await verdict(case, isomargin, snapshot)).ok
    # The stand-in answers as isomargin does, so a declared difference no longer occurs: the
    # case fails, naming the stale declaration.
    declared = dataclasses.replace(case, known=(KnownDifference("$", "key order", "a difference once"),))
    stale = await verdict(declared, isomargin, snapshot)
    assert not stale.ok and "no longer different" in stale.report(case.name)


async def test_a_changed_body_or_transformer_fails_field_by_field(
    remote: tuple[Api, Creds], stand_in: LiveServer, isomargin: Api, tmp_path: Path
) -> None:
    api, creds = remote
    case = dataclasses.replace(BY_NAME["leverage-change"], known=())
    await record(case, api, creds, stand_in.base_url, tmp_path)
    snapshot = snapshot_of(case, tmp_path)
    assert snapshot is not None and snapshot.body is not None

    edited = dataclasses.replace(snapshot, body=snapshot.body.replace('"leverage":20', '"leverage":"20"'))
    result = await verdict(case, isomargin, edited)
    assert [(d.path, d.kind) for d in result.unexplained] == [("$.leverage", "type")]
    assert '$.leverage: type: real string "20", isomargin int 20' in result.report(case.name)

    reordered = dataclasses.replace(
        snapshot, body='{"leverage":20,"maxNotionalValue":"<masked string:decimal:0>","symbol":"BTCUSDT"}'
    )
    result = await verdict(case, isomargin, reordered)
    assert [(d.path, d.kind) for d in result.unexplained] == [("$", "key order")]

    # Without the transformer the recording was made with, the masked value no longer compares.
    unmasked = dataclasses.replace(case, transformers=())
    result = await verdict(unmasked, isomargin, snapshot)
    assert [(d.path, d.kind) for d in result.unexplained] == [("$.maxNotionalValue", "value")]


async def test_an_error_answer_records_status_and_message(
    remote: tuple[Api, Creds], stand_in: LiveServer, isomargin: Api, tmp_path: Path
) -> None:
    api, creds = remote
    case = BY_NAME["leverage-error-1021-stale-timestamp"]
    await record(case, api, creds, stand_in.base_url, tmp_path)
    snapshot = snapshot_of(case, tmp_path)
    assert snapshot is not None and snapshot.status == 400
    assert snapshot.body == '{"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}'
    assert (await verdict(case, isomargin, snapshot)).ok
    save(dataclasses.replace(snapshot, status=401), tmp_path)
    changed = snapshot_of(case, tmp_path)
    assert changed is not None
    result = await verdict(case, isomargin, changed)
    assert [str(d) for d in result.unexplained] == ["status: status: real 401, isomargin 400"]


@pytest.mark.slow
def test_pytest_record_option_end_to_end(stand_in: LiveServer, tmp_path: Path) -> None:
    """``pytest tests/parity --record`` as docs/parity.md tells a person with a demo key to run it."""
    with httpx.Client(base_url=stand_in.base_url, timeout=10) as http:
        assert http.post("/_isomargin/v1/reset").status_code == 200
        account = http.post("/_isomargin/v1/accounts", json={"balance": "10000"}).json()
    names = ["premiumIndex-symbol", "accountConfig", "error-1003-too-many-requests", "positionMargin-add-1"]
    env = {
        **os.environ,
        ENV_BASE_URL: stand_in.base_url,
        ENV_API_KEY: account["apiKey"],
        ENV_API_SECRET: account["secretKey"],
    }
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/parity/test_parity.py",
            "--record",
            "-p",
            "no:cacheprovider",
            "-q",
            f"--parity-snapshot-dir={tmp_path}",
            "-k",
            " or ".join(f"[{n}]" for n in names),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    out = run.stdout + run.stderr
    # recorded: the two cases a real remote may receive as it is; never the one that would lock
    # the IP out, nor the one that needs an open position without --preconditions-met
    assert sorted(p.name for p in tmp_path.glob("*.json")) == ["accountConfig.json", "premiumIndex-symbol.json"]
    assert "not recorded: needs 'one-way mode, an ISOLATED BTCUSDT long open" in out, out
    recorded = Snapshot.from_json((tmp_path / "premiumIndex-symbol.json").read_text())
    assert recorded.kind == "recorded" and recorded.known.json_types
    # both now match the stand-in exactly (a stale declaration: test_recording_writes_masked_snapshots_*)
    assert "2 passed, 2 skipped" in out, out


def test_record_without_credentials_is_a_usage_error(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in (ENV_BASE_URL, ENV_API_KEY, ENV_API_SECRET)}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/parity/test_parity.py",
            "--record",
            "-p",
            "no:cacheprovider",
            "-q",
            f"--parity-snapshot-dir={tmp_path}",
            "-k",
            "ping",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0
    assert f"--record needs {ENV_BASE_URL}, {ENV_API_KEY}, {ENV_API_SECRET}" in run.stdout + run.stderr


async def test_recording_signs_on_the_remote_clock(
    remote: tuple[Api, Creds], stand_in: LiveServer, tmp_path: Path
) -> None:
    """A recorder whose clock is an hour off the remote's still lands inside its recvWindow."""
    api, creds = remote
    assert (await api.http.put("/_isomargin/v1/clock", json={"offsetMs": 3_600_000})).status_code == 200
    case = BY_NAME["accountConfig"]
    await record(case, api, creds, stand_in.base_url, tmp_path)
    snapshot = snapshot_of(case, tmp_path)
    assert snapshot is not None and snapshot.status == 200, snapshot
