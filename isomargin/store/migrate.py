"""Schema migrations (Alembic), run programmatically: ``isomargin db upgrade`` and server start."""

from __future__ import annotations

import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def sqlalchemy_url(url: str) -> str:
    """Our URLs name the database; SQLAlchemy also wants the PostgreSQL driver (psycopg 3)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", sqlalchemy_url(url).replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


def draft_revision(message: str, rev_id: str, url: str | None = None) -> Path:
    """Draft the next migration with Alembic autogenerate: the difference between ``schema.py``
    and a database at head (a throw-away SQLite file unless ``url`` names one). Review it by hand
    before committing: autogenerate does not convert data, and ``tests/store/test_migrations.py``
    fails until the migrated database matches the schema again. The path of the new file.
    """
    with tempfile.TemporaryDirectory() as scratch:
        target = url or f"sqlite:///{scratch}/draft.db"
        upgrade(target)
        script = command.revision(alembic_config(target), message, autogenerate=True, rev_id=rev_id)
    assert script is not None and not isinstance(script, list)
    return Path(script.path)
