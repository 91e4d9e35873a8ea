"""What the assistant knows about one case, as typed values, and the text that describes it.

`CaseFacts` is built from the store for a live case (`bot.agent.service`) and from the
synthetic world for past resolutions and the evaluation (`lab.assist.corpus`); both go through
`situation_text`, so a live case and a past one are embedded from the same wording.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from policies.rules import check_eligibility
from policies.types import BuyerHistory, Claim, ClaimType, Eligibility, Order, Remedy

# The contract's money-moving action types, and what an agent may decide without moving money.
MONEY_ACTIONS = ("cancel", "refund", "return", "replacement", "voucher")
DECISIONS = (*MONEY_ACTIONS, "deny", "request_evidence", "investigate")

ACTION_OF_REMEDY = {
    Remedy.CANCEL: "cancel",
    Remedy.REFUND: "refund",
    Remedy.RETURN_THEN_REFUND: "return",
    Remedy.REPLACEMENT: "replacement",
    Remedy.VOUCHER: "voucher",
}
# Claim types an agent settles by looking into it (charges, a dispute, a plain request).
INVESTIGATED = frozenset({ClaimType.PAYMENT_PROBLEM, ClaimType.HUMAN_REQUESTED, ClaimType.DISPUTE})

# The clause an agent cites for a claim when the rules name none.
DEFAULT_CLAUSE = {
    ClaimType.CANCEL: "CAN-1.1",
    ClaimType.CHANGE_OF_MIND_RETURN: "RET-2.1",
    ClaimType.DAMAGED: "DMG-3.1",
    ClaimType.DEFECTIVE: "DMG-3.1",
    ClaimType.WRONG_ITEM: "DMG-3.1",
    ClaimType.NOT_AS_DESCRIBED: "DMG-3.1",
    ClaimType.NOT_RECEIVED: "INR-4.1",
    ClaimType.LATE_DELIVERY: "INR-4.3",
    ClaimType.PAYMENT_PROBLEM: "REV-6.3",
    ClaimType.HUMAN_REQUESTED: "REV-6.4",
    ClaimType.DISPUTE: "REV-6.5",
}


@dataclass(frozen=True)
class CaseFacts:
    """One case as the assistant sees it. `eligibility` is None when there is no order or claim."""

    intent: str
    claim: Claim | None
    order: Order | None
    history: BuyerHistory | None
    now: datetime
    eligibility: Eligibility | None
    account_age_days: float | None = None

    @property
    def claim_type(self) -> ClaimType | None:
        return self.claim.type if self.claim is not None else None

    @property
    def currency(self) -> str:
        return self.order.currency if self.order is not None else "USD"

    @property
    def days_since_delivery(self) -> int | None:
        if self.order is None or self.order.delivered_at is None:
            return None
        if self.order.delivered_at > self.now:
            return None
        return (self.now.date() - self.order.delivered_at.astimezone(self.now.tzinfo).date()).days

    @property
    def policy_action(self) -> str | None:
        """The contract action the rules grant, if any."""
        e = self.eligibility
        if e is None or not e.eligible:
            return None
        return ACTION_OF_REMEDY.get(e.remedy)

    @property
    def clauses(self) -> tuple[str, ...]:
        if self.eligibility is not None and self.eligibility.clauses:
            return self.eligibility.clauses
        if self.claim_type is not None:
            return (DEFAULT_CLAUSE[self.claim_type],)
        return ()


def evaluate_facts(
    intent: str,
    claim: Claim | None,
    order: Order | None,
    history: BuyerHistory | None,
    now: datetime,
    *,
    voucher_already_given: bool = False,
    account_age_days: float | None = None,
) -> CaseFacts:
    """Facts with the eligibility the rules give now (None without an order or a claim)."""
    eligibility = None
    if order is not None and claim is not None:
        eligibility = check_eligibility(
            order,
            claim,
            history or BuyerHistory(0, 0, 0),
            now,
            voucher_already_given=voucher_already_given,
        )
    return CaseFacts(intent, claim, order, history, now, eligibility, account_age_days)


def money(amount: Decimal | float | str, currency: str) -> str:
    value = Decimal(str(amount)).quantize(Decimal("0.01"))
    return f"${value}" if currency == "USD" else f"{currency} {value}"


def _age_words(days: float | None) -> str:
    if days is None:
        return "account age unknown"
    if days < 30:
        return "a brand-new account"
    if days < 180:
        return "an account of a few months"
    if days < 365:
        return "an account under a year old"
    if days < 3 * 365:
        return "an account of one to three years"
    return "a long-standing account"


def situation_text(facts: CaseFacts) -> str:
    """A plain description of the case for embedding: the claim, the order, what the rules say,
    and the buyer's record (the things an agent weighs)."""
    parts: list[str] = []
    claim = facts.claim_type.value.replace("_", " ") if facts.claim_type else facts.intent
    order = facts.order
    if order is not None:
        category = max(order.items, key=lambda item: item.subtotal).category.value
        parts.append(
            f"{claim} claim on a {category} order worth {money(order.total, order.currency)}"
        )
        days = facts.days_since_delivery
        parts.append(
            f"delivered {days} days ago" if days is not None else f"order {order.status.value}"
        )
        if facts.claim is not None:
            parts.append("with a photo" if facts.claim.has_photo else "no photo")
    else:
        parts.append(f"{claim} request without an order")
    e = facts.eligibility
    if e is not None:
        verdict = "eligible" if e.eligible else "not eligible"
        reasons = ", ".join(r.value.replace("_", " ") for r in e.reasons) or "no flags"
        parts.append(
            f"policy: {verdict} for {e.remedy.value.replace('_', ' ')} of "
            f"{money(e.amount, e.currency)} ({reasons})"
        )
    h = facts.history
    if h is not None:
        parts.append(
            f"buyer: {h.refunds_last_90_days} refunds in 90 days, refunds on "
            f"{h.refunded_orders_last_365_days} of {h.orders_last_365_days} orders this year, "
            f"{_age_words(facts.account_age_days)}"
        )
    return "; ".join(parts) + "."
