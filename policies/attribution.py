"""Who is responsible for a claim (spec section 7, RESP-7.1..7.4), with the facts that say so.

Judgement calls, stated here and in the knowledge base:

- The carrier is responsible (RESP-7.2) only for a shipment handed over on time, which we take to
  mean shipped within the 3-day handling time of `placed_at` (exactly 3 days is on time) *and*
  with a tracking number: without one, nothing shows the carrier ever had the parcel, so the
  seller answers for it (RESP-7.1).
- "damaged" means damaged in transit: carrier if handed over on time, otherwise seller. "defective",
  "wrong_item" and "not_as_described" are the seller's whatever the shipping (RESP-7.1).
- A parcel scanned "delivered" that the buyer cannot find is provisionally the carrier's (its scan
  is the disputed fact); an agent investigates under INR-4.2 and may find a false claim, which
  makes it the buyer's (RESP-7.3). Proving a claim false is for a person, never for these rules.
- A cancellation is the buyer's choice (RESP-7.3) unless the seller let the order sit unshipped
  past the handling time (RESP-7.1).
- Disputes and requests for a person carry no fault by themselves: `party` is None and an agent
  decides.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import Enum

from policies.types import (
    Attribution,
    Claim,
    ClaimType,
    Order,
    OrderStatus,
    Party,
    require_aware,
)

HANDLING_TIME = timedelta(days=3)  # RESP-7.1: seller ships within 3 days of the order

_SELLER_FAULTS = {
    ClaimType.DEFECTIVE: "item reported defective",
    ClaimType.WRONG_ITEM: "wrong item reported",
    ClaimType.NOT_AS_DESCRIBED: "item reported not as described",
}


def attribute(order: Order, claim: Claim, now: datetime) -> Attribution:
    """Decide which party is responsible for `claim` on `order` at `now` (spec section 7).

    Raises ValueError for a naive `now`.
    """
    require_aware(now, "now")
    kind = claim.type
    if kind is ClaimType.PAYMENT_PROBLEM:
        return Attribution(
            Party.PLATFORM,
            ("RESP-7.4",),
            (
                f"payment problem reported on order {order.order_id}",
                f"paid by {order.payment_method}",
            ),
        )
    if kind in (ClaimType.HUMAN_REQUESTED, ClaimType.DISPUTE):
        label = "dispute opened" if kind is ClaimType.DISPUTE else "buyer asked for a person"
        return Attribution(None, (), (f"{label}: an agent decides who is responsible",))
    if kind is ClaimType.CHANGE_OF_MIND_RETURN:
        return Attribution(
            Party.BUYER,
            ("RESP-7.3",),
            ("buyer changed their mind; the buyer pays return shipping",),
        )
    if kind in _SELLER_FAULTS:
        return Attribution(Party.SELLER, ("RESP-7.1",), (_SELLER_FAULTS[kind],))

    handover, handover_fact = _handover(order, now)
    if kind is ClaimType.CANCEL:
        if order.status is OrderStatus.PENDING and handover is _Handover.LATE:
            return Attribution(Party.SELLER, ("RESP-7.1",), (handover_fact,))
        return Attribution(Party.BUYER, ("RESP-7.3",), ("buyer chose to cancel", handover_fact))

    if kind is ClaimType.DAMAGED:
        facts = ("item reported damaged in transit", handover_fact)
    elif kind is ClaimType.NOT_RECEIVED:
        facts = (_delivery_fact(order, missing=True), handover_fact)
    elif kind is ClaimType.LATE_DELIVERY:
        facts = (_delivery_fact(order, missing=False), handover_fact)
    else:  # pragma: no cover - guards a ClaimType added without a rule
        raise ValueError(f"no attribution rule for claim type {kind!r}")
    if handover is _Handover.ON_TIME:
        return Attribution(Party.CARRIER, ("RESP-7.2",), facts)
    return Attribution(Party.SELLER, ("RESP-7.1",), facts)


class _Handover(Enum):
    ON_TIME = "on_time"  # shipped within the handling time, with a tracking number
    UNPROVEN = "unproven"  # shipped within the handling time, but no tracking number
    NOT_YET_DUE = "not_yet_due"  # not shipped, still within the handling time
    LATE = "late"  # shipped late, still unshipped after the handling time, or no ship date


def handover_missed(order: Order, now: datetime) -> bool:
    """Not shipped yet and past the seller's handling time (RESP-7.1; INR-4.5 tells buyers)."""
    return order.shipped_at is None and now - order.placed_at > HANDLING_TIME


def _handover(order: Order, now: datetime) -> tuple[_Handover, str]:
    """How the parcel reached the carrier, with the fact that says so."""
    limit = f"(handling time {_span(HANDLING_TIME)})"
    if order.shipped_at is None:
        if order.status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED):
            return _Handover.LATE, f"order is {order.status} but no shipment date is recorded"
        waited = now - order.placed_at
        if handover_missed(order, now):
            return _Handover.LATE, f"not shipped {_span(waited)} after order {limit}"
        return _Handover.NOT_YET_DUE, f"not shipped yet, {_span(waited)} after order {limit}"
    delay = order.shipped_at - order.placed_at
    if delay > HANDLING_TIME:
        return _Handover.LATE, f"shipped {_span(delay)} after order {limit}"
    if not order.tracking_number:
        return _Handover.UNPROVEN, (
            f"shipped {_span(delay)} after order {limit} but without a tracking number, "
            "so the handover to the carrier is unproven"
        )
    carrier = order.carrier or "the carrier"
    return _Handover.ON_TIME, (
        f"handed to {carrier} (tracking {order.tracking_number}) {_span(delay)} after order {limit}"
    )


def _delivery_fact(order: Order, *, missing: bool) -> str:
    if order.delivered_at is not None:
        scanned = f"carrier scanned it delivered at {order.delivered_at.isoformat()}"
        if missing:
            return f"{scanned} but the buyer says it did not arrive"
        if order.promised_delivery_by is not None:
            lateness = order.delivered_at - order.promised_delivery_by
            if lateness > timedelta(0):
                return f"delivered {_span(lateness)} after the promised date"
            return "delivered by the promised date"
        return scanned
    if order.promised_delivery_by is not None:
        return f"not delivered; promised by {order.promised_delivery_by.isoformat()}"
    return "not delivered; no promised delivery date recorded"


def _span(delta: timedelta) -> str:
    """A duration in words, to the minute: "4 days", "3 days 1 minute", "1 day 23 hours"."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [
        f"{count} {unit}{'' if count == 1 else 's'}"
        for count, unit in ((days, "day"), (hours, "hour"), (mins, "minute"))
        if count
    ]
    return " ".join(parts) or "0 minutes"


# Attribution and Party live in policies.types; re-exported so callers need one import.
__all__ = ["HANDLING_TIME", "Attribution", "Party", "attribute", "handover_missed"]
