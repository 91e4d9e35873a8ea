"""How replacements enter the fair thresholds' fit (lab.policies.mitigation, issue 14)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from lab.policies.mitigation import deciding_exposure, exposure_of
from policies.router import RouterConfig, route
from policies.types import Claim, ClaimType
from tests.policies.router.factories import case


def _replacement(config: RouterConfig):
    claim = Claim(ClaimType.DAMAGED, has_photo=True, prefers_replacement=True)
    return route(replace(case(price="60.00"), claim=claim), risk_model=None, config=config)


def test_a_replacement_that_may_wait_is_fitted_on_its_exposure_after_the_return() -> None:
    waits = _replacement(RouterConfig())
    assert exposure_of(waits) == pytest.approx(60.0)
    assert deciding_exposure(waits) == pytest.approx(15.0)
    at_once = _replacement(RouterConfig(replacement_after_return=False))
    assert deciding_exposure(at_once) == pytest.approx(60.0)


def test_other_remedies_are_fitted_on_their_exposure() -> None:
    decision = route(case(price="80.00"), risk_model=None)  # a return-then-refund
    assert deciding_exposure(decision) == exposure_of(decision) == pytest.approx(20.0)
