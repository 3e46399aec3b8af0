"""Generate docs/COVERAGE.md from the code: ``python -m isomargin.coverage > docs/COVERAGE.md``.

Three sources, all read automatically, so a new route, error or assumption shows up without
touching this module:

- the route table (``isomargin.api.routes.ROUTES``): every Binance endpoint served;
- the error catalogue (``isomargin.errors``): every error with its evidence, and the modules that
  raise it (found by scanning the source for ``errors.<NAME>``);
- the word "assumed" in comments and docstrings under ``isomargin/``: every GUESS we implement,
  where it is implemented (the house rule: mark assumed behaviour where the code is).

A test (tests/test_coverage_doc.py) fails when docs/COVERAGE.md differs from this output.
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from isomargin import errors
from isomargin.api.route import Endpoint
from isomargin.api.routes import ROUTES

PACKAGE_DIR = Path(__file__).resolve().parent
_ASSUMED = re.compile(r"\bassumed\b", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^\s*(?:\d+\.|[-*])\s")


@dataclass(frozen=True, slots=True)
class Assumption:
    path: str  # relative to the repository root, e.g. isomargin/api/auth.py
    where: str  # "module", a function or class name
    text: str  # the marked comment block or docstring paragraph, lines kept


# --- the "assumed" markers ------------------------------------------------------------------


def _comment_blocks(source: str) -> Iterator[tuple[int, str]]:
    """Consecutive ``#`` comment lines merged into one block: (first line, text)."""
    block: list[str] = []
    start = last = 0
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.COMMENT:
            continue
        line = token.start[0]
        text = token.string.lstrip("#").strip()
        if block and line == last + 1:
            block.append(text)
        else:
            if block:
                yield start, " ".join(block)
            block, start = [text], line
        last = line
    if block:
        yield start, " ".join(block)


def _paragraphs(docstring: str) -> list[str]:
    """Blank-line separated paragraphs; a paragraph ending in ':' keeps the one after it."""
    raw = [p.strip("\n") for p in re.split(r"\n\s*\n", docstring) if p.strip()]
    merged: list[str] = []
    index = 0
    while index < len(raw):
        paragraph = raw[index]
        if paragraph.rstrip().endswith(":") and index + 1 < len(raw):
            paragraph = f"{paragraph}\n{raw[index + 1]}"
            index += 1
        merged.append(paragraph)
        index += 1
    return merged


def _format(paragraph: str) -> str:
    """Keep list items on their own lines; join wrapped prose."""
    lines: list[str] = []
    for line in (raw.strip() for raw in paragraph.splitlines()):
        if not line:
            continue
        if lines and not _LIST_ITEM.match(line):
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    return "\n".join(lines)


def _enclosing(tree: ast.Module) -> list[tuple[int, int, str]]:
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            spans.append((node.lineno, node.end_lineno or node.lineno, node.name))
    return spans


def _where(spans: list[tuple[int, int, str]], line: int) -> str:
    inside = [(end - start, name) for start, end, name in spans if start <= line <= end]
    return min(inside)[1] if inside else "module"


def assumptions_in(path: Path, root: Path) -> list[Assumption]:
    source = path.read_text()
    tree = ast.parse(source)
    spans = _enclosing(tree)
    rel = path.relative_to(root).as_posix()
    found: list[tuple[int, Assumption]] = []
    nodes: list[ast.AST] = [
        tree,
        *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)),
    ]
    for node in nodes:
        assert isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        docstring = ast.get_docstring(node)
        if not docstring:
            continue
        where = "module" if isinstance(node, ast.Module) else node.name
        line = 0 if isinstance(node, ast.Module) else node.lineno
        for paragraph in _paragraphs(docstring):
            if _ASSUMED.search(paragraph):
                found.append((line, Assumption(rel, where, _format(paragraph))))
    for line, text in _comment_blocks(source):
        if _ASSUMED.search(text):
            found.append((line, Assumption(rel, _where(spans, line), text)))
    return [a for _, a in sorted(found, key=lambda item: item[0])]


def all_assumptions(package_dir: Path = PACKAGE_DIR) -> list[Assumption]:
    root = package_dir.parent
    result: list[Assumption] = []
    for path in sorted(package_dir.rglob("*.py")):
        # errors.py's assumed entries come from the catalogue itself (render_assumed)
        if path.name in ("coverage.py", "errors.py") or "migrations" in path.parts:
            continue
        result.extend(assumptions_in(path, root))
    return result


# --- the error catalogue and where each error is raised ---------------------------------------


def catalogue_names() -> dict[int, str]:
    """``id(spec)`` → the name it has in ``isomargin.errors`` (e.g. ``BAD_SYMBOL``)."""
    return {id(v): k for k, v in vars(errors).items() if isinstance(v, errors.ErrorSpec)}


