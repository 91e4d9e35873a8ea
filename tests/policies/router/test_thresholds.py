"""The per-region equalized-odds thresholds and the case's fixed draw, inside the router."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import numpy as np
import pytest

from policies.router import RegionThresholds, Route, RouterConfig, case_uniform, route
from policies.types import ClaimType
from tests.policies.router.factories import FakeRisk, case

INDEX = {"SG": Decimal("1.6"), "ID": Decimal("0.8")}
# Ratio r = p * A / $2.50. SG: a person iff r > 0.5; ID: a person with probability 0.3 when
# r > 2, plus 0.1 always.
RULES = {
    "SG": RegionThresholds(0.0, ((1.0, ">", 0.5),)),
    "ID": RegionThresholds(0.1, ((0.3, ">", 2.0),)),
}


def test_region_threshold_rule_gives_the_probability_of_a_person() -> None:
    assert RULES["SG"].p_human(np.array([0.4, 0.6])).tolist() == [0.0, 1.0]
    assert RULES["ID"].p_human(np.array([1.0, 3.0])) == pytest.approx([0.1, 0.4])
    assert RegionThresholds.from_dict(RULES["ID"].to_dict()) == RULES["ID"]
    unbounded = RegionThresholds(0.0, ((1.0, "<", float("inf")),))
    assert RegionThresholds.from_dict(json.loads(json.dumps(unbounded.to_dict()))) == unbounded
    with pytest.raises(ValueError):
        RegionThresholds(0.0, ((1.0, ">=", 0.5),))


def test_case_uniform_is_a_fixed_uniform_draw() -> None:
    assert case_uniform("C1") == case_uniform("C1") != case_uniform("C2")
    draws = np.array([case_uniform(f"C{i}") for i in range(4000)])
    assert draws.min() >= 0 and draws.max() < 1
    assert draws.mean() == pytest.approx(0.5, abs=0.02)


def test_router_applies_region_thresholds_before_the_price_index() -> None:
    config = RouterConfig(price_index=INDEX, region_thresholds=RULES)
    # $20 at p = 0.1: r = 0.8 > 0.5, so SG goes to a person although the price index lets it by.
    singapore = route(case(region="SG"), risk_model=FakeRisk(0.1), config=config)
    assert singapore.route is Route.HUMAN
    assert singapore.trace["mitigation"] == "equalized_odds_thresholds"
    assert singapore.trace["p_human"] == 1.0
    assert route(case(region="SG"), risk_model=FakeRisk(0.05), config=config).route is Route.AUTO
    # ID at r = 0.8: P(person) = 0.1, decided by the case's own draw, the same every time.
    routes = {
        route(case(region="ID", case_id=f"C{i}"), risk_model=FakeRisk(0.1), config=config).route
        for i in range(60)
    }
    assert routes == {Route.AUTO, Route.HUMAN}
    again = route(case(region="ID", case_id="C7"), risk_model=FakeRisk(0.1), config=config)
    assert again.route is route(case(region="ID", case_id="C7"), risk_model=FakeRisk(0.1),
                                config=config).route  # fmt: skip
    assert again.trace["draw"] == pytest.approx(case_uniform("C7"), abs=1e-6)
    # A region without a rule falls back to the price index (TH: level 1, $2.50).
    assert route(case(region="TH"), risk_model=FakeRisk(0.1), config=config).route is Route.AUTO


def test_a_claim_without_a_case_id_draws_the_same_number_at_every_moment() -> None:
    """Decided at the proposal and again at the buyer's "yes" (or asked anew an hour later),
    the same claim on the same order must not get a second, independent draw."""
    config = RouterConfig(region_thresholds={"ID": RegionThresholds(0.5, ())})
    draws = set()
    routes = set()
    for minutes in range(0, 600, 7):
        base = case(region="ID", case_id=None)
        later = case(region="ID", case_id=None, now=base.now + timedelta(minutes=minutes))
        decision = route(later, risk_model=FakeRisk(0.1), config=config)
        draws.add(decision.trace["draw"])
        routes.add(decision.route)
    assert len(draws) == 1 and len(routes) == 1
    # Another claim type on the same order is another case: its own draw.
    other = case(ClaimType.WRONG_ITEM, region="ID", case_id=None)
    assert route(other, risk_model=FakeRisk(0.1), config=config).trace["draw"] not in draws


def test_a_claim_exposing_less_than_a_review_costs_is_automatic_whatever_the_rule() -> None:
    """A person in every case (P = 1) and a certain abuse: a $2 damage refund still goes
    through, since reviewing it costs more than it can lose; $3 goes to the person."""
    config = RouterConfig(region_thresholds={"ID": RegionThresholds(1.0, ())})
    small = route(case(price="2.00", region="ID"), risk_model=FakeRisk(1.0), config=config)
    assert small.route is Route.AUTO
    assert small.trace["floor"] == "exposure_below_review_cost"
    larger = route(case(price="3.00", region="ID"), risk_model=FakeRisk(1.0), config=config)
    assert larger.route is Route.HUMAN


def test_the_rule_weighs_what_a_review_saves_when_reviewers_miss_some_abuse() -> None:
    """A $20 damage refund at p = 0.2: p * A = $4 is above the $2.50 review, so a reviewer who
    catches every abuse is worth it; one who denies only 55% saves p * 0.55 * A = $2.20, below
    the review's cost, and the claim is resolved automatically. The trace says what was used."""
    claim = case(price="20.00")
    catches_all = route(claim, risk_model=FakeRisk(0.2), config=RouterConfig())
    assert catches_all.route is Route.HUMAN
    assert catches_all.trace["review_catch_rate"] == "1"
    misses_some = RouterConfig(review_catch_rate=Decimal("0.55"))
    decision = route(claim, risk_model=FakeRisk(0.2), config=misses_some)
    assert decision.route is Route.AUTO
    assert decision.trace["review_catch_rate"] == "0.55"
    assert decision.trace["threshold"] == pytest.approx(2.5 / (20 * 0.55))
    assert decision.trace["expected_loss"] == pytest.approx(4.0)  # the loss itself is unchanged
    assert route(claim, risk_model=FakeRisk(0.25), config=misses_some).route is Route.HUMAN


def test_region_thresholds_read_the_ratio_of_what_a_review_saves() -> None:
    """SG's person-iff-r>0.5 rule: a $20 claim at p = 0.1 has p * A / $2.50 = 0.8 but, with
    reviewers denying half the abuse, r = 0.4: automatic. A saving below the review's cost is
    automatic whatever the rule ($4 refund at c = 0.5 saves at most $2)."""
    config = RouterConfig(region_thresholds=RULES, review_catch_rate=Decimal("0.5"))
    assert route(case(region="SG"), risk_model=FakeRisk(0.1), config=config).route is Route.AUTO
    assert route(case(region="SG"), risk_model=FakeRisk(0.15), config=config).route is Route.HUMAN
    always = RouterConfig(
        region_thresholds={"ID": RegionThresholds(1.0, ())}, review_catch_rate=Decimal("0.5")
    )
    floor = route(case(price="4.00", region="ID"), risk_model=FakeRisk(1.0), config=always)
    assert floor.route is Route.AUTO and floor.trace["floor"] == "exposure_below_review_cost"
    assert route(case(price="6.00", region="ID"), risk_model=FakeRisk(1.0), config=always).route \
        is Route.HUMAN  # fmt: skip
