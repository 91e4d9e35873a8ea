"""The fitted risk model's predictions without scikit-learn's per-call overhead (issue 17).

`RiskModel` is a CalibratedClassifierCV over HistGradientBoostingClassifier folds. Asked for one
row, scikit-learn converts the DataFrame once per fold (a ColumnTransformer with an
OrdinalEncoder, pandas and validation each time), then walks the fold's trees one Python call
per tree: ~400 calls for a handful of comparisons each. The bot scores one case per turn, so
that overhead was most of the risk model's cost (~14% of the bot's CPU under load).

`CompiledRiskModel` reads the same fitted objects once and predicts with the same arithmetic:

- the categoricals are encoded to the codes each fold's OrdinalEncoder learnt (a lookup table
  from the fixed vocabulary of `policies.features`; unknown and missing become NaN, as there);
- the numeric columns go in as float64, in the preprocessor's column order;
- every tree of every fold is walked at once in numpy with the Cython predictor's rules (NaN
  follows `missing_go_to_left`; a categorical goes left when in the node's bitset, right when a
  known category, and as missing otherwise; a number goes left when `<=` the threshold);
- each fold's raw score is its baseline plus its trees' leaf values added in the trees' order
  (a sequential cumulative sum, the same order of float additions as scikit-learn's loop), then
  its own calibrator (called as scikit-learn calls it), then the folds' mean as
  CalibratedClassifierCV takes it.

The probabilities are therefore the same floats, not approximately the same: `compile_model`
checks that on a probe frame covering every category, missing values and random numbers, and
returns None (the caller keeps scikit-learn's path) for any model it does not reproduce exactly.
Nothing is stored: the artifact is unchanged and the compiled form is rebuilt at load.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from policies.features import (
    CATEGORICAL_FEATURES,
    FEATURE_NAMES,
    NUMERIC_FEATURES,
    as_model_input,
    feature_frame,
)

# Seeded probe rows per check (plus every category of every categorical at least once).
PROBE_ROWS = 512
# Above this many rows scikit-learn's own path is used: its per-call overhead is spread over the
# rows, and walking every tree for every row at once in numpy takes memory in proportion (an
# evaluation scores 100,000 cases in one call).
MAX_COMPILED_ROWS = 256


class _Fold:
    """One calibrated fold's encoding, baseline and calibrator."""

    def __init__(self, calibrated: object) -> None:
        estimator = calibrated.estimator  # type: ignore[attr-defined]
        preprocessor = estimator._preprocessor
        if preprocessor is None:
            raise _Unsupported("the booster has no categorical preprocessor")
        if list(preprocessor.feature_names_in_) != list(FEATURE_NAMES):
            raise _Unsupported("the booster was fitted on other columns")
        if estimator.n_trees_per_iteration_ != 1:
            raise _Unsupported("not a binary booster")
        if len(calibrated.calibrators) != 1:  # type: ignore[attr-defined]
            raise _Unsupported("not one calibrator")
        self.calibrator = calibrated.calibrators[0]  # type: ignore[attr-defined]
        self.baseline = float(np.asarray(estimator._baseline_prediction).reshape(-1)[0])
        # Where each input column lands in the preprocessor's output, and how a categorical's
        # vocabulary code maps to the fold's ordinal code (NaN: unknown to the fold).
        encoder = preprocessor.named_transformers_["encoder"]
        encoded = np.flatnonzero(_column_mask(preprocessor, "encoder"))
        numerical = np.flatnonzero(_column_mask(preprocessor, "numerical"))
        out_encoded = _output_positions(preprocessor, "encoder")
        out_numerical = _output_positions(preprocessor, "numerical")
        if len(encoded) != len(out_encoded) or len(numerical) != len(out_numerical):
            raise _Unsupported("unexpected preprocessor layout")
        self.numeric_at: dict[str, int] = {}
        for column, position in zip(numerical, out_numerical, strict=True):
            name = FEATURE_NAMES[column]
            if name not in NUMERIC_FEATURES:
                raise _Unsupported(f"{name} is not numeric in this code")
            self.numeric_at[name] = int(position)
        self.category_at: dict[str, int] = {}
        self.category_codes: dict[str, np.ndarray] = {}
        for column, position, learnt in zip(encoded, out_encoded, encoder.categories_, strict=True):
            name = FEATURE_NAMES[column]
            if name not in CATEGORICAL_FEATURES:
                raise _Unsupported(f"{name} is not categorical in this code")
            index = {value: k for k, value in enumerate(learnt) if isinstance(value, str)}
            # Vocabulary code -> ordinal code; the extra last slot is pandas' -1 (missing).
            codes = [float(index.get(v, np.nan)) for v in CATEGORICAL_FEATURES[name]]
            self.category_at[name] = int(position)
            self.category_codes[name] = np.array([*codes, np.nan], dtype=np.float64)
        self.n_columns = len(encoded) + len(numerical)
        self.estimator = estimator


