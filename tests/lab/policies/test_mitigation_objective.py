"""Which ThresholdOptimizer objective is deployed: the cheaper one, when the saving is measured."""

from __future__ import annotations

import numpy as np

from lab.policies.mitigation import _cheaper_objective, exposure_of
from policies.router import Decision, Route


def _cases(rng: np.random.Generator, n: int):
    return rng.random(n) < 0.2, rng.uniform(1, 40, n)


def test_a_measured_saving_keeps_the_cheaper_objective() -> None:
    rng = np.random.default_rng(7)
    abusive, exposure = _cases(rng, 20_000)
    careful = abusive | (rng.random(len(abusive)) < 0.1)  # reviews every abuser
    lenient = np.zeros(len(abusive), dtype=bool)  # reviews no one, pays every abuser
    chosen, report = _cheaper_objective(
        {"careful": careful, "lenient": lenient}, abusive, exposure, 2.5
    )
    assert chosen == "careful"
    assert report["extra_cost_per_case_usd"] > 2 * report["standard_error_usd"]


def test_a_saving_within_the_noise_goes_to_the_one_with_fewer_reviews() -> None:
    rng = np.random.default_rng(7)
    abusive, exposure = _cases(rng, 400)
    # Reviewing a random tenth more costs about as much as it saves: no measured difference.
    lenient = rng.random(len(abusive)) < 0.3
    careful = lenient | (rng.random(len(abusive)) < 0.1)
    exposure = np.full(len(abusive), 2.5 / 0.2)  # p * A == review cost on average
    chosen, report = _cheaper_objective(
        {"careful": careful, "lenient": lenient}, abusive, exposure, 2.5
    )
    assert abs(report["extra_cost_per_case_usd"]) <= 2 * report["standard_error_usd"]
    assert chosen == "lenient"


def test_exposure_of_reads_the_router_trace_else_the_amount() -> None:
    scored = Decision(Route.AUTO, ("x",), 1.0, (), {"exposure": "5.00", "eligibility": None})
    unscored = Decision(Route.AUTO, ("x",), 1.0, (), {"eligibility": {"amount": "20.00"}})
    nothing = Decision(Route.HUMAN, ("x",), 1.0, (), {"eligibility": None})
    assert [exposure_of(d) for d in (scored, unscored, nothing)] == [5.0, 20.0, 0.0]
