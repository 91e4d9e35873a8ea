"""``make compare-nlu-multilingual``: the multilingual pipeline, chosen on a TRAINING-data split.

Each language's training data (English: ``data/nlu/train``; ms, id, th, vi, tl:
``data/nlu/multilingual/train/*_{lang}.yml``) is split 80/20, stratified by intent within
the language (fixed seed). Every candidate config is trained on the union of the 80% parts
(plus the regexes, lookups and synonyms, which are not examples) and served by a real Rasa
server; each language's 20% goes through the product's client (thresholds and reconciliation
included), as ``make eval-nlu`` does. Neither ``data/nlu/test.yml`` nor any blind set is read.

Writes ``OUT/split/`` (the split), ``OUT/<candidate>/<lang>/`` (lab.nlu.evaluate's reports),
``OUT/<candidate>/summary.json`` and prints a table of per-language macro-F1 and out-of-scope
recall plus the training time.

Usage: ``python -m lab.nlu.compare_multilingual --out DIR CONFIG [CONFIG ...]``, or
``--split-only`` to write the split and stop (so candidates can be trained side by side).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import yaml

from lab.nlu.dataset import load_examples
from lab.nlu.evaluate import evaluate
from nlu.model import DEFAULT_RASA_BIN, REPO_ROOT, multilingual_training_files, rasa_env
from nlu.server import RasaServer
from nlu.types import OUT_OF_SCOPE, Thresholds

ENGLISH_DIR = REPO_ROOT / "data" / "nlu" / "train"
MULTILINGUAL_DIR = REPO_ROOT / "data" / "nlu" / "multilingual" / "train"
PATTERNS = REPO_ROOT / "data" / "nlu" / "multilingual" / "patterns" / "regex.yml"
LANGUAGES = ("en", "ms", "id", "th", "vi", "tl")
HELD_OUT = 0.2
SEED = 16


def language_files(lang: str) -> list[Path]:
    if lang == "en":
        return sorted(ENGLISH_DIR.glob("*.yml"))
    return multilingual_training_files(lang, MULTILINGUAL_DIR)


def read_blocks(files: list[Path]) -> tuple[dict[str, list[str]], list[dict]]:
    """Examples per intent (annotated lines, verbatim) and the other blocks (regex, lookup...)."""
    examples: dict[str, list[str]] = defaultdict(list)
    others: list[dict] = []
    for file in files:
        document = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        for block in document.get("nlu") or []:
            if "intent" not in block:
                others.append(block)
                continue
            for raw in str(block.get("examples", "")).splitlines():
                if raw.strip().startswith("- "):
                    examples[block["intent"]].append(raw.strip()[2:].strip())
    return examples, others


def stratified_split(
    examples: dict[str, list[str]], held_out: float, seed: int
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Per intent: a shuffled ``held_out`` share (at least one when there are two) to test."""
    rng = random.Random(seed)
    train: dict[str, list[str]] = {}
    test: dict[str, list[str]] = {}
    for intent in sorted(examples):
        lines = sorted(set(examples[intent]))
        rng.shuffle(lines)
        n_test = round(len(lines) * held_out) if len(lines) >= 2 else 0
        n_test = max(n_test, 1) if len(lines) >= 2 else 0
        test[intent], train[intent] = lines[:n_test], lines[n_test:]
    return train, test


class _BlockDumper(yaml.SafeDumper):
    """Multi-line strings as ``|`` blocks, as Rasa's own files write examples."""


_BlockDumper.add_representer(
    str,
    lambda dumper, value: dumper.represent_scalar(
        "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None
    ),
)


def nlu_yaml(examples: dict[str, list[str]], others: list[dict] | None = None) -> str:
    blocks: list[dict] = [
        {"intent": intent, "examples": "".join(f"- {line}\n" for line in lines)}
        for intent, lines in examples.items()
        if lines
    ]
    blocks.extend(others or [])
    return yaml.dump(
        {"version": "3.1", "nlu": blocks},
        Dumper=_BlockDumper,
        allow_unicode=True,
        sort_keys=False,
        width=10_000,
    )


def write_split(
    out: Path, languages: tuple[str, ...] = LANGUAGES, english_share: float = 1.0
) -> dict[str, dict[str, int]]:
    """``out/train/nlu_{lang}.yml`` (80%; regexes etc. go with English), ``out/test_{lang}.yml``.

    ``english_share`` < 1 keeps only that share of English's 80% (per intent, the model's own
    sampling, :func:`nlu.model.sample_share`); the held-out 20% is the same either way. The
    multilingual money and order-id patterns go with the training part as well."""
    from nlu.model import sample_share

    (out / "train").mkdir(parents=True, exist_ok=True)
    (out / "train" / "regex_multilingual.yml").write_text(PATTERNS.read_text(encoding="utf-8"))
    counts = {}
    for index, lang in enumerate(languages):
        examples, others = read_blocks(language_files(lang))
        train, test = stratified_split(examples, HELD_OUT, SEED + index)
        if lang == "en" and english_share < 1.0:
            train = {i: sample_share(lines, english_share) for i, lines in train.items()}
        (out / "train" / f"nlu_{lang}.yml").write_text(nlu_yaml(train, others), encoding="utf-8")
        (out / f"test_{lang}.yml").write_text(nlu_yaml(test), encoding="utf-8")
        counts[lang] = {
            "train": sum(map(len, train.values())),
            "test": sum(map(len, test.values())),
        }
    (out / "counts.json").write_text(json.dumps(counts, indent=2))
    return counts


