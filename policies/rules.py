"""Eligibility rules: the after-sales policy (docs/policy-spec.md) as pure functions.

`check_eligibility` is the entry point. It routes payment problems, requests for a person and
disputes straight to a human (REV-6.3..6.5), dispatches every other claim to one function per claim
family (sections 1-4 of the spec), then applies the automation limits of section 6 with
`apply_review`. Each family function can also be called on its own; those return the policy
outcome only, before the section 6 limits.

Choices where the spec leaves room (the knowledge-base clauses should say the same):

- The return and report windows count calendar days, as the spec says ("days are calendar days")
  and as the knowledge base tells buyers (RET-2.1: "delivered on 1 March, returnable until
  31 March"): the delivery date is day 0 and the whole of day 30 (15 for electronics and damage
  reports) is inside; day 31 is out. Dates are taken in the timezone of the recorded `delivered_at`
  (UTC from the platform), with `now` converted to it. We prefer this to comparing elapsed time
  (`now - delivered_at <= timedelta(days=30)`), which would refuse a buyer at 18:00 on day 30
  whose parcel came at 15:00, contradicting the clause we cite.
- Lateness (INR-4.1, INR-4.3) and the 48-hour wait (INR-4.2) are measured in elapsed time from the
  recorded timestamps, since they hang on a precise moment (the promised time, the delivery scan).
- "More than 3 days after the promised date" is strict: exactly 3 days late is not yet late.
- "Within 48 hours of the delivery scan" is inclusive: exactly 48 hours is still "wait and check".
- The $100 automation limit (REV-6.1) and the review flags (REV-6.2) apply to every eligible
  outcome, including cancellations and replacements: a replacement moves the seller's goods worth
  `amount`, which carries the same risk as a refund of that amount.
- A change-of-mind return of several items is granted for the returnable ones and refused for the
  rest (each refused item gives its reason); the $5 return shipping is deducted once per return.
- The affected items' value decides between DMG-3.2 and DMG-3.3; below $25 the refund is given even
  if the buyer would rather have a replacement (3.2 offers no replacement).
- A cash-on-delivery order that never arrived has not been paid for: it is cancelled (CAN-1.3)
  instead of refunded.
- Refunds never exceed what is left after earlier partial refunds; an order with nothing left to
  refund is treated as already refunded.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

from policies.types import (
    BuyerHistory,
    Category,
    Claim,
    ClaimType,
    Eligibility,
    Order,
    OrderItem,
    OrderStatus,
    PaymentMethod,
    Reason,
    Remedy,
    require_aware,
    to_cents,
)

# The policy's numbers (spec sections 2-6); fixed by the policy team, pinned here once.
RETURN_WINDOW_DAYS = 30  # RET-2.1, calendar days
ELECTRONICS_RETURN_WINDOW_DAYS = 15  # RET-2.1, calendar days
EXCLUDED_FROM_CHANGE_OF_MIND = frozenset(
    {Category.GROCERY, Category.UNDERWEAR, Category.DIGITAL, Category.CUSTOM}
)  # RET-2.2 (opened beauty is handled per claim)
RETURN_SHIPPING_FEE = Decimal("5.00")  # RET-2.3
REPORT_WINDOW_DAYS = 15  # DMG-3.1, calendar days
NO_RETURN_LIMIT = Decimal("25.00")  # DMG-3.2: at or below, refund without return
LATE_GRACE = timedelta(days=3)  # INR-4.1, INR-4.3
DELIVERY_SCAN_WAIT = timedelta(hours=48)  # INR-4.2
VOUCHER_RATE = Decimal("0.10")  # INR-4.3
VOUCHER_CAP = Decimal("10.00")  # INR-4.3
AUTO_REFUND_LIMIT = Decimal("100.00")  # REV-6.1: at or below, the bot may act alone
REFUNDS_90D_FOR_REVIEW = 3  # REV-6.2
REFUND_RATE_PERCENT_FOR_REVIEW = 30  # REV-6.2: strictly more than this percentage...
MIN_ORDERS_FOR_RATE = 5  # REV-6.2: ...of at least this many orders

DAMAGE_CLAIMS = frozenset(
    {ClaimType.DAMAGED, ClaimType.DEFECTIVE, ClaimType.WRONG_ITEM, ClaimType.NOT_AS_DESCRIBED}
)
_HUMAN_ROUTES = {
    ClaimType.PAYMENT_PROBLEM: (
        Reason.PAYMENT_PROBLEM,
        "REV-6.3",
        "Payment problems are handled by an agent, who will check the charges on this order.",
    ),
    ClaimType.HUMAN_REQUESTED: (
        Reason.HUMAN_REQUESTED,
        "REV-6.4",
        "An agent will take over this conversation.",
    ),
    ClaimType.DISPUTE: (
        Reason.DISPUTE,
        "REV-6.5",
        "An agent will review the decision; the seller has 48 hours to respond.",
    ),
}
_ZERO = Decimal("0.00")


def check_eligibility(
    order: Order,
    claim: Claim,
    history: BuyerHistory,
    now: datetime,
    *,
    auto_refund_limit: Decimal = AUTO_REFUND_LIMIT,
    voucher_already_given: bool = False,
) -> Eligibility:
    """Decide what the policy grants for `claim` on `order` at `now`, and whether a human must act.

    `auto_refund_limit` is REV-6.1's limit in the order's currency; `voucher_already_given` says
    whether a late-delivery voucher was already issued for this order (INR-4.3, once per order).
    Raises ValueError for a naive `now`, a claim naming a SKU that is not in the order, or an
    order marked delivered without a `delivered_at`.
    """
    require_aware(now, "now")
    if claim.type in _HUMAN_ROUTES:
        return _route_to_human(order, claim.type)
    if claim.type is ClaimType.CANCEL:
        outcome = check_cancellation(order)
    elif claim.type is ClaimType.CHANGE_OF_MIND_RETURN:
        outcome = check_change_of_mind_return(order, claim, now)
    elif claim.type in DAMAGE_CLAIMS:
        outcome = check_damaged_or_wrong(order, claim, now)
    elif claim.type is ClaimType.NOT_RECEIVED:
        outcome = check_not_received(order, now)
    elif claim.type is ClaimType.LATE_DELIVERY:
        outcome = check_late_delivery_voucher(order, voucher_already_given=voucher_already_given)
    else:  # pragma: no cover - guards a ClaimType added without a rule
        raise ValueError(f"no eligibility rule for claim type {claim.type!r}")
    return apply_review(outcome, history, auto_refund_limit=auto_refund_limit)


def review_flags(history: BuyerHistory) -> tuple[Reason, ...]:
    """The REV-6.2 flags a buyer's history raises; any flag sends every eligible case to a human."""
    flags: list[Reason] = []
    if history.refunds_last_90_days >= REFUNDS_90D_FOR_REVIEW:
        flags.append(Reason.REFUND_HISTORY_90D)
    # Integer cross-multiplication: 30% must not drift through float division.
    if (
        history.orders_last_365_days >= MIN_ORDERS_FOR_RATE
        and history.refunded_orders_last_365_days * 100
        > REFUND_RATE_PERCENT_FOR_REVIEW * history.orders_last_365_days
    ):
        flags.append(Reason.REFUND_RATE_365D)
    return tuple(flags)


