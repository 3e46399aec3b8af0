"""docs/COVERAGE.md is generated from the code and must not drift from it."""

from __future__ import annotations

from pathlib import Path

from isomargin import coverage, errors
from isomargin.api.context import Security
from isomargin.api.handlers import market
from isomargin.api.route import local
from isomargin.api.route import route as declare_route
from isomargin.api.routes import ROUTES

DOC = Path(__file__).resolve().parents[1] / "docs" / "COVERAGE.md"


def test_coverage_doc_is_up_to_date() -> None:
    assert DOC.read_text() == coverage.render(), (
        "docs/COVERAGE.md is out of date: run `.venv/bin/python -m isomargin.coverage > docs/COVERAGE.md`"
    )


def test_every_route_and_error_is_listed() -> None:
    text = coverage.render()
    for route in ROUTES:
        assert f"| {route.method} | `{route.path}` |" in text
    for spec in errors.all_specs():
        template = spec.template.replace("|", "\\|")
        assert f"| {spec.code} | {spec.name} | {template} |" in text


def test_a_new_route_and_error_are_picked_up() -> None:
    """Other helpers add routes and errors; they appear without touching the generator."""
    new = declare_route(
        "GET", "/fapi/v9/newThing", 5, Security.USER_DATA, market.no_params, local(market.nothing), market.ping, "x"
    )
    spec = errors.ErrorSpec(-9999, "NEW_ERROR", "Something new.", 400, "assumed")
    text = coverage.render(routes=(*ROUTES, new), specs=[*errors.all_specs(), spec])
    assert "| GET | `/fapi/v9/newThing` | 5 | USER_DATA | `api.handlers.market.ping` |" in text
    assert '- `-9999` ?: "Something new." (HTTP 400)' in text


def test_assumed_markers_are_found_in_comments_and_docstrings(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "rules.py").write_text(
        '"""Module doc.\n\nThe widget answers -1 when empty (assumed).\n"""\n\n\n'
        "def f() -> int:\n"
        "    # Binance says nothing here; we pick 3\n"
        "    # (assumed, reference open question 99).\n"
        "    return 3\n\n\n"
        "def g() -> int:\n"
        '    """A documented rule, nothing assumed about it? No: that word is here: assumed."""\n'
        "    return 4  # not a guess\n"
    )
    found = coverage.all_assumptions(package)
    assert [(a.path, a.where, a.text) for a in found] == [
        ("pkg/rules.py", "module", "The widget answers -1 when empty (assumed)."),
        ("pkg/rules.py", "f", "Binance says nothing here; we pick 3 (assumed, reference open question 99)."),
        ("pkg/rules.py", "g", "A documented rule, nothing assumed about it? No: that word is here: assumed."),
    ]


def test_every_assumed_behaviour_is_listed() -> None:
    """The assumed section covers each behaviour Binance leaves open that the core implements."""
    text = coverage.render().split("## Assumed", 1)[1]
    for needle in (
        "Order of checks (Binance does not document it",  # api/auth.py
        "Order of checks (one place",  # service/margin.py
        "-1111 past the wallet asset's 8 decimals",
        "``1.000000000`` is accepted",
        "we treat it as the maximum",  # recvWindow > 60000
        "a range over 30 days is -4165",
        "we serve at most the default 500",
        "Index and settle prices equal the mark price",
        "`-1020` UNSUPPORTED_OPERATION",
        "Binance's HTML error page",  # unknown paths, api/binance.py
        "`-4061` POSITION_SIDE_NOT_MATCH",
        "`-4049` ADD_ISOLATED_MARGIN_REJECT",
        "`-4050` CROSS_BALANCE_INSUFFICIENT",
        "-4051 reduce above max removable",
    ):
        assert needle in text, needle
