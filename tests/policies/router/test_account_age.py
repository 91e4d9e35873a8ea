"""On a bounded exposure a new account alone does not send a claim to a person (issue 14)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from policies.features import case_features
from policies.router import Route, RouterConfig, route, route_many
from policies.router.account_age import exposure_is_bounded
from policies.types import Claim, ClaimType, OrderStatus, Remedy
from tests.policies.router.factories import CLEAN, NOW, PLACED, case, order


class AgeRisk:
    """P(abusive) from the account's age alone: `young` under `edge` days, else `old`."""

    version = "age-risk-1"

    def __init__(self, young: float, old: float, edge: float = 365.0) -> None:
        self.young, self.old, self.edge = young, old, edge
        self.calls = 0

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        self.calls += 1
        p = np.where(X["account_age_days"].to_numpy(dtype=float) < self.edge, self.young, self.old)
        return np.column_stack([1 - p, p])


def new_account(the_case, days: float = 10.0):
    """The same case from an account `days` old (its only order the claimed one)."""
    features = case_features(
        the_case.order,
        the_case.claim,
        the_case.history,
        the_case.now,
        account_created_at=the_case.now - timedelta(days=days),
        seller_defect_rate=0.03,
    )
    return replace(the_case, risk_features=features)


def claim_case(claim: Claim, price: str, **order_overrides: object):
    the_order = order(price, **order_overrides)
    features = case_features(
        the_order,
        claim,
        CLEAN,
        NOW,
        account_created_at=NOW - timedelta(days=10),
        seller_defect_rate=0.03,
    )
    return replace(case(), order=the_order, claim=claim, risk_features=features)


NEW_ACCOUNT_RISK = AgeRisk(young=0.40, old=0.05)
# Shipped, never delivered, promised five days before NOW: a not-received refund (INR-4.1).
LATE = {
    "status": OrderStatus.SHIPPED,
    "delivered_at": None,
    "promised_delivery_by": PLACED + timedelta(days=1),
}


@pytest.mark.parametrize(
    ("remedy", "amount", "bounded"),
    [
        (Remedy.RETURN_THEN_REFUND, "95.00", True),
        (Remedy.REFUND, "25.00", True),
        (Remedy.REFUND, "25.01", False),
        (Remedy.REPLACEMENT, "45.00", False),
        (Remedy.REPLACEMENT, "20.00", True),
        ("return_then_refund", "60", True),
    ],
)
def test_bounded_exposure_is_paid_after_receipt_or_at_most_the_no_return_limit(
    remedy, amount, bounded
) -> None:
    assert exposure_is_bounded(remedy, Decimal(amount)) is bounded


def test_a_new_accounts_return_is_scored_as_an_established_accounts() -> None:
    # $60 damaged, above $25: a return-then-refund (DMG-3.3), exposure 0.25 x 60 = $15.
    the_case = new_account(case(price="60.00"))
    decision = route(the_case, risk_model=NEW_ACCOUNT_RISK)
    assert decision.trace["eligibility"]["remedy"] == Remedy.RETURN_THEN_REFUND.value
    # 0.40 x $15 = $6 would go to a person; as an established account 0.05 x $15 = $0.75.
    assert decision.route is Route.AUTO
    assert decision.trace["score"] == pytest.approx(0.05)
    assert decision.trace["model_score"] == pytest.approx(0.40)
    assert decision.trace["score_capped"] == "established_account"


def test_a_small_refund_now_is_scored_as_an_established_accounts() -> None:
    # $20 damaged, at most $25: refunded now without the item (DMG-3.2), exposure $20.
    decision = route(new_account(case(price="20.00")), risk_model=NEW_ACCOUNT_RISK)
    assert decision.trace["eligibility"]["remedy"] == Remedy.REFUND.value
    assert decision.route is Route.AUTO  # 0.05 x 20 = $1 < $2.50; 0.40 x 20 = $8 would not be


