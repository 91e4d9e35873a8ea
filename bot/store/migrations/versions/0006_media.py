"""Buyers' photos (table `media`): owner, conversation, content type, size, hashes, created.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

Written to match bot/store/models.py (`MediaRow`); the migration test checks that it does.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "media",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("buyer_id", sa.String(64), nullable=False),
        sa.Column("conversation_id", sa.String(36), nullable=False),
        sa.Column("content_type", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("thumbnail_size", sa.Integer(), nullable=False),
        sa.Column("upload_sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name="fk_media_conversation_id_conversations",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_media"),
        sa.UniqueConstraint("key", name="uq_media_key"),
    )
    op.create_index("ix_media_buyer_id", "media", ["buyer_id"])
    op.create_index("ix_media_conversation_id", "media", ["conversation_id"])
    op.create_index("ix_media_upload_sha256", "media", ["upload_sha256"])


def downgrade() -> None:
    op.drop_index("ix_media_upload_sha256", table_name="media")
    op.drop_index("ix_media_conversation_id", table_name="media")
    op.drop_index("ix_media_buyer_id", table_name="media")
    op.drop_table("media")