class _Unsupported(Exception):
    pass


def _column_mask(preprocessor: object, name: str) -> np.ndarray:
    for transformer_name, _, columns in preprocessor.transformers_:  # type: ignore[attr-defined]
        if transformer_name == name:
            mask = np.asarray(columns)
            if mask.dtype != bool or mask.shape != (len(FEATURE_NAMES),):
                raise _Unsupported("preprocessor columns are not a boolean mask")
            return mask
    raise _Unsupported(f"preprocessor has no {name!r} transformer")


def _output_positions(preprocessor: object, name: str) -> np.ndarray:
    part = preprocessor.output_indices_[name]  # type: ignore[attr-defined]
    return np.arange(part.start, part.stop)


class _Forest:
    """Every tree of every fold as flat node arrays, walked together."""

    def __init__(self, folds: Sequence[_Fold]) -> None:
        features, thresholds, missing_left, lefts, rights, leaves, values = ([] for _ in range(7))
        categorical, cat_left = [], []
        roots, fold_of_tree = [], []
        width = max(
            [len(codes) - 1 for fold in folds for codes in fold.category_codes.values()] or [1]
        )
        offset = 0
        for f, fold in enumerate(folds):
            estimator = fold.estimator
            known_bitsets, f_idx_map = estimator._bin_mapper.make_known_categories_bitsets()
            for iteration in estimator._predictors:
                (predictor,) = iteration
                nodes = predictor.nodes
                n = len(nodes)
                roots.append(offset)
                fold_of_tree.append(f)
                features.append(nodes["feature_idx"].astype(np.intp))
                thresholds.append(nodes["num_threshold"].astype(np.float64))
                missing_left.append(nodes["missing_go_to_left"].astype(bool))
                leaf = nodes["is_leaf"].astype(bool)
                here = np.arange(offset, offset + n)
                # A leaf points at itself, so walking on past it stays there.
                lefts.append(np.where(leaf, here, nodes["left"].astype(np.intp) + offset))
                rights.append(np.where(leaf, here, nodes["right"].astype(np.intp) + offset))
                leaves.append(leaf)
                values.append(nodes["value"].astype(np.float64))
                is_cat = nodes["is_categorical"].astype(bool) & ~leaf
                categorical.append(is_cat)
                table = np.zeros((n, width), dtype=bool)
                for k in np.flatnonzero(is_cat):
                    node = nodes[k]
                    raw = predictor.raw_left_cat_bitsets[node["bitset_idx"]]
                    known = known_bitsets[f_idx_map[node["feature_idx"]]]
                    for code in range(width):
                        if _in_bitset(raw, code):
                            table[k, code] = True
                        elif _in_bitset(known, code):
                            table[k, code] = False
                        else:  # an unknown category is treated as missing
                            table[k, code] = bool(node["missing_go_to_left"])
                cat_left.append(table)
                offset += n
        self.feature = np.concatenate(features)
        self.threshold = np.concatenate(thresholds)
        self.missing_left = np.concatenate(missing_left)
        self.left = np.concatenate(lefts)
        self.right = np.concatenate(rights)
        self.is_leaf = np.concatenate(leaves)
        self.value = np.concatenate(values)
        self.is_categorical = np.concatenate(categorical)
        self.cat_left = np.concatenate(cat_left)
        self.width = width
        self.roots = np.array(roots, dtype=np.intp)
        self.fold_of_tree = np.array(fold_of_tree, dtype=np.intp)
        self.n_folds = len(folds)

    def leaf_values(self, X: np.ndarray) -> np.ndarray:
        """(n_rows, n_trees) leaf values; X is (n_rows, n_folds, n_columns) per fold's layout."""
        n_rows = X.shape[0]
        n_trees = len(self.roots)
        node = np.tile(self.roots, n_rows)
        row = np.repeat(np.arange(n_rows), n_trees)
        fold = np.tile(self.fold_of_tree, n_rows)
        active = np.flatnonzero(~self.is_leaf[node])
        while active.size:
            at = node[active]
            value = X[row[active], fold[active], self.feature[at]]
            missing = np.isnan(value)
            go_left = value <= self.threshold[at]
            categorical = self.is_categorical[at] & ~missing
            if categorical.any():
                code = value[categorical].astype(np.intp)
                go_left[categorical] = self.cat_left[at[categorical], code]
            go_left[missing] = self.missing_left[at[missing]]
            nxt = np.where(go_left, self.left[at], self.right[at])
            node[active] = nxt
            active = active[~self.is_leaf[nxt]]
        return self.value[node].reshape(n_rows, n_trees)


