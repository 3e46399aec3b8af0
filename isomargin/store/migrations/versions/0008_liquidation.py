"""Liquidation engine (issue 12): trigger prices on positions, force orders, the insurance fund.

``positions`` gains the signed liquidation and margin-call keys the engine finds crossed
positions by (one indexed range per tick, not a scan), the margin-call latch and the stored ADL
quantile. ``orders.auto_close_type`` marks the engine's orders (forceOrders). ``insurance_fund``
is an append-only ledger. Existing open positions get their keys at the next start
(``service.triggers.refresh_all``), since the keys depend on the configured brackets.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "insurance_fund",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("symbol", sa.String(length=32), nullable=False),
        sa.Column("asset", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("order_id", sa.BigInteger(), nullable=True),
        sa.Column("time", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("insurance_fund", schema=None) as batch_op:
        batch_op.create_index("ix_insurance_fund_symbol", ["symbol"], unique=False)

    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("auto_close_type", sa.String(length=16), nullable=True))
        batch_op.create_index("ix_orders_account_auto_close", ["account_id", "auto_close_type", "time"], unique=False)

    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("liquidation_key", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("margin_call_key", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("margin_called", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("adl_quantile", sa.SmallInteger(), server_default="0", nullable=False))
        batch_op.create_index("ix_positions_symbol_liquidation", ["symbol", "liquidation_key"], unique=False)
        batch_op.create_index("ix_positions_symbol_margin_call", ["symbol", "margin_call_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.drop_index("ix_positions_symbol_margin_call")
        batch_op.drop_index("ix_positions_symbol_liquidation")
        batch_op.drop_column("adl_quantile")
        batch_op.drop_column("margin_called")
        batch_op.drop_column("margin_call_key")
        batch_op.drop_column("liquidation_key")

    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_account_auto_close")
        batch_op.drop_column("auto_close_type")

    with op.batch_alter_table("insurance_fund", schema=None) as batch_op:
        batch_op.drop_index("ix_insurance_fund_symbol")

    op.drop_table("insurance_fund")
