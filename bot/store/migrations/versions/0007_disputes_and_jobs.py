"""Disputes with the seller in the loop (REV-6.5, issue 18): disputes and their timed steps, a
job table for the scheduler (reminders, timeouts), and who pays for each remedy.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

Written to match bot/store/models.py (`DisputeRow`, `DisputeEventRow`, `JobRow`,
`ActionRow.responsible_party`); the migration test checks that it does. Remedies written
before it have no responsible party (None), which the statements count as unattributed.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(JSONB(), "postgresql")
_TIME = sa.DateTime(timezone=True)
DISPUTE_STATUSES = (
    "awaiting_seller",
    "seller_accepted",
    "seller_contested",
    "seller_offered",
    "decided_for_buyer",
    "decided_for_seller",
)


def _enum(values: Sequence[str], name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade() -> None:
    with op.batch_alter_table("actions") as batch:
        batch.add_column(sa.Column("responsible_party", sa.String(32), nullable=True))
    op.create_table(
        "disputes",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("order_id", sa.String(64), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("buyer_id", sa.String(64), nullable=False),
        sa.Column("seller_id", sa.String(64), nullable=False),
        sa.Column("opened_by", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", _enum(DISPUTE_STATUSES, "dispute_status"), nullable=False),
        sa.Column("respond_by", _TIME, nullable=False),
        sa.Column("offer", _JSON, nullable=True),
        sa.Column("action_id", sa.String(36), nullable=True),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("updated_at", _TIME, nullable=False),
        sa.Column("decided_at", _TIME, nullable=True),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_disputes_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_disputes_order_id_orders")
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_disputes_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["buyers.id"], name=op.f("fk_disputes_buyer_id_buyers")
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["sellers.id"], name=op.f("fk_disputes_seller_id_sellers")
        ),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name=op.f("fk_disputes_action_id_actions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disputes")),
        sa.UniqueConstraint("case_id", name=op.f("uq_disputes_case_id")),
    )
    op.create_index(op.f("ix_disputes_order_id"), "disputes", ["order_id"])
    op.create_index(op.f("ix_disputes_buyer_id"), "disputes", ["buyer_id"])
    op.create_index("ix_disputes_seller_id_updated_at", "disputes", ["seller_id", "updated_at"])
    op.create_table(
        "dispute_events",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("dispute_id", sa.String(36), nullable=False),
        sa.Column("actor_role", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("statement", sa.Text(), nullable=True),
        sa.Column("attachments", _JSON, nullable=False),
        sa.Column("details", _JSON, nullable=False),
        sa.Column("idempotency_key", sa.String(128), nullable=True),
        sa.Column("created_at", _TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["dispute_id"], ["disputes.id"], name=op.f("fk_dispute_events_dispute_id_disputes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_events")),
        sa.UniqueConstraint(
            "dispute_id",
            "idempotency_key",
            name=op.f("uq_dispute_events_dispute_id_idempotency_key"),
        ),
    )
    op.create_index(op.f("ix_dispute_events_dispute_id"), "dispute_events", ["dispute_id"])
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("subject_id", sa.String(64), nullable=False),
        sa.Column("due_at", _TIME, nullable=False),
        sa.Column("payload", _JSON, nullable=False),
        sa.Column("locked_by", sa.String(64), nullable=True),
        sa.Column("locked_until", _TIME, nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("done_at", _TIME, nullable=True),
        sa.Column("created_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        sa.UniqueConstraint("kind", "subject_id", name=op.f("uq_jobs_kind_subject_id")),
    )
    op.create_index("ix_jobs_done_at_due_at", "jobs", ["done_at", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_jobs_done_at_due_at", table_name="jobs")
    op.drop_table("jobs")
    op.drop_index(op.f("ix_dispute_events_dispute_id"), table_name="dispute_events")
    op.drop_table("dispute_events")
    op.drop_index("ix_disputes_seller_id_updated_at", table_name="disputes")
    op.drop_index(op.f("ix_disputes_buyer_id"), table_name="disputes")
    op.drop_index(op.f("ix_disputes_order_id"), table_name="disputes")
    op.drop_table("disputes")
    with op.batch_alter_table("actions") as batch:
        batch.drop_column("responsible_party")
