"""``make cv-nlu``: 5-fold cross-validation of the shipped pipeline on the training data.

Runs Rasa's own cross-validation (``rasa test nlu --cross-validation --folds 5``): the training
examples are split into five stratified folds, and each fold is predicted by a model trained on
the other four. Together with the held-out ``data/nlu/test.yml`` and the blind set
(``data/nlu/blind/``, `make eval-nlu`), it is one of the three figures the NLU is reported with.
Writes ``reports/nlu/crossval/`` (Rasa's reports and ``summary.json``). Five trainings: ~5x the
time of ``make nlu-model``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

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
        "--out", str(out),
    ]  # fmt: skip
    started = time.monotonic()
    with open(out / "rasa.log", "wb") as log:
        subprocess.run(cmd, check=True, env=rasa_env(), cwd=REPO_ROOT, stdout=log, stderr=log)
    summary = summarise(json.loads((out / "intent_report.json").read_text()))
    summary.update(folds=folds, config=str(config.relative_to(REPO_ROOT)),
                   seconds=round(time.monotonic() - started))  # fmt: skip
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    return summary


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
