"""Section 3 of the spec: damaged, defective, wrong or not-as-described items.

The affected items' value decides between DMG-3.2 and DMG-3.3; at or below $25 the refund is
given even if the buyer would rather have a replacement (3.2 offers no replacement; the
knowledge base's DMG-3.6 says so, and the refund's explanation says why to a buyer who asked).
"""

from __future__ import annotations

from datetime import datetime

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
from policies.types import Claim, Eligibility, Order, Reason, Remedy, require_aware


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
        return not_delivered_yet(
            order, "DMG-3.1", "If it never arrives, you will be covered for a missing parcel."
        )
    last = last_day(delivered, REPORT_WINDOW_DAYS)
    if days_since(delivered, now) > REPORT_WINDOW_DAYS:
        return refuse(
            order,
            (Reason.REPORT_WINDOW_PASSED,),
            ("DMG-3.1",),
            f"Problems with an item must be reported within 15 days of delivery; for order "
            f"{order.order_id} the last day was {last}.",
        )
    if not claim.has_photo:
        return refuse(
            order,
            (Reason.NO_PHOTO,),
            ("DMG-3.1",),
            f"Please send at least one photo of the problem; you have until {last}.",
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
        why = (
            "A replacement is only sent for items worth more than "
            f"{money(NO_RETURN_LIMIT, order.currency)}; this one is refunded instead, and you "
            "can order it again if you still want it. "
            if instead
            else ""
        )
        return grant(
            order,
            Remedy.REFUND,
            amount,
            ("DMG-3.1", "DMG-3.2", *instead, *covered_note, *refund_clauses(order)),
            f"Sorry about the {titles(items)}. {why}You get a full refund of "
            f"{money(amount, order.currency)} and do not need to send it back; it goes "
            f"{refund_route(order)}.",
            items=items,
        )
    if claim.prefers_replacement and claim.seller_has_stock:
        return grant(
            order,
            Remedy.REPLACEMENT,
            amount,
            # DMG-3.6: the replacement the buyer asked for instead of a refund.
            ("DMG-3.1", "DMG-3.3", "DMG-3.6", *covered_note),
            f"Sorry about the {titles(items)}. The seller will send a replacement; please send "
            "the item back with the free prepaid return label.",
            items=items,
        )
    reasons = (Reason.NO_STOCK_FOR_REPLACEMENT,) if claim.prefers_replacement else ()
    stock_note = "The seller has no replacement in stock, so please" if reasons else "Please"
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
        f"Sorry about the {titles(items)}. {stock_note} send it back with the free prepaid "
        f"return label; once it is received, you get a full refund of "
        f"{money(amount, order.currency)} {refund_route(order)}.",
        reasons=reasons,
        items=items,
    )
