"""The buyer's account creation date as the platform sends it (the order webhook's optional
``buyer_account_created_at``): the risk model's account age (`bot.store.cases.buyer_since_in`).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

Written to match bot/store/models.py (`BuyerRow.account_created_at`); the migration test checks
that it does.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("buyers") as batch:
        batch.add_column(sa.Column("account_created_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("buyers") as batch:
        batch.drop_column("account_created_at")