def apply_review(
    outcome: Eligibility,
    history: BuyerHistory,
    *,
    auto_refund_limit: Decimal = AUTO_REFUND_LIMIT,
) -> Eligibility:
    """Apply section 6.1/6.2 to a section 1-5 outcome: flag it for a human, never change the remedy.

    The remedy and amount stay as computed so the agent sees what the policy grants; only
    `needs_human`, the reasons, the clauses and the explanation change.
    """
    if not isinstance(auto_refund_limit, Decimal):
        raise TypeError(f"auto_refund_limit must be a Decimal, got {auto_refund_limit!r}")
    if not outcome.eligible:
        return outcome
    reasons: list[Reason] = []
    clauses: list[str] = []
    why: list[str] = []
    if outcome.amount > auto_refund_limit:
        reasons.append(Reason.OVER_AUTO_LIMIT)
        clauses.append("REV-6.1")
        why.append(f"the amount is over {_money(to_cents(auto_refund_limit), outcome.currency)}")
    flags = review_flags(history)
    if flags:
        reasons.extend(flags)
        clauses.append("REV-6.2")
        # Neutral wording: the buyer reads this; the agent sees the precise flags in `reasons`.
        why.append("the account is due a routine review")
    if not reasons:
        return outcome
    return replace(
        outcome,
        needs_human=True,
        reasons=_unique(outcome.reasons + tuple(reasons)),
        clauses=_unique(outcome.clauses + tuple(clauses)),
        explanation=f"{outcome.explanation} Because {' and '.join(why)}, "
        "an agent will confirm this before anything is done.",
    )


