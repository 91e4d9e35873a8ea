"""Conversations and their messages; cases link to their conversation and carry a summary.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29

Written to match bot/store/models.py; the migration test checks that it does. Enum values are
copied on purpose: a migration is a snapshot.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONVERSATION_STATUSES = ("bot", "waiting_for_agent", "closed")
MESSAGE_ROLES = ("buyer", "bot", "agent", "system")


def _enum(values: Sequence[str], name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def _timestamp(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def _json(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(
        name, sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=nullable
    )


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("buyer_id", sa.String(64), nullable=False),
        sa.Column("status", _enum(CONVERSATION_STATUSES, "conversation_status"), nullable=False),
        _json("state"),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
    )
    op.create_index(op.f("ix_conversations_buyer_id"), "conversations", ["buyer_id"])

    op.create_table(
        "messages",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("conversation_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("role", _enum(MESSAGE_ROLES, "message_role"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _json("attachments"),
        _json("nlu", nullable=True),
        _json("citations"),
        _json("quick_replies"),
        sa.Column("expecting", sa.String(32), nullable=True),
        sa.Column("idempotency_key", sa.String(128), nullable=True),
        _json("response", nullable=True),
        sa.Column("author", sa.String(64), nullable=True),
        _timestamp("created_at"),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_messages_conversation_id_conversations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        sa.UniqueConstraint("conversation_id", "seq", name=op.f("uq_messages_conversation_id_seq")),
        sa.UniqueConstraint(
            "conversation_id",
            "idempotency_key",
            name=op.f("uq_messages_conversation_id_idempotency_key"),
        ),
    )

    # SQLite cannot add a foreign key in place: batch mode rebuilds the table.
    with op.batch_alter_table("cases") as batch:
        batch.add_column(_json("summary", nullable=True))
        batch.create_foreign_key(
            op.f("fk_cases_conversation_id_conversations"),
            "conversations",
            ["conversation_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint(op.f("fk_cases_conversation_id_conversations"), type_="foreignkey")
        batch.drop_column("summary")
    op.drop_table("messages")
    op.drop_table("conversations")
