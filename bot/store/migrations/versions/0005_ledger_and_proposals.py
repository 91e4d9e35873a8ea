"""The money ledger: items on every remedy, one cancel per order, open proposals (one per order),
and the platform's order version and push time (stale pushes are ignored).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

Written to match bot/store/models.py (`ActionRow.items`, `ProposalRow`, `OrderRow.version`,
`OrderRow.pushed_at`); the migration test checks that it does.

Before this revision the bot added its refunds to `orders.refunded_amount` (and set the status
to cancelled or refunded); from now on those columns hold the platform's figures only and the
ledger is read beside them. Rows written before it keep the bot's additions, which the new
derivation takes as the platform's: the larger of the two figures counts, so nothing is paid
twice.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(JSONB(), "postgresql")
ACTION_TYPES = ("cancel", "refund", "return", "replacement", "voucher")
PROPOSAL_STATUSES = ("open", "executed", "declined", "superseded", "expired", "changed")


def _enum(values: Sequence[str], name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("version", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("pushed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("actions") as batch:
        batch.add_column(sa.Column("items", _JSON, nullable=False, server_default="[]"))
    op.create_index(
        "uq_actions_one_cancel_per_order",
        "actions",
        ["order_id"],
        unique=True,
        sqlite_where=sa.text("type = 'cancel'"),
        postgresql_where=sa.text("type = 'cancel'"),
    )
    op.create_table(
        "proposals",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("order_id", sa.String(64), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("conversation_id", sa.String(36), nullable=True),
        sa.Column("type", _enum(ACTION_TYPES, "action_type"), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("items", _JSON, nullable=False),
        sa.Column("status", _enum(PROPOSAL_STATUSES, "proposal_status"), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_proposals_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_proposals_order_id_orders")
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_proposals_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_proposals_conversation_id_conversations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposals")),
    )
    op.create_index(op.f("ix_proposals_order_id"), "proposals", ["order_id"])
    op.create_index(
        "uq_proposals_one_open_per_order",
        "proposals",
        ["order_id"],
        unique=True,
        sqlite_where=sa.text("status = 'open'"),
        postgresql_where=sa.text("status = 'open'"),
    )


def downgrade() -> None:
    op.drop_index("uq_proposals_one_open_per_order", table_name="proposals")
    op.drop_index(op.f("ix_proposals_order_id"), table_name="proposals")
    op.drop_table("proposals")
    op.drop_index("uq_actions_one_cancel_per_order", table_name="actions")
    with op.batch_alter_table("actions") as batch:
        batch.drop_column("items")
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("pushed_at")
        batch.drop_column("version")
