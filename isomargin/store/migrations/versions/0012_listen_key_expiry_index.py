"""An index of listen keys by expiry: the scheduler ends keys as the clock passes them (issue 13).

``POST /_isomargin/v1/clock/advance`` and each worker's due-event poller look for the key that runs
out next (``store.listen_keys.next_expiry_due``) every 100 ms; the index makes that a range read
instead of a walk of every account's key.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("listen_keys", schema=None) as batch_op:
        batch_op.create_index("ix_listen_keys_expires_at", ["expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("listen_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_listen_keys_expires_at")
