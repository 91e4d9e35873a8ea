"""The risk model: sklearn conventions, safe save/load with checked metadata, baselines."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import numpy as np
import pytest
import skops.io
from threadpoolctl import threadpool_limits

from lab.world import generate_world
from policies.features import FEATURE_NAMES, build_feature_frame
from policies.risk import (
    SCORED_CLAIM_TYPES,
    RiskArtifactMismatchError,
    RiskArtifactMissingError,
    RiskModel,
    RiskModelNotFittedError,
    RulesBaseline,
    UntrustedArtifactError,
    make_logistic_baseline,
)


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    # OpenMP threads busy-wait; on a loaded 2-core machine one thread is several times faster.
    with threadpool_limits(limits=1):
        yield


@pytest.fixture(scope="module")
def data():
    world = generate_world(
        5,
        n_buyers=800,
        n_sellers=40,
        n_cases=2_000,
        start=datetime(2025, 1, 1, tzinfo=UTC),
        days=300,
    )
    frame = build_feature_frame(world)
    frame = frame[frame["claim_type"].isin([t.value for t in SCORED_CLAIM_TYPES])]
    return frame, frame["is_abusive"].to_numpy(dtype=int)


@pytest.fixture(scope="module")
def fitted(data):
    frame, y = data
    # Small and fast: the conventions and the storage are under test, not the accuracy.
    return RiskModel(max_iter=40, random_state=3).fit(frame, y)


@pytest.fixture(scope="module")
def saved(fitted, tmp_path_factory):
    directory = tmp_path_factory.mktemp("risk")
    fitted.save(directory, training_window={"start": "x"}, metrics={"pr_auc": 0.5})
    return directory


def test_sklearn_conventions(fitted, data) -> None:
    frame, _ = data
    assert list(fitted.classes_) == [0, 1]
    assert list(fitted.feature_names_in_) == list(FEATURE_NAMES)
    p = fitted.predict_proba(frame)
    assert p.shape == (len(frame), 2)
    assert np.allclose(p.sum(axis=1), 1.0)
    assert set(fitted.predict(frame)) <= {0, 1}
    assert fitted.get_params()["random_state"] == 3
    assert RiskModel().get_params()["calibration"] == "isotonic"


def test_unfitted_model_raises_a_named_error(data) -> None:
    with pytest.raises(RiskModelNotFittedError, match="fit"):
        RiskModel().predict_proba(data[0])


def test_same_seed_same_model(data, fitted) -> None:
    frame, y = data
    again = RiskModel(max_iter=40, random_state=3).fit(frame, y)
    assert np.array_equal(again.predict_proba(frame), fitted.predict_proba(frame))


def test_save_load_round_trip(saved, fitted, data) -> None:
    loaded = RiskModel.load(saved)
    assert np.array_equal(loaded.predict_proba(data[0]), fitted.predict_proba(data[0]))
    assert loaded.version.startswith("risk-hgb-calibrated-")
    assert loaded.metadata_["metrics"] == {"pr_auc": 0.5}
    assert loaded.get_params()["max_iter"] == 40


def _edit_metadata(directory, **changes) -> None:
    path = directory / "metadata.json"
    metadata = json.loads(path.read_text())
    for key, value in changes.items():
        if key == "sklearn":
            metadata["versions"]["sklearn"] = value
        else:
            metadata[key] = value
    path.write_text(json.dumps(metadata))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"features": ["order_value"]}, "features"),
        ({"sklearn": "0.24.0"}, "sklearn 0.24.0"),
        ({"format_version": 99}, "format_version"),
        ({"sha256": "0" * 64}, "sha256"),
    ],
)
def test_metadata_mismatch_is_refused(saved, tmp_path, change, message) -> None:
    for name in ("model.skops", "metadata.json"):
        (tmp_path / name).write_bytes((saved / name).read_bytes())
    _edit_metadata(tmp_path, **change)
    with pytest.raises(RiskArtifactMismatchError, match=message):
        RiskModel.load(tmp_path)


def test_missing_artifact_is_refused(tmp_path) -> None:
    with pytest.raises(RiskArtifactMissingError, match=r"model\.skops"):
        RiskModel.load(tmp_path)


class Smuggled:
    """A type no allow-list names: loading it could run its code."""


def test_untrusted_types_are_refused(saved, tmp_path) -> None:
    skops.io.dump({"model": Smuggled()}, tmp_path / "model.skops")
    metadata = json.loads((saved / "metadata.json").read_text())
    metadata["sha256"] = hashlib.sha256((tmp_path / "model.skops").read_bytes()).hexdigest()
    (tmp_path / "metadata.json").write_text(json.dumps(metadata))
    with pytest.raises(UntrustedArtifactError, match="allow-list"):
        RiskModel.load(tmp_path)


def test_a_file_holding_another_model_is_refused(saved, tmp_path) -> None:
    skops.io.dump(make_logistic_baseline(), tmp_path / "model.skops")
    metadata = json.loads((saved / "metadata.json").read_text())
    metadata["sha256"] = hashlib.sha256((tmp_path / "model.skops").read_bytes()).hexdigest()
    (tmp_path / "metadata.json").write_text(json.dumps(metadata))
    with pytest.raises(RiskArtifactMismatchError, match="CalibratedClassifierCV"):
        RiskModel.load(tmp_path)


def test_baselines(data) -> None:
    frame, y = data
    logistic = make_logistic_baseline().fit(frame[list(FEATURE_NAMES)], y)
    assert logistic.predict_proba(frame[list(FEATURE_NAMES)]).shape == (len(frame), 2)
    rules = RulesBaseline().fit(frame, y)
    p = rules.predict_proba(frame)[:, 1]
    flags = RulesBaseline.flag_counts(frame)
    # One probability per flag count: the (smoothed) abuse rate seen with that count.
    for k in np.unique(flags):
        assert np.unique(p[flags == k]).size == 1
