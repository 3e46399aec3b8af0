"""The market moves (issue 13): funding schedules and their history, scheduled mark-price paths.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "funding_history",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("symbol", sa.String(length=32), nullable=False),
        sa.Column("funding_time", sa.BigInteger(), nullable=False),
        sa.Column("rate", sa.BigInteger(), nullable=False),
        sa.Column("mark_price", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("funding_history", schema=None) as batch_op:
        batch_op.create_index("ix_funding_history_symbol_time", ["symbol", "funding_time"], unique=False)

    op.create_table(
        "funding_schedules",
        sa.Column("symbol", sa.String(length=32), nullable=False),
        sa.Column("rate", sa.BigInteger(), nullable=False),
        sa.Column("interval_ms", sa.BigInteger(), nullable=False),
        sa.Column("next_time", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("symbol"),
    )
    op.create_table(
        "price_path_points",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("symbol", sa.String(length=32), nullable=False),
        sa.Column("at_ms", sa.BigInteger(), nullable=False),
        sa.Column("mark_price", sa.BigInteger(), nullable=False),
        sa.Column("bid_price", sa.BigInteger(), nullable=True),
        sa.Column("ask_price", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("price_path_points", schema=None) as batch_op:
        batch_op.create_index("ix_price_path_points_due", ["at_ms", "id"], unique=False)
        batch_op.create_index("ix_price_path_points_symbol", ["symbol", "at_ms"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("price_path_points", schema=None) as batch_op:
        batch_op.drop_index("ix_price_path_points_symbol")
        batch_op.drop_index("ix_price_path_points_due")
    op.drop_table("price_path_points")
    op.drop_table("funding_schedules")
    with op.batch_alter_table("funding_history", schema=None) as batch_op:
        batch_op.drop_index("ix_funding_history_symbol_time")
    op.drop_table("funding_history")
