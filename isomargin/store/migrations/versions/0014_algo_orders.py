"""Conditional (algo) orders (issue 13): stop, take-profit and trailing-stop orders the engine triggers.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "algo_orders",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("symbol", sa.String(length=32), nullable=False),
        sa.Column("client_algo_id", sa.String(length=36), nullable=False),
        sa.Column("order_type", sa.String(length=24), nullable=False),
        sa.Column("side", sa.String(length=4), nullable=False),
        sa.Column("position_side", sa.String(length=8), nullable=False),
        sa.Column("time_in_force", sa.String(length=8), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("trigger_price", sa.BigInteger(), nullable=False),
        sa.Column("working_type", sa.String(length=16), nullable=False),
        sa.Column("close_position", sa.Boolean(), nullable=False),
        sa.Column("reduce_only", sa.Boolean(), nullable=False),
        sa.Column("price_protect", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("actual_order_id", sa.BigInteger(), nullable=True),
        sa.Column("actual_price", sa.BigInteger(), nullable=False),
        sa.Column("create_time", sa.BigInteger(), nullable=False),
        sa.Column("update_time", sa.BigInteger(), nullable=False),
        sa.Column("trigger_time", sa.BigInteger(), nullable=False),
        sa.Column("trigger_key", sa.BigInteger(), nullable=True),
        sa.Column("activate_price", sa.BigInteger(), nullable=True),
        sa.Column("callback_rate", sa.BigInteger(), nullable=True),
        sa.Column("best_price", sa.BigInteger(), nullable=True),
        sa.Column("trail_key", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("algo_orders", schema=None) as batch_op:
        batch_op.create_index("ix_algo_orders_account_symbol", ["account_id", "symbol", "id"], unique=False)
        batch_op.create_index("ix_algo_orders_trigger", ["symbol", "working_type", "side", "trigger_key"], unique=False)
        batch_op.create_index("ix_algo_orders_trail", ["symbol", "working_type", "side", "trail_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("algo_orders", schema=None) as batch_op:
        batch_op.drop_index("ix_algo_orders_trail")
        batch_op.drop_index("ix_algo_orders_trigger")
        batch_op.drop_index("ix_algo_orders_account_symbol")
    op.drop_table("algo_orders")
