"""Event outbox: every state change records its events in the same transaction.

``events`` holds them (``store.outbox``); ``accounts.event_seq`` is the last sequence number an
account's events were given, so numbers stay gapless even after old rows are pruned.
``margin_history.delta_type`` records what moved the margin (``USER_ADJUST`` for every row so far;
``TRADE`` and ``FUNDING_FEE`` arrive with fills and funding).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("event_seq", sa.BigInteger, nullable=False, server_default="0"))
    op.create_table(
        "events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("time", sa.BigInteger, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.UniqueConstraint("account_id", "seq", name="uq_events_account_seq"),
    )
    with op.batch_alter_table("margin_history") as batch:
        batch.add_column(sa.Column("delta_type", sa.String(16), nullable=False, server_default="USER_ADJUST"))


def downgrade() -> None:
    with op.batch_alter_table("margin_history") as batch:
        batch.drop_column("delta_type")
    op.drop_table("events")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("event_seq")
