"""A configured ladder behind each symbol's book top (issue 13: ``PUT /_isomargin/v1/depth/{symbol}``).

Two nullable money columns on ``mark_prices``, read with the book top in the one statement every
order already makes (``store.trading.get_book``); NULL keeps the top alone, of unlimited size.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mark_prices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("depth_step", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("depth_quantity", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mark_prices", schema=None) as batch_op:
        batch_op.drop_column("depth_quantity")
        batch_op.drop_column("depth_step")
