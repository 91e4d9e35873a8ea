"""`check_eligibility`: one claim through the policy, from the claim type to the section 6 limits.

Payment problems, requests for a person and disputes go straight to a human (REV-6.3..6.5); every
other claim goes to its family's rule (sections 1-4), whose outcome then meets the automation
limits of section 6 (`apply_review`).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from policies.phrases import phrase
from policies.rules.cancellation import check_cancellation
from policies.rules.damage import check_damaged_or_wrong
from policies.rules.delivery import check_late_delivery_voucher, check_not_received
from policies.rules.limits import AUTO_REFUND_LIMIT, DAMAGE_CLAIMS
from policies.rules.outcomes import refuse
from policies.rules.returns import check_change_of_mind_return
from policies.rules.review import apply_review
from policies.types import BuyerHistory, Claim, ClaimType, Eligibility, Order, Reason, require_aware

_HUMAN_ROUTES = {
    ClaimType.PAYMENT_PROBLEM: (
        Reason.PAYMENT_PROBLEM,
        "REV-6.3",
        "human_payment",
    ),
    ClaimType.HUMAN_REQUESTED: (
        Reason.HUMAN_REQUESTED,
        "REV-6.4",
        "human_requested",
    ),
    ClaimType.DISPUTE: (
        Reason.DISPUTE,
        "REV-6.5",
        "human_dispute",
    ),
}


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
        reason, clause, said = _HUMAN_ROUTES[claim.type]
        return refuse(order, (reason,), (clause,), phrase(said), needs_human=True)
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
