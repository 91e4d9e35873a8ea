"""The model's input frame: converted once, recognised when already converted."""

from __future__ import annotations

import pandas as pd

from policies.features import (
    CATEGORICAL_FEATURES,
    FEATURE_NAMES,
    NUMERIC_FEATURES,
    as_model_input,
    feature_frame,
    is_model_input,
)


def _row(**overrides: object) -> dict[str, object]:
    row: dict[str, object] = {name: 1 for name in NUMERIC_FEATURES}
    row.update({name: vocabulary[0] for name, vocabulary in CATEGORICAL_FEATURES.items()})
    row.update(overrides)
    return row


def test_a_converted_frame_is_recognised_and_returned_as_is():
    frame = feature_frame([_row(), _row()])
    assert is_model_input(frame)
    assert as_model_input(frame) is frame


def test_a_raw_frame_is_converted():
    raw = pd.DataFrame([_row()])  # integers, strings: not the model's dtypes
    assert not is_model_input(raw)
    converted = as_model_input(raw)
    assert converted is not raw and is_model_input(converted)
    assert list(converted.columns) == list(FEATURE_NAMES)


def test_other_categories_or_order_are_converted_again():
    frame = feature_frame([_row()])
    name, vocabulary = next(iter(CATEGORICAL_FEATURES.items()))
    narrowed = frame.copy()
    narrowed[name] = pd.Categorical([vocabulary[0]], categories=[vocabulary[0]])
    assert not is_model_input(narrowed)
    assert list(as_model_input(narrowed)[name].cat.categories) == list(vocabulary)
    reordered = frame[list(reversed(FEATURE_NAMES))]
    assert not is_model_input(reordered)
    assert list(as_model_input(reordered).columns) == list(FEATURE_NAMES)
    # A frame with more columns is cut to the features.
    wider = frame.assign(extra=1)
    assert not is_model_input(wider)
    assert list(as_model_input(wider).columns) == list(FEATURE_NAMES)
