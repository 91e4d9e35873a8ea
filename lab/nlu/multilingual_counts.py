"""Count and check the multilingual NLU training data (issue 16).

    python -m lab.nlu.multilingual_counts [--root data/nlu/multilingual]

Prints a Markdown table of examples per language and intent, entities per language, and the
label counts; exits 1 when a file breaks a rule the data promises (unknown intent or entity,
an annotation left unparsed, the same text twice, fewer than MIN_EXAMPLES examples or
MIN_PER_INTENT per intent, fewer than MIN_LABELS labelled messages, a label outside the
English label sets).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from lab.nlu.dataset import load_examples
from nlu.model import multilingual_training_files

REPO_ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("ms", "id", "th", "vi", "tl")
MIN_EXAMPLES = 320
MIN_PER_INTENT = 8
MIN_LABELS = 100
ENTITIES = frozenset({"order_id", "amount", "product", "date"})
ACTS = frozenset({"question", "request", "inform"})
REASONS = frozenset(
    {"damaged", "wrong_item", "not_received", "late_delivery", "change_of_mind", "none"}
)
# Vietnamese typed without diacritics: only ASCII letters (numbers, "đ" after an amount aside).
_AMOUNT_DONG = re.compile(r"\d+(?:[.,]\d+)*\s?đ")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_ASCII_WORD = re.compile(r"[A-Za-z]{2,}")


def without_diacritics(text: str) -> bool:
    """A message of two or more words typed in plain ASCII ("chua nhan dc hang")."""
    rest = _AMOUNT_DONG.sub("", text)
    return not _NON_ASCII.search(rest) and len(_ASCII_WORD.findall(rest)) >= 2


# A square bracket left in the text after parsing is an annotation the parser did not recognise
# (buyers' messages in these files never contain one).
_LEFTOVER = re.compile(r"[\[\]]")


@dataclass
class LanguageCounts:
    language: str
    intents: Counter[str] = field(default_factory=Counter)
    entities: Counter[str] = field(default_factory=Counter)
    acts: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    plain_ascii: int = 0
    problems: list[str] = field(default_factory=list)


def english_intents(root: Path) -> set[str]:
    """The intents the English training data has: the multilingual files use the same set."""
    return {e.intent for path in sorted(root.glob("*.yml")) for e in load_examples(path)}


def count_language(root: Path, language: str, intents: set[str]) -> LanguageCounts:
    counts = LanguageCounts(language)
    train = root / "train" / f"nlu_{language}.yml"
    labels = root / "labels" / f"{language}.yml"
    if not train.exists():
        counts.problems.append(f"{train} is missing")
    else:
        seen: dict[str, str] = {}
        files = multilingual_training_files(language, root / "train")
        for example in (e for path in files for e in load_examples(path)):
            counts.intents[example.intent] += 1
            counts.plain_ascii += without_diacritics(example.text)
            key = example.text.casefold()
            if key in seen:
                counts.problems.append(
                    f"duplicate ({seen[key]}, {example.intent}): {example.text!r}"
                )
            seen[key] = example.intent
            if _LEFTOVER.search(example.text):
                counts.problems.append(f"malformed annotation: {example.text!r}")
            for entity in example.entities:
                counts.entities[entity.entity] += 1
                if entity.entity not in ENTITIES:
                    counts.problems.append(f"unknown entity {entity.entity!r}: {example.text!r}")
        for intent in sorted(set(counts.intents) - intents):
            counts.problems.append(f"intent {intent!r} is not in the English data")
        for intent in sorted(intents):
            if counts.intents[intent] < MIN_PER_INTENT:
                counts.problems.append(f"{intent}: {counts.intents[intent]} < {MIN_PER_INTENT}")
        if sum(counts.intents.values()) < MIN_EXAMPLES:
            counts.problems.append(f"{sum(counts.intents.values())} examples < {MIN_EXAMPLES}")
    if not labels.exists():
        counts.problems.append(f"{labels} is missing")
    else:
        messages = yaml.safe_load(labels.read_text(encoding="utf-8"))["messages"]
        for message in messages:
            counts.acts[message["act"]] += 1
            counts.reasons[message["reason"]] += 1
            if message["act"] not in ACTS or message["reason"] not in REASONS:
                counts.problems.append(f"label outside the sets: {message!r}")
        if len(messages) < MIN_LABELS:
            counts.problems.append(f"{len(messages)} labelled messages < {MIN_LABELS}")
    return counts


def messages_of(root: Path, language: str, min_words: int = 3) -> list[str]:
    """Training and labelled messages of one language with at least ``min_words`` words."""
    texts = [
        e.text
        for p in multilingual_training_files(language, root / "train")
        for e in load_examples(p)
    ]
    labels = yaml.safe_load((root / "labels" / f"{language}.yml").read_text(encoding="utf-8"))
    texts += [m["text"] for m in labels["messages"]]
    return [t for t in texts if len(t.split()) >= min_words]


def separation(first: list[str], second: list[str], folds: int = 5) -> float:
    """Cross-validated accuracy of a word-unigram classifier telling two languages apart.

    A check that closely related languages (Malay and Indonesian) were written as themselves:
    near 0.5 would mean the files read as one language.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline

    texts = first + second
    labels = [0] * len(first) + [1] * len(second)
    model = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=2000))
    cv = StratifiedKFold(folds, shuffle=True, random_state=0)
    return float(cross_val_score(model, texts, labels, cv=cv).mean())


def _row(label: str, values: list[object]) -> str:
    return f"| {label} | " + " | ".join(str(v) for v in values) + " |"


def markdown(all_counts: list[LanguageCounts], intents: set[str]) -> str:
    lines = [
        _row("intent", [c.language for c in all_counts]),
        "| --- |" + " ---: |" * len(all_counts),
    ]
    for intent in sorted(intents):
        lines.append(_row(f"`{intent}`", [c.intents[intent] for c in all_counts]))
    lines.append(_row("**all**", [f"**{sum(c.intents.values())}**" for c in all_counts]))
    for entity in sorted(ENTITIES):
        lines.append(_row(f"entity `{entity}`", [c.entities[entity] for c in all_counts]))
    lines.append(
        _row("in plain ASCII (for vi: no diacritics)", [c.plain_ascii for c in all_counts])
    )
    lines.append(_row("labelled messages", [sum(c.acts.values()) for c in all_counts]))
    for act in sorted(ACTS):
        lines.append(_row(f"act `{act}`", [c.acts[act] for c in all_counts]))
    for reason in sorted(REASONS):
        lines.append(_row(f"reason `{reason}`", [c.reasons[reason] for c in all_counts]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=REPO_ROOT / "data" / "nlu" / "multilingual")
    parser.add_argument("--english", type=Path, default=REPO_ROOT / "data" / "nlu" / "train")
    parser.add_argument("--languages", nargs="+", default=list(LANGUAGES))
    args = parser.parse_args(argv)
    intents = english_intents(args.english)
    all_counts = [count_language(args.root, lang, intents) for lang in args.languages]
    print(markdown(all_counts, intents))
    if {"ms", "id"} <= set(args.languages) and not any(c.problems for c in all_counts):
        malay, indonesian = messages_of(args.root, "ms"), messages_of(args.root, "id")
        accuracy = separation(malay, indonesian)
        print(
            f"\nMalay vs Indonesian, word-unigram classifier, 5-fold accuracy: {accuracy:.3f} "
            f"({len(malay) + len(indonesian)} messages of three words or more)"
        )
    problems = [f"{c.language}: {p}" for c in all_counts for p in c.problems]
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
