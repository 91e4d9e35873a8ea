"""The multilingual answer-or-decline gate, chosen and fitted on the dev questions (issue 16).

    python -m lab.retrieval.multilingual_gate [--index artifacts/retrieval-multilingual] \\
        [--dev data/retrieval/dev_questions_multilingual.jsonl]

Each candidate gate scores a question from its fused hits; its per-language threshold is the
English rule (the highest answering >= 90% of answerable questions), and a weight, when the gate
has one, is fitted per language by logistic regression (answerable vs unanswerable) on the same
training folds. Stratified 5-fold cross-validation per language, repeated over ``SEEDS``
shuffles: per language, answerable answered and unanswerable refused on held-out folds. The
rule set before choosing: the gate refusing the most unanswerable questions in all (mean over
the shuffles), every language answering about 90%.

Candidates: the first hit's margin (the gate before), the best margin of the first two (the
quoted clauses), the first hit's example score (how close the question is to the clause's
closest English example question), their sum, and margin + w * example score with w fitted per
language. Prints the comparison, recall@1/@3 per language (the ranking the gate reads; no gate
changes it) and the constants to ship (``MULTILINGUAL_THRESHOLDS``,
``MULTILINGUAL_EXAMPLE_WEIGHTS`` in ``retrieval.multilingual_answer``), fitted on all of dev.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lab.retrieval.evaluation import (
    CV_FOLDS,
    EvalQuestion,
    QuestionResult,
    calibrate_threshold,
    ranking_metrics,
)

SEEDS = (0, 1, 2, 3, 4)
DEPTH = 10


@dataclass(frozen=True)
class Row:
    """One dev question's gate inputs: the first two hits' margins and the first's example
    score, whether it is answerable, and the ranking (for recall)."""

    margin: float
    second_margin: float
    example: float
    answerable: bool


# A gate: (training rows) -> (score function for any rows). Unfitted gates ignore the rows.
Gate = Callable[[Sequence[Row]], Callable[[Sequence[Row]], np.ndarray]]


def _fixed(score: Callable[[Row], float]) -> Gate:
    return lambda _train: lambda rows: np.array([score(r) for r in rows], dtype=float)


def fit_example_weight(rows: Sequence[Row]) -> float:
    """w of margin + w * example score: the ratio of a logistic regression's coefficients
    (answerable vs unanswerable, on standardised features, sklearn's default C) in the features'
    own units, never below 0 (a question close to a clause's example questions does not make
    the clause less likely the answer); 0.0 when the regression does not weigh the margin
    positively."""
    from sklearn.linear_model import LogisticRegression

    x = np.array([[r.margin, r.example] for r in rows], dtype=float)
    y = np.array([r.answerable for r in rows])
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(max_iter=2000).fit((x - x.mean(axis=0)) / scale, y)
    margin_coef, example_coef = model.coef_[0] / scale
    return max(float(example_coef / margin_coef), 0.0) if margin_coef > 0 else 0.0


def _weighted(train: Sequence[Row]) -> Callable[[Sequence[Row]], np.ndarray]:
    weight = fit_example_weight(train)
    return lambda rows: np.array([r.margin + weight * r.example for r in rows], dtype=float)


GATES: dict[str, Gate] = {
    "first margin (before)": _fixed(lambda r: r.margin),
    "best margin of the first two": _fixed(lambda r: max(r.margin, r.second_margin)),
    "first example score": _fixed(lambda r: r.example),
    "margin + example score": _fixed(lambda r: r.margin + r.example),
    "margin + w * example score (w per language)": _weighted,
}
CHOSEN = "margin + w * example score (w per language)"


def cross_validate(gate: Gate, rows: Sequence[Row], seed: int) -> tuple[float, int, int]:
    """Held-out folds: (answered share of answerable, unanswerable refused, unanswerable)."""
    from sklearn.model_selection import StratifiedKFold

    y = np.array([r.answerable for r in rows])
    confident = np.zeros(len(rows), dtype=bool)
    splitter = StratifiedKFold(n_splits=CV_FOLDS, shuffle=True, random_state=seed)
    for train, test in splitter.split(np.zeros(len(rows)), y):
        score = gate([rows[i] for i in train])
        on_train = score([rows[i] for i in train])
        threshold = calibrate_threshold(on_train[y[train]], on_train[~y[train]])
        confident[test] = score([rows[i] for i in test]) >= threshold
    return float(confident[y].mean()), int((~confident[~y]).sum()), int((~y).sum())


def fit(rows: Sequence[Row]) -> tuple[float, float]:
    """The shipped constants of the chosen gate for one language: (weight, threshold)."""
    weight = fit_example_weight(rows)
    scores = np.array([r.margin + weight * r.example for r in rows])
    y = np.array([r.answerable for r in rows])
    return weight, calibrate_threshold(scores[y], scores[~y])


def compare(per_language: dict[str, list[Row]], seeds: Sequence[int] = SEEDS) -> dict:
    out: dict = {}
    for name, gate in GATES.items():
        per: dict = {}
        for language, rows in per_language.items():
            runs = [cross_validate(gate, rows, seed) for seed in seeds]
            per[language] = {
                "answered": float(np.mean([a for a, _, _ in runs])),
                "refused": float(np.mean([r for _, r, _ in runs])),
                "unanswerable": runs[0][2],
            }
        out[name] = {
            "per_language": per,
            "refused": float(sum(v["refused"] for v in per.values())),
            "unanswerable": sum(v["unanswerable"] for v in per.values()),
        }
    return out


def table(comparison: dict, languages: Sequence[str]) -> str:
    lines = [
        "| gate | " + " | ".join(languages) + " | unanswerable refused, all |",
        "| --- | " + " | ".join("---:" for _ in languages) + " | ---: |",
    ]
    for name, row in comparison.items():
        cells = [
            f"{row['per_language'][lang]['answered']:.1%} / "
            f"{row['per_language'][lang]['refused']:.1f} of "
            f"{row['per_language'][lang]['unanswerable']}"
            for lang in languages
        ]
        total = f"{row['refused']:.1f} of {row['unanswerable']}"
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {total} |")
    return "\n".join(lines)


def dev_rows(index, dev: dict[str, list[EvalQuestion]]) -> tuple[dict, dict]:
    """Per language: the gate rows and the ranking metrics (recall@k, MRR) of the shipped
    ranking."""
    rows: dict[str, list[Row]] = {}
    metrics: dict[str, dict] = {}
    for language, questions in dev.items():
        results, out = [], []
        for q in questions:
            hits = index.search(q.question, language, DEPTH)
            results.append(QuestionResult(q, tuple(h.clause_id for h in hits), hits[0].score))
            out.append(
                Row(
                    hits[0].score,
                    hits[1].score if len(hits) > 1 else hits[0].score,
                    hits[0].example_score if hits[0].example_score is not None else 0.0,
                    q.answerable,
                )
            )
        rows[language] = out
        metrics[language] = ranking_metrics(results)
    return rows, metrics


def main(argv: list[str] | None = None) -> int:
    from lab.retrieval.multilingual_eval import add_dev_arguments, read_dev, reused_index

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_dev_arguments(parser)
    parser.add_argument("--out", type=Path, default=None, help="write the comparison as JSON")
    args = parser.parse_args(argv)

    index, known = reused_index(args.kb, args.index)
    rows, metrics = dev_rows(index, read_dev(args.dev, known))
    languages = list(rows)
    comparison = compare(rows)
    print("Held-out folds, mean of", len(SEEDS), "shuffles: answerable answered / unanswerable")
    print("refused, per language\n")
    print(table(comparison, languages))
    print("\nrecall@1 / recall@3 (the ranking; no gate changes it):")
    for language in languages:
        m = metrics[language]
        print(f"  {language}: {m['recall@1']:.3f} / {m['recall@3']:.3f}")
    constants = {language: fit(rows[language]) for language in languages}
    print(f"\n{CHOSEN}, fitted on all dev questions (weight, threshold):")
    for language, (weight, threshold) in constants.items():
        print(f"  {language}: {weight:.4f}, {threshold:.4f}")
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(
            json.dumps({"comparison": comparison, "metrics": metrics, "constants": constants}),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
