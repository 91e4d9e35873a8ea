"""The abuse-risk model: P(a claim is abusive | what is known when it opens), calibrated.

`RiskModel` follows scikit-learn's conventions (constructor stores arguments, `fit` returns
self, learned state ends in `_`, `random_state`), so it composes with `clone`,
`cross_val_predict` and fairlearn. Inside: a HistGradientBoostingClassifier (categoricals
native, missing values native) wrapped in CalibratedClassifierCV.

Calibration is **isotonic** by default: the router multiplies the probability by the money at
stake, so it needs probabilities, not just a ranking; each calibration fold holds thousands of
cases (isotonic regression overfits below roughly a thousand), and boosted trees' distortion is
not the sigmoid shape that Platt scaling assumes. Pass `calibration="sigmoid"` for small data.

Storage is skops (never pickle) plus a metadata JSON that `load` checks before it deserialises
anything: feature names, library versions, the file's hash, and skops' list of the types in the
file against an explicit allow-list.

Baselines for the evaluation: `make_logistic_baseline()` (one-hot + scaling + logistic
regression) and `RulesBaseline` (the spec's REV-6.2 flags alone, mapped to the abuse rate seen
with each flag count in training).
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
import skops
import skops.io
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import NotFittedError
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils.validation import check_is_fitted

from common.errors import AftersalesError
from policies.features import (
    CATEGORICAL_FEATURES,
    FEATURE_NAMES,
    NUMERIC_FEATURES,
    as_model_input,
    feature_frame,
)
from policies.risk_trees import CompiledRiskModel, compile_model
from policies.rules import review_flags
from policies.types import BuyerHistory, ClaimType

MODEL_NAME = "risk-hgb-calibrated"
FORMAT_VERSION = 1
MODEL_FILE = "model.skops"
METADATA_FILE = "metadata.json"

# Claims that rest on the buyer's word, which is where abuse lives. A cancellation is checked
# against the order's status and a late-delivery voucher against the carrier's scans, so the
# router does not score those (and the model is not trained on them).
SCORED_CLAIM_TYPES = frozenset(
    {
        ClaimType.CHANGE_OF_MIND_RETURN,
        ClaimType.DAMAGED,
        ClaimType.DEFECTIVE,
        ClaimType.WRONG_ITEM,
        ClaimType.NOT_AS_DESCRIBED,
        ClaimType.NOT_RECEIVED,
    }
)

# Exactly the non-builtin types a saved RiskModel contains (skops lists them before loading).
# Anything else in a file is refused: a changed model class must be reviewed and added here.
TRUSTED_TYPES = (
    "functools.partial",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.model_selection._split.StratifiedKFold",
    "sklearn.utils.validation.check_array",
)


class RiskModelError(AftersalesError):
    """Base class of the risk model's errors."""


class RiskModelNotFittedError(RiskModelError, NotFittedError):
    """The model was used before `fit` or `load`."""


class RiskArtifactMissingError(RiskModelError, FileNotFoundError):
    """No saved model (or an incomplete one) where one was expected."""


class RiskArtifactMismatchError(RiskModelError):
    """A saved model does not match this code: features, versions or file contents differ."""


class UntrustedArtifactError(RiskModelError):
    """A saved model contains types outside `TRUSTED_TYPES`; it is not loaded."""


