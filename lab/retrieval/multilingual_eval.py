"""Policy retrieval in six languages: per-language ranking metrics, refusals and latency.

Usage (``make eval-retrieval-multilingual``)::

    python -m lab.retrieval.multilingual_eval --kb data/policies \\
        --index artifacts/retrieval-multilingual \\
        --dev data/retrieval/dev_questions_multilingual.jsonl \\
        [--heldout data/eval/multilingual --english data/eval/policy_questions.jsonl] \\
        --out reports/retrieval/multilingual

On the dev questions (what the design was chosen on): dense, BM25 and their RRF fusions per
language, and the refusal threshold by stratified 5-fold cross-validation (the English rule:
the highest threshold answering >= 90% of answerable questions), pooled over the languages
and per language, for the margin score the product uses and for the raw cosine. With
``--heldout``: the shipped configuration (all four rankings, the per-language dev thresholds,
never re-fitted) on the held-out files, once, and English through e5 on the English held-out
set (the pooled threshold) for comparison; latency per answer (p50/p95); per language, the
answerable questions whose answer cites a relevant clause, with the close second clause quoted
and with the first clause only, and the share of answers quoting two.
Metrics follow ``lab.retrieval.evaluation`` (recall@k = share of a question's relevant
clauses in the top k).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from lab.retrieval.evaluation import (
    EvalQuestion,
    QuestionResult,
    cross_validate_threshold,
    load_questions,
    ranking_metrics,
)
from retrieval.answer import PolicyAnswer
from retrieval.build_multilingual import multilingual_examples
from retrieval.defaults import DEFAULT_ITEM_CATEGORIES, MULTILINGUAL_EXAMPLE_QUESTIONS
from retrieval.examples import ExampleFiles
from retrieval.expansion import ItemCategories
from retrieval.languages import LANGUAGES, TRANSLATED, load_translations
from retrieval.multilingual import (
    MODEL_NAME,
    MultilingualIndex,
    best_windows,
    load_e5,
    saved_example_vectors,
    saved_vectors,
)
from retrieval.multilingual_answer import (
    GATE_DEPTH,
    MULTILINGUAL_EXAMPLE_WEIGHTS,
    MULTILINGUAL_THRESHOLDS,
    MultilingualAnswerer,
    combined_score,
    gate_score,
)
from retrieval.multilingual_items import MultilingualItems

VARIANTS = {
    "dense": ("dense",),
    "bm25": ("bm25",),
    "hybrid": ("dense", "bm25"),
    "hybrid+english": ("dense", "bm25", "english"),
    "hybrid+english+examples": ("dense", "bm25", "english", "examples"),
}
SHIPPED = "hybrid+english+examples"  # = retrieval.multilingual.RANKERS, the default
RANKERS_SHIPPED = VARIANTS[SHIPPED]
DEPTH = 10
# The answer-or-decline gate's depths compared on dev (retrieval.multilingual_answer.GATE_DEPTH).
GATE_DEPTHS = (1, 2, 3, 5)


class MemoEncoder:
    """Embeds each question once although search and the raw-cosine report both need it."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self._memo: dict[str, np.ndarray] = {}

    def query(self, text: str) -> np.ndarray:
        if text not in self._memo:
            self._memo[text] = np.asarray(self.inner.query(text), dtype=np.float32)
        return self._memo[text]

    def passage(self, texts: list[str]) -> np.ndarray:
        return self.inner.passage(texts)


def read_dev(path: Path, known: Sequence[str]) -> dict[str, list[EvalQuestion]]:
    """The dev file carries a ``language`` per line; load_questions checks the rest."""
    languages = [json.loads(line)["language"] for line in path.read_text().splitlines() if line]
    questions = load_questions(path, known)
    out: dict[str, list[EvalQuestion]] = {}
    for language, question in zip(languages, questions, strict=True):
        out.setdefault(language, []).append(question)
    return out


