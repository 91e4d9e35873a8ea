"""``make eval-nlu-languages``: the ROUTED NLU on each language's blind set (issue 16).

Two Rasa servers serve the current English and multilingual models; every blind message goes
through language ID (no locale, no conversation) and the parser the product uses
(`nlu.routing.LanguageRoutedParser` over the product's client, each model with its shipped
thresholds; `lab.nlu.routed`). ``summary.{json,md}`` puts the languages side by side with issue
16's targets (intent macro-F1 and out-of-scope recall >= 0.80 in every language), how each
language was routed, and the latency of a bare parse per model (timed on training messages).

The sets were written blind (``data/nlu/blind/``: English by one writer, the five others by
another, from the contract and a brief only); nothing is trained or tuned on them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from lab.nlu.bench import _load
from lab.nlu.dataset import load_examples
from lab.nlu.evaluate import entity_metrics, intent_metrics
from lab.nlu.routed import RecordingTransport, Server, read_routed
from nlu.model import REPO_ROOT, require_model, require_multilingual_model
from nlu.server import RasaServer
from nlu.types import MULTILINGUAL_THRESHOLDS, OUT_OF_SCOPE, Thresholds

BLIND = REPO_ROOT / "data" / "nlu" / "blind"
SETS = {
    "en": BLIND / "blind_test.yml",
    "ms": BLIND / "multilingual" / "ms.yml",
    "id": BLIND / "multilingual" / "id.yml",
    "th": BLIND / "multilingual" / "th.yml",
    "vi": BLIND / "multilingual" / "vi.yml",
    "tl": BLIND / "multilingual" / "tl.yml",
}
TARGET = 0.80
ENGLISH_TRAIN = REPO_ROOT / "data" / "nlu" / "train"
MULTILINGUAL_TRAIN = REPO_ROOT / "data" / "nlu" / "multilingual" / "train"


def summarise(per_language: dict[str, dict]) -> dict:
    rows = {
        language: {
            "n_messages": m["n_messages"],
            "intent_macro_f1": m["intent"]["macro_f1"],
            "intent_accuracy": m["intent"]["accuracy"],
            "out_of_scope_recall": m["out_of_scope"]["recall"],
            "out_of_scope_precision": m["out_of_scope"]["precision"],
            "order_id_f1": m["entities"].get("order_id", {}).get("f1"),
        }
        for language, m in per_language.items()
    }
    met = {
        language: bool(row["intent_macro_f1"] >= TARGET and row["out_of_scope_recall"] >= TARGET)
        for language, row in rows.items()
    }
    return {"target": TARGET, "languages": rows, "target_met": met}


def markdown(summary: dict, model: str) -> str:
    lines = [
        "# NLU per language (blind sets)",
        "",
        f"Model `{model}`. Target (issue 16): intent macro-F1 and out-of-scope recall "
        f">= {summary['target']:.2f} in every language.",
        "",
        "| language | messages | intent macro-F1 | accuracy | out-of-scope recall "
        "| out-of-scope precision | order_id F1 | target met |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for language, row in summary["languages"].items():
        order_f1 = "-" if row["order_id_f1"] is None else f"{row['order_id_f1']:.3f}"
        lines.append(
            f"| {language} | {row['n_messages']} | {row['intent_macro_f1']:.3f} | "
            f"{row['intent_accuracy']:.3f} | {row['out_of_scope_recall']:.3f} | "
            f"{row['out_of_scope_precision']:.3f} | {order_f1} | "
            f"{'yes' if summary['target_met'][language] else 'no'} |"
        )
    return "\n".join(lines) + "\n"


def routed_metrics(language: str, examples: list, routed: list) -> dict:
    """lab.nlu.evaluate's figures of the routed readings, with the routing's own."""
    gold = [e.intent for e in examples]
    results = [r.reading for r in routed]
    intent = intent_metrics(gold, [r.intent.name for r in results])
    none = {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
    models = [r.model for r in routed]
    return {
        "n_messages": len(examples),
        "intent": {k: v for k, v in intent.items() if k != "labels"},
        "out_of_scope": intent["per_intent"].get(OUT_OF_SCOPE, none),
        "entities": entity_metrics(examples, results),
        "routing": {
            "language_id_accuracy": sum(r.language == language for r in routed) / len(routed),
            "to_multilingual": models.count("multilingual") / len(models),
            "asked_both": models.count("english+multilingual") / len(models),
        },
    }


def bench(server: RasaServer, texts: list[str], requests: int = 200) -> dict:
    """p50/p95 of a bare ``/model/parse``, one at a time (lab.nlu.bench's client)."""
    url = f"{server.url}/model/parse?token={server.auth_token}"
    return asyncio.run(_load(url, texts, requests, 1, {}))


def _training_texts(files: list[Path], per_file: int = 60) -> list[str]:
    """Latency is measured on training messages, never on the blind sets."""
    texts = []
    for file in files:
        texts.extend(e.text for e in load_examples(file)[:per_file])
    return texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "reports" / "nlu-languages")
    parser.add_argument("--languages", nargs="*", default=list(SETS), choices=list(SETS))
    parser.add_argument("--model", type=Path, help="the English model (default: current)")
    parser.add_argument(
        "--multilingual-model", type=Path, help="the multilingual model (default: current)"
    )
    parser.add_argument("--bench", type=int, default=200, help="parses timed per model (0: none)")
    args = parser.parse_args(argv)
    missing = [str(SETS[lang]) for lang in args.languages if not SETS[lang].exists()]
    if missing:
        parser.error(f"blind sets missing: {', '.join(missing)}")
    model = args.model.resolve() if args.model else require_model()
    ml_model = (
        args.multilingual_model.resolve()
        if args.multilingual_model
        else require_multilingual_model()
    )
    per_language: dict[str, dict] = {}
    latency: dict[str, dict] = {}
    args.out.mkdir(parents=True, exist_ok=True)
    # Loading a model takes minutes on a busy machine (the server's default wait is 180 s).
    english_server = RasaServer(model, log_file=args.out / "english-server.log").start(900)
    try:
        ml_server = RasaServer(ml_model, log_file=args.out / "ml-server.log").start(900)
        try:
            english = Server(english_server.url, english_server.auth_token, RecordingTransport())
            multilingual = Server(ml_server.url, ml_server.auth_token, RecordingTransport())
            for language in args.languages:
                examples = load_examples(SETS[language])
                routed = read_routed(
                    [e.text for e in examples],
                    english,
                    multilingual,
                    english_thresholds=Thresholds(),
                    multilingual_thresholds=MULTILINGUAL_THRESHOLDS,
                )
                per_language[language] = routed_metrics(language, examples, routed)
            if args.bench:
                latency["english"] = bench(
                    english_server,
                    _training_texts(sorted(ENGLISH_TRAIN.glob("nlu_*.yml"))),
                    args.bench,
                )
                latency["multilingual"] = bench(
                    ml_server,
                    _training_texts(sorted(MULTILINGUAL_TRAIN.glob("nlu_*.yml"))),
                    args.bench,
                )
        finally:
            ml_server.stop()
    finally:
        english_server.stop()
    summary = summarise(per_language)
    summary["routing"] = {lang: m["routing"] for lang, m in per_language.items()}
    summary["latency"] = latency
    summary["models"] = {"english": model.name, "multilingual": ml_model.name}
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2))
    text = markdown(summary, f"{model.name} + {ml_model.name} (routed by language)")
    text += routing_markdown(summary)
    (args.out / "summary.md").write_text(text)
    print(text)
    return 0


def routing_markdown(summary: dict) -> str:
    lines = [
        "",
        "| language | language ID right | read by the multilingual model | asked both |",
        "| --- | ---: | ---: | ---: |",
    ]
    for language, row in summary["routing"].items():
        lines.append(
            f"| {language} | {row['language_id_accuracy']:.3f} | {row['to_multilingual']:.3f} "
            f"| {row['asked_both']:.3f} |"
        )
    for name, figures in summary.get("latency", {}).items():
        lines.append(
            f"\n{name} model, bare parse one at a time: p50 {figures['p50_ms']:.0f} ms, "
            f"p95 {figures['p95_ms']:.0f} ms ({figures['requests']} parses)"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
