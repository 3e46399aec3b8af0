"""ADL quantiles are ranked at most once per refresh interval (issue 12): when each symbol was last.

``adl_refreshes`` holds one row per symbol ever ranked: the server time of its last ranking and
whether a price move or funding settlement has come since (``service/adl.py``). A database
migrated from before has no row, so each symbol's first move after the upgrade ranks it.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "adl_refreshes",
        sa.Column("symbol", sa.String(length=32), nullable=False),
        sa.Column("ranked_at", sa.BigInteger(), nullable=False),
        sa.Column("pending", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("symbol"),
    )


def downgrade() -> None:
    op.drop_table("adl_refreshes")
