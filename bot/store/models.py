"""SQLAlchemy models: the tables of the store.

Rows are the store's private business. Outside `bot.store`, orders travel as the domain types of
`policies.types`; `bot.store.orders` converts between the two in one place.

Portability choices (SQLite and PostgreSQL run the same schema):

- Enums are stored as short strings with a CHECK constraint (`native_enum=False`), so adding a
  value later is a CHECK change, not a PostgreSQL type migration.
- Timestamps are stored in UTC and always read back timezone-aware (`UtcDateTime`); SQLite
  keeps no timezone, PostgreSQL uses ``timestamptz``.
- Money is ``Numeric(12, 2)`` in the order's currency and read back as `Decimal`.
- Ids of the bot's own records (cases, actions, decisions) are UUID strings: not guessable,
  and the same on both backends.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy import Enum as SqlEnum
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from bot.store.db import utcnow
from policies.types import Category, OrderStatus, PaymentMethod, require_aware

# Deterministic constraint names: migrations can refer to them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID_LENGTH = 64  # ids that come from the commerce platform (orders, buyers, sellers, skus)
ENUM_LENGTH = 32  # room for new enum values without widening the column
LANGUAGE_LENGTH = 8  # "en", "tl", "ceb": ISO 639-1/3 codes
LOCALE_LENGTH = 16  # "ms_MY", "fil_PH"
MONEY = Numeric(12, 2)


class ActionType(StrEnum):
    """What an action did (the contract's action types, exact names)."""

    CANCEL = "cancel"
    REFUND = "refund"
    RETURN = "return"
    REPLACEMENT = "replacement"
    VOUCHER = "voucher"


class MessageRole(StrEnum):
    """Who wrote a message of a conversation."""

    BUYER = "buyer"
    BOT = "bot"
    AGENT = "agent"
    SYSTEM = "system"


class ConversationStatus(StrEnum):
    """Who is answering the buyer (the contract's conversation statuses, exact names)."""

    BOT = "bot"
    WAITING_FOR_AGENT = "waiting_for_agent"
    CLOSED = "closed"


class DecisionRoute(StrEnum):
    """Who resolves a case: the bot on its own, or a human agent."""

    AUTO = "auto"
    HUMAN = "human"


def new_id() -> str:
    """A fresh id for a record the bot creates."""
    return str(uuid.uuid4())


def _enum(enum: type[StrEnum], name: str) -> SqlEnum:
    # Store the values ("pending"), not the member names ("PENDING"): the values are the contract.
    return SqlEnum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=ENUM_LENGTH,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored in UTC; a naive datetime is refused on the way in."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        require_aware(value, "a stored timestamp")
        value = value.astimezone(UTC)
        # SQLite has no timezone type: store naive UTC, reattached on the way out.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# JSONB on PostgreSQL (indexable, compact); JSON text elsewhere.
JsonDocument = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime(), Decimal: MONEY}  # noqa: RUF012


class BuyerRow(Base):
    """A buyer, created the first time an order of theirs arrives."""

    __tablename__ = "buyers"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    region: Mapped[str | None] = mapped_column(String(32))
    # When the bot first heard of the buyer (their first pushed order).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the platform says the account was opened (the webhook's optional
    # ``buyer_account_created_at``); None when it never said. The risk model's account age.
    account_created_at: Mapped[datetime | None] = mapped_column(default=None)


class SellerRow(Base):
    """A seller, created the first time an order of theirs arrives."""

    __tablename__ = "sellers"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OrderRow(Base):
    """An order as last pushed by the commerce platform."""

    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("refunded_amount >= 0", name="refunded_amount_not_negative"),
        # The buyer's orders by date: the buyer's order list and the 6.2 history counts.
        Index("ix_orders_buyer_id_placed_at", "buyer_id", "placed_at"),
    )

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    buyer_id: Mapped[str] = mapped_column(ForeignKey("buyers.id"))
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"), index=True)
    status: Mapped[OrderStatus] = mapped_column(_enum(OrderStatus, "order_status"))
    currency: Mapped[str] = mapped_column(String(3))
    placed_at: Mapped[datetime]
    shipped_at: Mapped[datetime | None]
    promised_delivery_by: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    carrier: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    tracking_number: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    payment_method: Mapped[PaymentMethod] = mapped_column(_enum(PaymentMethod, "payment_method"))
    # The platform's own figures, as last pushed. The bot never writes them: its remedies are
    # rows of `ActionRow` (the ledger), and the order the rules see is derived from both
    # (`bot.store.orders._to_order`), so no push can roll back money the bot moved.
    refunded_amount: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    refunded_at: Mapped[datetime | None]
    # sha256 of the last accepted order's canonical form: a replayed webhook changes nothing.
    payload_hash: Mapped[str] = mapped_column(String(64))
    # The platform's version of the order (monotonic; optional in the webhook) and the signed
    # time of the last accepted push: an older push is acknowledged and ignored.
    version: Mapped[int | None] = mapped_column(BigInteger)
    pushed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    items: Mapped[list[OrderItemRow]] = relationship(
        back_populates="order",
        cascade="all, delete-orphan",
        order_by="OrderItemRow.position",
        lazy="selectin",
    )
    # The ledger of this order (read-only here: money moves through `bot.store.ledger`).
    actions: Mapped[list[ActionRow]] = relationship(
        order_by="ActionRow.created_at", lazy="selectin", viewonly=True
    )