def _in_bitset(bitset: np.ndarray, value: int) -> bool:
    return bool((int(bitset[value // 32]) >> (value % 32)) & 1)


class CompiledRiskModel:
    """P(genuine), P(abusive) of a fitted RiskModel's CalibratedClassifierCV, same floats."""

    def __init__(self, calibrated_cv: object) -> None:
        if not getattr(calibrated_cv, "ensemble", False):
            raise _Unsupported("not an ensemble of calibrated folds")
        classes = list(calibrated_cv.classes_)  # type: ignore[attr-defined]
        if classes != [0, 1]:
            raise _Unsupported(f"classes {classes}, expected [0, 1]")
        self.folds = [_Fold(c) for c in calibrated_cv.calibrated_classifiers_]  # type: ignore[attr-defined]
        for fold in self.folds:
            if list(fold.estimator.classes_) != [0, 1]:
                raise _Unsupported("a fold's booster has other classes")
        self.calibrated_cv = calibrated_cv
        self.forest = _Forest(self.folds)
        self.vocabulary_index = {
            name: {value: k for k, value in enumerate(vocabulary)}
            for name, vocabulary in CATEGORICAL_FEATURES.items()
        }
        # Each fold's trees are a contiguous run, in the fold's iteration order.
        self.tree_slices = []
        start = 0
        for fold in self.folds:
            count = len(fold.estimator._predictors)
            self.tree_slices.append(slice(start, start + count))
            start += count

    def encode(self, frame: pd.DataFrame) -> np.ndarray:
        """(n_rows, n_folds, n_columns): each fold's preprocessed input. `frame` must be
        `policies.features.as_model_input`'s form (float64 numbers, fixed categoricals)."""
        n_rows = len(frame)
        n_columns = self.folds[0].n_columns
        X = np.empty((n_rows, len(self.folds), n_columns), dtype=np.float64)
        numbers = {name: frame[name].to_numpy(dtype=np.float64) for name in NUMERIC_FEATURES}
        codes = {name: frame[name].array.codes for name in CATEGORICAL_FEATURES}
        for f, fold in enumerate(self.folds):
            for name, position in fold.numeric_at.items():
                X[:, f, position] = numbers[name]
            for name, position in fold.category_at.items():
                # pandas' -1 (missing) indexes the table's last slot, NaN.
                X[:, f, position] = fold.category_codes[name][codes[name]]
        return X

    def encode_rows(self, rows: Sequence[Mapping[str, object]]) -> np.ndarray:
        """`encode` of `feature_frame(rows)` without pandas: a number as `pd.to_numeric` reads
        it (None is missing), a categorical by `str(value)` in its vocabulary (else missing)."""
        X = np.empty((len(rows), len(self.folds), self.folds[0].n_columns), dtype=np.float64)
        for i, row in enumerate(rows):
            for f, fold in enumerate(self.folds):
                for name, position in fold.numeric_at.items():
                    value = row[name]
                    X[i, f, position] = np.nan if value is None else float(value)  # type: ignore[arg-type]
                for name, position in fold.category_at.items():
                    code = self.vocabulary_index[name].get(str(row[name]), -1)
                    X[i, f, position] = fold.category_codes[name][code]
        return X

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        if len(frame) > MAX_COMPILED_ROWS:
            return self.calibrated_cv.predict_proba(frame)  # type: ignore[attr-defined]
        return self.predict_encoded(self.encode(frame))

    def predict_proba_rows(self, rows: Sequence[Mapping[str, object]]) -> np.ndarray:
        """`predict_proba(feature_frame(rows))`, the same floats, without building the frame."""
        if len(rows) > MAX_COMPILED_ROWS:
            return self.calibrated_cv.predict_proba(feature_frame(rows))  # type: ignore[attr-defined]
        return self.predict_encoded(self.encode_rows(rows))

    def predict_encoded(self, X: np.ndarray) -> np.ndarray:
        leaf = self.forest.leaf_values(X)
        n_rows = leaf.shape[0]
        mean_proba = np.zeros((n_rows, 2))
        for fold, trees in zip(self.folds, self.tree_slices, strict=True):
            # scikit-learn: raw = 0 + baseline, then += each tree's value in order.
            terms = np.empty((n_rows, trees.stop - trees.start + 1))
            terms[:, 0] = 0.0 + fold.baseline
            terms[:, 1:] = leaf[:, trees]
            raw = np.cumsum(terms, axis=1)[:, -1]
            proba = np.zeros((n_rows, 2))
            proba[:, 1] = fold.calibrator.predict(raw)
            proba[:, 0] = 1.0 - proba[:, 1]
            proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0
            mean_proba += proba
        mean_proba /= len(self.folds)
        return mean_proba


def probe_frame(rows: int = PROBE_ROWS, seed: int = 0) -> pd.DataFrame:
    """Random model-input rows: every category of each categorical, missing values, numbers
    spread over and beyond the training ranges (negative, zero, large)."""
    rng = np.random.default_rng(seed)
    data: dict[str, object] = {}
    for name in NUMERIC_FEATURES:
        scale = 10.0 ** rng.integers(-2, 4, size=rows)
        values = rng.normal(0, 1, size=rows) * scale
        values[rng.random(rows) < 0.1] = np.nan
        values[rng.random(rows) < 0.1] = 0.0
        data[name] = values
    for name, vocabulary in CATEGORICAL_FEATURES.items():
        choices = np.array([*vocabulary, "__unknown__"], dtype=object)
        values = choices[np.arange(rows) % len(choices)]
        rng.shuffle(values)
        data[name] = values
    frame = as_model_input(pd.DataFrame(data))
    for name in CATEGORICAL_FEATURES:
        column = frame[name].copy()
        column[rng.random(rows) < 0.05] = np.nan
        frame[name] = column
    return frame


def compile_model(
    calibrated_cv: object, check: pd.DataFrame | None = None
) -> CompiledRiskModel | None:
    """The compiled form of a RiskModel's fitted CalibratedClassifierCV when it reproduces
    scikit-learn's probabilities exactly on `check` (default: `probe_frame()`), from the frame
    and from its rows as dicts; else None."""
    try:
        compiled = CompiledRiskModel(calibrated_cv)
    except (_Unsupported, AttributeError, KeyError, ValueError):
        return None
    frame = probe_frame() if check is None else check
    expected = calibrated_cv.predict_proba(frame)  # type: ignore[attr-defined]
    # The compiled path itself, whatever the probe's size (the public methods hand large
    # batches to scikit-learn).
    if not np.array_equal(compiled.predict_encoded(compiled.encode(frame)), expected):
        return None
    rows = frame.astype(object).to_dict("records")
    expected_rows = calibrated_cv.predict_proba(feature_frame(rows))  # type: ignore[attr-defined]
    if not np.array_equal(compiled.predict_encoded(compiled.encode_rows(rows)), expected_rows):
        return None
    return compiled


__all__ = ["CompiledRiskModel", "compile_model", "probe_frame"]
