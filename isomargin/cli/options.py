"""``isomargin serve``'s options, built from the settings declared in isomargin.config.

Each declared setting with a flag becomes one Typer option of the same name as its
:class:`~isomargin.config.Settings` field. The option has no ``envvar`` and defaults to None
("not given"): settings_from_env reads the variable, so flag > variable > default is decided in
one place and a variable is parsed one way whether or not the setting also has a flag. The help
names the variable and the default, as Typer would.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any

import typer

from isomargin.config import Declared, declared_settings


def _help(declared: Declared) -> str:
    # Rich reads "[...]" as markup: the backslash keeps the brackets
    return f"{declared.spec.help} \\[env var: {declared.spec.env}] \\[default: {declared.default_text}]"


def _parameter(declared: Declared) -> inspect.Parameter:
    cli_type: Any = declared.kind.cli_type
    flag = declared.spec.flag
    assert flag is not None
    if cli_type is bool:  # an on/off pair, unset (None) unless one is given
        flag = f"{flag}/--no-{flag.removeprefix('--')}"
    option = typer.Option(flag, help=_help(declared), min=declared.spec.minimum, show_default=False)
    return inspect.Parameter(
        declared.name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=Annotated[cli_type | None, option]
    )


def with_setting_options(command: Callable[..., None]) -> Callable[..., None]:
    """``command(**flags)`` as a Typer command taking one option per declared setting with a flag.

    ``flags`` maps each setting's field name to its flag's value, None when the flag was not given
    (a repeatable flag arrives as a list; settings_from_env wants a tuple).
    """
    parameters = [_parameter(d) for d in declared_settings() if d.spec.flag]

    def run(**flags: Any) -> None:
        command(**{name: tuple(v) if isinstance(v, list) else v for name, v in flags.items()})

    # Typer reads a command's options from its signature and type hints
    run.__signature__ = inspect.Signature(parameters, return_annotation=None)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in parameters} | {"return": None}
    run.__name__, run.__doc__ = command.__name__, command.__doc__
    return run