def check_cancellation(order: Order) -> Eligibility:
    """Section 1: a pending order is cancelled free with a full refund; a shipped one is not."""
    closed = _closed_order(order)
    if closed is not None:
        return closed
    if order.status is OrderStatus.PENDING:
        if order.payment_method is PaymentMethod.COD:
            return _grant(
                order,
                Remedy.CANCEL,
                _ZERO,
                ("CAN-1.1", "CAN-1.3"),
                f"Order {order.order_id} has not shipped yet, so it can be cancelled free of "
                "charge. You paid cash on delivery, so there is nothing to refund.",
                reasons=(Reason.COD_NOTHING_TO_REFUND,),
            )
        amount = order.refundable
        return _grant(
            order,
            Remedy.CANCEL,
            amount,
            ("CAN-1.1", "REF-5.1"),
            f"Order {order.order_id} has not shipped yet, so it can be cancelled free of charge; "
            f"{_money(amount, order.currency)} goes back {_refund_route(order)}.",
        )
    if order.status is OrderStatus.SHIPPED:
        return _refuse(
            order,
            (Reason.SHIPPED_CANNOT_CANCEL,),
            ("CAN-1.2", "RET-2.1"),
            f"Order {order.order_id} has already shipped, so it can no longer be cancelled. You "
            "can refuse the delivery, or return it within "
            f"{_window_days(order)} days after delivery.",
        )
    return _refuse(
        order,
        (Reason.DELIVERED_CANNOT_CANCEL,),
        ("CAN-1.2", "RET-2.1"),
        f"Order {order.order_id} has already been delivered, so it can no longer be cancelled; "
        "you may be able to return it instead.",
    )


def check_change_of_mind_return(order: Order, claim: Claim, now: datetime) -> Eligibility:
    """Section 2: return for change of mind, per item, with the $5 return shipping deducted."""
    require_aware(now, "now")
    closed = _closed_order(order)
    if closed is not None:
        return closed
    delivered_at = _delivered_at(order)
    if delivered_at is None:
        return _not_delivered_yet(order, "RET-2.1", "A return can be arranged once it has arrived.")
    items = _affected_items(order, claim)
    if not items:
        return _already_remedied(order)
    blocked = {item.sku: _return_block(item, claim, delivered_at, now) for item in items}
    unknown = [item for item in items if blocked[item.sku] is Reason.BEAUTY_OPENED_UNKNOWN]
    if unknown:
        return _refuse(
            order,
            (Reason.BEAUTY_OPENED_UNKNOWN,),
            ("RET-2.2",),
            f"Has the {_titles(unknown)} been opened? Beauty items can be returned for a change "
            "of mind only if unopened.",
        )
    returnable = [item for item in items if blocked[item.sku] is None]
    refused = [item for item in items if blocked[item.sku] is not None]
    reasons = _unique(tuple(blocked[item.sku] for item in refused))
    refused_note = " ".join(
        _return_refusal(item, blocked[item.sku], delivered_at) for item in refused
    )
    policy_clauses = ("RET-2.1", "RET-2.2") if _excluded_reason(reasons) else ("RET-2.1",)
    if not returnable:
        return _refuse(order, reasons, policy_clauses, refused_note)
    value = _value(returnable)
    # The flat return shipping comes off the refund once, and a refund is never negative.
    amount = min(max(value - RETURN_SHIPPING_FEE, _ZERO), order.refundable)
    explanation = (
        f"You can return the {_titles(returnable)} unused, with tags and original packaging. "
        f"Once the seller receives it, {_money(amount, order.currency)} "
        f"({_money(value, order.currency)} minus {_money(RETURN_SHIPPING_FEE, order.currency)} "
        f"return shipping) is refunded within 3 business days, {_refund_route(order)}."
    )
    if refused_note:
        explanation = f"{explanation} {refused_note}"
    return _grant(
        order,
        Remedy.RETURN_THEN_REFUND,
        amount,
        (*policy_clauses, "RET-2.3", "RET-2.4", "REF-5.1"),
        explanation,
        reasons=reasons,
        items=returnable,
    )


