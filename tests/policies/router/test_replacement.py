"""A replacement the risk level would not ship at once ships once the seller has the return
(issue 14, policies/router/config.py): bounded like a return-then-refund, instead of a person."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

import pytest

from policies.risk_artifact import load_router_config
from policies.router import RegionThresholds, Route, RouterConfig, route
from policies.router.account_age import bounded_of
from policies.types import Claim, ClaimType, Remedy
from tests.policies.router.factories import FakeRisk, case


def replacement_case(price: str = "60.00", **overrides: object):
    """A damaged $60 lamp whose buyer prefers a replacement, the seller having stock."""
    the_case = case(price=price, **overrides)
    claim = Claim(ClaimType.DAMAGED, has_photo=True, prefers_replacement=True)
    return replace(the_case, claim=claim)


def test_a_low_risk_replacement_ships_at_once() -> None:
    decision = route(replacement_case(), risk_model=FakeRisk(0.02))  # 0.02 x $60 = $1.20
    assert decision.trace["eligibility"]["remedy"] == Remedy.REPLACEMENT.value
    assert decision.route is Route.AUTO
    assert decision.trace["replacement_ships"] == "at_once"
    assert Decimal(decision.trace["exposure"]) == Decimal("60")
    assert Decimal(decision.trace["exposure_after_return"]) == Decimal("15")
    assert "replacement_at_once" not in decision.trace


def test_a_replacement_not_shipped_at_once_ships_after_the_return() -> None:
    # 0.10 x $60 = $6 >= $2.50: not at once; after the return 0.10 x $15 = $1.50 < $2.50.
    decision = route(replacement_case(), risk_model=FakeRisk(0.10))
    assert decision.route is Route.AUTO
    assert decision.reason_codes == ("risk_below_threshold",)
    assert decision.trace["replacement_ships"] == "after_return_received"
    assert Decimal(decision.trace["exposure"]) == Decimal("15")
    assert decision.trace["expected_loss"] == pytest.approx(1.5)
    assert decision.trace["threshold"] == pytest.approx(2.5 / 15)
    at_once = decision.trace["replacement_at_once"]
    assert Decimal(at_once["exposure"]) == Decimal("60")
    assert at_once["expected_loss"] == pytest.approx(6.0)
    # Before issue 14's decision (or with it switched off) the same claim went to a person.
    before = route(
        replacement_case(),
        risk_model=FakeRisk(0.10),
        config=RouterConfig(replacement_after_return=False),
    )
    assert (before.route, before.reason_codes) == (Route.HUMAN, ("risk_above_threshold",))
    assert "replacement_ships" not in before.trace
    assert "exposure_after_return" not in before.trace


def test_a_replacement_not_approved_after_the_return_either_goes_to_a_person() -> None:
    # 0.20 x $15 = $3 >= $2.50.
    decision = route(replacement_case(), risk_model=FakeRisk(0.20))
    assert (decision.route, decision.reason_codes) == (Route.HUMAN, ("risk_above_threshold",))
    assert "replacement_ships" not in decision.trace
    assert decision.trace["replacement_at_once"]["score"] == pytest.approx(0.20)
    assert decision.confidence == pytest.approx(0.20)


def test_the_return_share_bounds_the_replacement_like_a_return() -> None:
    # With no faith in the check on receipt, waiting for the return bounds nothing.
    whole = RouterConfig(return_exposure_share=Decimal("1"))
    decision = route(replacement_case(), risk_model=FakeRisk(0.10), config=whole)
    assert decision.route is Route.HUMAN


def test_a_replacement_after_the_return_under_the_review_cost_is_automatic() -> None:
    # The floor needs value x share < $2.50: never at share 0.25 (a replacement is above $25),
    # but at share 0.05 a $40 replacement exposes $2 after the return.
    config = RouterConfig(
        return_exposure_share=Decimal("0.05"),
        region_thresholds={"SG": RegionThresholds(1.0, ())},  # always a person by the draw
    )
    decision = route(
        replacement_case("40.00", region="SG"), risk_model=FakeRisk(0.9), config=config
    )
    assert decision.route is Route.AUTO
    assert decision.trace["replacement_ships"] == "after_return_received"
    assert decision.trace["floor"] == "exposure_below_review_cost"
    assert "p_human" not in decision.trace
    assert decision.trace["replacement_at_once"]["p_human"] == pytest.approx(1.0)


def test_regional_thresholds_weigh_the_replacement_after_the_return_with_the_same_draw() -> None:
    # A person from a cost ratio p x A / $2.50 above 1: at once 0.10 x 60 / 2.5 = 2.4, after
    # the return 0.6.
    config = RouterConfig(region_thresholds={"SG": RegionThresholds(0.0, ((1.0, ">", 1.0),))})
    decision = route(replacement_case(region="SG"), risk_model=FakeRisk(0.10), config=config)
    assert decision.route is Route.AUTO
    assert decision.trace["replacement_ships"] == "after_return_received"
    assert decision.trace["p_human"] == 0.0
    assert decision.trace["replacement_at_once"]["p_human"] == 1.0
    assert decision.trace["mitigation"] == "equalized_odds_thresholds"


def test_a_saved_models_router_config_waits_for_the_return_unless_it_says_not(tmp_path) -> None:
    metadata = {
        "router": {
            "review_cost": "2.50",
            "mitigation": "price_index",
            "price_index": {"SG": 1.0},
        }
    }
    (tmp_path / "metadata.json").write_text(json.dumps(metadata))
    assert load_router_config(tmp_path).replacement_after_return is True
    metadata["router"]["replacement_after_return"] = False
    (tmp_path / "metadata.json").write_text(json.dumps(metadata))
    assert load_router_config(tmp_path).replacement_after_return is False


def test_a_replacement_that_may_wait_for_the_return_is_bounded_for_the_fit() -> None:
    eligibility = {"remedy": "replacement", "amount": "60.00"}
    assert bounded_of(eligibility) is False  # shipped at once: the whole value
    assert bounded_of(eligibility, RouterConfig()) is True
    assert bounded_of(eligibility, RouterConfig(replacement_after_return=False)) is False


def test_without_a_model_the_trace_still_says_the_exposure_after_the_return() -> None:
    decision = route(replacement_case(), risk_model=None)
    assert decision.reason_codes == ("no_risk_model",)
    assert Decimal(decision.trace["exposure"]) == Decimal("60")
    assert Decimal(decision.trace["exposure_after_return"]) == Decimal("15")
