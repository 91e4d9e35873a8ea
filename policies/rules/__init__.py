"""Eligibility rules: the after-sales policy (docs/policy-spec.md) as pure functions.

`check_eligibility` is the entry point. Each claim family's function can also be called on its
own; those return the policy outcome only, before the section 6 limits (`apply_review`).

One module per responsibility; each says the choices it makes where the spec leaves room (the
knowledge-base clauses should say the same):

- `eligibility`: the dispatch by claim type and the always-human claims (REV-6.3..6.5).
- `cancellation`, `returns`, `damage`, `delivery`: sections 1, 2, 3 and 4, one per family.
- `review`: the automation limit and the review flags (REV-6.1, 6.2).
- `limits`: the policy's numbers; `windows`: delivery and calendar-day windows; `amounts`: which
  items a claim covers and their value; `outcomes`: building outcomes and the shared refusals;
  `wording`: how explanations name money, refund routes, items and dates.

This package re-exports only what code outside it imports.
"""

from policies.rules.cancellation import check_cancellation
from policies.rules.damage import check_damaged_or_wrong
from policies.rules.delivery import check_late_delivery_voucher, check_not_received
from policies.rules.eligibility import check_eligibility
from policies.rules.limits import (
    AUTO_REFUND_LIMIT,
    DAMAGE_CLAIMS,
    ELECTRONICS_RETURN_WINDOW_DAYS,
    LATE_GRACE,
    NO_RETURN_LIMIT,
    REPORT_WINDOW_DAYS,
    RETURN_WINDOW_DAYS,
    VOUCHER_CAP,
    VOUCHER_RATE,
)
from policies.rules.returns import check_change_of_mind_return
from policies.rules.review import apply_review, review_flags
from policies.rules.windows import came_late, overdue

__all__ = [
    "AUTO_REFUND_LIMIT",
    "DAMAGE_CLAIMS",
    "ELECTRONICS_RETURN_WINDOW_DAYS",
    "LATE_GRACE",
    "NO_RETURN_LIMIT",
    "REPORT_WINDOW_DAYS",
    "RETURN_WINDOW_DAYS",
    "VOUCHER_CAP",
    "VOUCHER_RATE",
    "apply_review",
    "came_late",
    "check_cancellation",
    "check_change_of_mind_return",
    "check_damaged_or_wrong",
    "check_eligibility",
    "check_late_delivery_voucher",
    "check_not_received",
    "overdue",
    "review_flags",
]
