"""The parity index: what each case verifies, as data docs/COVERAGE.md is generated from.

``python -m tests.parity.index > tests/parity/index.json`` writes it; test_index.py fails when
it drifts from the cases and snapshots. ``isomargin/coverage.py`` reads the file (it cannot
import the tests) and derives each endpoint's and error's parity column from it.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from tests.parity.case import Case
from tests.parity.catalogue import CASES
from tests.parity.snapfile import SNAPSHOT_DIR, load


def entry(case: Case) -> dict[str, Any]:
    snapshot = load(case.name, SNAPSHOT_DIR)
    parity = "no-snapshot" if snapshot is None else "known-differences" if case.known else "snapshot-verified"
    return {
        "case": case.name,
        "endpoint": case.endpoint,
        "error": None if case.error is None else {"code": case.error.code, "template": case.error.template},
        "parity": parity,
        "snapshot": None
        if snapshot is None
        else {k: snapshot.provenance.get(k, "") for k in ("kind", "grade", "source", "date")},
        "known": [{"path": k.path, "kind": k.kind, "reason": k.reason} for k in case.known],
        "remoteSkip": case.remote_skip,
    }


def render() -> str:
    return json.dumps({"cases": [entry(case) for case in CASES]}, indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
