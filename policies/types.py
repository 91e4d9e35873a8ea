"""Typed values the policy rules take and return.

Everything is frozen and stdlib-only so the rules stay pure and the values can be shared freely
between the dialogue manager, the agent tools and the analytics. Converting the contract's order
JSON into an `Order` is the job of the layer that receives it; these types only guard the
invariants the rules rely on (aware datetimes, `Decimal` money).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

CENTS = Decimal("0.01")


def to_cents(amount: Decimal) -> Decimal:
    """Round money to cents, half up, the way buyers expect to see it."""
    return amount.quantize(CENTS, rounding=ROUND_HALF_UP)


def require_aware(value: datetime | None, field: str) -> None:
    """Refuse a naive datetime: without a timezone the windows in the policy are ambiguous."""
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise ValueError(
            f"{field} must be a timezone-aware datetime, got naive {value.isoformat()}; "
            "attach a timezone, e.g. datetime(..., tzinfo=timezone.utc)"
        )


def _require_decimal(value: object, field: str) -> None:
    # A float here would silently make $25.00 compare as 24.999...; refuse it at the boundary.
    if not isinstance(value, Decimal):
        raise TypeError(f"{field} must be a Decimal, got {type(value).__name__} {value!r}")


class Category(StrEnum):
    """Product categories of the contract (exact names)."""

    APPAREL = "apparel"
    SHOES = "shoes"
    ELECTRONICS = "electronics"
    HOME = "home"
    BEAUTY = "beauty"
    TOYS = "toys"
    SPORTS = "sports"
    BOOKS = "books"
    GROCERY = "grocery"
    UNDERWEAR = "underwear"
    DIGITAL = "digital"
    CUSTOM = "custom"


class OrderStatus(StrEnum):
    """Order status as the commerce platform reports it."""

    PENDING = "pending"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


class PaymentMethod(StrEnum):
    """How the buyer paid; cash on delivery changes what a refund means (CAN-1.3, REF-5.1)."""

    CARD = "card"
    WALLET = "wallet"
    COD = "cod"


@dataclass(frozen=True)
class OrderItem:
    """One line of an order."""

    sku: str
    title: str
    category: Category
    unit_price: Decimal
    quantity: int

    def __post_init__(self) -> None:
        _require_decimal(self.unit_price, f"unit_price of {self.sku}")
        if self.quantity < 1:
            raise ValueError(f"quantity of {self.sku} must be at least 1, got {self.quantity}")

    @property
    def subtotal(self) -> Decimal:
        """Price of the line (unit price x quantity), in cents."""
        return to_cents(self.unit_price * self.quantity)


_ORDER_DATETIMES = (
    "placed_at",
    "shipped_at",
    "promised_delivery_by",
    "delivered_at",
    "refunded_at",
)


@dataclass(frozen=True)
class Order:
    """An order as pushed by the commerce platform (see contract.md, section 3)."""

    order_id: str
    buyer_id: str
    seller_id: str
    status: OrderStatus
    currency: str
    items: tuple[OrderItem, ...]
    placed_at: datetime
    shipped_at: datetime | None = None
    promised_delivery_by: datetime | None = None
    delivered_at: datetime | None = None
    carrier: str | None = None
    tracking_number: str | None = None
    payment_method: PaymentMethod = PaymentMethod.CARD
    refunded_amount: Decimal = Decimal("0")
    refunded_at: datetime | None = None
    # What the bot's ledger has already promised on this order, beyond the platform's figures:
    # money committed (refunds paid plus returns whose refund follows receipt), and the
    # quantity of each sku already cancelled, refunded, returned or replaced, as (sku, quantity)
    # pairs. Both default to nothing, as for an order the bot has not acted on.
    committed_amount: Decimal = Decimal("0")
    remedied: tuple[tuple[str, int], ...] = ()

    def __post_init__(self) -> None:
        for name in _ORDER_DATETIMES:
            require_aware(getattr(self, name), f"order {self.order_id}: {name}")
        _require_decimal(self.refunded_amount, f"order {self.order_id}: refunded_amount")
        _require_decimal(self.committed_amount, f"order {self.order_id}: committed_amount")
        if not isinstance(self.remedied, tuple):
            object.__setattr__(self, "remedied", tuple(self.remedied))
        if not isinstance(self.items, tuple):
            # Frozen means the items must not change under the rules' feet; a list would.
            object.__setattr__(self, "items", tuple(self.items))

    @property
    def total(self) -> Decimal:
        """Order value: the sum of its lines, in cents."""
        return to_cents(sum((item.subtotal for item in self.items), Decimal("0")))

    @property
    def refundable(self) -> Decimal:
        """What is left to refund after earlier (possibly partial) refunds and the refunds
        already promised (returns in transit), never below 0."""
        spent = max(self.refunded_amount, self.committed_amount)
        return max(to_cents(self.total - spent), Decimal("0.00"))

    def remaining_quantity(self, sku: str) -> int:
        """How many of ``sku`` no remedy has covered yet (0 for a sku not in the order)."""
        ordered = sum(item.quantity for item in self.items if item.sku == sku)
        done = sum(quantity for remedied_sku, quantity in self.remedied if remedied_sku == sku)
        return max(ordered - done, 0)

    @property
    def was_refunded(self) -> bool:
        """True if any money was refunded on this order."""
        return self.status is OrderStatus.REFUNDED or self.refunded_amount > 0


class ClaimType(StrEnum):
    """What the buyer asks for, as the dialogue manager has understood it."""

    CANCEL = "cancel"
    CHANGE_OF_MIND_RETURN = "change_of_mind_return"
    DAMAGED = "damaged"
    DEFECTIVE = "defective"
    WRONG_ITEM = "wrong_item"
    NOT_AS_DESCRIBED = "not_as_described"
    NOT_RECEIVED = "not_received"
    LATE_DELIVERY = "late_delivery"
    PAYMENT_PROBLEM = "payment_problem"
    HUMAN_REQUESTED = "human_requested"
    DISPUTE = "dispute"


@dataclass(frozen=True)
class Claim:
    """The buyer's claim on one order.

    `skus` empty means the claim is about every item of the order. `units` is how many of the
    one item named the claim covers ("2 tumblers, one arrived broken"); None means every unit
    no earlier remedy has covered. `opened` is only asked for beauty items (RET-2.2); None means
    the buyer has not said yet. `not_as_new` is never asked: only what the buyer said.
    """

    type: ClaimType
    skus: tuple[str, ...] = ()
    units: int | None = None
    has_photo: bool = False
    opened: bool | None = None
    # The buyer said the item is no longer as delivered: worn out, washed, its tags removed
    # (RET-2.3 takes back only unused items with their tags and packaging).
    not_as_new: bool = False
    prefers_replacement: bool = False
    seller_has_stock: bool = True


# Spec 6.2 looks back 90 days for refunds and 365 days for the refund rate.
REFUND_LOOKBACK = timedelta(days=90)
ORDER_LOOKBACK = timedelta(days=365)


@dataclass(frozen=True)
class BuyerHistory:
    """The counts spec 6.2 needs about a buyer's past orders."""

    refunds_last_90_days: int
    orders_last_365_days: int
    refunded_orders_last_365_days: int

    @classmethod
    def from_orders(cls, orders: Iterable[Order], now: datetime) -> BuyerHistory:
        """Count a buyer's refunds and orders from their orders ("what their orders say").

        Pass all the buyer's orders, including the one being claimed on. A refund counts in the
        90-day window by its `refunded_at`; an order counts in the 365-day window by its
        `placed_at`, and as refunded if any money was refunded on it (partial refunds included).
        """
        require_aware(now, "now")
        refunds_90 = orders_365 = refunded_365 = 0
        for order in orders:
            if order.refunded_at is not None and now - REFUND_LOOKBACK <= order.refunded_at <= now:
                refunds_90 += 1
            if now - ORDER_LOOKBACK <= order.placed_at <= now:
                orders_365 += 1
                if order.was_refunded:
                    refunded_365 += 1
        return cls(refunds_90, orders_365, refunded_365)


