"""``isomargin db upgrade|downgrade``: run schema migrations against a database URL."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from isomargin.config import DEFAULT_DB_URL
from isomargin.store import migrate

db_app = typer.Typer(help="Database schema migrations (Alembic).", no_args_is_help=True)
DbOption = Annotated[str, typer.Option("--db", envvar="ISOMARGIN_DB_URL", help="sqlite:///FILE.db or postgresql://…")]


@db_app.command("upgrade")
def upgrade(db: DbOption = DEFAULT_DB_URL, revision: str = "head") -> None:
    """Bring the schema up to REVISION (default: the newest)."""
    migrate.upgrade(db, revision)
    Console().print(f"[green]schema of {db} is at {revision}[/green]")


@db_app.command("downgrade")
def downgrade(db: DbOption = DEFAULT_DB_URL, revision: str = "base") -> None:
    """Take the schema back to REVISION (default: empty). Destroys data."""
    migrate.downgrade(db, revision)
    Console().print(f"[yellow]schema of {db} is at {revision}[/yellow]")