def check_damaged_or_wrong(order: Order, claim: Claim, now: datetime) -> Eligibility:
    """Section 3: damaged, defective, wrong or not-as-described items, reported with a photo."""
    require_aware(now, "now")
    if claim.type not in DAMAGE_CLAIMS:
        raise ValueError(
            f"check_damaged_or_wrong takes {sorted(DAMAGE_CLAIMS)}, got {claim.type!r}"
        )
    closed = _closed_order(order)
    if closed is not None:
        return closed
    delivered_at = _delivered_at(order)
    if delivered_at is None:
        return _not_delivered_yet(
            order, "DMG-3.1", "If it never arrives, you will be covered for a missing parcel."
        )
    last_day = _last_day(delivered_at, REPORT_WINDOW_DAYS)
    if _days_since(delivered_at, now) > REPORT_WINDOW_DAYS:
        return _refuse(
            order,
            (Reason.REPORT_WINDOW_PASSED,),
            ("DMG-3.1",),
            f"Problems with an item must be reported within 15 days of delivery; for order "
            f"{order.order_id} the last day was {last_day}.",
        )
    if not claim.has_photo:
        return _refuse(
            order,
            (Reason.NO_PHOTO,),
            ("DMG-3.1",),
            f"Please send at least one photo of the problem; you have until {last_day}.",
        )
    items = _affected_items(order, claim)
    if not items:
        return _already_remedied(order)
    # 3.4: exclusions from change-of-mind returns do not limit section 3; cite it so agents see why.
    covered_note = (
        ("DMG-3.4",) if any(_excluded_from_change_of_mind(item, claim) for item in items) else ()
    )
    value = _value(items)
    amount = min(value, order.refundable)
    if value <= NO_RETURN_LIMIT:
        return _grant(
            order,
            Remedy.REFUND,
            amount,
            ("DMG-3.1", "DMG-3.2", *covered_note, "REF-5.1"),
            f"Sorry about the {_titles(items)}. You get a full refund of "
            f"{_money(amount, order.currency)} and do not need to send it back; it goes "
            f"{_refund_route(order)}.",
            items=items,
        )
    if claim.prefers_replacement and claim.seller_has_stock:
        return _grant(
            order,
            Remedy.REPLACEMENT,
            amount,
            ("DMG-3.1", "DMG-3.3", *covered_note),
            f"Sorry about the {_titles(items)}. The seller will send a replacement; please send "
            "the item back with the free prepaid return label.",
            items=items,
        )
    reasons = (Reason.NO_STOCK_FOR_REPLACEMENT,) if claim.prefers_replacement else ()
    stock_note = "The seller has no replacement in stock, so please" if reasons else "Please"
    return _grant(
        order,
        Remedy.RETURN_THEN_REFUND,
        amount,
        ("DMG-3.1", "DMG-3.3", *covered_note, "REF-5.1"),
        f"Sorry about the {_titles(items)}. {stock_note} send it back with the free prepaid "
        f"return label; once it is received, you get a full refund of "
        f"{_money(amount, order.currency)} {_refund_route(order)}.",
        reasons=reasons,
        items=items,
    )


