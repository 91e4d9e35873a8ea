"""The policy's numbers (docs/policy-spec.md sections 2-6), fixed by the policy team: pinned once.

The knowledge base in data/policies/ states the same numbers to buyers; change both together.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from policies.types import Category, ClaimType

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
VOUCHER_VALID_DAYS = 30  # INR-4.6 (any seller, no minimum spend): said with the voucher offered
AUTO_REFUND_LIMIT = Decimal("100.00")  # REV-6.1: at or below, the bot may act alone
REFUNDS_90D_FOR_REVIEW = 3  # REV-6.2
REFUND_RATE_PERCENT_FOR_REVIEW = 30  # REV-6.2: strictly more than this percentage...
MIN_ORDERS_FOR_RATE = 5  # REV-6.2: ...of at least this many orders

# Section 3's claim family: one rule covers them all, so callers test membership, not types.
DAMAGE_CLAIMS = frozenset(
    {ClaimType.DAMAGED, ClaimType.DEFECTIVE, ClaimType.WRONG_ITEM, ClaimType.NOT_AS_DESCRIBED}
)
