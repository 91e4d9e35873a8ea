"""The analytics cache: one computed report (or summary) per window, with the store's data
version at the time (`bot.analytics.cache`).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

Written to match bot/store/models.py (`AnalyticsReportRow`); the migration test checks that it
does.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "analytics_reports",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data_version", sa.String(64), nullable=False),
        sa.Column("body", _JSON, nullable=False),
        sa.Column("compute_seconds", sa.Float(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_reports")),
        sa.UniqueConstraint(
            "kind", "since", "until", name=op.f("uq_analytics_reports_kind_since_until")
        ),
    )


def downgrade() -> None:
    op.drop_table("analytics_reports")