def check_not_received(order: Order, now: datetime) -> Eligibility:
    """Section 4.1/4.2: a late parcel is refunded; a "delivered" one that is missing is checked."""
    require_aware(now, "now")
    closed = _closed_order(order)
    if closed is not None:
        return closed
    delivered_at = _delivered_at(order)
    if delivered_at is not None:
        wait_until = delivered_at + DELIVERY_SCAN_WAIT
        if now <= wait_until:
            return _refuse(
                order,
                (Reason.DELIVERED_SCAN_UNDER_48H,),
                ("INR-4.2",),
                f"The carrier marked order {order.order_id} delivered on {_when(delivered_at)}. "
                "Parcels scanned as delivered often turn up within 48 hours: please check with "
                "neighbours, your building's reception and safe places around your door. If it "
                f"has not turned up by {_when(wait_until)}, tell us and an agent will "
                "investigate.",
                remedy=Remedy.WAIT_AND_CHECK,
            )
        return _refuse(
            order,
            (Reason.DELIVERED_SCAN_OVER_48H_INVESTIGATE,),
            ("INR-4.2",),
            f"The carrier marked order {order.order_id} delivered on {_when(delivered_at)}, more "
            "than 48 hours ago. An agent will investigate with the carrier.",
            needs_human=True,
        )
    if order.promised_delivery_by is None:
        # Without a promised date, 4.1 has no deadline to measure; a person must look.
        return _refuse(
            order,
            (Reason.NOT_DELIVERED_YET,),
            ("INR-4.1",),
            f"Order {order.order_id} has no promised delivery date on record, so an agent will "
            "check where it is.",
            needs_human=True,
        )
    deadline = order.promised_delivery_by + LATE_GRACE
    if now <= deadline:
        return _refuse(
            order,
            (Reason.NOT_YET_LATE,),
            ("INR-4.1",),
            f"Order {order.order_id} is due by {_when(order.promised_delivery_by)}. A full "
            "refund is due once it is more than 3 days late: if it has not arrived by "
            f"{_when(deadline)}, you will get one.",
            remedy=Remedy.WAIT_AND_CHECK,
        )
    if order.payment_method is PaymentMethod.COD:
        return _grant(
            order,
            Remedy.CANCEL,
            _ZERO,
            ("INR-4.1", "CAN-1.3"),
            f"Order {order.order_id} is more than 3 days past its promised delivery date, so it "
            "is cancelled. You pay cash on delivery, so nothing was charged.",
            reasons=(Reason.COD_NOTHING_TO_REFUND,),
        )
    amount = order.refundable
    return _grant(
        order,
        Remedy.REFUND,
        amount,
        ("INR-4.1", "REF-5.1"),
        f"Order {order.order_id} is more than 3 days past its promised delivery date, so you get "
        f"a full refund of {_money(amount, order.currency)} {_refund_route(order)}.",
    )


def check_late_delivery_voucher(
    order: Order, *, voucher_already_given: bool = False
) -> Eligibility:
    """Section 4.3: delivery more than 3 days late earns 10% of the order, at most $10, once."""
    closed = _closed_order(order)
    if closed is not None:
        return closed
    delivered_at = _delivered_at(order)
    if delivered_at is None:
        return _not_delivered_yet(
            order, "INR-4.3", "If it is very late, you may be entitled to a refund instead."
        )
    promised = order.promised_delivery_by
    if promised is None or delivered_at <= promised + LATE_GRACE:
        return _refuse(
            order,
            (Reason.DELIVERED_ON_TIME,),
            ("INR-4.3",),
            f"Order {order.order_id} arrived within 3 days of its promised delivery date, so no "
            "late-delivery voucher applies.",
        )
    if voucher_already_given:
        return _refuse(
            order,
            (Reason.VOUCHER_ALREADY_GIVEN,),
            ("INR-4.3",),
            f"A late-delivery voucher was already issued for order {order.order_id}; it is given "
            "once per order.",
        )
    amount = min(to_cents(order.total * VOUCHER_RATE), VOUCHER_CAP)
    return _grant(
        order,
        Remedy.VOUCHER,
        amount,
        ("INR-4.3",),
        f"Order {order.order_id} arrived more than 3 days late, so you get a voucher of "
        f"{_money(amount, order.currency)} (10% of the order, at most "
        f"{_money(VOUCHER_CAP, order.currency)}).",
        items=[],
    )


# --- helpers -----------------------------------------------------------------------------------


