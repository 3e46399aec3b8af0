"""Initial schema: accounts, API keys, symbol settings, isolated positions, mark prices, history.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def money() -> sa.types.TypeEngine[Any]:
    """Exact money on every database: NUMERIC on PostgreSQL, TEXT on SQLite.

    SQLite's NUMERIC affinity would store binary floats; TEXT keeps the Decimal's digits.
    """
    if op.get_bind().dialect.name == "sqlite":
        return sa.Text()
    return sa.Numeric()


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("dual_side_position", sa.Boolean, nullable=False),
        sa.Column("cross_wallet", money(), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("update_time", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "api_keys",
        sa.Column("api_key", sa.String(128), primary_key=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("key_type", sa.String(16), nullable=False),
        # HMAC: the secret; RSA/Ed25519: the public key PEM.
        sa.Column("secret", sa.Text, nullable=False),
        sa.Column("can_trade", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("ip_whitelist", sa.Text, nullable=True),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_api_keys_account", "api_keys", ["account_id"])
    op.create_table(
        "symbol_configs",
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("symbol", sa.String(32), primary_key=True),
        sa.Column("margin_type", sa.String(8), nullable=False),
        sa.Column("leverage", sa.Integer, nullable=False),
    )
    op.create_table(
        "positions",
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("symbol", sa.String(32), primary_key=True),
        sa.Column("position_side", sa.String(8), primary_key=True),
        sa.Column("position_amt", money(), nullable=False),
        sa.Column("entry_price", money(), nullable=False),
        sa.Column("isolated_wallet", money(), nullable=False),
        sa.Column("update_time", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "mark_prices",
        sa.Column("symbol", sa.String(32), primary_key=True),
        sa.Column("mark_price", money(), nullable=False),
        sa.Column("update_time", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "margin_history",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("symbol", sa.String(32), nullable=False),
        sa.Column("position_side", sa.String(8), nullable=False),
        sa.Column("type", sa.SmallInteger, nullable=False),
        sa.Column("amount", money(), nullable=False),
        sa.Column("asset", sa.String(16), nullable=False),
        sa.Column("time", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_margin_history_account_symbol_time", "margin_history", ["account_id", "symbol", "time"])
    op.create_table(
        "server_state",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("server_state", "margin_history", "mark_prices", "positions", "symbol_configs", "api_keys"):
        op.drop_table(table)
    op.drop_table("accounts")
