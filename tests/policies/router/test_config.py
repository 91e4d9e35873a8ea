"""RouterConfig: the review cost at the region's price level (the fairness mitigation) and the
exposure share."""

from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType

import pytest

from policies.router import Route, RouterConfig, route
from tests.policies.router.factories import FakeRisk, case

INDEX = {"SG": Decimal("1.6"), "ID": Decimal("0.8")}


def test_the_review_cost_scales_with_the_region_price_level() -> None:
    config = RouterConfig(price_index=INDEX)
    assert config.review_cost_for("SG") == Decimal("4.000")
    assert config.review_cost_for("ID") == Decimal("2.000")
    assert config.review_cost_for("XX") == Decimal("2.50")  # unknown region: level 1
    assert config.review_cost_for(None) == Decimal("2.50")
    assert RouterConfig().review_cost_for("SG") == Decimal("2.50")  # no index: one cost
    assert isinstance(config.price_index, MappingProxyType)


def test_price_index_must_be_positive() -> None:
    with pytest.raises(ValueError, match="price_index"):
        RouterConfig(price_index={"SG": Decimal("0")})


def test_the_same_claim_routes_by_the_local_threshold() -> None:
    # $20 claim at p = 0.15: p * A = $3.00. Above $2.50 (no index, ID at $2.00), below SG's $4.00.
    config = RouterConfig(price_index=INDEX)
    risk = FakeRisk(0.15)
    assert route(case(), risk_model=risk).route is Route.HUMAN
    singapore = route(case(region="SG"), risk_model=risk, config=config)
    assert singapore.route is Route.AUTO
    assert singapore.trace["review_cost"] == "4.000"
    assert singapore.trace["region"] == "SG"
    assert singapore.trace["threshold"] == pytest.approx(4.0 / 20)
    assert route(case(region="ID"), risk_model=risk, config=config).route is Route.HUMAN
    assert route(case(region=None), risk_model=risk, config=config).route is Route.HUMAN


@pytest.mark.parametrize("share", [Decimal("-0.1"), Decimal("1.5"), 0.25])
def test_return_exposure_share_must_be_a_decimal_share(share) -> None:
    with pytest.raises(ValueError, match="return_exposure_share"):
        RouterConfig(return_exposure_share=share)


@pytest.mark.parametrize("rate", [Decimal("0"), Decimal("1.01"), 0.55])
def test_review_catch_rate_must_be_a_decimal_share_above_zero(rate) -> None:
    with pytest.raises(ValueError, match="review_catch_rate"):
        RouterConfig(review_catch_rate=rate)
