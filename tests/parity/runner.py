"""Run one case: record it from a remote (optional), then judge isomargin against its snapshot."""

from __future__ import annotations

from pathlib import Path

from tests.parity.case import Case, answer_from, recorded_snapshot
from tests.parity.compare import Verdict, compare, judge
from tests.parity.snapfile import Snapshot, load, save
from tests.support import Api, Creds


async def record(case: Case, remote: Api, creds: Creds, base_url: str, directory: Path) -> Path:
    """Send ``case`` to the remote and write what came back as its snapshot."""
    answer = await answer_from(remote, case, remote_creds=creds)
    return save(recorded_snapshot(case, answer, base_url), directory)


async def verdict(case: Case, isomargin: Api, snapshot: Snapshot) -> Verdict:
    """isomargin's answer to ``case`` compared with ``snapshot``, judged against the declarations."""
    answer = await answer_from(isomargin, case)
    return judge(compare(snapshot, answer, case.transformers), case.known)


def snapshot_of(case: Case, directory: Path) -> Snapshot | None:
    return load(case.name, directory)
