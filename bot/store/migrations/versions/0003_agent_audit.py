"""The agents' audit trail: who did what to a case, when, why, and what the rules said.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29

Written to match bot/store/models.py (`AgentAuditRow`); the migration test checks that it does.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agent_audit",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("agent_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("action_id", sa.String(36), nullable=True),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("override", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column(
            "details", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_agent_audit_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name=op.f("fk_agent_audit_action_id_actions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_audit")),
    )
    op.create_index(op.f("ix_agent_audit_case_id"), "agent_audit", ["case_id"])
    op.create_index(op.f("ix_agent_audit_agent_id"), "agent_audit", ["agent_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_agent_audit_agent_id"), table_name="agent_audit")
    op.drop_index(op.f("ix_agent_audit_case_id"), table_name="agent_audit")
    op.drop_table("agent_audit")
