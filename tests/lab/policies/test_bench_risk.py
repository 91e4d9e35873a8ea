"""The risk scoring micro-benchmark's cases and timer (issue 17)."""

from __future__ import annotations

from lab.policies.bench_risk import WARM_UP, seeded_cases, timed
from policies.features import CATEGORICAL_FEATURES, FEATURE_NAMES, feature_frame


def test_seeded_cases_are_repeatable_model_input_over_every_category() -> None:
    frame = feature_frame(seeded_cases(60))
    assert frame.equals(feature_frame(seeded_cases(60)))
    assert not frame.equals(feature_frame(seeded_cases(60, seed=4)))
    assert list(frame.columns) == list(FEATURE_NAMES)
    for name, vocabulary in CATEGORICAL_FEATURES.items():
        assert set(frame[name].dropna()) == set(vocabulary)
    assert frame["days_since_delivery"].isna().any()


def test_the_warm_up_is_not_counted() -> None:
    calls = []
    spent = timed(calls.append, seeded_cases(5))
    assert len(calls) == WARM_UP + 5 and len(spent) == 5 and (spent >= 0).all()
