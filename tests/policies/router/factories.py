"""Cases, orders and a fake risk model for the router tests: a $20 damaged lamp, 2 days on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd

from policies.features import case_features
from policies.router import RoutingCase
from policies.types import (
    BuyerHistory,
    Category,
    Claim,
    ClaimType,
    Order,
    OrderItem,
    OrderStatus,
)

PLACED = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
DELIVERED = PLACED + timedelta(days=4)
NOW = DELIVERED + timedelta(days=2)
CLEAN = BuyerHistory(
    refunds_last_90_days=0, orders_last_365_days=4, refunded_orders_last_365_days=0
)
FLAGGED = BuyerHistory(
    refunds_last_90_days=3, orders_last_365_days=10, refunded_orders_last_365_days=3
)


class FakeRisk:
    """Returns one fixed P(abusive) for every row; counts how often it was asked."""

    version = "fake-risk-1"

    def __init__(self, p: float) -> None:
        self.p = p
        self.calls = 0

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        self.calls += 1
        return np.column_stack([np.full(len(X), 1 - self.p), np.full(len(X), self.p)])


def order(price: str = "20.00", **overrides: object) -> Order:
    values = {
        "order_id": "A1001",
        "buyer_id": "B17",
        "seller_id": "S3",
        "status": OrderStatus.DELIVERED,
        "currency": "USD",
        "items": (OrderItem("SKU-1", "lamp", Category.HOME, Decimal(price), 1),),
        "placed_at": PLACED,
        "shipped_at": PLACED + timedelta(days=1),
        "promised_delivery_by": PLACED + timedelta(days=5),
        "delivered_at": DELIVERED,
        "carrier": "SPX",
        "tracking_number": "SPX0123456789SG",
    }
    values.update(overrides)
    return Order(**values)


def case(
    claim_type: ClaimType = ClaimType.DAMAGED,
    *,
    price: str = "20.00",
    photo: bool = True,
    history: BuyerHistory = CLEAN,
    intent: str = "damaged_item",
    currency: str = "USD",
    **overrides: object,
) -> RoutingCase:
    the_order = order(price, currency=currency)
    claim = Claim(claim_type, has_photo=photo)
    features = case_features(
        the_order,
        claim,
        history,
        NOW,
        account_created_at=PLACED - timedelta(days=400),
        seller_defect_rate=0.03,
    )
    values = {
        "now": NOW,
        "nlu_intent": intent,
        "nlu_confidence": 0.95,
        "order": the_order,
        "claim": claim,
        "history": history,
        "risk_features": features,
        "case_id": "C1",
    }
    values.update(overrides)
    return RoutingCase(**values)


def policy_question(confident: bool | None) -> RoutingCase:
    return RoutingCase(
        now=NOW, nlu_intent="ask_policy", nlu_confidence=0.9, retrieval_confident=confident
    )


RISKY = FakeRisk(0.9)  # would send any paid claim to a person
SAFE = FakeRisk(0.01)  # would let any claim up to $250 through
