"""A partial index of the latched margin calls (issue 12's tick cost).

Re-arming margin calls (``store.risk.rearm``) looks for the latched positions of the ticked
symbol; without an index on the latch it walked every position of the symbol, O(n) per tick
(the liquidation benchmark, docs/BENCHMARKS.md). The index holds the latched rows only.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_positions_symbol_called",
            ["symbol"],
            unique=False,
            sqlite_where=sa.text("margin_called = 1"),
            postgresql_where=sa.text("margin_called"),
        )


def downgrade() -> None:
    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.drop_index("ix_positions_symbol_called")
