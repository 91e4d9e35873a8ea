"""``make eval-nlu``: the trained model, served by a real Rasa server, on the held-out test set.

The messages go through the product's own client (:class:`RasaHttpParser`), so the report
measures what the bot sees, thresholds included. Writes ``reports/nlu/``: ``metrics.json``,
``report.md``, ``confusion_matrix.png`` and ``errors.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections import Counter
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)

from lab.nlu.dataset import Example, load_examples
from nlu.client import RasaHttpParser
from nlu.model import REPO_ROOT, require_model
from nlu.server import RasaServer
from nlu.types import OUT_OF_SCOPE, ParseResult, Thresholds

PRIMARY_METRIC = "intent_macro_f1"


async def _parse_all(
    url: str, texts: list[str], thresholds: Thresholds, token: str | None
) -> list[ParseResult]:
    parser = RasaHttpParser(url, timeout_s=10.0, thresholds=thresholds, token=token)
    try:
        return [await parser.parse(t) for t in texts]
    finally:
        await parser.aclose()


def shown_path(path: Path) -> str:
    """The path relative to the repository when it is inside it (reports stay portable), else
    as given (a dev split written to a temporary directory)."""
    resolved = path.resolve()
    return str(resolved.relative_to(REPO_ROOT)) if resolved.is_relative_to(REPO_ROOT) else str(path)


def intent_metrics(gold: list[str], predicted: list[str]) -> dict:
    labels = sorted(set(gold) | set(predicted))
    p, r, f, support = precision_recall_fscore_support(
        gold, predicted, labels=labels, zero_division=0
    )
    per_intent = {
        label: {"precision": p[i], "recall": r[i], "f1": f[i], "support": int(support[i])}
        for i, label in enumerate(labels)
    }
    gold_labels = sorted(set(gold))
    return {
        "accuracy": accuracy_score(gold, predicted),
        # Macro over the intents of the test set: a spurious predicted label does not add a
        # zero-support class that would dilute the average.
        "macro_f1": f1_score(gold, predicted, labels=gold_labels, average="macro", zero_division=0),
        "per_intent": per_intent,
        "labels": labels,
    }


def entity_metrics(examples: list[Example], results: list[ParseResult]) -> dict:
    """Exact-span precision/recall/F1 per entity type (value compared after synonym mapping)."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for example, result in zip(examples, results, strict=True):
        gold = {(e.entity, e.start, e.end) for e in example.entities}
        predicted = {(e.entity, e.start, e.end) for e in result.entities}
        for name, *_ in gold & predicted:
            tp[name] += 1
        for name, *_ in predicted - gold:
            fp[name] += 1
        for name, *_ in gold - predicted:
            fn[name] += 1
    out = {}
    for name in sorted(set(tp) | set(fp) | set(fn)):
        precision = tp[name] / (tp[name] + fp[name]) if tp[name] + fp[name] else 0.0
        recall = tp[name] / (tp[name] + fn[name]) if tp[name] + fn[name] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[name] = {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "support": tp[name] + fn[name],
        }
    return out


CALIBRATION_BINS = 10


def calibration(gold: list[str], results: list[ParseResult]) -> dict:
    """How far the model's confidence is from its accuracy (raw top intent, before thresholds)."""
    return calibration_of(
        [g == r.top_intent.name for g, r in zip(gold, results, strict=True)],
        [r.top_intent.confidence for r in results],
    )


def calibration_of(correct: list[bool], confidences: list[float]) -> dict:
    """Expected calibration error over `CALIBRATION_BINS` equal-width confidence bins: the mean
    of |accuracy - confidence| per bin, weighted by the bin's share of predictions. A wrong
    answer at confidence 1.0 is worse than a fallback, so the share of confident mistakes is
    reported too."""
    bins = []
    ece = 0.0
    for b in range(CALIBRATION_BINS):
        low, high = b / CALIBRATION_BINS, (b + 1) / CALIBRATION_BINS
        members = [i for i, c in enumerate(confidences) if low < c <= high or (b == 0 and c == 0.0)]
        if not members:
            continue
        accuracy = sum(correct[i] for i in members) / len(members)
        confidence = sum(confidences[i] for i in members) / len(members)
        ece += len(members) / len(confidences) * abs(accuracy - confidence)
        bins.append({"range": [low, high], "n": len(members), "accuracy": accuracy,
                     "confidence": confidence})  # fmt: skip
    wrong = [c for c, ok in zip(confidences, correct, strict=True) if not ok]
    return {
        "ece": ece,
        "bins": bins,
        "wrong": len(wrong),
        "wrong_at_0_9_or_more": sum(c >= 0.9 for c in wrong),
        "mean_confidence_when_wrong": sum(wrong) / len(wrong) if wrong else None,
    }