class Remedy(StrEnum):
    """What the bot (or an agent) would do: the contract's action types plus two non-actions."""

    CANCEL = "cancel"
    REFUND = "refund"
    RETURN_THEN_REFUND = "return_then_refund"
    REPLACEMENT = "replacement"
    VOUCHER = "voucher"
    WAIT_AND_CHECK = "wait_and_check"
    NONE = "none"


class Reason(StrEnum):
    """Machine-readable reasons behind an outcome; the dialogue and analytics key on these."""

    OUTSIDE_RETURN_WINDOW = "outside_return_window"
    EXCLUDED_CATEGORY = "excluded_category"
    OPENED_BEAUTY = "opened_beauty"
    BEAUTY_OPENED_UNKNOWN = "beauty_opened_unknown"
    NO_PHOTO = "no_photo"
    REPORT_WINDOW_PASSED = "report_window_passed"
    NOT_YET_LATE = "not_yet_late"
    DELIVERED_ON_TIME = "delivered_on_time"
    DELIVERED_SCAN_UNDER_48H = "delivered_scan_under_48h"
    DELIVERED_SCAN_OVER_48H_INVESTIGATE = "delivered_scan_over_48h_investigate"
    OVER_AUTO_LIMIT = "over_auto_limit"
    REFUND_HISTORY_90D = "refund_history_90d"
    REFUND_RATE_365D = "refund_rate_365d"
    PAYMENT_PROBLEM = "payment_problem"
    HUMAN_REQUESTED = "human_requested"
    DISPUTE = "dispute"
    ALREADY_REFUNDED = "already_refunded"
    ALREADY_CANCELLED = "already_cancelled"
    # Every item the claim names was already refunded, returned or replaced (the ledger).
    ALREADY_REMEDIED = "already_remedied"
    NOT_DELIVERED_YET = "not_delivered_yet"
    SHIPPED_CANNOT_CANCEL = "shipped_cannot_cancel"
    DELIVERED_CANNOT_CANCEL = "delivered_cannot_cancel"
    VOUCHER_ALREADY_GIVEN = "voucher_already_given"
    NO_STOCK_FOR_REPLACEMENT = "no_stock_for_replacement"
    COD_NOTHING_TO_REFUND = "cod_nothing_to_refund"
    # A change-of-mind return of an item the buyer says is worn, washed or without its tags.
    NOT_AS_NEW = "not_as_new"


