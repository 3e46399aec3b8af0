"""README's configuration table, generated from the settings declared in isomargin.config.

``.venv/bin/python -m isomargin.config_doc`` prints it; tests/unit/test_settings.py fails when
README.md's copy drifts from it.
"""

from __future__ import annotations

from isomargin.config import declared_settings


def settings_table() -> str:
    """README's configuration table, one row per declared setting."""
    rows = ["| flag | env | default | what it sets |", "|---|---|---|---|"]
    for declared in declared_settings():
        spec = declared.spec
        flag = f"`{spec.flag}`" if spec.flag else "—"
        if declared.kind.cli_type == list[str] and spec.flag:
            flag += " (repeatable)"
        default = (
            declared.default_text
            if spec.default_text or declared.default in (None, ())
            else f"`{declared.default_text}`"
        )
        what = spec.help + (" Secret: never printed." if spec.secret else "")
        rows.append(f"| {flag} | `{spec.env}` | {default} | {what} |")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(settings_table(), end="")
