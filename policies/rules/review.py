"""Section 6.1/6.2 of the spec: the limits on what the bot may grant without a person.

The $100 automation limit (REV-6.1) and the review flags (REV-6.2) apply to every eligible
outcome, including cancellations and replacements: a replacement moves the seller's goods worth
`amount`, which carries the same risk as a refund of that amount.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from policies.phrases import phrase
from policies.rules.limits import (
    AUTO_REFUND_LIMIT,
    MIN_ORDERS_FOR_RATE,
    REFUND_RATE_PERCENT_FOR_REVIEW,
    REFUNDS_90D_FOR_REVIEW,
)
from policies.rules.outcomes import unique
from policies.rules.wording import money
from policies.types import BuyerHistory, Eligibility, Reason, to_cents


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
    why: list = []
    if outcome.amount > auto_refund_limit:
        reasons.append(Reason.OVER_AUTO_LIMIT)
        clauses.append("REV-6.1")
        limit = money(to_cents(auto_refund_limit), outcome.currency)
        why.append(phrase("review_over_limit", limit=limit))
    flags = review_flags(history)
    if flags:
        reasons.extend(flags)
        clauses.append("REV-6.2")
        # Neutral wording: the buyer reads this; the agent sees the precise flags in `reasons`.
        why.append(phrase("review_routine"))
    if not reasons:
        return outcome
    because = why[0] if len(why) == 1 else phrase("and", first=why[0], second=why[1])
    said = phrase("review", explanation=outcome.wording or outcome.explanation, why=because)
    return replace(
        outcome,
        needs_human=True,
        reasons=unique(outcome.reasons + tuple(reasons)),
        clauses=unique(outcome.clauses + tuple(clauses)),
        explanation=str(said),
        wording=said if outcome.wording is not None else None,
    )
