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


def test_the_cost_weight_is_the_mean_abusive_exposure_in_reviews_less_one() -> None:
    from lab.policies.mitigation import cost_abuse_weight

    abusive = np.array([True, True, False, False])
    # Mean abusive exposure $10 at a $2.50 review: a caught abuser is worth 10/2.5 - 1 = 3.
    assert cost_abuse_weight(np.array([5.0, 15.0, 99.0, 1.0]), abusive, 2.5) == 3
    # An exposure below two reviews still counts an abuser once (plain accuracy), never less.
    assert cost_abuse_weight(np.array([1.0, 2.0, 9.0, 9.0]), abusive, 2.5) == 1
    assert cost_abuse_weight(np.ones(4), np.zeros(4, dtype=bool), 2.5) == 1


def test_weighting_abuse_moves_the_fair_thresholds_to_the_router_cost_optimum() -> None:
    from lab.policies.fairness import apply_thresholds, fit_equalized_odds_thresholds
    from lab.policies.mitigation import cost_abuse_weight, costs

    rng = np.random.default_rng(3)
    n = 6_000
    group = rng.choice(["A", "B"], size=n)
    abusive = rng.random(n) < 0.15
    exposure = rng.uniform(2, 18, n)  # mean $10: a caught abuser is worth 3 reviews
    p = np.clip(0.15 + np.where(abusive, 0.25, -0.05) + rng.normal(0, 0.15, n), 0.0, 1.0)
    x, y, draws = p * exposure / 2.5, abusive.astype(int), rng.random(n)
    weight = cost_abuse_weight(exposure, abusive, 2.5)
    loss = {}
    for name, objective, w in (
        ("balanced", "balanced_accuracy_score", 1),
        ("accuracy", "accuracy_score", 1),
        ("cost", "accuracy_score", weight),
    ):
        rules = fit_equalized_odds_thresholds(x, y, group, objective=objective, abuse_weight=w)
        human = apply_thresholds(rules, x, group, draws=draws).astype(bool)
        loss[name] = costs(human, abusive, exposure, 2.5)["expected_loss_per_case_usd"]
    assert weight == 3
    # Measured: balanced $0.974, accuracy $1.102, cost-weighted $0.880 per case.
    assert loss["cost"] < min(loss["balanced"], loss["accuracy"])


def test_an_abuse_weight_below_one_is_refused() -> None:
    import pytest

    from lab.policies.fairness import fit_equalized_odds_thresholds

    with pytest.raises(ValueError, match="abuse_weight"):
        fit_equalized_odds_thresholds(
            np.ones(4), np.array([0, 1, 0, 1]), np.zeros(4), abuse_weight=0
        )


def test_the_reviewers_catch_rate_is_the_share_of_abusive_claims_they_denied() -> None:
    import pandas as pd

    from lab.policies.mitigation import review_catch_rate

    log = pd.DataFrame(
        {
            "is_abusive": [True, True, True, True, False, False],
            "agent_decision": ["deny", "approve", "deny", "deny", "deny", "approve"],
        }
    )
    assert str(review_catch_rate(log)) == "0.75"  # the genuine claims' decisions do not count
    assert str(review_catch_rate(log[~log["is_abusive"]])) == "1"  # nothing to measure it on


def test_costs_count_the_abuse_reviewers_approve() -> None:
    from lab.policies.mitigation import costs

    human = np.array([True, True, False, False])
    abusive = np.array([True, False, True, False])
    exposure = np.array([10.0, 10.0, 4.0, 4.0])
    caught = costs(human, abusive, exposure, 2.5)
    assert caught["abusive_approved_in_review_usd"] == 0.0
    assert caught["expected_loss_per_case_usd"] == (4.0 + 2 * 2.5) / 4
    missed = costs(human, abusive, exposure, 2.5, review_catch_rate=0.6)
    assert missed["abusive_approved_in_review_usd"] == 4.0  # 40% of the reviewed $10 abuse
    assert missed["expected_loss_per_case_usd"] == (4.0 + 4.0 + 2 * 2.5) / 4


def test_the_cheaper_objective_counts_what_reviews_let_through() -> None:
    """Reviewing every abuser of $4 exposures at $2.50 a review is worth it when reviewers
    deny them all ($4 saved per $2.50), not when they deny half ($2 saved)."""
    abusive = np.array([True] * 50 + [False] * 50)
    exposure = np.full(100, 4.0)
    human_by = {"review_abusers": abusive.copy(), "review_none": np.zeros(100, dtype=bool)}
    assert _cheaper_objective(human_by, abusive, exposure, 2.5)[0] == "review_abusers"
    assert _cheaper_objective(human_by, abusive, exposure, 2.5, catch=0.5)[0] == "review_none"


def test_the_evaluations_catch_rate_option_rejects_what_is_no_share(capsys) -> None:
    import pytest

    from lab.policies.evaluate import main

    for bad in ("abc", "0", "1.5"):
        with pytest.raises(SystemExit) as stopped:
            main(["--review-catch-rate", bad])
        assert stopped.value.code == 2
        assert "--review-catch-rate" in capsys.readouterr().err
