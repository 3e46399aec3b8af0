"""The parity index (tests/parity/index.json) and the COVERAGE.md column derived from it."""

from __future__ import annotations

import re
from pathlib import Path

from isomargin import coverage, errors
from isomargin.api.routes import ROUTES
from tests.parity import index
from tests.parity.catalogue import CASES

INDEX = Path(__file__).parent / "index.json"


def test_index_is_up_to_date() -> None:
    assert INDEX.read_text() == index.render(), (
        "tests/parity/index.json is out of date: run `.venv/bin/python -m tests.parity.index > "
        "tests/parity/index.json`, then `make coverage-doc`"
    )


def test_every_known_difference_cites_its_reason() -> None:
    for case in CASES:
        for known in case.known:
            assert "audit #" in known.reason or "parity suite" in known.reason, (case.name, known.reason)
            assert "issue 10" in known.reason, (case.name, known.reason)


def test_every_route_has_a_parity_case() -> None:
    """A new endpoint gets a parity case (with or without a snapshot yet: then it is doc-only)."""
    endpoints = {case.endpoint for case in CASES}
    missing = [f"{r.method} {r.path}" for r in ROUTES if f"{r.method} {r.path}" not in endpoints]
    assert not missing, f"routes without a parity case in tests/parity/cases_*.py: {missing}"


def _entry(endpoint: str, parity: str, reasons: tuple[str, ...] = (), error: object = None) -> dict[str, object]:
    known = [{"path": "$", "kind": "value", "reason": r} for r in reasons]
    return {"case": "c", "endpoint": endpoint, "error": error, "parity": parity, "known": known}


def test_the_column_follows_the_declarations() -> None:
    route = next(r for r in ROUTES if r.path == "/fapi/v1/ping")
    line = "GET /fapi/v1/ping"
    assert coverage.endpoint_parity(route, []) == "doc-only"
    assert coverage.endpoint_parity(route, [_entry(line, "no-snapshot")]) == "doc-only"
    assert coverage.endpoint_parity(route, [_entry(line, "snapshot-verified")]) == "snapshot-verified"
    differing = _entry(line, "known-differences", ("audit #20: x", "audit #1: y"))
    assert coverage.endpoint_parity(route, [_entry(line, "snapshot-verified"), differing]) == "differs (audit #1, #20)"
    # an error case verifies the error, not the endpoint's success answer
    spec = errors.UNSUPPORTED_OPERATION  # an assumed entry
    as_error = _entry(line, "snapshot-verified", error={"code": spec.code, "template": spec.template})
    assert coverage.endpoint_parity(route, [as_error]) == "doc-only"
    assert coverage.error_parity(spec, [as_error]) == "snapshot-verified"
    assert coverage.error_parity(spec, []) == "assumed"
    assert coverage.error_parity(errors.INVALID_SIGNATURE, []) == "doc-only"


def test_coverage_doc_carries_the_parity_column() -> None:
    """Every endpoint and error row ends with a parity value, and the page uses each kind."""
    column = re.compile(r"\| (snapshot-verified|doc-only|assumed|differs \(audit #\d+(?:, #\d+)*\)) \|$")
    rows = [line for line in coverage.render().splitlines() if re.match(r"^\| (GET|POST|PUT|DELETE|-\d+) ", line)]
    assert len(rows) == len(ROUTES) + len(errors.all_specs())
    values = set()
    for row in rows:
        found = column.search(row)
        assert found, row
        values.add(found.group(1).split(" ")[0])
    assert {"snapshot-verified", "differs", "doc-only", "assumed"} <= values
