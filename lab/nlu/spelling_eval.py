"""The spelling normaliser (``nlu.spelling``) measured on a dev split (issue 14).

One model of the shipped pipeline (``nlu/config.yml``) is trained on a seeded 80/20 split of
``data/nlu/train`` (``lab.nlu.timed_compare.write_split``) and scored by ``rasa test nlu`` on the
20%, four ways: as written, with seeded typos (``lab.nlu.typos``), and each of those with the
normaliser applied first. ``data/nlu/test.yml`` and the blind sets are never read. Entity
annotations are left as written in every variant (their gold spans must stay valid), so the
entity figures measure what the words around them do. Writes ``<out>/spelling.json`` and
``<out>/spelling.md``; a step whose output exists is not run again.

    python -m lab.nlu.spelling_eval --out /tmp/spell14/nlu
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

from lab.nlu.compare import _entity_f1
from lab.nlu.timed_compare import diet_micro_f1, timed_run, write_split
from lab.nlu.typos import noisy, rewrite_examples
from nlu.model import DEFAULT_CONFIG, DEFAULT_RASA_BIN
from nlu.spelling import VOCABULARY_SOURCES, SpellingNormaliser, project_words

VARIANTS = ("clean", "clean+spelling", "typos", "typos+spelling")


def train(split_train: Path, out: Path) -> Path:
    model = out / "model" / "model.tar.gz"
    if not model.exists():
        model.parent.mkdir(parents=True, exist_ok=True)
        timing = timed_run(
            [str(DEFAULT_RASA_BIN), "train", "nlu", "--nlu", str(split_train),
             "--config", str(DEFAULT_CONFIG), "--out", str(model.parent),
             "--fixed-model-name", "model"],
            model.parent / "train.log",
        )  # fmt: skip
        (model.parent / "timing.json").write_text(json.dumps(timing))
    return model


def variants(
    test: Path, out: Path, seed: int, rate: float, vocabulary: tuple[Path, ...]
) -> dict[str, dict]:
    """The four test files, and what the normaliser did and cost on each."""
    started = time.process_time()
    normaliser = SpellingNormaliser(project_words(vocabulary))
    load_cpu_s = time.process_time() - started
    text = test.read_text(encoding="utf-8")
    rng = random.Random(seed)
    typed = {"clean": text, "typos": rewrite_examples(text, lambda s: noisy(s, rng, rate))}
    made: dict[str, dict] = {}
    for name, source in typed.items():
        path = out / "variants" / f"{name}.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
        made[name] = {"path": path}
        corrected, costs = [], []

        def normalise(segment: str, corrected: list = corrected, costs: list = costs) -> str:
            started = time.perf_counter()
            result = normaliser.normalise(segment)
            costs.append(time.perf_counter() - started)
            corrected.extend((c.typed, c.corrected) for c in result.corrections)
            return result.text

        fixed = out / "variants" / f"{name}+spelling.yml"
        fixed.write_text(rewrite_examples(source, normalise), encoding="utf-8")
        made[f"{name}+spelling"] = {
            "path": fixed,
            "words_corrected": len(corrected),
            "corrections_sample": corrected[:40],
            "ms_per_segment_mean": 1000 * statistics.fmean(costs),
            "ms_per_segment_max": 1000 * max(costs),
        }
    made["clean+spelling"]["normaliser_load_cpu_s"] = round(load_cpu_s, 2)
    return made


def score(model: Path, test_file: Path, report: Path) -> dict:
    if not (report / "intent_report.json").exists():
        report.parent.mkdir(parents=True, exist_ok=True)
        timed_run(
            [str(DEFAULT_RASA_BIN), "test", "nlu", "--nlu", str(test_file),
             "--model", str(model), "--out", str(report)],
            report.parent / f"{report.name}.log",
        )  # fmt: skip
    intents = json.loads((report / "intent_report.json").read_text())
    oos = intents.get("out_of_scope", {})
    return {
        "intent_macro_f1": intents["macro avg"]["f1-score"],
        "intent_accuracy": intents["accuracy"],
        "oos_precision": oos.get("precision"),
        "oos_recall": oos.get("recall"),
        "diet_entity_micro_f1": diet_micro_f1(report),
        "entity_f1": _entity_f1(report),
    }


def markdown(results: dict[str, dict]) -> str:
    head = ["test messages", "intent macro-F1", "accuracy", "OOS P / R", "DIET entity micro-F1",
            "words corrected"]  # fmt: skip
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for name in VARIANTS:
        r = results[name]
        lines.append(
            f"| {name} | {r['intent_macro_f1']:.3f} | {r['intent_accuracy']:.3f} | "
            f"{r['oos_precision']:.3f} / {r['oos_recall']:.3f} | "
            f"{r['diet_entity_micro_f1'] or 0:.3f} | {r.get('words_corrected', '')} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=17, help="the 80/20 split's seed")
    parser.add_argument("--typo-seed", type=int, default=14)
    parser.add_argument("--rate", type=float, default=0.3, help="share of words misspelt")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    split_train, split_test = write_split(args.out, args.seed)
    model = train(split_train, args.out)
    # The product's vocabulary holds all of data/nlu/train; here only the 80% the model was
    # trained on, else the held-out 20%'s own words (typos included) would be known to it.
    vocabulary = (split_train, *VOCABULARY_SOURCES[1:])
    made = variants(split_test, args.out, args.typo_seed, args.rate, vocabulary)
    results: dict[str, dict] = {}
    for name in VARIANTS:
        info = made[name]
        results[name] = {
            **score(model, info["path"], args.out / "reports" / name),
            **{k: v for k, v in info.items() if k != "path"},
        }
    (args.out / "spelling.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    (args.out / "spelling.md").write_text(markdown(results))
    print(markdown(results), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