def train(config: Path, train_dir: Path, models_dir: Path, name: str) -> float:
    """``rasa train nlu``; returns its wall seconds (a cache of its own: runs side by side)."""
    env = rasa_env()
    env["RASA_CACHE_DIRECTORY"] = tempfile.mkdtemp(prefix=f"rasa-cache-{name}-")
    cmd = [
        str(DEFAULT_RASA_BIN), "train", "nlu",
        "--nlu", str(train_dir), "--config", str(config),
        "--out", str(models_dir), "--fixed-model-name", name,
    ]  # fmt: skip
    started = time.monotonic()
    with open(models_dir / f"{name}.train.log", "wb") as log:
        subprocess.run(cmd, check=True, env=env, cwd=REPO_ROOT, stdout=log, stderr=log)
    return time.monotonic() - started


def bench_parse(url: str, texts: list[str], requests: int) -> dict:
    """Sequential ``/model/parse`` latency (lab.nlu.bench's client), over the given texts."""
    import asyncio

    from lab.nlu.bench import _load

    return asyncio.run(_load(url, texts, requests, 1, {}))


def run_candidate(
    config: Path,
    split: Path,
    out: Path,
    languages: tuple[str, ...],
    *,
    bench: int = 0,
    evaluate_split: bool = True,
) -> dict:
    name = config.stem
    target = out / name
    target.mkdir(parents=True, exist_ok=True)
    model = target / f"{name}.tar.gz"
    seconds = None
    if not model.exists():
        seconds = train(config, split / "train", target, name)
    summary: dict = {"candidate": name, "train_seconds": seconds, "languages": {}}
    with RasaServer(model, log_file=target / "server.log") as server:
        if bench:
            # Every language's held-out messages, interleaved, so the mix of lengths is fair.
            texts = [
                e.text for lang in languages for e in load_examples(split / f"test_{lang}.yml")
            ]
            texts = texts[::2] + texts[1::2]
            url = f"{server.url}/model/parse?token={server.auth_token}"
            summary["bench"] = bench_parse(url, texts, bench)
        for lang in languages if evaluate_split else ():
            metrics = evaluate(
                split / f"test_{lang}.yml",
                target / lang,
                Thresholds(),
                server.url,
                server.auth_token,
                model=model,
            )
            summary["languages"][lang] = {
                "n": metrics["n_messages"],
                "macro_f1": metrics["intent"]["macro_f1"],
                "accuracy": metrics["intent"]["accuracy"],
                "oos_recall": metrics["out_of_scope"]["recall"],
                "macro_f1_raw": metrics["intent_raw"]["macro_f1"],
                "oos_recall_raw": metrics["out_of_scope_raw"]["recall"],
            }
    name_suffix = "" if evaluate_split else "-bench"
    (target / f"summary{name_suffix}.json").write_text(json.dumps(summary, indent=2))
    return summary


def markdown(summaries: list[dict]) -> str:
    lines = [
        "| candidate | train min | lang | n | macro-F1 | OOS recall "
        "| macro-F1 raw | OOS recall raw |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in summaries:
        minutes = "cached" if s["train_seconds"] is None else f"{s['train_seconds'] / 60:.1f}"
        for lang, m in s["languages"].items():
            lines.append(
                f"| {s['candidate']} | {minutes} | {lang} | {m['n']} | {m['macro_f1']:.3f} "
                f"| {m['oos_recall']:.3f} | {m['macro_f1_raw']:.3f} | {m['oos_recall_raw']:.3f} |"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    default_out = REPO_ROOT / "reports" / "nlu" / "multilingual"
    parser.add_argument("--out", type=Path, default=default_out)
    parser.add_argument("--split-only", action="store_true")
    parser.add_argument(
        "--english-share", type=float, default=1.0, help="share of English's 80%% to train on"
    )
    parser.add_argument("--languages", nargs="*", default=list(LANGUAGES))
    parser.add_argument("--bench", type=int, default=0, help="time N sequential parses too")
    parser.add_argument("--bench-only", action="store_true", help="skip the split's evaluation")
    parser.add_argument("candidates", nargs="*", type=Path)
    args = parser.parse_args(argv)
    out = args.out.resolve()
    languages = tuple(args.languages)
    split = out / "split"
    if args.split_only or not (split / "counts.json").exists():
        print(json.dumps(write_split(split, languages, args.english_share), indent=2))
    if args.split_only:
        return 0
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    summaries = [
        run_candidate(
            c.resolve(), split, out, languages, bench=args.bench, evaluate_split=not args.bench_only
        )
        for c in args.candidates
    ]
    if args.bench_only:
        print(json.dumps([s.get("bench") for s in summaries], indent=2))
        return 0
    table = markdown(summaries)
    (out / f"comparison-{'-'.join(s['candidate'] for s in summaries)}.md").write_text(table)
    print(table)
    print(f"{OUT_OF_SCOPE} recall and macro-F1 per language on the 20% split (not the blind set)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
