"""API keys: a futures permission, and HMAC secrets sealed with the server's master key.

Adds ``api_keys.futures_enabled`` (existing keys keep futures enabled). The ``secret`` column
keeps its name and type; from this revision on an HMAC row holds ``aesgcm1:…`` ciphertext
(isomargin.auth.keystore). The master key lives outside the database, so this migration cannot
see it: the server seals every remaining plaintext HMAC secret in one transaction when it
starts (``isomargin.service.keys.seal_plaintext_secrets``), before it answers any request.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("futures_enabled", sa.Boolean, nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("futures_enabled")
