"""Evaluate the dialogue act and the claim reason of every parse on a labelled set.

    python -m lab.nlu.evaluate_labels [--test-set data/nlu/blind/labels_blind.yml] [--out DIR]

Parses each message through the served model (``POST /model/parse``, the product's path,
long messages by their sentences too) and writes, per label: accuracy, macro-F1, per-label
precision/recall, the confusion matrix and calibration, to ``metrics.json`` and ``report.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)

from lab.nlu.evaluate import _parse_all, calibration_of
from nlu.components.label_model import load_labelled
from nlu.model import REPO_ROOT, require_model
from nlu.server import RasaServer
from nlu.types import ParseResult, Thresholds

# The parse's attribute and the data files' field of each label.
LABELS = {"dialogue_act": "act", "claim_reason": "reason"}


def label_metrics(gold: list[str], predicted: list[str], confidences: list[float]) -> dict:
    labels = sorted(set(gold) | set(predicted))
    p, r, f, support = precision_recall_fscore_support(
        gold, predicted, labels=labels, zero_division=0
    )
    return {
        "accuracy": accuracy_score(gold, predicted),
        "macro_f1": f1_score(
            gold, predicted, labels=sorted(set(gold)), average="macro", zero_division=0
        ),
        "per_label": {
            label: {"precision": p[i], "recall": r[i], "f1": f[i], "support": int(support[i])}
            for i, label in enumerate(labels)
        },
        "labels": labels,
        "confusion": confusion_matrix(gold, predicted, labels=labels).tolist(),
        "calibration": calibration_of(
            [g == q for g, q in zip(gold, predicted, strict=True)], confidences
        ),
    }


def evaluate(test_set: Path, out: Path, model: Path | None = None) -> dict:
    examples = load_labelled([test_set])
    model = model or require_model()
    with RasaServer(model) as server:
        results: list[ParseResult] = asyncio.run(
            _parse_all(server.url, [e.text for e in examples], Thresholds(), server.auth_token)
        )
    metrics: dict = {"model": model.name, "test_set": str(test_set), "n_messages": len(examples)}
    errors = []
    for attribute, field in LABELS.items():
        pairs = [
            (e, getattr(r, attribute))
            for e, r in zip(examples, results, strict=True)
            if field in e.labels
        ]
        if any(label is None for _, label in pairs):
            raise SystemExit(f"{model.name} does not output {attribute}: not in its pipeline")
        gold = [e.labels[field] for e, _ in pairs]
        predicted = [label.name for _, label in pairs]
        metrics[attribute] = label_metrics(gold, predicted, [lb.confidence for _, lb in pairs])
        errors += [
            {
                "text": e.text,
                "label": attribute,
                "gold": e.labels[field],
                "predicted": lb.name,
                "confidence": round(lb.confidence, 3),
            }
            for e, lb in pairs
            if e.labels[field] != lb.name
        ]
    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    (out / "errors.json").write_text(json.dumps(errors, indent=2, ensure_ascii=False))
    (out / "report.md").write_text(_markdown(metrics))
    return metrics


def _markdown(metrics: dict) -> str:
    lines = [
        "# Dialogue act and claim reason",
        "",
        f"Model `{metrics['model']}` on `{metrics['test_set']}` "
        f"({metrics['n_messages']} messages).",
    ]
    for attribute in LABELS:
        m = metrics[attribute]
        lines += [
            "",
            f"## {attribute}: accuracy {m['accuracy']:.3f}, macro-F1 {m['macro_f1']:.3f}, "
            f"ECE {m['calibration']['ece']:.3f}",
            "",
            "| label | precision | recall | F1 | support |",
            "| --- | --- | --- | --- | --- |",
        ]
        for name, s in m["per_label"].items():
            lines.append(
                f"| {name} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} "
                f"| {s['support']} |"
            )
        lines += ["", "Confusion (rows gold, columns predicted): " + ", ".join(m["labels"]), ""]
        lines += ["    " + " ".join(f"{n:4d}" for n in row) for row in m["confusion"]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--test-set", type=Path, default=REPO_ROOT / "data" / "nlu" / "blind" / "labels_blind.yml"
    )
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "reports" / "nlu-labels")
    parser.add_argument("--model", type=Path, help="a trained model archive (default: current)")
    args = parser.parse_args(argv)
    evaluate(args.test_set.resolve(), args.out, args.model.resolve() if args.model else None)
    print((args.out / "report.md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
