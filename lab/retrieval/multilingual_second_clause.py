"""When should the multilingual answer quote the second hit's clause too? (issue 16)

Usage::

    python -m lab.retrieval.multilingual_second_clause --kb data/policies \\
        --index artifacts/retrieval-multilingual \\
        --dev data/retrieval/dev_questions_multilingual.jsonl

On the DEV questions only: each question is searched as the product does (the shipped fusion,
``ANSWER_DEPTH`` hits) and gated by the shipped per-language thresholds on the first hit. The
second clause is quoted when its margin is within ``m`` of the first's (``first - second < m``;
a second scored above the first always is) and itself clears the threshold. For each ``m`` of a
grid: answered answerable questions whose answer holds a relevant clause, and the share of
answers quoting two. The rule set beforehand (the English one, ``retrieval.answer``): the widest
``m`` at which at most a quarter of answers quote two clauses, fitted pooled over the languages
and per language, each 5-fold cross-validated (folds by question number, so a question's
parallel versions in the five languages stay in one fold).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lab.retrieval.multilingual_eval import add_dev_arguments, read_dev, reused_index
from retrieval.answer import ANSWER_DEPTH
from retrieval.defaults import MULTILINGUAL_EXAMPLE_QUESTIONS
from retrieval.multilingual import (
    MultilingualIndex,
)
from retrieval.multilingual_answer import (
    MULTILINGUAL_EXAMPLE_WEIGHTS,
    MULTILINGUAL_THRESHOLDS,
    combined_score,
)

# Closeness margins compared (on the e5 margin scale; dev gaps between the first two hits'
# margins are mostly within +-0.03).
MARGINS = (0.0, 0.002, 0.004, 0.006, 0.008, 0.010, 0.0125, 0.015, 0.02, 0.025, 0.03)
MAX_TWO_SHARE = 0.25
FOLDS = 5


@dataclass(frozen=True, slots=True)
class Row:
    """One dev question as the product's gate and first two hits see it."""

    language: str
    group: str  # the question number shared by its parallel versions
    answerable: bool
    answered: bool  # the first hit's gate score clears the language's threshold
    first_relevant: bool
    second_relevant: bool
    gap: float  # first hit's margin minus the second's (+inf without a second clause)
    second_clears: bool  # the second hit's gate score clears the threshold
    gate_two: bool  # the best gate score of the first two clears the threshold


def rows_for(
    index: MultilingualIndex,
    dev: Mapping[str, Sequence],
    thresholds: Mapping[str, float],
    ids: Mapping[str, list[str]],
    weights: Mapping[str, float] = MULTILINGUAL_EXAMPLE_WEIGHTS,
) -> list[Row]:
    """The gate's score is the shipped one: a hit's margin plus the language's weight times
    its example score (``combined_score``); ``gap`` compares margins."""
    rows = []
    for language, questions in dev.items():
        t = thresholds[language]
        w = weights.get(language, 0.0)
        for q, qid in zip(questions, ids[language], strict=True):
            hits = index.search(q.question, language, ANSWER_DEPTH)
            first = hits[0] if hits else None
            second = hits[1] if len(hits) > 1 else None
            rows.append(
                Row(
                    language=language,
                    group=qid.split("-", 1)[1],
                    answerable=q.answerable,
                    answered=first is not None and combined_score(first, w) >= t,
                    first_relevant=first is not None and first.clause_id in q.relevant,
                    second_relevant=second is not None and second.clause_id in q.relevant,
                    gap=first.score - second.score if second is not None else float("inf"),
                    second_clears=second is not None and combined_score(second, w) >= t,
                    gate_two=any(combined_score(h, w) >= t for h in hits[:2]),
                )
            )
    return rows


def quotes_two(row: Row, margin: float) -> bool:
    return row.answered and row.second_clears and row.gap < margin


def outcome(rows: Sequence[Row], margin: float | Callable[[Row], float]) -> dict[str, float]:
    """Answered answerable questions holding a relevant clause, and answers quoting two."""
    of = margin if callable(margin) else (lambda _row: margin)
    answered = [r for r in rows if r.answered]
    two = [r for r in answered if quotes_two(r, of(r))]
    held = [
        r
        for r in answered
        if r.answerable and (r.first_relevant or (r.second_relevant and quotes_two(r, of(r))))
    ]
    return {
        "answered": len(answered),
        "answered_answerable": sum(r.answerable for r in answered),
        "held": len(held),
        "two": len(two),
        "two_share": len(two) / (len(answered) or 1),
    }


