"""The outbox's ``(account_id, seq)`` constraint is PostgreSQL's alone.

A reader of one account's events goes by id on SQLite, where ids are in commit order
(``store.outbox.for_account``), so the unique index there only cost a B-tree leaf written to the
WAL at every commit for each account in it. PostgreSQL keeps it: a worker woken for an account
reads its events by number, since ids there are taken at INSERT, not in commit order.
``accounts.event_seq`` still numbers each account's events without gaps under its row lock.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("events") as batch_op:
            batch_op.drop_constraint("uq_events_account_seq", type_="unique")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("events") as batch_op:
            batch_op.create_unique_constraint("uq_events_account_seq", ["account_id", "seq"])
