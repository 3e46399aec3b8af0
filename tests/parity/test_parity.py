"""Every parity case: isomargin's answer against the real server's (docs/parity.md).

Offline each case compares with its checked-in snapshot (a public capture or an earlier
recording); with ``--record`` the case is first sent to the remote and its snapshot rewritten.
A case with no snapshot yet is skipped, naming what it would take: it is "doc-only" in
docs/COVERAGE.md until someone records it.
"""

from __future__ import annotations

import pytest

from tests.parity.case import Case
from tests.parity.catalogue import CASES
from tests.parity.conftest import ParityMode
from tests.parity.runner import record, snapshot_of, verdict
from tests.support import Api


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_parity(case: Case, parity_mode: ParityMode, isomargin: Api, remote: Api | None) -> None:
    if remote is not None and case.remote_skip is None:
        assert parity_mode.base_url is not None and parity_mode.creds is not None
        if case.scenario.needs_trade and not parity_mode.preconditions_met:
            pytest.skip(
                f"not recorded: needs {case.scenario.precondition!r}; open it on the demo account, "
                f"then run -k {case.name!r} --record --preconditions-met (docs/parity.md)"
            )
        await record(case, remote, parity_mode.creds, parity_mode.base_url, parity_mode.snapshot_dir)
    snapshot = snapshot_of(case, parity_mode.snapshot_dir)
    if snapshot is None:
        pytest.skip(f"no snapshot of {case.endpoint} yet: record one with --record (docs/parity.md)")
    assert snapshot.request == case.request.line, f"{snapshot.case}: snapshot of another request"
    result = await verdict(case, isomargin, snapshot)
    assert result.ok, result.report(case.name)
