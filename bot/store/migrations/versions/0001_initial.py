"""Initial schema: buyers, sellers, orders and their items, cases, actions, decisions.

Revision ID: 0001
Revises:
Create Date: 2026-11-29

Written to match bot/store/models.py; the migration test checks that it does. The enum values
are copied here on purpose: a migration is a snapshot and must not change when the code does.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ORDER_STATUSES = ("pending", "shipped", "delivered", "cancelled", "refunded")
PAYMENT_METHODS = ("card", "wallet", "cod")
CATEGORIES = (
    "apparel", "shoes", "electronics", "home", "beauty", "toys",
    "sports", "books", "grocery", "underwear", "digital", "custom",
)  # fmt: skip
ACTION_TYPES = ("cancel", "refund", "return", "replacement", "voucher")
DECISION_ROUTES = ("auto", "human")


def _enum(values: Sequence[str], name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def _timestamp(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _money(name: str) -> sa.Column:
    return sa.Column(name, sa.Numeric(precision=12, scale=2), nullable=False)


def _json(name: str) -> sa.Column:
    return sa.Column(name, sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "buyers",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("region", sa.String(32), nullable=True),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_buyers")),
    )
    op.create_table(
        "sellers",
        sa.Column("id", sa.String(64), nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sellers")),
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("buyer_id", sa.String(64), nullable=False),
        sa.Column("seller_id", sa.String(64), nullable=False),
        sa.Column("status", _enum(ORDER_STATUSES, "order_status"), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        _timestamp("placed_at"),
        _timestamp("shipped_at", nullable=True),
        _timestamp("promised_delivery_by", nullable=True),
        _timestamp("delivered_at", nullable=True),
        sa.Column("carrier", sa.String(64), nullable=True),
        sa.Column("tracking_number", sa.String(64), nullable=True),
        sa.Column("payment_method", _enum(PAYMENT_METHODS, "payment_method"), nullable=False),
        _money("refunded_amount"),
        _timestamp("refunded_at", nullable=True),
        sa.Column("payload_hash", sa.String(64), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.CheckConstraint(
            "refunded_amount >= 0", name=op.f("ck_orders_refunded_amount_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["buyers.id"], name=op.f("fk_orders_buyer_id_buyers")
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["sellers.id"], name=op.f("fk_orders_seller_id_sellers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
    )
    op.create_index("ix_orders_buyer_id_placed_at", "orders", ["buyer_id", "placed_at"])
    op.create_index(op.f("ix_orders_seller_id"), "orders", ["seller_id"])

    op.create_table(
        "order_items",
        sa.Column("order_id", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("category", _enum(CATEGORIES, "category"), nullable=False),
        _money("unit_price"),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity >= 1", name=op.f("ck_order_items_quantity_positive")),
        sa.CheckConstraint("unit_price >= 0", name=op.f("ck_order_items_unit_price_not_negative")),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_items_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("order_id", "position", name=op.f("pk_order_items")),
        sa.UniqueConstraint("order_id", "sku", name=op.f("uq_order_items_order_id_sku")),
    )

    op.create_table(
        "cases",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("conversation_id", sa.String(36), nullable=True),
        sa.Column("buyer_id", sa.String(64), nullable=False),
        sa.Column("order_id", sa.String(64), nullable=True),
        sa.Column("intent", sa.String(32), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.ForeignKeyConstraint(["buyer_id"], ["buyers.id"], name=op.f("fk_cases_buyer_id_buyers")),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_cases_order_id_orders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
    )
    op.create_index(op.f("ix_cases_buyer_id"), "cases", ["buyer_id"])
    op.create_index(op.f("ix_cases_conversation_id"), "cases", ["conversation_id"])
    op.create_index(op.f("ix_cases_order_id"), "cases", ["order_id"])
    op.create_index("ix_cases_status_priority", "cases", ["status", "priority", "created_at"])

    op.create_table(
        "actions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=True),
        sa.Column("order_id", sa.String(64), nullable=False),
        sa.Column("type", _enum(ACTION_TYPES, "action_type"), nullable=False),
        _money("amount"),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("idempotency_key", sa.String(128), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        _timestamp("created_at"),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_actions_amount_not_negative")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_actions_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_actions_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actions")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_actions_idempotency_key")),
    )
    op.create_index(op.f("ix_actions_case_id"), "actions", ["case_id"])
    op.create_index(op.f("ix_actions_order_id"), "actions", ["order_id"])
    # INR-4.3: one late-delivery voucher per order (a partial unique index on both backends).
    op.create_index(
        "uq_actions_one_voucher_per_order",
        "actions",
        ["order_id"],
        unique=True,
        sqlite_where=sa.text("type = 'voucher'"),
        postgresql_where=sa.text("type = 'voucher'"),
    )

    op.create_table(
        "decisions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("route", _enum(DECISION_ROUTES, "decision_route"), nullable=False),
        _json("reasons"),
        _json("clauses"),
        _json("trace"),
        sa.Column("model_version", sa.String(64), nullable=True),
        _timestamp("created_at"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_decisions_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    op.create_index(op.f("ix_decisions_case_id"), "decisions", ["case_id"])


def downgrade() -> None:
    for table in ("decisions", "actions", "cases", "order_items", "orders", "sellers", "buyers"):
        # Dropping a table drops its indexes and constraints with it.
        op.drop_table(table)