def _grant(
    order: Order,
    remedy: Remedy,
    amount: Decimal,
    clauses: tuple[str, ...],
    explanation: str,
    *,
    reasons: tuple[Reason, ...] = (),
    items: list[OrderItem] | None = None,
) -> Eligibility:
    """An eligible outcome covering ``items`` (None: every item not yet remedied)."""
    if items is None:
        items = [
            replace(item, quantity=order.remaining_quantity(item.sku))
            for item in order.items
            if order.remaining_quantity(item.sku) > 0
        ]
    return Eligibility(
        eligible=True,
        remedy=remedy,
        amount=to_cents(amount),
        currency=order.currency,
        needs_human=False,
        reasons=_unique(reasons),
        clauses=_unique(clauses),
        explanation=explanation,
        items=tuple((item.sku, item.quantity) for item in items),
    )


def _refuse(
    order: Order,
    reasons: tuple[Reason, ...],
    clauses: tuple[str, ...],
    explanation: str,
    *,
    remedy: Remedy = Remedy.NONE,
    needs_human: bool = False,
) -> Eligibility:
    return Eligibility(
        eligible=False,
        remedy=remedy,
        amount=_ZERO,
        currency=order.currency,
        needs_human=needs_human,
        reasons=_unique(reasons),
        clauses=_unique(clauses),
        explanation=explanation,
    )


def _route_to_human(order: Order, claim_type: ClaimType) -> Eligibility:
    reason, clause, explanation = _HUMAN_ROUTES[claim_type]
    return _refuse(order, (reason,), (clause,), explanation, needs_human=True)


def _closed_order(order: Order) -> Eligibility | None:
    """Refuse claims on orders that are already settled, so nothing is paid twice."""
    if order.status is OrderStatus.CANCELLED:
        refunded = (
            f" {_money(to_cents(order.refunded_amount), order.currency)} was refunded "
            f"{_refund_route(order)}."
            if order.refunded_amount > 0
            else ""
        )
        return _refuse(
            order,
            (Reason.ALREADY_CANCELLED,),
            ("CAN-1.1",),
            f"Order {order.order_id} was already cancelled, so there is nothing more to do on "
            f"it.{refunded}",
        )
    if order.status is OrderStatus.REFUNDED or (
        order.refunded_amount > 0 and order.refundable == 0
    ):
        return _refuse(
            order,
            (Reason.ALREADY_REFUNDED,),
            ("REF-5.1", "REF-5.2"),
            f"Order {order.order_id} was already refunded "
            f"({_money(to_cents(order.refunded_amount), order.currency)}); you can ask for the "
            "status of that refund at any time.",
        )
    return None


def _delivered_at(order: Order) -> datetime | None:
    """The delivery time if the order counts as delivered; the status decides, the scan dates it."""
    if order.status is not OrderStatus.DELIVERED:
        return None
    if order.delivered_at is None:
        raise ValueError(f"order {order.order_id} is delivered but has no delivered_at")
    return order.delivered_at


def _not_delivered_yet(order: Order, clause: str, hint: str) -> Eligibility:
    return _refuse(
        order,
        (Reason.NOT_DELIVERED_YET,),
        (clause,),
        f"Order {order.order_id} has not been delivered yet. {hint}",
    )


def _affected_items(order: Order, claim: Claim) -> list[OrderItem]:
    """The items the claim is about, each with the quantity no earlier remedy has covered
    (the ledger's, in `Order.remedied`); items already fully remedied are left out, so the same
    item is never refunded, returned or replaced twice."""
    by_sku = {item.sku: item for item in order.items}
    missing = [sku for sku in claim.skus if sku not in by_sku]
    if missing:
        raise ValueError(
            f"claim names SKU(s) {', '.join(missing)} not in order {order.order_id}; "
            f"its SKUs are {', '.join(by_sku)}"
        )
    named = [by_sku[sku] for sku in dict.fromkeys(claim.skus)] if claim.skus else order.items
    affected = []
    for item in named:
        left = order.remaining_quantity(item.sku)
        if left == item.quantity:
            affected.append(item)
        elif left > 0:
            affected.append(replace(item, quantity=left))
    return affected


def _already_remedied(order: Order) -> Eligibility:
    return _refuse(
        order,
        (Reason.ALREADY_REMEDIED,),
        ("REF-5.2",),
        f"The item(s) you mean on order {order.order_id} were already refunded, returned or "
        "replaced, so there is nothing more to settle on them; you can ask where that refund "
        "stands at any time.",
    )


