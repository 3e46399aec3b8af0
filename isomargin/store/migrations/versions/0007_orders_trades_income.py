"""Trading (issue 11): orders, trades and income rows; the book top; commission rates; ``cr``.

``orders``/``trades``/``income`` back the order endpoints, userTrades and income. ``mark_prices``
gains the book top MARKET orders fill at (NULL = the mark price). ``accounts`` gains its maker and
taker commission rates (Binance's VIP0 0.0002 / 0.0005 by default, as Money: value × 10^8), and
``positions.accumulated_realized`` is the ``cr`` of ACCOUNT_UPDATE (reference §2.3).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "income",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("symbol", sa.String(length=32), nullable=False),
        sa.Column("income_type", sa.String(length=32), nullable=False),
        sa.Column("income", sa.BigInteger(), nullable=False),
        sa.Column("asset", sa.String(length=16), nullable=False),
        sa.Column("info", sa.String(length=64), nullable=False),
        sa.Column("time", sa.BigInteger(), nullable=False),
        sa.Column("trade_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("income", schema=None) as batch_op:
        batch_op.create_index("ix_income_account_time", ["account_id", "time"], unique=False)

    op.create_table(
        "orders",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("symbol", sa.String(length=32), nullable=False),
        sa.Column("client_order_id", sa.String(length=36), nullable=False),
        sa.Column("side", sa.String(length=4), nullable=False),
        sa.Column("position_side", sa.String(length=8), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("time_in_force", sa.String(length=8), nullable=False),
        sa.Column("orig_qty", sa.BigInteger(), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("executed_qty", sa.BigInteger(), nullable=False),
        sa.Column("cum_quote", sa.BigInteger(), nullable=False),
        sa.Column("reduce_only", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("good_till_date", sa.BigInteger(), nullable=False),
        sa.Column("time", sa.BigInteger(), nullable=False),
        sa.Column("update_time", sa.BigInteger(), nullable=False),
        sa.Column("reserved_margin", sa.BigInteger(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index("ix_orders_account_status", ["account_id", "status"], unique=False)
        batch_op.create_index("ix_orders_account_symbol", ["account_id", "symbol", "id"], unique=False)
        batch_op.create_index("ix_orders_symbol_status", ["symbol", "status"], unique=False)

    op.create_table(
        "trades",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("symbol", sa.String(length=32), nullable=False),
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("side", sa.String(length=4), nullable=False),
        sa.Column("position_side", sa.String(length=8), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("qty", sa.BigInteger(), nullable=False),
        sa.Column("quote_qty", sa.BigInteger(), nullable=False),
        sa.Column("realized_pnl", sa.BigInteger(), nullable=False),
        sa.Column("commission", sa.BigInteger(), nullable=False),
        sa.Column("maker", sa.Boolean(), nullable=False),
        sa.Column("time", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("trades", schema=None) as batch_op:
        batch_op.create_index("ix_trades_account_symbol_time", ["account_id", "symbol", "time"], unique=False)

    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("maker_commission_rate", sa.BigInteger(), server_default="20000", nullable=False))
        batch_op.add_column(sa.Column("taker_commission_rate", sa.BigInteger(), server_default="50000", nullable=False))

    with op.batch_alter_table("mark_prices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bid_price", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("ask_price", sa.BigInteger(), nullable=True))

    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("accumulated_realized", sa.BigInteger(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.drop_column("accumulated_realized")

    with op.batch_alter_table("mark_prices", schema=None) as batch_op:
        batch_op.drop_column("ask_price")
        batch_op.drop_column("bid_price")

    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_column("taker_commission_rate")
        batch_op.drop_column("maker_commission_rate")

    with op.batch_alter_table("trades", schema=None) as batch_op:
        batch_op.drop_index("ix_trades_account_symbol_time")

    op.drop_table("trades")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_symbol_status")
        batch_op.drop_index("ix_orders_account_symbol")
        batch_op.drop_index("ix_orders_account_status")

    op.drop_table("orders")
    with op.batch_alter_table("income", schema=None) as batch_op:
        batch_op.drop_index("ix_income_account_time")

    op.drop_table("income")
