"""``make cv-nlu``: 5-fold cross-validation of the shipped pipeline on the training data.

Runs Rasa's own cross-validation (``rasa test nlu --cross-validation --folds 5``): the training
examples are split into five stratified folds, and each fold is predicted by a model trained on
the other four. Together with the held-out ``data/nlu/test.yml`` and the blind set
(``data/nlu/blind/``, `make eval-nlu`), it is one of the three figures the NLU is reported with.
Writes ``reports/nlu/crossval/`` (Rasa's reports and ``summary.json``). Five trainings: ~5x the
time of ``make nlu-model``.

The out-of-fold predictions also choose the out-of-scope confidence threshold
(``thresholds.json``): the one that maximises macro-F1 over all intents, ``out_of_scope``
included, when a prediction below it counts as ``out_of_scope``; and they measure the raw
model's calibration (ECE). Neither test set is used for it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from sklearn.metrics import f1_score, precision_recall_fscore_support

from lab.nlu.evaluate import calibration_of
from nlu.model import DEFAULT_CONFIG, DEFAULT_RASA_BIN, DEFAULT_TRAIN_DIR, REPO_ROOT, rasa_env

OUT_OF_SCOPE = "out_of_scope"


def summarise(intent_report: dict) -> dict:
    """The figures the README reports, from Rasa's ``intent_report.json``."""
    oos = intent_report.get(OUT_OF_SCOPE, {})
    return {
        "intent_macro_f1": intent_report["macro avg"]["f1-score"],
        "intent_accuracy": intent_report["accuracy"],
        "out_of_scope_precision": oos.get("precision"),
        "out_of_scope_recall": oos.get("recall"),
        "n_examples": int(intent_report["macro avg"]["support"]),
    }


def crossvalidate(config: Path, out: Path, folds: int) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    cmd = [
        str(DEFAULT_RASA_BIN), "test", "nlu",
        "--nlu", str(DEFAULT_TRAIN_DIR),
        "--config", str(config),
        "--cross-validation", "--folds", str(folds),
        "--successes",
        "--out", str(out),
    ]  # fmt: skip
    started = time.monotonic()
    with open(out / "rasa.log", "wb") as log:
        subprocess.run(cmd, check=True, env=rasa_env(), cwd=REPO_ROOT, stdout=log, stderr=log)
    summary = summarise(json.loads((out / "intent_report.json").read_text()))
    summary.update(folds=folds, config=str(config.relative_to(REPO_ROOT)),
                   seconds=round(time.monotonic() - started))  # fmt: skip
    predictions = out_of_fold_predictions(out)
    if predictions:
        thresholds = choose_confidence_threshold(predictions)
        (out / "thresholds.json").write_text(json.dumps(thresholds, indent=2))
        summary.update(
            ece=thresholds["ece"], chosen_confidence_threshold=thresholds["chosen"]["threshold"]
        )
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    return summary


def out_of_fold_predictions(out: Path) -> list[tuple[str, str, float]]:
    """(gold, predicted, confidence) of every example, from Rasa's successes and errors."""
    rows = []
    for name in ("intent_successes.json", "intent_errors.json"):
        path = out / name
        if path.exists():
            for item in json.loads(path.read_text()):
                prediction = item.get("intent_prediction") or {}
                rows.append(
                    (item["intent"], prediction.get("name") or OUT_OF_SCOPE,
                     float(prediction.get("confidence") or 0.0))
                )  # fmt: skip
    return rows


THRESHOLD_GRID = tuple(round(0.05 * i, 2) for i in range(0, 20))


def choose_confidence_threshold(predictions: list[tuple[str, str, float]]) -> dict:
    """Macro-F1 (out_of_scope included) of the thresholded predictions for each threshold of
    the grid; the best one, the lowest on a tie (fewer fallbacks)."""
    gold = [g for g, _, _ in predictions]
    labels = sorted(set(gold))
    sweep = []
    for threshold in THRESHOLD_GRID:
        predicted = [p if c >= threshold else OUT_OF_SCOPE for _, p, c in predictions]
        oos = precision_recall_fscore_support(
            gold, predicted, labels=[OUT_OF_SCOPE], zero_division=0
        )
        sweep.append(
            {
                "threshold": threshold,
                "macro_f1": f1_score(gold, predicted, labels=labels, average="macro",
                                     zero_division=0),
                "out_of_scope_precision": float(oos[0][0]),
                "out_of_scope_recall": float(oos[1][0]),
            }
        )  # fmt: skip
    best = max(sweep, key=lambda row: (round(row["macro_f1"], 4), -row["threshold"]))
    calibration = calibration_of([g == p for g, p, _ in predictions], [c for *_, c in predictions])
    return {"chosen": best, "sweep": sweep, "ece": calibration["ece"], "calibration": calibration}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "reports" / "nlu" / "crossval")
    args = parser.parse_args(argv)
    summary = crossvalidate(args.config.resolve(), args.out, args.folds)
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
