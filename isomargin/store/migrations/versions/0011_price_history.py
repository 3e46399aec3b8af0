"""Market data (issue 13): every price move, and the market's trades by symbol and time.

``price_history`` records each price move's mark and book top (``store.trading.set_book``), read by
the mark-price and premium-index klines and the tickers; ``trades`` gains a (symbol, time) index so
klines and the 24hr ticker read every account's fills of a symbol in one range.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "price_history",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("symbol", sa.String(length=32), nullable=False),
        sa.Column("time", sa.BigInteger(), nullable=False),
        sa.Column("mark_price", sa.BigInteger(), nullable=False),
        sa.Column("bid_price", sa.BigInteger(), nullable=False),
        sa.Column("ask_price", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("price_history", schema=None) as batch_op:
        batch_op.create_index("ix_price_history_symbol_time", ["symbol", "time"], unique=False)

    with op.batch_alter_table("trades", schema=None) as batch_op:
        batch_op.create_index("ix_trades_symbol_time", ["symbol", "time"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("trades", schema=None) as batch_op:
        batch_op.drop_index("ix_trades_symbol_time")

    with op.batch_alter_table("price_history", schema=None) as batch_op:
        batch_op.drop_index("ix_price_history_symbol_time")

    op.drop_table("price_history")
