"""The risk scoring micro-benchmark's cases and timer (issue 17)."""

from __future__ import annotations

from lab.policies.bench_risk import WARM_UP, seeded_cases, timed
from policies.features import CATEGORICAL_FEATURES, FEATURE_NAMES, feature_frame
from policies.risk import SCORED_CLAIM_TYPES


def test_seeded_cases_are_repeatable_model_input_over_categories_and_claims() -> None:
    frame = feature_frame(seeded_cases(60))
    assert frame.equals(feature_frame(seeded_cases(60)))
    assert not frame.equals(feature_frame(seeded_cases(60, seed=4)))
    assert list(frame.columns) == list(FEATURE_NAMES)
    for name in ("category", "carrier"):
        assert set(frame[name].dropna()) == set(CATEGORICAL_FEATURES[name])
    # Scored claims only (the router scores no cancellation), each one known to the model.
    assert set(frame["claim_type"].dropna()) == {c.value for c in SCORED_CLAIM_TYPES} - {
        "change_of_mind_return"
    }
    assert frame["days_since_delivery"].isna().any()


def test_the_warm_up_is_not_counted() -> None:
    calls = []
    spent = timed(calls.append, seeded_cases(5))
    assert len(calls) == WARM_UP + 5 and len(spent) == 5 and (spent >= 0).all()