def test_money_paid_at_once_above_the_limit_keeps_the_whole_score() -> None:
    # A not-received refund of $60 pays now; a replacement ships before the return is checked.
    not_received = claim_case(Claim(ClaimType.NOT_RECEIVED), "60.00", **LATE)
    replacement = claim_case(
        Claim(ClaimType.WRONG_ITEM, has_photo=True, prefers_replacement=True), "60.00"
    )
    at_once_only = RouterConfig(replacement_after_return=False)
    for the_case, remedy in ((not_received, Remedy.REFUND), (replacement, Remedy.REPLACEMENT)):
        decision = route(the_case, risk_model=NEW_ACCOUNT_RISK, config=at_once_only)
        assert decision.trace["eligibility"]["remedy"] == remedy.value
        assert decision.route is Route.HUMAN
        assert decision.trace["score"] == pytest.approx(0.40)
        assert "score_capped" not in decision.trace


def test_a_replacement_shipped_at_once_keeps_the_whole_score_and_after_the_return_is_capped() -> (
    None
):
    replacement = claim_case(
        Claim(ClaimType.WRONG_ITEM, has_photo=True, prefers_replacement=True), "60.00"
    )
    decision = route(replacement, risk_model=NEW_ACCOUNT_RISK)
    # At once: 0.40 x $60 = $24, not approved; after the return: 0.05 x $15 = $0.75.
    at_once = decision.trace["replacement_at_once"]
    assert at_once["score"] == pytest.approx(0.40)
    assert at_once["exposure"] == "60.00"
    assert decision.route is Route.AUTO
    assert decision.trace["replacement_ships"] == "after_return_received"
    assert decision.trace["score"] == pytest.approx(0.05)
    assert decision.trace["model_score"] == pytest.approx(0.40)
    assert Decimal(decision.trace["exposure"]) == Decimal("15")


def test_what_the_buyer_did_still_counts() -> None:
    # The model scores the claim high whatever the account's age: the cap does not help.
    decision = route(new_account(case(price="60.00")), risk_model=AgeRisk(young=0.5, old=0.5))
    assert decision.route is Route.HUMAN
    assert decision.trace["score"] == pytest.approx(0.5)


def test_the_cap_never_raises_a_score() -> None:
    # A model that (oddly) scores old accounts higher: the new account's own score stands.
    decision = route(new_account(case(price="60.00")), risk_model=AgeRisk(young=0.05, old=0.9))
    assert decision.route is Route.AUTO
    assert decision.trace["score"] == pytest.approx(0.05)
    assert "model_score" not in decision.trace


def test_without_the_cap_the_model_score_decides() -> None:
    config = RouterConfig(established_account_days=None)
    decision = route(new_account(case(price="60.00")), risk_model=NEW_ACCOUNT_RISK, config=config)
    assert decision.route is Route.HUMAN
    assert decision.trace["score"] == pytest.approx(0.40)


def test_an_account_past_the_floor_is_scored_as_it_is() -> None:
    decision = route(new_account(case(price="60.00"), days=500), risk_model=NEW_ACCOUNT_RISK)
    assert decision.trace["score"] == pytest.approx(0.05)
    assert "model_score" not in decision.trace


def test_a_batch_with_capped_cases_asks_the_model_once() -> None:
    model = AgeRisk(young=0.40, old=0.05)
    cases = [
        new_account(case(price="60.00")),
        claim_case(Claim(ClaimType.NOT_RECEIVED), "60.00", **LATE),
        new_account(case(price="20.00")),
    ]  # fmt: skip
    decisions = route_many(cases, risk_model=model)
    assert model.calls == 1
    assert [d.route for d in decisions] == [Route.AUTO, Route.HUMAN, Route.AUTO]


@pytest.mark.parametrize("days", [0, -30.0, "365"])
def test_established_account_days_must_be_positive(days) -> None:
    with pytest.raises(ValueError, match="established_account_days"):
        RouterConfig(established_account_days=days)