@dataclass(frozen=True)
class Eligibility:
    """The outcome of the rules for one claim.

    `eligible` says whether the policy grants `remedy`; `amount` is the money it moves (the refund,
    the voucher, or the value of a replacement), already net of deductions. `needs_human` can be
    True for an eligible outcome (over the automation limit, flagged buyer): the remedy stands, an
    agent confirms it. `clauses` are knowledge-base ids to cite; `explanation` is one or two plain
    sentences a buyer or agent can read.
    """

    eligible: bool
    remedy: Remedy
    amount: Decimal
    currency: str
    needs_human: bool
    reasons: tuple[Reason, ...]
    clauses: tuple[str, ...]
    explanation: str
    # The items the remedy covers, as (sku, quantity): what the ledger records as settled
    # (empty for a refusal or a voucher).
    items: tuple[tuple[str, int], ...] = ()
    # `explanation` as a `policies.phrases.Phrase`, which the bot says in the buyer's language
    # (None: the explanation is only in English).
    wording: Any = None


class Party(StrEnum):
    """Who is responsible for the problem, i.e. who bears its cost (spec section 7)."""

    BUYER = "buyer"
    SELLER = "seller"
    CARRIER = "carrier"
    PLATFORM = "platform"


@dataclass(frozen=True)
class Attribution:
    """Who is responsible, the clauses that say so, and the facts that led there.

    `party` is None when the rules cannot tell (a dispute or a request for a person, which an agent
    settles); the evidence then says what is known.
    """

    party: Party | None
    clauses: tuple[str, ...]
    evidence: tuple[str, ...]


__all__ = [
    "Attribution",
    "BuyerHistory",
    "Category",
    "Claim",
    "ClaimType",
    "Eligibility",
    "Order",
    "OrderItem",
    "OrderStatus",
    "Party",
    "PaymentMethod",
    "Reason",
    "Remedy",
    "require_aware",
    "to_cents",
]
