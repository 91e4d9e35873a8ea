"""Sellers' photos (issue 18): a photo is owned by a buyer (in a conversation) or by a seller
(for a dispute): `media.owner_role`, `media.dispute_id`, and `conversation_id` optional.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

Written to match bot/store/models.py (`MediaRow`); the migration test checks that it does.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("media") as batch:
        batch.add_column(
            sa.Column("owner_role", sa.String(16), nullable=False, server_default="buyer")
        )
        batch.add_column(sa.Column("dispute_id", sa.String(36), nullable=True))
        batch.alter_column("conversation_id", existing_type=sa.String(36), nullable=True)
        batch.create_foreign_key("fk_media_dispute_id_disputes", "disputes", ["dispute_id"], ["id"])
        batch.create_index("ix_media_dispute_id", ["dispute_id"])


def downgrade() -> None:
    op.execute("DELETE FROM media WHERE owner_role <> 'buyer'")
    with op.batch_alter_table("media") as batch:
        batch.drop_index("ix_media_dispute_id")
        batch.drop_constraint("fk_media_dispute_id_disputes", type_="foreignkey")
        batch.alter_column("conversation_id", existing_type=sa.String(36), nullable=False)
        batch.drop_column("dispute_id")
        batch.drop_column("owner_role")