def choose_margin(rows: Sequence[Row], margins: Sequence[float] = MARGINS) -> float:
    """The widest margin at which at most ``MAX_TWO_SHARE`` of answers quote two clauses."""
    allowed = [m for m in margins if outcome(rows, m)["two_share"] <= MAX_TWO_SHARE]
    return max(allowed) if allowed else 0.0


def cross_validate(
    rows: Sequence[Row], per_language: bool, folds: int = FOLDS, seed: int = 13
) -> dict:
    """Held-out-fold outcome of the margin fitted on the other folds (pooled or per language)."""
    groups = sorted({r.group for r in rows})
    rng = np.random.default_rng(seed)
    order = list(rng.permutation(groups))
    fold_of = {g: i % folds for i, g in enumerate(order)}
    chosen: dict[tuple[int, str], float] = {}
    for k in range(folds):
        train = [r for r in rows if fold_of[r.group] != k]
        if per_language:
            for language in {r.language for r in rows}:
                chosen[(k, language)] = choose_margin([r for r in train if r.language == language])
        else:
            margin = choose_margin(train)
            for language in {r.language for r in rows}:
                chosen[(k, language)] = margin
    result = outcome(rows, lambda r: chosen[(fold_of[r.group], r.language)])
    result["fold_margins"] = sorted(set(chosen.values()))
    return result


def report(rows: Sequence[Row]) -> str:
    lines = []
    languages = sorted({r.language for r in rows})
    for name, subset in [("pooled", rows)] + [
        (lang, [r for r in rows if r.language == lang]) for lang in languages
    ]:
        base = outcome(subset, float("-inf"))
        lines.append(
            f"{name}: answered {base['answered']} ({base['answered_answerable']} answerable); "
            f"relevant clause in the answer, first only: {base['held']}"
        )
        for m in MARGINS:
            o = outcome(subset, m)
            lines.append(
                f"  m={m:.4f}: held {o['held']}, two quoted {o['two']} ({o['two_share']:.1%})"
            )
        lines.append(f"  chosen on all: m={choose_margin(subset):.4f}")
    for per_language in (False, True):
        cv = cross_validate(rows, per_language)
        lines.append(
            f"5-fold CV, {'per language' if per_language else 'pooled'}: held {cv['held']} of "
            f"{cv['answered_answerable']} answered answerable, two quoted {cv['two']} "
            f"({cv['two_share']:.1%}); fold margins {cv['fold_margins']}"
        )
        if per_language:  # each language's own margins, its held-out folds
            for language in languages:
                sub = cross_validate([r for r in rows if r.language == language], False)
                lines.append(
                    f"    {language} alone: held {sub['held']}, two {sub['two_share']:.1%}"
                )
    unanswerable = [r for r in rows if not r.answerable]
    lines.append(
        "gate on the first hit vs the best of the quoted two (= the first two: a second "
        "scored above the first is always quoted), shipped thresholds: unanswerable refused "
        f"{sum(not r.answered for r in unanswerable)} vs "
        f"{sum(not r.gate_two for r in unanswerable)} of {len(unanswerable)}; answerable "
        f"answered {sum(r.answered for r in rows if r.answerable)} vs "
        f"{sum(r.gate_two for r in rows if r.answerable)} of {len(rows) - len(unanswerable)}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_dev_arguments(parser)
    parser.add_argument("--examples", type=Path, nargs="+", default=MULTILINGUAL_EXAMPLE_QUESTIONS)
    args = parser.parse_args(argv)

    index, known = reused_index(args.kb, args.index, args.examples)
    dev = read_dev(args.dev, known)
    ids: dict[str, list[str]] = {}
    for line in args.dev.read_text().splitlines():
        if line:
            record = json.loads(line)
            ids.setdefault(record["language"], []).append(record["id"])
    print(report(rows_for(index, dev, MULTILINGUAL_THRESHOLDS, ids)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