def run(
    index: MultilingualIndex,
    questions: Sequence[EvalQuestion],
    language: str,
    rankers: Sequence[str],
    gate_depth: int = GATE_DEPTH,
) -> tuple[list[QuestionResult], list[float]]:
    """Results with the gate's score (the best margin of the first ``gate_depth`` hits), and
    each question's raw top cosine."""
    results, raw = [], []
    for q in questions:
        hits = index.search(q.question, language, DEPTH, rankers=rankers)
        results.append(
            QuestionResult(q, tuple(h.clause_id for h in hits), gate_score(hits, gate_depth))
        )
        vector = index.encoder.query(index.query_text(q.question.strip(), language))
        cosines, _ = best_windows(index.languages[language], vector)
        raw.append(float(hits[0].score + cosines.mean()) if hits else float("-inf"))
    return results, raw


def refusal(results: Sequence[QuestionResult]) -> dict[str, float]:
    report = cross_validate_threshold(results)
    return {
        "threshold": report.threshold,
        "answered_answerable": report.answered_answerable,
        "refused_unanswerable": report.refused_unanswerable,
        "refusal_precision": report.refusal_precision,
    }


def with_scores(results: Sequence[QuestionResult], scores: Sequence[float]) -> list[QuestionResult]:
    return [QuestionResult(r.question, r.ranked, s) for r, s in zip(results, scores, strict=True)]


def evaluate_dev(index: MultilingualIndex, dev: dict[str, list[EvalQuestion]]) -> dict:
    out: dict = {
        "per_language": {},
        "refusal": {},
        "refusal_per_language": {},
        "gate_depths": gate_depths(index, dev),
    }
    pooled: list[QuestionResult] = []
    pooled_raw: list[float] = []
    for language, questions in dev.items():
        out["per_language"][language] = {}
        for name, rankers in VARIANTS.items():
            results, raw = run(index, questions, language, rankers)
            out["per_language"][language][name] = ranking_metrics(results)
            if name == SHIPPED:
                pooled += results
                pooled_raw += raw
                # Each language's own threshold: e5's margins differ by language (held-out,
                # 2026-12-02, one pooled threshold answered 58.5% of ms and 92.9% of th).
                out["refusal_per_language"][language] = refusal(results)
    out["refusal"]["margin"] = refusal(pooled)
    out["refusal"]["raw_cosine"] = refusal(with_scores(pooled, pooled_raw))
    return out


def gate_depths(index: MultilingualIndex, dev: dict[str, list[EvalQuestion]]) -> dict:
    """Per gate depth: each language's threshold re-fitted by the same rule and its 5-fold
    cross-validated refusals, the unanswerable questions refused in all, and the gate score's
    ROC AUC (answerable against unanswerable) per language."""
    from sklearn.metrics import roc_auc_score

    out: dict = {}
    for depth in GATE_DEPTHS:
        row: dict = {"per_language": {}, "refused": 0, "unanswerable": 0}
        for language, questions in dev.items():
            results, _ = run(index, questions, language, RANKERS_SHIPPED, depth)
            answerable = [r.question.answerable for r in results]
            report = refusal(results)
            if not all(answerable):
                report["auc"] = float(roc_auc_score(answerable, [r.top_score for r in results]))
            row["per_language"][language] = report
            unanswerable = answerable.count(False)
            row["unanswerable"] += unanswerable
            row["refused"] += round(report["refused_unanswerable"] * unanswerable)
        out[depth] = row
    return out