class RiskModel(ClassifierMixin, BaseEstimator):
    """Calibrated gradient-boosted trees over `policies.features.FEATURE_NAMES`.

    The label is 1 for an abusive claim. The hyper-parameters are pinned (not tuned on the
    hold-out); the comments in `_booster` say why each one is what it is.
    """

    def __init__(
        self,
        *,
        calibration: str = "isotonic",
        cv: int = 3,
        learning_rate: float = 0.05,
        max_iter: int = 500,
        max_leaf_nodes: int = 31,
        min_samples_leaf: int = 40,
        l2_regularization: float = 1.0,
        random_state: int = 0,
    ) -> None:
        self.calibration = calibration
        self.cv = cv
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.random_state = random_state

    def _booster(self) -> HistGradientBoostingClassifier:
        return HistGradientBoostingClassifier(
            loss="log_loss",
            # A small step with many rounds, stopped early on a held-back tenth of each training
            # fold: robust without tuning.
            learning_rate=self.learning_rate,
            max_iter=self.max_iter,
            early_stopping=True,
            validation_fraction=0.1,
            n_iter_no_change=20,
            scoring="loss",
            # Default tree size; larger leaves and some L2 keep rare buyers from being memorised.
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf,
            l2_regularization=self.l2_regularization,
            # The categorical columns carry pandas' category dtype (policies.features).
            categorical_features="from_dtype",
            # No class weights: re-weighting would distort the probabilities we calibrate.
            class_weight=None,
            random_state=self.random_state,
        )

    def fit(self, X: pd.DataFrame, y: np.ndarray | pd.Series) -> RiskModel:
        """Fit on a frame with `FEATURE_NAMES` (extra columns are ignored); y is 1 for abuse."""
        frame = _model_input(X)
        if self.calibration not in ("isotonic", "sigmoid"):
            raise ValueError(
                f"calibration must be 'isotonic' or 'sigmoid', got {self.calibration!r}"
            )
        self.model_ = CalibratedClassifierCV(
            self._booster(),
            method=self.calibration,
            cv=StratifiedKFold(n_splits=self.cv, shuffle=True, random_state=self.random_state),
            ensemble=True,
        ).fit(frame, np.asarray(y).astype(int))
        self.classes_ = self.model_.classes_
        self.feature_names_in_ = np.array(FEATURE_NAMES, dtype=object)
        self.n_features_in_ = len(FEATURE_NAMES)
        self.compiled_ = compile_model(self.model_)
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Columns follow `classes_` ([0, 1]): P(genuine), P(abusive).

        Through the compiled trees (`policies.risk_trees`, the same floats) when the fitted model
        compiled, else scikit-learn's own predict_proba.
        """
        self._check_fitted()
        frame = _model_input(X)
        compiled: CompiledRiskModel | None = getattr(self, "compiled_", None)
        if compiled is not None:
            return compiled.predict_proba(frame)
        return self.model_.predict_proba(frame)

    def predict_proba_rows(self, rows: Sequence[Mapping[str, object]]) -> np.ndarray:
        """`predict_proba(feature_frame(rows))` for `case_features` dicts, without the frame
        when the model compiled (a turn's one case: ~4 ms of pandas saved)."""
        self._check_fitted()
        compiled: CompiledRiskModel | None = getattr(self, "compiled_", None)
        if compiled is not None:
            return compiled.predict_proba_rows(rows)
        return self.model_.predict_proba(feature_frame(rows))

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """The more likely class; routing uses the probability with a cost, not this."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def score_one(self, features: Mapping[str, object]) -> float:
        """P(abusive) of one case from a `policies.features.case_features` dict."""
        return float(self.predict_proba_rows([features])[0, 1])

    @property
    def version(self) -> str:
        """The loaded or saved artifact's version, or "unsaved" for a model fitted in memory."""
        return getattr(self, "version_", "unsaved")

    def _check_fitted(self) -> None:
        try:
            check_is_fitted(self, "model_")
        except NotFittedError as e:
            raise RiskModelNotFittedError(
                "RiskModel is not fitted: call fit() or RiskModel.load(path) first"
            ) from e

    def save(
        self,
        directory: Path,
        *,
        training_window: Mapping[str, object] | None = None,
        metrics: Mapping[str, object] | None = None,
        extra: Mapping[str, object] | None = None,
    ) -> dict:
        """Write `model.skops` and `metadata.json` to `directory`; return the metadata.

        `extra` adds top-level metadata fields (e.g. `inputs` for the up-to-date check of
        `lab.policies.train_router_model`, `router` for the router's price index); it cannot
        replace the fields `load` checks.
        """
        self._check_fitted()
        directory.mkdir(parents=True, exist_ok=True)
        model_path = directory / MODEL_FILE
        skops.io.dump(self.model_, model_path)
        digest = hashlib.sha256(model_path.read_bytes()).hexdigest()
        metadata = {
            "model": MODEL_NAME,
            "format_version": FORMAT_VERSION,
            "model_version": f"{MODEL_NAME}-{digest[:12]}",
            "sha256": digest,
            "features": list(FEATURE_NAMES),
            "categories": {k: list(v) for k, v in CATEGORICAL_FEATURES.items()},
            "classes": [int(c) for c in self.classes_],
            "params": self.get_params(),
            "training_window": dict(training_window or {}),
            "metrics": dict(metrics or {}),
            "versions": _versions(),
        }
        for key, value in (extra or {}).items():
            if key in metadata:
                raise ValueError(f"extra metadata may not replace {key!r}")
            metadata[key] = value
        (directory / METADATA_FILE).write_text(
            json.dumps(metadata, indent=2, sort_keys=True) + "\n"
        )
        self.version_ = metadata["model_version"]
        return metadata

    @classmethod
    def load(cls, directory: Path) -> RiskModel:
        """Load a saved model after checking its metadata; raise a `RiskModelError` if unfit.

        Refused: a missing file, other features or categories than this code's, another
        scikit-learn or skops version (trees are not portable across versions), a file whose
        hash differs from the metadata's, or a file holding types outside `TRUSTED_TYPES`.
        """
        model_path, meta_path = directory / MODEL_FILE, directory / METADATA_FILE
        for path in (model_path, meta_path):
            if not path.is_file():
                raise RiskArtifactMissingError(
                    f"no {path.name} in {directory}; train one with "
                    "`make risk-model` (python -m lab.policies.train_router_model)"
                )
        try:
            metadata = json.loads(meta_path.read_text())
        except json.JSONDecodeError as e:
            raise RiskArtifactMismatchError(f"{meta_path} is not valid JSON: {e}") from e
        check_metadata(metadata)
        digest = hashlib.sha256(model_path.read_bytes()).hexdigest()
        if digest != metadata["sha256"]:
            raise RiskArtifactMismatchError(
                f"{model_path} has sha256 {digest[:12]}..., its metadata says "
                f"{metadata['sha256'][:12]}...; the file was changed after saving: retrain"
            )
        untrusted = skops.io.get_untrusted_types(file=model_path)
        unknown = sorted(set(untrusted) - set(TRUSTED_TYPES))
        if unknown:
            raise UntrustedArtifactError(
                f"{model_path} contains types outside the allow-list: {unknown}; review them "
                "and add them to policies.risk.TRUSTED_TYPES if they are safe"
            )
        try:
            model = skops.io.load(model_path, trusted=untrusted)
        except Exception as e:  # skops raises several types for a corrupt file
            raise RiskArtifactMismatchError(f"could not load {model_path}: {e}") from e
        if not isinstance(model, CalibratedClassifierCV):
            raise RiskArtifactMismatchError(
                f"{model_path} holds a {type(model).__name__}, not the CalibratedClassifierCV "
                "a RiskModel saves; retrain with `make risk-model`"
            )
        params = {k: v for k, v in metadata.get("params", {}).items() if k in cls().get_params()}
        risk = cls(**params)
        risk.model_ = model
        risk.classes_ = model.classes_
        risk.feature_names_in_ = np.array(FEATURE_NAMES, dtype=object)
        risk.n_features_in_ = len(FEATURE_NAMES)
        risk.version_ = metadata["model_version"]
        risk.metadata_ = metadata
        risk.compiled_ = compile_model(model)
        return risk


def check_metadata(metadata: Mapping[str, object]) -> None:
    """Raise `RiskArtifactMismatchError` naming the first field that does not match this code."""
    expected = {
        "model": MODEL_NAME,
        "format_version": FORMAT_VERSION,
        "features": list(FEATURE_NAMES),
        "categories": {k: list(v) for k, v in CATEGORICAL_FEATURES.items()},
    }
    for key, value in expected.items():
        if metadata.get(key) != value:
            raise RiskArtifactMismatchError(
                f"saved risk model has {key}={metadata.get(key)!r}, this code expects {value!r}; "
                "retrain with `make risk-model`"
            )
    versions = metadata.get("versions")
    current = _versions()
    if not isinstance(versions, Mapping):
        raise RiskArtifactMismatchError("saved risk model metadata has no library versions")
    for library in ("sklearn", "skops"):
        if versions.get(library) != current[library]:
            raise RiskArtifactMismatchError(
                f"saved risk model was trained with {library} {versions.get(library)}, this "
                f"environment has {current[library]}; retrain with `make risk-model`"
            )


def make_logistic_baseline(random_state: int = 0) -> Pipeline:
    """One-hot categoricals, median-imputed and scaled numerics, L2 logistic regression."""
    numeric = make_pipeline(
        # Missing days mean "not delivered" / "no window": the indicator keeps that information.
        SimpleImputer(strategy="median", add_indicator=True),
        StandardScaler(),
    )
    encode = ColumnTransformer(
        [
            ("numeric", numeric, list(NUMERIC_FEATURES)),
            (
                "categorical",
                OneHotEncoder(
                    categories=[list(v) for v in CATEGORICAL_FEATURES.values()],
                    handle_unknown="ignore",
                ),
                list(CATEGORICAL_FEATURES),
            ),
        ]
    )
    # C=1 (the default, stated): a baseline, not tuned; lbfgs with room to converge.
    model = LogisticRegression(C=1.0, solver="lbfgs", max_iter=2000, random_state=random_state)
    return Pipeline([("encode", encode), ("model", model)])


class RulesBaseline(ClassifierMixin, BaseEstimator):
    """The spec's review flags (REV-6.2) as a score: 0, 1 or 2 flags raised.

    `fit` learns the abuse rate at each flag count (Laplace-smoothed) so `predict_proba` is a
    probability that can be compared with the models' on Brier score. Needs the history columns
    of `policies.features.build_feature_frame`.
    """

    HISTORY_COLUMNS = ("buyer_refunds_90d", "buyer_orders_365d", "buyer_refunded_orders_365d")

    def fit(self, X: pd.DataFrame, y: np.ndarray | pd.Series) -> RulesBaseline:
        flags = self.flag_counts(X)
        y = np.asarray(y).astype(int)
        self.classes_ = np.array([0, 1])
        self.rate_ = np.array(
            [(y[flags == k].sum() + 1) / ((flags == k).sum() + 2) for k in range(3)]
        )
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        check_is_fitted(self, "rate_")
        p = self.rate_[self.flag_counts(X)]
        return np.column_stack([1 - p, p])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return (self.flag_counts(X) > 0).astype(int)

    @classmethod
    def flag_counts(cls, X: pd.DataFrame) -> np.ndarray:
        """How many REV-6.2 flags each row raises, using the rules' own `review_flags`."""
        columns = [X[c].to_numpy(dtype=int) for c in cls.HISTORY_COLUMNS]
        return np.array(
            [
                len(review_flags(BuyerHistory(int(a), int(b), int(c))))
                for a, b, c in zip(*columns, strict=True)
            ]
        )


def _model_input(X: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(X, pd.DataFrame):
        raise TypeError(
            f"RiskModel takes a pandas DataFrame with {list(FEATURE_NAMES)}, got {type(X).__name__}"
        )
    return as_model_input(X)


def _versions() -> dict[str, str]:
    return {
        "sklearn": sklearn.__version__,
        "skops": skops.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "python": platform.python_version(),
    }


__all__ = [
    "SCORED_CLAIM_TYPES",
    "TRUSTED_TYPES",
    "RiskArtifactMismatchError",
    "RiskArtifactMissingError",
    "RiskModel",
    "RiskModelError",
    "RiskModelNotFittedError",
    "RulesBaseline",
    "UntrustedArtifactError",
    "check_metadata",
    "make_logistic_baseline",
]