def plot_confusion(gold: list[str], predicted: list[str], labels: list[str], path: Path) -> None:
    matrix = confusion_matrix(gold, predicted, labels=labels)
    fig, ax = plt.subplots(figsize=(11, 9))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=70, ha="right", fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    for i in range(len(labels)):
        for j in range(len(labels)):
            if matrix[i, j]:
                colour = "white" if matrix[i, j] > matrix.max() / 2 else "black"
                ax.text(j, i, matrix[i, j], ha="center", va="center", fontsize=7, color=colour)
    ax.set_xlabel("predicted (after thresholds)")
    ax.set_ylabel("gold")
    ax.set_title(f"NLU intent confusion on {path.parent.name}")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _markdown(metrics: dict) -> str:
    lines = [
        "# NLU evaluation (held-out test set)",
        "",
        f"Model: `{metrics['model']}`; test set: `{metrics['test_set']}` "
        f"({metrics['n_messages']} messages); thresholds: confidence "
        f"{metrics['thresholds']['confidence']}, ambiguity {metrics['thresholds']['ambiguity']}.",
        "",
        "| metric | with thresholds | raw model (no thresholds) |",
        "| --- | --- | --- |",
    ]
    for key in ("accuracy", "macro_f1"):
        lines.append(
            f"| intent {key} | {metrics['intent'][key]:.3f} | {metrics['intent_raw'][key]:.3f} |"
        )
    oos, oos_raw = metrics["out_of_scope"], metrics["out_of_scope_raw"]
    lines += [
        f"| out_of_scope precision | {oos['precision']:.3f} | {oos_raw['precision']:.3f} |",
        f"| out_of_scope recall | {oos['recall']:.3f} | {oos_raw['recall']:.3f} |",
        "",
        f"Calibration (raw top intent): expected calibration error "
        f"{metrics['calibration']['ece']:.3f}; {metrics['calibration']['wrong']} wrong, of which "
        f"{metrics['calibration']['wrong_at_0_9_or_more']} at confidence 0.9 or more.",
        "",
        "## Intents",
        "",
        "| intent | precision | recall | F1 | support |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, m in metrics["intent"]["per_intent"].items():
        lines.append(
            f"| {name} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} "
            f"| {m['support']} |"
        )
    lines += [
        "",
        "## Entities (exact span)",
        "",
        "| entity | precision | recall | F1 | support |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, m in metrics["entities"].items():
        lines.append(
            f"| {name} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} "
            f"| {m['support']} |"
        )
    lines += ["", "Confusion matrix: `confusion_matrix.png`; misclassified: `errors.json`.", ""]
    return "\n".join(lines)


def evaluate(
    test_set: Path,
    out: Path,
    thresholds: Thresholds,
    rasa_url: str | None,
    rasa_token: str | None = None,
    model: Path | None = None,
) -> dict:
    examples = load_examples(test_set)
    texts = [e.text for e in examples]
    model = model or require_model()
    if rasa_url:
        results = asyncio.run(_parse_all(rasa_url, texts, thresholds, rasa_token))
    else:
        with RasaServer(model) as server:
            results = asyncio.run(_parse_all(server.url, texts, thresholds, server.auth_token))
    gold = [e.intent for e in examples]
    predicted = [r.intent.name for r in results]
    raw = [r.top_intent.name for r in results]
    intent = intent_metrics(gold, predicted)
    intent_raw = intent_metrics(gold, raw)
    none = {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
    metrics = {
        "primary_metric": PRIMARY_METRIC,
        PRIMARY_METRIC: intent["macro_f1"],
        "model": model.name,
        "test_set": shown_path(test_set),
        "n_messages": len(examples),
        "thresholds": {"confidence": thresholds.confidence, "ambiguity": thresholds.ambiguity},
        "intent": {k: v for k, v in intent.items() if k != "labels"},
        "intent_raw": {k: v for k, v in intent_raw.items() if k != "labels"},
        "out_of_scope": intent["per_intent"].get(OUT_OF_SCOPE, none),
        "out_of_scope_raw": intent_raw["per_intent"].get(OUT_OF_SCOPE, none),
        "fallback_reasons": dict(Counter(r.fallback_reason for r in results if r.fallback_reason)),
        "entities": entity_metrics(examples, results),
        "calibration": calibration(gold, results),
    }
    errors = [
        {
            "text": e.text,
            "gold": e.intent,
            "predicted": r.intent.name,
            "raw_top": {"name": r.top_intent.name, "confidence": round(r.top_intent.confidence, 4)},
            "fallback_reason": r.fallback_reason,
        }
        for e, r in zip(examples, results, strict=True)
        if e.intent != r.intent.name
    ]
    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    (out / "errors.json").write_text(json.dumps(errors, indent=2, ensure_ascii=False))
    (out / "report.md").write_text(_markdown(metrics))
    plot_confusion(gold, predicted, intent["labels"], out / "confusion_matrix.png")
    return metrics


def main(argv: list[str] | None = None) -> int:
    defaults = Thresholds()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--test-set", type=Path, default=REPO_ROOT / "data" / "nlu" / "test.yml")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "reports" / "nlu")
    parser.add_argument("--confidence", type=float, default=defaults.confidence)
    parser.add_argument("--ambiguity", type=float, default=defaults.ambiguity)
    parser.add_argument("--rasa-url", help="use a running server instead of starting one")
    parser.add_argument(
        "--rasa-token",
        default=os.environ.get("AFTERSALES_RASA_TOKEN"),
        help="with --rasa-url: its --auth-token (default: $AFTERSALES_RASA_TOKEN)",
    )
    parser.add_argument(
        "--model", type=Path, help="a trained model archive (default: the current one)"
    )
    args = parser.parse_args(argv)
    metrics = evaluate(
        args.test_set.resolve(),
        args.out,
        Thresholds(args.confidence, args.ambiguity),
        args.rasa_url,
        args.rasa_token,
        model=args.model.resolve() if args.model else None,
    )
    print((args.out / "report.md").read_text())
    print(f"{PRIMARY_METRIC} = {metrics[PRIMARY_METRIC]:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
