"""The planned conversations: drawn from the world deterministically, with its truth, and with
orders that the webhook accepts and that the rules judge as the world's policy did."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime

import pandas as pd
import pytest

from bot.api.orders import OrderPayload
from lab.simulate.population import RunIds, build_population, plan_world, policy_route
from lab.world import claim_of
from policies.features import build_feature_frame, history_of
from policies.rules import check_eligibility
from policies.rules.review import review_flags
from policies.types import BuyerHistory, Reason

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
# The NLU's order_id regex for 15-digit ids (data/nlu/train/regex_lookup_synonyms.yml).
ORDER_ID = re.compile(r"^\d{15}$")
N = 60
SEED = 5


@pytest.fixture(scope="module")
def plans():
    return build_population(N, SEED, RunIds(1234567))


def test_plans_are_repeatable_by_seed_and_change_with_it(plans):
    again = build_population(N, SEED, RunIds(1234567))
    assert [(p.scenario, p.buyer.buyer_id, p.order_id) for p in plans] == [
        (p.scenario, p.buyer.buyer_id, p.order_id) for p in again
    ]
    other = build_population(N, SEED + 1, RunIds(1234567))
    assert [p.buyer.world_buyer_id for p in plans] != [p.buyer.world_buyer_id for p in other]


def test_one_conversation_per_buyer_with_the_worlds_truth(plans):
    assert len(plans) == N and [p.index for p in plans] == list(range(N))
    assert len({p.buyer.buyer_id for p in plans}) == N  # one conversation per buyer
    policy = [p for p in plans if p.scenario == "policy_question"]
    assert 0 < len(policy) < N / 4 and all(p.claim_genuine and p.order_id is None for p in policy)
    for p in plans:
        assert p.buyer.latent_type in ("genuine", "abusive")
        assert p.buyer.region in ("SG", "MY", "TH", "VN", "PH", "ID")
        if not p.claim_genuine:  # an abusive claim comes from a buyer of the abusive type
            assert p.buyer.latent_type == "abusive"
    kinds = Counter(p.scenario for p in plans)
    assert len(kinds) >= 6  # the world's mix of cases, not one script


def test_ids_are_tagged_per_run_and_in_shapes_the_nlu_extracts(plans):
    other = build_population(N, SEED, RunIds(7654321))
    ours = {o.order_id for p in plans for o in p.history}
    theirs = {o.order_id for p in other for o in p.history}
    assert ours and not ours & theirs  # a rerun never collides with an earlier run's orders
    assert all(ORDER_ID.match(order_id) for order_id in ours)
    assert all(p.buyer.buyer_id.startswith("SIM1234567-") for p in plans)


def test_payloads_pass_the_webhook_schema_and_open_the_case_now(plans):
    for p in plans:
        payloads = p.order_payloads(NOW)
        assert payloads and {o["buyer_id"] for o in payloads} == {p.buyer.buyer_id}
        assert {o["buyer_region"] for o in payloads} == {p.buyer.region}
        validated = [OrderPayload.model_validate(o) for o in payloads]
        orders = [v.to_order() for v in validated]
        assert all(o.placed_at <= NOW for o in orders)
        # The account's age as the world has it (the risk model learnt it), not its first order.
        [created] = {v.buyer_account_created_at for v in validated}
        assert (NOW - created).total_seconds() / 86_400 == pytest.approx(
            p.account_age_days(), abs=1e-3
        )
        if p.order_id is not None:
            assert p.order_id in {o.order_id for o in orders}


def test_the_rules_see_the_claim_as_the_worlds_policy_did(plans):
    """Shifting the world's times to now keeps every date-dependent answer (late, lost, window
    closed...): the world's recorded policy outcome is what the rules say about the payload."""
    world = plan_world(N - round(N * 0.08), SEED)
    claims = [p for p in plans if p.world_case_id is not None]
    assert claims
    for p in claims:
        case = world.cases.loc[p.world_case_id]
        payload = next(o for o in p.order_payloads(NOW) if o["order_id"] == p.order_id)
        order = OrderPayload.model_validate(payload).to_order()
        outcome = check_eligibility(order, claim_of(case), BuyerHistory(0, 0, 0), NOW)
        assert outcome.eligible == case["policy_eligible"], p.world_case_id
        assert outcome.remedy.value == case["policy_remedy"], p.world_case_id
        assert float(outcome.amount) == pytest.approx(case["policy_amount"]), p.world_case_id


def test_the_policy_route_is_what_the_rules_and_review_flags_make_of_the_case(plans):
    """`policy_route` bounds what any bot may settle: "auto" only for an eligible case with no
    person needed by the rules and no REV-6.2 flag in the buyer's history when the case opened."""
    routes = Counter(p.policy_route for p in plans)
    assert set(routes) <= {"auto", "person", "refuse", "question"}
    assert routes["auto"] and routes["question"] == round(N * 0.08)
    world = plan_world(N - round(N * 0.08), SEED)
    frame = build_feature_frame(world)
    flags = {reason.value for reason in (Reason.REFUND_HISTORY_90D, Reason.REFUND_RATE_365D)}
    for p in plans:
        if p.world_case_id is None:
            assert p.policy_route == "question"
            continue
        case = world.cases.loc[p.world_case_id]
        flagged = bool(review_flags(history_of(frame, p.world_case_id)))
        if p.scenario in ("human_requested", "payment_problem", "dispute"):
            assert p.policy_route == "person", p.world_case_id  # REV-6.3 to 6.5
        if p.policy_route == "auto":
            assert case["policy_eligible"] and not case["policy_needs_human"], p.world_case_id
            assert not flagged, p.world_case_id
        elif p.policy_route == "refuse":
            assert not case["policy_eligible"] and p.policy_reason, p.world_case_id
        elif not case["policy_needs_human"]:  # a person only because of the buyer's history
            assert flagged and p.policy_reason in flags, p.world_case_id


@pytest.mark.parametrize(
    ("eligible", "needs_human", "refunds_90d", "route"),
    [
        (True, False, 0, ("auto", "")),
        (True, False, 3, ("person", "refund_history_90d")),  # REV-6.2
        (True, True, 0, ("person", "over_auto_limit")),
        (False, False, 0, ("refuse", "over_auto_limit")),
    ],
)
def test_policy_route_of_one_case(eligible, needs_human, refunds_90d, route):
    frame = pd.DataFrame(
        {
            "policy_eligible": [eligible],
            "policy_needs_human": [needs_human],
            "policy_reasons": ["" if route[0] == "auto" or refunds_90d else "over_auto_limit"],
            "buyer_refunds_90d": [refunds_90d],
            "buyer_orders_365d": [4],
            "buyer_refunded_orders_365d": [0],
        },
        index=["C1"],
    )
    assert policy_route(frame, "C1") == route