def evaluate_heldout(
    index: MultilingualIndex,
    heldout: dict[str, list[EvalQuestion]],
    thresholds: dict[str, float],
    weights: dict[str, float] | None = None,
) -> dict:
    """``thresholds``: one per language (``en`` included, for the comparison row), on the gate's
    score: the first hit's margin plus ``weights[language]`` (0 when missing) times its example
    score (``retrieval.multilingual_answer.combined_score``)."""
    weights = {lang: (weights or {}).get(lang, 0.0) for lang in heldout}
    answerer = MultilingualAnswerer(None, index, thresholds, example_weight=weights)
    # The same answerer quoting the first clause only (before the close second clause was
    # quoted too, 2026-12-03): the same gate, so the difference is the second clause alone.
    first_only = MultilingualAnswerer(
        None, index, thresholds, second_clause_margin=-np.inf, example_weight=weights
    )
    out: dict = {"thresholds": thresholds, "weights": weights, "per_language": {}}
    latencies: list[float] = []
    for language, questions in heldout.items():
        results = []
        answers: list[tuple[EvalQuestion, PolicyAnswer, PolicyAnswer]] = []
        for q in questions:
            started = time.perf_counter()
            answer = answerer.answer(q.question, language=language) if language != "en" else None
            hits = index.search(q.question, language, DEPTH)
            if answer is not None:
                latencies.append(time.perf_counter() - started)
                answers.append((q, answer, first_only.answer(q.question, language=language)))
            score = combined_score(hits[0], weights[language]) if hits else None
            results.append(QuestionResult(q, tuple(h.clause_id for h in hits), score))
        threshold = thresholds[language]
        scores = np.array([r.top_score for r in results])
        answerable = np.array([r.question.answerable for r in results])
        metrics = ranking_metrics(results)
        metrics["answered_answerable"] = float((scores[answerable] >= threshold).mean())
        metrics["refused_unanswerable"] = (
            float((scores[~answerable] < threshold).mean()) if (~answerable).any() else None
        )
        if answers:
            metrics.update(answer_metrics(answers))
        metrics["questions"] = len(results)
        metrics["unanswerable"] = int((~answerable).sum())
        out["per_language"][language] = metrics
    if latencies:
        ms = np.array(latencies) * 1000
        out["latency_ms"] = {f"p{p}": float(np.percentile(ms, p)) for p in (50, 95)}
    return out


def answer_metrics(answers: Sequence[tuple[EvalQuestion, PolicyAnswer, PolicyAnswer]]) -> dict:
    """Answerable questions whose answer cites a relevant clause (quoting a close second
    clause, and the first only), and the share of answers quoting two clauses."""

    def cites(q: EvalQuestion, a: PolicyAnswer) -> bool:
        return a.confident and bool(set(a.citations) & set(q.relevant))

    answerable = [(q, a, b) for q, a, b in answers if q.answerable]
    confident = [a for _, a, _ in answers if a.confident]
    n = len(answerable) or 1
    return {
        "answer_cites_relevant": sum(cites(q, a) for q, a, _ in answerable) / n,
        "answer_cites_relevant_first_only": sum(cites(q, b) for q, _, b in answerable) / n,
        "answers_two_clauses": sum(len(a.citations) == 2 for a in confident)
        / (len(confident) or 1),
    }


