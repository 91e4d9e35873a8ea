"""One case's risk features from the store, for the dialogue's router and the agent console.

Both read the buyer the same way (`buyer_record_in`: their orders as the transaction sees them,
the REV-6.2 history counted from those orders, the account's start by
`policies.features.account_created_at`) and build the features with one function
(`risk_features_in` over `policies.features.case_features`), so the score an agent sees and
explains is the score the router computes for the same case at the same time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.store import cases as case_store
from bot.store.orders import buyer_orders_in
from policies.features import account_created_at, case_features, smoothed_defect_rate
from policies.rules import DAMAGE_CLAIMS
from policies.types import BuyerHistory, Claim, Order

# The case intents that count as the seller's damage-family claims (its defect rate).
DAMAGE_INTENTS = frozenset({"damaged_item", "wrong_item"} | {t.value for t in DAMAGE_CLAIMS})

_DAY = 86_400


@dataclass(frozen=True)
class BuyerRecord:
    """What the risk features and the rules know of a buyer at `now`."""

    orders: list[Order]  # newest first
    history: BuyerHistory
    account_created_at: datetime
    now: datetime

    @property
    def account_age_days(self) -> float:
        return (self.now - self.account_created_at).total_seconds() / _DAY


def buyer_record(
    session: Session, buyer_id: str, orders: list[Order], now: datetime
) -> BuyerRecord:
    """The record from orders already read in this transaction (`buyer_orders_in`)."""
    known = case_store.buyer_since_in(session, buyer_id)
    return BuyerRecord(
        orders=orders,
        history=BuyerHistory.from_orders(orders, now),
        account_created_at=account_created_at(known, orders, now),
        now=now,
    )


def buyer_record_in(session: Session, buyer_id: str, now: datetime) -> BuyerRecord:
    """The buyer's orders, history and account start as this transaction sees them now."""
    return buyer_record(session, buyer_id, buyer_orders_in(session, buyer_id), now)


def seller_defect_rate_in(
    session: Session, seller_id: str, *, except_order: str | None = None
) -> float:
    """The seller's smoothed defect rate; ``except_order``'s own cases not counted."""
    claims, deliveries = case_store.seller_claim_counts_in(
        session, seller_id, set(DAMAGE_INTENTS), except_order=except_order
    )
    return smoothed_defect_rate(claims, deliveries)


def risk_features_in(
    session: Session, order: Order, claim: Claim, buyer: BuyerRecord
) -> dict[str, object]:
    """The risk model's features of a claim on `order` by the buyer of `buyer`, at `buyer.now`."""
    return case_features(
        order,
        claim,
        buyer.history,
        buyer.now,
        account_created_at=buyer.account_created_at,
        seller_defect_rate=seller_defect_rate_in(
            session, order.seller_id, except_order=order.order_id
        ),
    )


__all__ = [
    "DAMAGE_INTENTS",
    "BuyerRecord",
    "buyer_record",
    "buyer_record_in",
    "risk_features_in",
    "seller_defect_rate_in",
]
