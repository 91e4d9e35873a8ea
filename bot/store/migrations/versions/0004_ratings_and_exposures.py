"""Satisfaction ratings, and the experiment arm every decision was taken under.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

Written to match bot/store/models.py (`RatingRow`, `DecisionRow.experiment/arm`); the migration
test checks that it does.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ratings",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("conversation_id", sa.String(36), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=True),
        sa.Column("buyer_id", sa.String(64), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name=op.f("ck_ratings_score_one_to_five")),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_ratings_conversation_id_conversations"),
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_ratings_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ratings")),
        sa.UniqueConstraint("case_id", name=op.f("uq_ratings_case_id")),
    )
    op.create_index(op.f("ix_ratings_conversation_id"), "ratings", ["conversation_id"])
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("experiment", sa.String(64), nullable=True))
        batch.add_column(sa.Column("arm", sa.String(64), nullable=True))
        batch.create_index(op.f("ix_decisions_experiment"), ["experiment", "arm"])


def downgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.drop_index(op.f("ix_decisions_experiment"))
        batch.drop_column("arm")
        batch.drop_column("experiment")
    op.drop_index(op.f("ix_ratings_conversation_id"), table_name="ratings")
    op.drop_table("ratings")