def markdown(dev: dict, heldout: dict | None, meta: dict) -> str:
    lines = [
        "# Multilingual policy retrieval",
        "",
        f"Measured {meta['date']}; model {meta['model']}.",
        "",
        "## Dev questions (design; data/retrieval/dev_questions_multilingual.jsonl)",
        "",
        "| language | ranker | recall@1 | recall@3 | recall@5 | MRR@10 |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for language, variants in dev["per_language"].items():
        for name, m in variants.items():
            lines.append(
                f"| {language} | {name} | {m['recall@1']:.3f} | {m['recall@3']:.3f} | "
                f"{m['recall@5']:.3f} | {m['mrr@10']:.3f} |"
            )
    lines += ["", "Refusal threshold, 5-fold cross-validated on dev (held-out folds):", ""]
    per_language = {f"margin, {lang} only": r for lang, r in dev["refusal_per_language"].items()}
    for name, r in {**dev["refusal"], **per_language}.items():
        lines.append(
            f"- {name}: threshold {r['threshold']:.4f}, answerable answered "
            f"{r['answered_answerable']:.1%}, unanswerable refused {r['refused_unanswerable']:.1%},"
            f" refusal precision {r['refusal_precision']:.1%}"
        )
    lines += ["", "Answer-or-decline gate: the best margin of the first k hits (dev, 5-fold):", ""]
    for depth, row in dev.get("gate_depths", {}).items():
        per = ", ".join(
            f"{lang} {r['threshold']:.4f} ({r['answered_answerable']:.1%} / "
            f"{r['refused_unanswerable']:.1%}, AUC {r.get('auc', float('nan')):.3f})"
            for lang, r in row["per_language"].items()
        )
        lines.append(
            f"- k={depth}: unanswerable refused {row['refused']}/{row['unanswerable']}; "
            f"threshold (answered / refused) per language: {per}"
        )
    if heldout is not None:
        lines += [
            "",
            "## Held-out questions (run once; thresholds from dev: "
            + ", ".join(f"{k} {v:.4f}" for k, v in heldout["thresholds"].items())
            + ")",
            "",
            "| language | questions | recall@1 | recall@3 | recall@5 | MRR@10 | answered "
            "(answerable) | refused (unanswerable) | answer cites a relevant clause (first "
            "only -> with a close second) | answers quoting two |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for language, m in heldout["per_language"].items():
            refused = m["refused_unanswerable"]
            cited = (
                f"{m['answer_cites_relevant_first_only']:.1%} -> {m['answer_cites_relevant']:.1%}"
                f" | {m['answers_two_clauses']:.1%}"
                if "answer_cites_relevant" in m
                else "- | -"
            )
            lines.append(
                f"| {language} | {m['questions']} | {m['recall@1']:.3f} | {m['recall@3']:.3f} | "
                f"{m['recall@5']:.3f} | {m['mrr@10']:.3f} | {m['answered_answerable']:.1%} | "
                f"{'-' if refused is None else f'{refused:.1%}'} | {cited} |"
            )
        if "latency_ms" in heldout:
            lat = heldout["latency_ms"]
            lines += [
                "",
                f"Latency per answer (embed + rank + quote): p50 {lat['p50']:.1f} ms, "
                f"p95 {lat['p95']:.1f} ms.",
            ]
    return "\n".join(lines) + "\n"


def add_dev_arguments(parser: argparse.ArgumentParser) -> None:
    """The knowledge base, the saved index to reuse and the dev questions: the options every
    multilingual dev tool takes."""
    parser.add_argument("--kb", type=Path, default=Path("data/policies"))
    parser.add_argument("--index", type=Path, default=Path("artifacts/retrieval-multilingual"))
    parser.add_argument(
        "--dev", type=Path, default=Path("data/retrieval/dev_questions_multilingual.jsonl")
    )


def reused_index(
    kb: Path, saved: Path, examples: ExampleFiles = MULTILINGUAL_EXAMPLE_QUESTIONS
) -> tuple[MultilingualIndex, list[str]]:
    """The multilingual index of ``kb`` and its clause ids, the index saved in ``saved`` reused:
    only windows and example questions missing from it are embedded (e5, one thread)."""
    translations = load_translations(kb, LANGUAGES)
    index = MultilingualIndex.build(
        MemoEncoder(load_e5(1)),
        translations,
        examples=multilingual_examples(kb, examples),
        reuse=saved_vectors(saved),
        reuse_examples=saved_example_vectors(saved),
        items=MultilingualItems.load(ItemCategories.load(DEFAULT_ITEM_CATEGORIES)),
    )
    return index, [c.clause_id for c in translations["en"]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_dev_arguments(parser)
    parser.add_argument("--examples", type=Path, nargs="+", default=MULTILINGUAL_EXAMPLE_QUESTIONS)
    parser.add_argument("--heldout", type=Path, default=None, help="dir of policy_questions_*")
    parser.add_argument("--english", type=Path, default=None, help="English held-out questions")
    parser.add_argument("--out", type=Path, default=Path("reports/retrieval/multilingual"))
    args = parser.parse_args(argv)

    index, known = reused_index(args.kb, args.index, args.examples)
    dev = evaluate_dev(index, read_dev(args.dev, known))
    heldout = None
    if args.heldout is not None:
        sets = {
            lang: load_questions(args.heldout / f"policy_questions_{lang}.jsonl", known)
            for lang in TRANSLATED
        }
        if args.english is not None:
            sets["en"] = load_questions(args.english, known)
        # The shipped gate (thresholds and weights fitted on dev by
        # lab.retrieval.multilingual_gate); English, for comparison, by the pooled margin.
        thresholds = dict(MULTILINGUAL_THRESHOLDS)
        thresholds["en"] = dev["refusal"]["margin"]["threshold"]
        heldout = evaluate_heldout(index, sets, thresholds, dict(MULTILINGUAL_EXAMPLE_WEIGHTS))
    meta = {"date": datetime.now(UTC).date().isoformat(), "model": MODEL_NAME}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.json").write_text(
        json.dumps({"meta": meta, "dev": dev, "heldout": heldout}, indent=1), encoding="utf-8"
    )
    (args.out / "report.md").write_text(markdown(dev, heldout, meta), encoding="utf-8")
    print(markdown(dev, heldout, meta))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