class OrderItemRow(Base):
    """One line of an order, in the order the platform sent them."""

    __tablename__ = "order_items"
    __table_args__ = (
        # Claims name items by sku, so a sku appears once per order.
        UniqueConstraint("order_id", "sku"),
        CheckConstraint("quantity >= 1", name="quantity_positive"),
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
    )

    order_id: Mapped[str] = mapped_column(
        ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    sku: Mapped[str] = mapped_column(String(ID_LENGTH))
    title: Mapped[str] = mapped_column(String(500))
    category: Mapped[Category] = mapped_column(_enum(Category, "category"))
    unit_price: Mapped[Decimal]
    quantity: Mapped[int]

    order: Mapped[OrderRow] = relationship(back_populates="items")


class ConversationRow(Base):
    """A buyer's conversation with the bot; ``state`` is the dialogue manager's JSON state, so a
    restarted bot continues where it left off."""

    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    buyer_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    status: Mapped[ConversationStatus] = mapped_column(
        _enum(ConversationStatus, "conversation_status")
    )
    state: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    # The buyer's language as last identified (ISO 639-1 as lid.176 spells it, stored as
    # detected even when the bot replies in English), and the app locale the client last sent.
    language: Mapped[str | None] = mapped_column(String(LANGUAGE_LENGTH))
    locale: Mapped[str | None] = mapped_column(String(LOCALE_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class MessageRow(Base):
    """One message of a conversation, in order (``seq``). A buyer message keeps the response
    it got (``response``): a retried request with the same idempotency key gets it again."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("conversation_id", "seq"),
        UniqueConstraint("conversation_id", "idempotency_key"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"))
    seq: Mapped[int] = mapped_column(Integer)
    role: Mapped[MessageRole] = mapped_column(_enum(MessageRole, "message_role"))
    text: Mapped[str] = mapped_column(Text)
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument)
    nlu: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    citations: Mapped[list[str]] = mapped_column(JsonDocument)
    quick_replies: Mapped[list[str]] = mapped_column(JsonDocument)
    expecting: Mapped[str | None] = mapped_column(String(ENUM_LENGTH))
    idempotency_key: Mapped[str | None] = mapped_column(String(128))
    # Buyer messages only: the turn's response once processed; None means not processed yet.
    response: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    # The agent who wrote it (role agent).
    author: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    # A buyer's message: the language identified; a bot's: the language it was written in,
    # and its English when that differs (what agents read beside it).
    language: Mapped[str | None] = mapped_column(String(LANGUAGE_LENGTH))
    text_en: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseRow(Base):
    """A buyer's after-sales case: what they asked for, and where it stands."""

    __tablename__ = "cases"
    __table_args__ = (
        # The agent queue: open cases, highest priority first, oldest first.
        Index("ix_cases_status_priority", "status", "priority", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    # None for a case opened outside a conversation (e.g. by an agent tool).
    conversation_id: Mapped[str | None] = mapped_column(ForeignKey("conversations.id"), index=True)
    buyer_id: Mapped[str] = mapped_column(ForeignKey("buyers.id"), index=True)
    # None when the case is about no particular order (e.g. a request for a person).
    order_id: Mapped[str | None] = mapped_column(ForeignKey("orders.id"), index=True)
    intent: Mapped[str] = mapped_column(String(ENUM_LENGTH))
    # Values are owned by the dialogue manager (e.g. "bot", "waiting_for_agent", "closed").
    status: Mapped[str] = mapped_column(String(ENUM_LENGTH))
    priority: Mapped[int] = mapped_column(default=0)
    # What the agent needs at a glance: intent, order, eligibility, risk, attribution, reasons,
    # clauses (written by the dialogue manager's handoff).
    summary: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ActionRow(Base):
    """The ledger: every remedy the bot or an agent gave on an order (cancel, refund, return,
    replacement, voucher), with its amount and the items it covers. Rows are only ever added,
    through `bot.store.ledger.record_remedy_in`, which checks the order's invariants under the
    order's lock; the unique indexes below hold even against a writer that did not."""

    __tablename__ = "actions"
    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        # INR-4.3: a late-delivery voucher is given once per order, whoever asks and however often.
        Index(
            "uq_actions_one_voucher_per_order",
            "order_id",
            unique=True,
            sqlite_where=text("type = 'voucher'"),
            postgresql_where=text("type = 'voucher'"),
        ),
        # An order is cancelled once.
        Index(
            "uq_actions_one_cancel_per_order",
            "order_id",
            unique=True,
            sqlite_where=text("type = 'cancel'"),
            postgresql_where=text("type = 'cancel'"),
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("cases.id"), index=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    type: Mapped[ActionType] = mapped_column(_enum(ActionType, "action_type"))
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    # Values are owned by the action executor (e.g. "approved", "executed", "failed").
    status: Mapped[str] = mapped_column(String(ENUM_LENGTH))
    # The caller's key for "this one action": a retried request finds the first one instead of
    # moving money again.
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    # "bot" or the agent's id.
    actor: Mapped[str] = mapped_column(String(ID_LENGTH))
    reason: Mapped[str | None] = mapped_column(Text)
    # The items the remedy covers: [{"sku": ..., "quantity": ...}] ([] for a voucher, or money
    # not tied to items, e.g. an agent's goodwill refund).
    items: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument, default=list)
    # Who bears the cost (spec section 7, `policies.attribution`): seller, carrier, platform,
    # buyer; None when nobody was attributed (rows written before issue 18 too). The
    # per-party statements (`bot.store.statements`) are sums of this column.
    responsible_party: Mapped[str | None] = mapped_column(String(ENUM_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProposalStatus(StrEnum):
    """Where a money proposal stands."""

    OPEN = "open"  # waiting for the buyer's yes
    EXECUTED = "executed"
    DECLINED = "declined"  # the buyer said no, or moved on
    SUPERSEDED = "superseded"  # a newer proposal on the same order (another conversation)
    EXPIRED = "expired"
    CHANGED = "changed"  # re-checked at the yes, the case came out differently


class ProposalRow(Base):
    """A money-moving remedy the buyer was asked to confirm. At most one is open per order
    across all conversations (the partial unique index), so two chats cannot both hold a
    "yes" to the same money."""

    __tablename__ = "proposals"
    __table_args__ = (
        Index(
            "uq_proposals_one_open_per_order",
            "order_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"))
    conversation_id: Mapped[str | None] = mapped_column(ForeignKey("conversations.id"))
    type: Mapped[ActionType] = mapped_column(_enum(ActionType, "action_type"))
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    items: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument, default=list)
    status: Mapped[ProposalStatus] = mapped_column(_enum(ProposalStatus, "proposal_status"))
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class DecisionRow(Base):
    """Why a case went the way it did: the route, the reasons and clauses, the full trace."""

    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_experiment", "experiment", "arm"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    route: Mapped[DecisionRoute] = mapped_column(_enum(DecisionRoute, "decision_route"))
    reasons: Mapped[list[str]] = mapped_column(JsonDocument)
    clauses: Mapped[list[str]] = mapped_column(JsonDocument)
    trace: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    model_version: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    # The routing experiment and arm the decision was taken under (None: no experiment ran);
    # the arm's settings are in ``trace["experiment"]``.
    experiment: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    arm: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AgentAuditRow(Base):
    """Who did what to a case, when and why: every agent action, override, reply and hand-back.

    Money itself moves through `ActionRow` (actor and reason there too); this table is the
    audit trail around it, including what the eligibility rules said at the time (``details``),
    so an override can be reviewed later against the rules it set aside.
    """

    __tablename__ = "agent_audit"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    agent_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    # What the agent did: an action type, "deny", "request_evidence", "reply", "release"...
    kind: Mapped[str] = mapped_column(String(ENUM_LENGTH))
    action_id: Mapped[str | None] = mapped_column(ForeignKey("actions.id"))
    amount: Mapped[Decimal | None]
    override: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RatingRow(Base):
    """The buyer's 1-5 satisfaction rating, asked at the end of a resolved case (one per case)."""

    __tablename__ = "ratings"
    __table_args__ = (CheckConstraint("score BETWEEN 1 AND 5", name="score_one_to_five"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("cases.id"), unique=True)
    buyer_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    score: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MediaRow(Base):
    """A buyer's photo, uploaded into one of their conversations. Its bytes (and its
    thumbnail's) are in the media store under ``key`` and ``key + ".thumb"``; ``key`` is random
    (`secrets.token_urlsafe`), so it cannot be guessed, and it is served only to the buyer who
    owns it and to agents."""

    __tablename__ = "media"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    # The owner's id: a buyer's (``owner_role`` buyer), or a seller's for a dispute's evidence.
    buyer_id: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    owner_role: Mapped[str] = mapped_column(String(16), default="buyer", server_default="buyer")
    # A buyer's photo is in a conversation; a seller's is for a dispute (issue 18).
    conversation_id: Mapped[str | None] = mapped_column(ForeignKey("conversations.id"), index=True)
    dispute_id: Mapped[str | None] = mapped_column(ForeignKey("disputes.id"), index=True)
    # Of the stored photo (re-encoded without metadata), not of the upload.
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    thumbnail_size: Mapped[int] = mapped_column(Integer)
    # The upload's own hash: the same picture sent again (another claim, another buyer) shows.
    upload_sha256: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DisputeStatus(StrEnum):
    """Where a dispute stands (REV-6.5; `bot.disputes.machine` says which moves are allowed)."""

    AWAITING_SELLER = "awaiting_seller"
    SELLER_ACCEPTED = "seller_accepted"
    SELLER_CONTESTED = "seller_contested"
    SELLER_OFFERED = "seller_offered"
    DECIDED_FOR_BUYER = "decided_for_buyer"
    DECIDED_FOR_SELLER = "decided_for_seller"


class DisputeRow(Base):
    """A buyer's dispute of a decision (REV-6.5): the seller answers by ``respond_by``, else the
    buyer wins; a person decides a contested one. Each step is a `DisputeEventRow`."""

    __tablename__ = "disputes"
    __table_args__ = (
        # The seller's feed, newest change first.
        Index("ix_disputes_seller_id_updated_at", "seller_id", "updated_at"),
        # One dispute per case: opening it twice (a retry, two agents) finds the first.
        UniqueConstraint("case_id"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"))
    buyer_id: Mapped[str] = mapped_column(ForeignKey("buyers.id"), index=True)
    seller_id: Mapped[str] = mapped_column(ForeignKey("sellers.id"))
    # "buyer" (in chat) or "agent".
    opened_by: Mapped[str] = mapped_column(String(ENUM_LENGTH))
    reason: Mapped[str] = mapped_column(Text)
    # What the buyer asks back (a refund), in the order's currency.
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[DisputeStatus] = mapped_column(_enum(DisputeStatus, "dispute_status"))
    respond_by: Mapped[datetime]
    # The seller's offer, when they made one: {"type": "refund"|"replacement", "amount": ...}.
    offer: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    # The remedy's ledger row once money moved (None: nothing moved, e.g. decided for seller).
    action_id: Mapped[str | None] = mapped_column(ForeignKey("actions.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]


class DisputeEventRow(Base):
    """One step of a dispute, timed and attributed: opened, a statement, evidence, the seller's
    answer, a reminder, the timeout, a decision."""

    __tablename__ = "dispute_events"
    __table_args__ = (
        # A seller's or agent's retried request with the same key records one step.
        UniqueConstraint("dispute_id", "idempotency_key"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    dispute_id: Mapped[str] = mapped_column(ForeignKey("disputes.id"), index=True)
    # "buyer", "seller", "agent" or "system" (the scheduler).
    actor_role: Mapped[str] = mapped_column(String(ENUM_LENGTH))
    actor: Mapped[str] = mapped_column(String(ID_LENGTH))
    kind: Mapped[str] = mapped_column(String(ENUM_LENGTH))
    statement: Mapped[str | None] = mapped_column(Text)
    # [{"type": "image", "url": ...}], the chat's attachment shape.
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JsonDocument, default=list)
    details: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    idempotency_key: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class JobRow(Base):
    """A job due at a time (a dispute's reminder or timeout): claimed by one runner at a time
    (``locked_by`` until ``locked_until``), done once (``done_at``). Kept in the database, so
    it survives restarts and is shared by every bot process."""

    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_done_at_due_at", "done_at", "due_at"),
        # One job of a kind per subject (scheduling it twice is a no-op).
        UniqueConstraint("kind", "subject_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(ENUM_LENGTH))
    subject_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    due_at: Mapped[datetime]
    payload: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    locked_by: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    locked_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AnalyticsReportRow(Base):
    """A computed analytics report (or summary) of one window, kept so that the dashboard does
    not recompute it per request (`bot.analytics.cache`). ``data_version`` fingerprints the
    store when it was computed: a row whose version differs from the store's is stale."""

    __tablename__ = "analytics_reports"
    __table_args__ = (UniqueConstraint("kind", "since", "until"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(ENUM_LENGTH))  # report | summary
    since: Mapped[datetime]
    until: Mapped[datetime]
    data_version: Mapped[str] = mapped_column(String(64))
    body: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    compute_seconds: Mapped[float] = mapped_column(Float)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
