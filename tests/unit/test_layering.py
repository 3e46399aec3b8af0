"""The layers hold: handlers never reach the store, and the domain imports nothing but itself.

Read from the source (the AST of every module), so an import added anywhere in a module — at
the top, inside a function, under TYPE_CHECKING — is found.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "isomargin"


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports; ``from a import b`` counts as ``a`` and ``a.b``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import"
            base = node.module or ""
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def modules_under(folder: str) -> list[Path]:
    paths = sorted((PACKAGE / folder).rglob("*.py"))
    assert paths, f"no modules under isomargin/{folder}"
    return paths


def _is_store(name: str) -> bool:
    return name == "isomargin.store" or name.startswith("isomargin.store.")


@pytest.mark.parametrize("path", modules_under("api/handlers"), ids=lambda p: p.name)
def test_no_handler_imports_the_store(path: Path) -> None:
    offending = sorted(name for name in imported_modules(path) if _is_store(name))
    assert not offending, f"{path.name} imports {offending}: handlers parse and render; services use the store"


@pytest.mark.parametrize("path", modules_under("domain"), ids=lambda p: p.name)
def test_the_domain_imports_only_the_stdlib_and_itself(path: Path) -> None:
    outside = sorted(
        name
        for name in imported_modules(path)
        if name.split(".")[0] not in sys.stdlib_module_names
        and name != "__future__"
        and not (name == "isomargin.domain" or name.startswith("isomargin.domain."))
    )
    assert not outside, f"{path.name} imports {outside}: the domain is pure rules with no I/O"


def test_the_check_sees_a_store_import(tmp_path: Path) -> None:
    """The walk finds an import hidden inside a function, so the layering tests can fail."""
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from isomargin.store import repo\n    import isomargin.store.sqlite\n")
    assert {"isomargin.store", "isomargin.store.repo", "isomargin.store.sqlite"} <= imported_modules(module)
    assert all(_is_store(n) for n in imported_modules(module))


#: repo functions that write an account's or a position's money, or its history: only the one
#: position-change write (store/changes.py) may call them
MONEY_WRITERS = {"set_cross_wallet", "upsert_position", "insert_history"}


def money_writes(path: Path) -> set[str]:
    """Names of :data:`MONEY_WRITERS` that ``path`` calls as ``repo.<name>(…)``."""
    return {
        node.func.attr
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in MONEY_WRITERS
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "repo"
    }


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_money_changes_only_through_the_one_change_path(path: Path) -> None:
    if path == PACKAGE / "store" / "changes.py":
        assert money_writes(path) == MONEY_WRITERS  # the one place: it writes all three
        return
    calls = money_writes(path)
    assert not calls, f"{path.name} calls repo.{sorted(calls)}: change money through store.changes.write_change"
