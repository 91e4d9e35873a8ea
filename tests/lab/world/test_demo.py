"""The demo world: deterministic, and every documented scenario answers as WORLD.md says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lab.world.demo import (
    DEMO_BUYER_IDS,
    DEMO_SCENARIOS,
    anchor_for,
    demo_history,
    demo_orders,
    generator_fingerprint,
)
from policies.rules import check_eligibility
from policies.types import Category, OrderStatus, PaymentMethod

ANCHOR = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def orders():
    return demo_orders(ANCHOR)


def test_demo_world_is_small_deterministic_and_varied(orders) -> None:
    assert 350 <= len(orders) <= 500
    assert [o.order_id for o in orders] == [o.order_id for o in demo_orders(ANCHOR)]
    assert orders == demo_orders(ANCHOR)
    assert len({o.order_id for o in orders}) == len(orders)
    statuses = {o.status for o in orders}
    assert {OrderStatus.PENDING, OrderStatus.SHIPPED, OrderStatus.DELIVERED} <= statuses
    assert OrderStatus.REFUNDED in statuses
    assert {o.payment_method for o in orders} == set(PaymentMethod)
    categories = {o.items[0].category for o in orders}
    assert {Category.ELECTRONICS, Category.GROCERY, Category.BEAUTY} <= categories
    assert all(o.placed_at <= ANCHOR for o in orders)
    assert {o.buyer_id for o in orders} >= set(DEMO_BUYER_IDS)


@pytest.mark.parametrize("hour", [0, 12, 23])
@pytest.mark.parametrize("scenario", DEMO_SCENARIOS, ids=lambda s: f"{s.order_id}-{s.claim.type}")
def test_each_documented_scenario_holds_all_anchor_day(orders, scenario, hour) -> None:
    now = ANCHOR + timedelta(hours=hour, minutes=59)
    order = next(o for o in orders if o.order_id == scenario.order_id)
    assert order.buyer_id == scenario.buyer_id
    outcome = check_eligibility(
        order, scenario.claim, demo_history(orders, order.buyer_id, now), now
    )
    assert (outcome.eligible, outcome.remedy, outcome.needs_human) == (
        scenario.eligible,
        scenario.remedy,
        scenario.needs_human,
    ), scenario.story
    assert scenario.clause in outcome.clauses


def test_anchor_is_a_utc_midnight() -> None:
    assert anchor_for(datetime(2026, 3, 1, 23, 30, tzinfo=UTC)) == ANCHOR
    with pytest.raises(ValueError, match="midnight"):
        demo_orders(ANCHOR + timedelta(hours=3))


def test_fingerprint_depends_on_the_seed() -> None:
    assert generator_fingerprint(11) == generator_fingerprint(11)
    assert generator_fingerprint(11) != generator_fingerprint(12)
