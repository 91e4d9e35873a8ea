"""The buyer's language: on conversations (with the app locale) and on messages (with the
English of a bot message written in another language).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

Numbered 0011 after main's 0009 (buyer account age) and 0010 (seller photos).
Written to match bot/store/models.py; the migration test checks that it does. Existing rows
keep NULL: their language was never identified (the bot replied in English).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("language", sa.String(8), nullable=True))
        batch.add_column(sa.Column("locale", sa.String(16), nullable=True))
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("language", sa.String(8), nullable=True))
        batch.add_column(sa.Column("text_en", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("text_en")
        batch.drop_column("language")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("locale")
        batch.drop_column("language")