def raised_by(package_dir: Path = PACKAGE_DIR) -> dict[str, list[str]]:
    """Catalogue name → the modules that reference ``errors.<NAME>`` (sorted)."""
    root = package_dir.parent
    users: dict[str, set[str]] = {}
    for path in sorted(package_dir.rglob("*.py")):
        if path.name in ("errors.py", "coverage.py"):
            continue
        for name in set(re.findall(r"\berrors\.([A-Z][A-Z0-9_]+)\b", path.read_text())):
            users.setdefault(name, set()).add(path.relative_to(root).as_posix())
    return {name: sorted(paths) for name, paths in users.items()}


# --- rendering -------------------------------------------------------------------------------


def _weight(route: Endpoint) -> str:
    if isinstance(route.weight, int):
        return str(route.weight)
    doc = (route.weight.__doc__ or "computed").strip().splitlines()[0]
    return doc


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_endpoints(routes: Sequence[Endpoint]) -> list[str]:
    lines = [
        "## Endpoints",
        "",
        "Every Binance endpoint isomargin serves (`isomargin/api/routes.py`). Any other path answers",
        '`404 {"code":-1099,…}`, a known path with another method `405 {"code":-1020,…}` (both assumed, below).',
        "",
        "| method | path | weight | security | handler | Binance doc |",
        "|---|---|---|---|---|---|",
    ]
    for r in sorted(routes, key=lambda r: (r.path, r.method)):
        handler = f"{r.render.__module__.removeprefix('isomargin.')}.{r.render.__name__}"
        lines.append(
            f"| {r.method} | `{r.path}` | {_cell(_weight(r))} | {r.security.value} | `{handler}` | [doc]({r.doc}) |"
        )
    return [*lines, ""]


def render_errors(specs: Iterable[errors.ErrorSpec], names: dict[int, str], users: dict[str, list[str]]) -> list[str]:
    lines = [
        "## Errors",
        "",
        'Every error isomargin can answer (`isomargin/errors.py`), rendered as `{"code":…,"msg":…}`.',
        "Evidence: **documented** on Binance's error-code page [EC], **observed** in a real server's",
        "answer quoted in public issues, **assumed** where Binance's behaviour is unknown (reference GUESS).",
        "",
        "| code | name | msg | HTTP | evidence | raised in |",
        "|---|---|---|---|---|---|",
    ]
    for spec in specs:
        name = names.get(id(spec), "?")
        where = ", ".join(f"`{p.removeprefix('isomargin/')}`" for p in users.get(name, [])) or "not raised yet"
        lines.append(
            f"| {spec.code} | {spec.name} | {_cell(spec.template)} | {spec.http_status} | {spec.evidence} | {where} |"
        )
    return [*lines, ""]


def render_assumed(
    specs: Iterable[errors.ErrorSpec], names: dict[int, str], assumptions: Sequence[Assumption]
) -> list[str]:
    lines = [
        "## Assumed",
        "",
        "Binance does not document these behaviours and no real answer to them was found; isomargin",
        'implements the most plausible one, in one place, marked "assumed" there. Change them there.',
        "",
        "### Assumed error codes",
        "",
    ]
    for spec in specs:
        if spec.evidence == "assumed":
            lines.append(f'- `{spec.code}` {names.get(id(spec), "?")}: "{spec.template}" (HTTP {spec.http_status})')
    lines += ["", "### Assumed behaviour, where it is implemented", ""]
    for a in assumptions:
        head = f"- `{a.path}`" + ("" if a.where == "module" else f" `{a.where}`") + ":"
        body = a.text.splitlines()
        if len(body) == 1:
            lines.append(f"{head} {body[0]}")
        else:
            lines.append(head)
            lines += [f"  {line}" for line in body]
    return [*lines, ""]


def render(
    routes: Sequence[Endpoint] = ROUTES,
    specs: Sequence[errors.ErrorSpec] | None = None,
    assumptions: Sequence[Assumption] | None = None,
) -> str:
    specs = errors.all_specs() if specs is None else specs
    assumptions = all_assumptions() if assumptions is None else assumptions
    names = catalogue_names()
    lines = [
        "# Coverage",
        "",
        "<!-- Generated by `python -m isomargin.coverage > docs/COVERAGE.md`; do not edit by hand.",
        "     tests/test_coverage_doc.py fails when this file is out of date. -->",
        "",
        "What isomargin emulates of Binance USDⓈ-M Futures, and how sure we are of each behaviour.",
        "Facts and their sources: the reference (`binance-usdm-reference.md`); the control plane, which",
        "is not Binance's API, is in [control-plane.md](control-plane.md).",
        "",
        *render_endpoints(routes),
        *render_errors(specs, names, raised_by()),
        *render_assumed(specs, names, assumptions),
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] = ()) -> int:
    sys.stdout.write(render())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
