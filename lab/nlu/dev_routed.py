"""A dev model of ``lab.nlu.compare_multilingual`` read as the product reads it, at the SHIPPED
settings (issue 16): per-language figures, per-intent F1 and every misreading.

``lab.nlu.calibrate_multilingual`` re-chooses the thresholds; this does not. It reads each
language's held-out 20% (``SPLIT/test_{lang}.yml``) through language ID and the routed parser
(`lab.nlu.routed`) with the English model as shipped (models/) and the given dev model, at
``nlu.types.MULTILINGUAL_THRESHOLDS`` and ``bot.language.identify.SURE_ENGLISH``, so two dev
models (say, before and after a data change, trained on the same split) compare at the same
thresholds.

Writes ``OUT/summary.json`` (per language: n, macro-F1, accuracy, out-of-scope recall and
precision, per-intent F1, the share read by the multilingual model) and ``OUT/errors.jsonl``
(one line per misread message: language, gold, predicted, the model's own best intent and its
confidence, the detected language, which model read it).

Usage: ``python -m lab.nlu.dev_routed --split DIR/split --model DEV.tar.gz --out OUT``;
``--compare BEFORE/summary.json AFTER/summary.json`` prints the before/after table only.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from lab.nlu.compare_multilingual import LANGUAGES
from lab.nlu.dataset import load_examples
from lab.nlu.evaluate import intent_metrics
from nlu.types import OUT_OF_SCOPE


def oos_precision(gold: list[str], predicted: list[str]) -> float:
    called = [g for g, p in zip(gold, predicted, strict=True) if p == OUT_OF_SCOPE]
    return sum(g == OUT_OF_SCOPE for g in called) / len(called) if called else float("nan")


def score(gold: list[str], predicted: list[str], models: list[str]) -> dict:
    """One language's figures from gold and routed intents (``models``: who read each)."""
    from lab.nlu.routed import oos_recall

    metrics = intent_metrics(gold, predicted)
    return {
        "n": len(gold),
        "macro_f1": metrics["macro_f1"],
        "accuracy": metrics["accuracy"],
        "oos_recall": oos_recall(gold, predicted),
        "oos_precision": oos_precision(gold, predicted),
        "to_multilingual": models.count("multilingual") / len(models) if models else 0.0,
        "per_intent_f1": {
            label: round(values["f1"], 3)
            for label, values in metrics["per_intent"].items()
            if values["support"]
        },
    }


def compare_table(before: dict, after: dict) -> str:
    """Markdown: per language, macro-F1 and OOS recall / precision, before -> after."""
    lines = [
        "| lang | n | macro-F1 before → after | OOS recall before → after "
        "| OOS precision before → after |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for lang in before:
        if lang not in after:
            continue
        b, a = before[lang], after[lang]
        lines.append(
            f"| {lang} | {a['n']} | {b['macro_f1']:.3f} → {a['macro_f1']:.3f} "
            f"| {b['oos_recall']:.3f} → {a['oos_recall']:.3f} "
            f"| {b['oos_precision']:.3f} → {a['oos_precision']:.3f} |"
        )
    return "\n".join(lines) + "\n"


def run(split: Path, model: Path, out: Path, languages: tuple[str, ...]) -> dict:
    from bot.language.identify import SURE_ENGLISH, identify
    from lab.nlu.routed import RecordingTransport, Server, read_routed
    from nlu.model import require_model
    from nlu.server import RasaServer
    from nlu.types import MULTILINGUAL_THRESHOLDS, Thresholds

    out.mkdir(parents=True, exist_ok=True)
    summary: dict = {}
    errors: list[dict] = []
    with (
        RasaServer(require_model(), log_file=out / "english-server.log") as english_server,
        RasaServer(model, log_file=out / "dev-server.log") as dev_server,
    ):
        english = Server(english_server.url, english_server.auth_token, RecordingTransport())
        multilingual = Server(dev_server.url, dev_server.auth_token, RecordingTransport())
        for lang in languages:
            examples = load_examples(split / f"test_{lang}.yml")
            readings = read_routed(
                [e.text for e in examples],
                english,
                multilingual,
                english_thresholds=Thresholds(),
                multilingual_thresholds=MULTILINGUAL_THRESHOLDS,
                bar=SURE_ENGLISH,
            )
            gold = [e.intent for e in examples]
            predicted = [r.reading.intent.name for r in readings]
            summary[lang] = score(gold, predicted, [r.model for r in readings])
            for example, routed in zip(examples, readings, strict=True):
                if routed.reading.intent.name != example.intent:
                    top = routed.reading.top_intent
                    errors.append(
                        {
                            "lang": lang,
                            "gold": example.intent,
                            "predicted": routed.reading.intent.name,
                            "top": top.name,
                            "confidence": round(top.confidence, 3),
                            "detected": identify(example.text).language,
                            "model": routed.model,
                            "text": example.text,
                        }
                    )
    (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    (out / "errors.jsonl").write_text(
        "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in errors), encoding="utf-8"
    )
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", type=Path, help="compare_multilingual's OUT/split")
    parser.add_argument("--model", type=Path, help="the dev model (.tar.gz)")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--languages", nargs="*", default=list(LANGUAGES))
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args(argv)
    if args.compare:
        before, after = (json.loads(p.read_text()) for p in args.compare)
        print(compare_table(before, after), end="")
        return 0
    if not (args.split and args.model and args.out):
        parser.error("--split, --model and --out are required unless --compare")
    summary = run(
        args.split.resolve(), args.model.resolve(), args.out.resolve(), tuple(args.languages)
    )
    for lang, s in summary.items():
        print(
            f"{lang}: n {s['n']} macro-F1 {s['macro_f1']:.3f} OOS recall {s['oos_recall']:.3f} "
            f"OOS precision {s['oos_precision']:.3f} to multilingual {s['to_multilingual']:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