def _excluded_from_change_of_mind(item: OrderItem, claim: Claim) -> bool:
    return item.category in EXCLUDED_FROM_CHANGE_OF_MIND or (
        item.category is Category.BEAUTY and claim.opened is not False
    )


def _return_window_days(item: OrderItem) -> int:
    if item.category is Category.ELECTRONICS:
        return ELECTRONICS_RETURN_WINDOW_DAYS
    return RETURN_WINDOW_DAYS


def _return_block(
    item: OrderItem, claim: Claim, delivered_at: datetime, now: datetime
) -> Reason | None:
    """Why this item cannot be returned for change of mind, or None if it can."""
    # A category exclusion is permanent, so it is the more useful reason to give first.
    if item.category in EXCLUDED_FROM_CHANGE_OF_MIND:
        return Reason.EXCLUDED_CATEGORY
    if item.category is Category.BEAUTY and claim.opened:
        return Reason.OPENED_BEAUTY
    if _days_since(delivered_at, now) > _return_window_days(item):
        return Reason.OUTSIDE_RETURN_WINDOW
    if item.category is Category.BEAUTY and claim.opened is None:
        return Reason.BEAUTY_OPENED_UNKNOWN
    return None


def _return_refusal(item: OrderItem, reason: Reason | None, delivered_at: datetime) -> str:
    if reason is Reason.OUTSIDE_RETURN_WINDOW:
        days = _return_window_days(item)
        return (
            f"The {item.title} cannot be returned for a change of mind: its {days}-day return "
            f"window ended on {_last_day(delivered_at, days)}."
        )
    if reason is Reason.OPENED_BEAUTY:
        return f"The {item.title} cannot be returned for a change of mind because it was opened."
    return (
        f"The {item.title} cannot be returned for a change of mind ({item.category} items are "
        "excluded), though it is covered if it arrived damaged or faulty."
    )


def _excluded_reason(reasons: tuple[Reason, ...]) -> bool:
    return Reason.EXCLUDED_CATEGORY in reasons or Reason.OPENED_BEAUTY in reasons


def _value(items: list[OrderItem]) -> Decimal:
    return to_cents(sum((item.subtotal for item in items), Decimal("0")))


def _titles(items: list[OrderItem]) -> str:
    titles = [item.title for item in items]
    return titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + " and " + titles[-1]


def _window_days(order: Order) -> int:
    """The order's change-of-mind return window in days (RET-2.1): its shortest item's."""
    return min(_return_window_days(item) for item in order.items)


def _refund_route(order: Order) -> str:
    """Where a refund goes and how long it takes (REF-5.1)."""
    if order.payment_method is PaymentMethod.CARD:
        return "to your card (it takes 5-10 business days to appear)"
    if order.payment_method is PaymentMethod.WALLET:
        return "to your wallet (instantly)"
    return "to your wallet, since you paid cash on delivery (instantly)"


def _money(amount: Decimal, currency: str) -> str:
    return f"${amount}" if currency == "USD" else f"{currency} {amount}"


def _days_since(start: datetime, now: datetime) -> int:
    """Calendar days from `start`'s date to `now`'s date in `start`'s timezone (same day: 0)."""
    return (now.astimezone(start.tzinfo).date() - start.date()).days


def _last_day(start: datetime, days: int) -> str:
    """The last calendar day of a window of `days` days after `start`, for buyers to read."""
    last = start.date() + timedelta(days=days)
    return f"{last.day} {last:%b %Y} ({start.tzname() or 'local time'})"


def _when(moment: datetime) -> str:
    return f"{moment.day} {moment:%b %Y, %H:%M} {moment.tzname() or ''}".rstrip()


def _unique(values: tuple) -> tuple:
    """Drop repeats, keep first-seen order (clauses read in the order they apply)."""
    return tuple(dict.fromkeys(values))


__all__ = [
    "AUTO_REFUND_LIMIT",
    "apply_review",
    "check_cancellation",
    "check_change_of_mind_return",
    "check_damaged_or_wrong",
    "check_eligibility",
    "check_late_delivery_voucher",
    "check_not_received",
    "review_flags",
]
