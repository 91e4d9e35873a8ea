"""Section 3 of the spec: damaged, defective, wrong or not-as-described items.

The affected items' value decides between DMG-3.2 and DMG-3.3; at or below $25 the refund is
given even if the buyer would rather have a replacement (3.2 offers no replacement; the
knowledge base's DMG-3.6 says so, and the refund's explanation says why to a buyer who asked).
"""

from __future__ import annotations

from datetime import datetime

from policies.phrases import phrase
from policies.rules.amounts import affected_items, items_value
from policies.rules.limits import DAMAGE_CLAIMS, NO_RETURN_LIMIT, REPORT_WINDOW_DAYS
from policies.rules.outcomes import (
    already_remedied,
    closed_order,
    grant,
    not_delivered_yet,
    refuse,
)
from policies.rules.returns import excluded_from_change_of_mind
from policies.rules.windows import days_since, delivered_at
from policies.rules.wording import last_day, money, refund_clauses, refund_route, titles
from policies.types import Claim, ClaimType, Eligibility, Order, Reason, Remedy, require_aware


def check_damaged_or_wrong(order: Order, claim: Claim, now: datetime) -> Eligibility:
    """Section 3: damaged, defective, wrong or not-as-described items, reported with a photo."""
    require_aware(now, "now")
    if claim.type not in DAMAGE_CLAIMS:
        raise ValueError(
            f"check_damaged_or_wrong takes {sorted(DAMAGE_CLAIMS)}, got {claim.type!r}"
        )
    closed = closed_order(order)
    if closed is not None:
        return closed
    delivered = delivered_at(order)
    if delivered is None:
        return not_delivered_yet(order, "DMG-3.1", "hint_missing_parcel")
    last = last_day(delivered, REPORT_WINDOW_DAYS)
    if days_since(delivered, now) > REPORT_WINDOW_DAYS:
        # A fault found late ("worked for three weeks and now it won't charge") may still be
        # the manufacturer's or seller's to fix under a warranty (DMG-3.8); a wrong item not.
        fault = claim.type in (ClaimType.DAMAGED, ClaimType.DEFECTIVE)
        return refuse(
            order,
            (Reason.REPORT_WINDOW_PASSED,),
            ("DMG-3.1", "DMG-3.8") if fault else ("DMG-3.1",),
            phrase(
                "report_window_passed_fault" if fault else "report_window_passed",
                order_id=order.order_id,
                last_day=last,
            ),
        )
    if not claim.has_photo:
        return refuse(
            order,
            (Reason.NO_PHOTO,),
            ("DMG-3.1",),
            phrase("photo_needed", last_day=last),
        )
    items = affected_items(order, claim)
    if not items:
        return already_remedied(order)
    # 3.4: exclusions from change-of-mind returns do not limit section 3; cite it so agents see why.
    covered_note = (
        ("DMG-3.4",) if any(excluded_from_change_of_mind(item, claim) for item in items) else ()
    )
    value = items_value(items)
    amount = min(value, order.refundable)
    if value <= NO_RETURN_LIMIT:
        # A replacement asked for: why it is a refund (DMG-3.6), rather than a silent refund.
        instead = ("DMG-3.6",) if claim.prefers_replacement else ()
        refund = {
            "titles": titles(items),
            "amount": money(amount, order.currency),
            "route": refund_route(order),
        }
        said = (
            phrase(
                "damage_refund_not_replaced",
                limit=money(NO_RETURN_LIMIT, order.currency),
                **refund,
            )
            if instead
            else phrase("damage_refund", **refund)
        )
        return grant(
            order,
            Remedy.REFUND,
            amount,
            ("DMG-3.1", "DMG-3.2", *instead, *covered_note, *refund_clauses(order)),
            said,
            items=items,
        )
    if claim.prefers_replacement and claim.seller_has_stock:
        return grant(
            order,
            Remedy.REPLACEMENT,
            amount,
            # DMG-3.6: the replacement the buyer asked for instead of a refund.
            ("DMG-3.1", "DMG-3.3", "DMG-3.6", *covered_note),
            phrase("damage_replacement", titles=titles(items)),
            items=items,
        )
    reasons = (Reason.NO_STOCK_FOR_REPLACEMENT,) if claim.prefers_replacement else ()
    return grant(
        order,
        Remedy.RETURN_THEN_REFUND,
        amount,
        # DMG-3.6 also says why a replacement asked for becomes a refund: no stock.
        (
            "DMG-3.1",
            "DMG-3.3",
            *(("DMG-3.6",) if reasons else ()),
            *covered_note,
            *refund_clauses(order),
        ),
        phrase(
            "damage_return_no_stock" if reasons else "damage_return",
            titles=titles(items),
            amount=money(amount, order.currency),
            route=refund_route(order),
        ),
        reasons=reasons,
        items=items,
    )
