"""The compiled risk model (issue 17): scikit-learn's probabilities, the same floats, cheaper."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from lab.world import generate_world
from policies.features import CATEGORICAL_FEATURES, build_feature_frame, feature_frame
from policies.risk import SCORED_CLAIM_TYPES, RiskModel
from policies.risk_trees import MAX_COMPILED_ROWS, CompiledRiskModel, compile_model, probe_frame
from policies.router.account_age import capped_scores, capped_scores_of_rows


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    with threadpool_limits(limits=1):
        yield


@pytest.fixture(scope="module")
def data():
    world = generate_world(
        11,
        n_buyers=800,
        n_sellers=40,
        n_cases=2_000,
        start=datetime(2025, 1, 1, tzinfo=UTC),
        days=300,
    )
    frame = build_feature_frame(world)
    frame = frame[frame["claim_type"].isin([t.value for t in SCORED_CLAIM_TYPES])]
    return frame, frame["is_abusive"].to_numpy(dtype=int)


@pytest.fixture(scope="module", params=["isotonic", "sigmoid"])
def fitted(request, data):
    frame, y = data
    return RiskModel(max_iter=60, calibration=request.param, random_state=4).fit(frame, y)


@pytest.fixture(scope="module")
def isotonic(data):
    # The saved form: skops' allow-list (policies.risk.TRUSTED_TYPES) has the isotonic model's.
    frame, y = data
    return RiskModel(max_iter=60, random_state=4).fit(frame, y)


def _rows(frame):
    return frame.astype(object).to_dict("records")


def test_a_fitted_model_is_compiled_and_scores_as_scikit_learn(fitted, data) -> None:
    frame, _ = data
    compiled = fitted.compiled_
    assert isinstance(compiled, CompiledRiskModel)
    expected = fitted.model_.predict_proba(feature_frame(_rows(frame)))
    assert len(frame) > MAX_COMPILED_ROWS
    assert np.array_equal(compiled.predict_encoded(compiled.encode(frame)), expected)
    assert np.array_equal(compiled.predict_encoded(compiled.encode_rows(_rows(frame))), expected)
    # Through the model: small batches compiled, large ones by scikit-learn; the same floats.
    for part in (frame.head(1), frame.head(MAX_COMPILED_ROWS), frame):
        assert np.array_equal(fitted.predict_proba(part), expected[: len(part)])
        assert np.array_equal(fitted.predict_proba_rows(_rows(part)), expected[: len(part)])


def test_probe_rows_with_unknown_and_missing_values_score_the_same(fitted) -> None:
    frame = probe_frame(3_000, seed=5)
    assert frame["carrier"].isna().any() and frame["days_since_delivery"].isna().any()
    rows = _rows(frame)
    # Values the live features never hold but the frame path reads: None, a category of no
    # vocabulary, a number as a string.
    rows[0] = {**rows[0], "days_left_in_window": None, "carrier": None}
    rows[1] = {**rows[1], "category": "spaceships", "order_value": "12.5"}
    expected = fitted.model_.predict_proba(feature_frame(rows))
    compiled = fitted.compiled_
    assert np.array_equal(compiled.predict_encoded(compiled.encode_rows(rows)), expected)
    assert np.array_equal(compiled.predict_encoded(compiled.encode(feature_frame(rows))), expected)


def test_every_category_of_every_column_takes_its_own_path(fitted, data) -> None:
    frame, _ = data
    base = _rows(frame.head(1))[0]
    rows = [
        {**base, name: value}
        for name, vocabulary in CATEGORICAL_FEATURES.items()
        for value in (*vocabulary, float("nan"))
    ]
    expected = fitted.model_.predict_proba(feature_frame(rows))
    assert np.array_equal(fitted.predict_proba_rows(rows), expected)


def test_a_loaded_model_is_compiled_and_does_not_call_scikit_learn(
    isotonic, data, tmp_path
) -> None:
    frame, _ = data
    isotonic.save(tmp_path)
    loaded = RiskModel.load(tmp_path)
    assert loaded.compiled_ is not None
    expected = isotonic.model_.predict_proba(frame)

    def refuse(*_: object) -> None:
        raise AssertionError("scikit-learn's predict_proba was called")

    loaded.model_.predict_proba = refuse
    part = frame.head(MAX_COMPILED_ROWS)
    assert np.array_equal(loaded.predict_proba(part), expected[: len(part)])
    assert np.array_equal(loaded.predict_proba_rows(_rows(part)), expected[: len(part)])
    assert loaded.score_one(_rows(frame.head(1))[0]) == expected[0, 1]


def test_a_model_not_reproduced_exactly_is_not_compiled(fitted, monkeypatch) -> None:
    honest = CompiledRiskModel.predict_encoded

    def off_by_a_little(self, X):
        return honest(self, X) + 1e-15

    monkeypatch.setattr(CompiledRiskModel, "predict_encoded", off_by_a_little)
    assert compile_model(fitted.model_) is None


def test_a_model_that_did_not_compile_scores_with_scikit_learn(fitted, data) -> None:
    frame, _ = data
    model = RiskModel.__new__(RiskModel)
    model.__dict__.update(fitted.__dict__)
    model.compiled_ = None
    part = frame.head(100)
    expected = fitted.model_.predict_proba(part)
    assert np.array_equal(model.predict_proba(part), expected)
    assert np.array_equal(model.predict_proba_rows(_rows(part)), expected)


@pytest.mark.parametrize("days", [None, 365.0])
def test_the_routers_row_scoring_caps_as_the_frame_scoring(fitted, data, days) -> None:
    frame, _ = data
    rows = _rows(frame.head(100))
    bounded = np.arange(len(rows)) % 3 == 0
    expected = capped_scores(fitted.model_, feature_frame(rows), bounded, days)
    got = capped_scores_of_rows(fitted, rows, bounded, days)
    assert all(np.array_equal(a, b) for a, b in zip(got, expected, strict=True))
