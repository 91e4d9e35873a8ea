"""``make compare-nlu``: choose the pipeline by measurement.

Runs Rasa's model comparison (``rasa test nlu --config A B C --runs R --percentages 0``) for
every candidate config in ``nlu/candidates/``: each run splits the TRAINING data 80/20, trains
every candidate on the same 80% and evaluates it on the same 20%. The held-out test set
(``data/nlu/test.yml``) is never used to choose. Writes ``reports/nlu/pipelines/comparison.md``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from nlu.model import DEFAULT_RASA_BIN, DEFAULT_TRAIN_DIR, REPO_ROOT, rasa_env

CANDIDATES_DIR = REPO_ROOT / "nlu" / "candidates"
_SUMMARY_ROWS = {"micro avg", "macro avg", "weighted avg", "accuracy", "no_entity"}


def _entity_f1(report_dir: Path) -> dict[str, float]:
    """Entity F1 per (entity, extractor) from Rasa's per-extractor reports."""
    scores: dict[str, float] = {}
    for report in sorted(report_dir.glob("*_report.json")):
        if report.name in ("intent_report.json",):
            continue
        extractor = report.stem.removesuffix("_report")
        for name, m in json.loads(report.read_text()).items():
            if name not in _SUMMARY_ROWS and isinstance(m, dict) and "f1-score" in m:
                scores[f"{name} ({extractor})"] = m["f1-score"]
    return scores


def compare(configs: list[Path], out: Path, runs: int) -> list[dict]:
    out.mkdir(parents=True, exist_ok=True)
    cmd = [
        str(DEFAULT_RASA_BIN), "test", "nlu",
        "--nlu", str(DEFAULT_TRAIN_DIR),
        "--config", *map(str, configs),
        "--runs", str(runs), "--percentages", "0",
        "--out", str(out),
    ]  # fmt: skip
    started = time.monotonic()
    with open(out / "rasa.log", "wb") as log:
        subprocess.run(cmd, check=True, env=rasa_env(), cwd=REPO_ROOT, stdout=log, stderr=log)
    elapsed = time.monotonic() - started
    results = []
    for config in configs:
        macro, accuracy, entities = [], [], []
        for run in range(1, runs + 1):
            report_dir = out / f"run_{run}" / "0%_exclusion" / f"{config.stem}_report"
            intents = json.loads((report_dir / "intent_report.json").read_text())
            macro.append(intents["macro avg"]["f1-score"])
            accuracy.append(intents["accuracy"])
            entities.append(_entity_f1(report_dir))
        names = sorted({k for e in entities for k in e})
        results.append(
            {
                "candidate": config.stem,
                "runs": runs,
                "intent_macro_f1": statistics.fmean(macro),
                "intent_accuracy": statistics.fmean(accuracy),
                "entity_f1": {n: statistics.fmean(e.get(n, 0.0) for e in entities) for n in names},
            }
        )
    (out / "comparison.json").write_text(
        json.dumps({"seconds_total": round(elapsed), "results": results}, indent=2)
    )
    return results


def _markdown(results: list[dict]) -> str:
    def f1(r: dict, key: str) -> str:
        value = r["entity_f1"].get(key)
        return "n/a" if value is None else f"{value:.3f}"

    lines = [
        "| candidate | intent macro-F1 | intent accuracy | order_id F1 (regex) "
        "| product F1 (DIET) | date F1 (DIET) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        lines.append(
            f"| {r['candidate']} | {r['intent_macro_f1']:.3f} | {r['intent_accuracy']:.3f} "
            f"| {f1(r, 'order_id (RegexEntityExtractor)')} | {f1(r, 'product (DIETClassifier)')} "
            f"| {f1(r, 'date (DIETClassifier)')} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "reports" / "nlu" / "pipelines")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("candidates", nargs="*", type=Path, help="configs (default: all)")
    args = parser.parse_args(argv)
    configs = [c.resolve() for c in args.candidates] or sorted(CANDIDATES_DIR.glob("*.yml"))
    results = compare(configs, args.out, args.runs)
    table = _markdown(results)
    (args.out / "comparison.md").write_text(table)
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
