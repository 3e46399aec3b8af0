"""positionMargin/history: a type-2 row's amount is negative, as every real type-2 row shows.

Until now a reduce (``type`` 2, ``USER_ADJUST``) was stored as a positive amount; the domain now
stores the isolated wallet's signed change (domain/changes.py ``_transfer``: real TRADE and
FUNDING_FEE type-2 rows are negative, audit #4), so the rows already stored are turned around
once here. Money is a scaled integer since 0003, so negating it is exact.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE margin_history SET amount = -amount WHERE type = 2 AND amount > 0")


def downgrade() -> None:
    op.execute(
        "UPDATE margin_history SET amount = -amount WHERE type = 2 AND delta_type = 'USER_ADJUST' AND amount < 0"
    )
