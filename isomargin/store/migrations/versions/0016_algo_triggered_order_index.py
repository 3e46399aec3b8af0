"""A partial index of the TRIGGERED algo orders by the order they placed.

A conditional LIMIT order (STOP, TAKE_PROFIT) whose placed order rests stays TRIGGERED until that
order ends; then it is FINISHED ("the triggered conditional order has been filled or canceled in
the matching engine" [doc Event-Algo-Order-Update]). Every order's end (a resting fill, a cancel,
an expiry) looks its algo order up by ``actual_order_id``; the index holds the TRIGGERED rows only,
so that look-up costs one probe of a small index for orders no algo order placed.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("algo_orders", schema=None) as batch_op:
        batch_op.create_index(
            "ix_algo_orders_triggered_order",
            ["actual_order_id"],
            unique=False,
            sqlite_where=sa.text("status = 'TRIGGERED'"),
            postgresql_where=sa.text("status = 'TRIGGERED'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("algo_orders", schema=None) as batch_op:
        batch_op.drop_index("ix_algo_orders_triggered_order")
