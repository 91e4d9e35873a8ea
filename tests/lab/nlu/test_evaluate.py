"""The evaluation's calibration figures, on readings built by hand."""

import pytest

from lab.nlu.evaluate import calibration
from nlu.types import IntentScore, ParseResult


def reading(intent: str, confidence: float) -> ParseResult:
    return ParseResult(text="x", intent=IntentScore(intent, confidence))


def test_a_perfectly_calibrated_model_has_no_error():
    gold = ["a"] * 10
    # Confidence 0.8 in one bin, right 8 times out of 10.
    results = [reading("a", 0.8)] * 8 + [reading("b", 0.8)] * 2
    figures = calibration(gold, results)
    assert figures["ece"] == pytest.approx(0.0)
    assert figures["wrong"] == 2 and figures["wrong_at_0_9_or_more"] == 0


def test_confident_mistakes_are_counted_and_raise_the_error():
    gold = ["a", "a", "a", "a"]
    results = [reading("a", 1.0), reading("b", 1.0), reading("b", 0.95), reading("a", 0.3)]
    figures = calibration(gold, results)
    # Bin (0.9, 1]: 3 messages, accuracy 1/3, confidence 0.983; bin (0.2, 0.3]: 1, acc 1, 0.3.
    expected = 3 / 4 * abs(1 / 3 - (1.0 + 1.0 + 0.95) / 3) + 1 / 4 * abs(1 - 0.3)
    assert figures["ece"] == pytest.approx(expected)
    assert figures["wrong_at_0_9_or_more"] == 2
    assert figures["mean_confidence_when_wrong"] == pytest.approx(0.975)


def test_the_cross_validation_summary_reads_rasas_report():
    from lab.nlu.crossval import summarise

    report = {
        "accuracy": 0.9,
        "macro avg": {"precision": 0.8, "recall": 0.8, "f1-score": 0.85, "support": 100},
        "out_of_scope": {"precision": 0.7, "recall": 0.6, "f1-score": 0.65, "support": 10},
    }
    assert summarise(report) == {
        "intent_macro_f1": 0.85,
        "intent_accuracy": 0.9,
        "out_of_scope_precision": 0.7,
        "out_of_scope_recall": 0.6,
        "n_examples": 100,
    }


def test_the_threshold_is_chosen_on_out_of_fold_predictions(tmp_path):
    import json

    from lab.nlu.crossval import choose_confidence_threshold, out_of_fold_predictions

    # Wrong answers are unsure (0.32, 0.4): a threshold above them turns them into
    # out_of_scope, which is right for the out-of-scope one and costs nothing else.
    successes = [
        {"text": "a", "intent": "greet", "intent_prediction": {"name": "greet", "confidence": 0.9}},
        {"text": "b", "intent": "deny", "intent_prediction": {"name": "deny", "confidence": 0.8}},
        {"text": "c", "intent": "deny", "intent_prediction": {"name": "deny", "confidence": 0.7}},
    ]
    errors = [
        {"text": "d", "intent": "out_of_scope",
         "intent_prediction": {"name": "greet", "confidence": 0.4}},
        {"text": "e", "intent": "greet", "intent_prediction": {"name": "deny", "confidence": 0.32}},
    ]  # fmt: skip
    (tmp_path / "intent_successes.json").write_text(json.dumps(successes))
    (tmp_path / "intent_errors.json").write_text(json.dumps(errors))
    predictions = out_of_fold_predictions(tmp_path)
    assert len(predictions) == 5
    chosen = choose_confidence_threshold(predictions)
    assert chosen["chosen"]["threshold"] == 0.45  # the lowest of the best (0.45 .. 0.7)
    assert chosen["chosen"]["out_of_scope_recall"] == 1.0
    assert 0 <= chosen["ece"] <= 1
