"""Would more features fix the re-ranker's same-section neighbour confusions? (issue 14)

Usage: ``python -m lab.retrieval.rerank_features [--questions data/retrieval/dev_questions.jsonl]``

In the held-out conversations 20 of 21 wrong policy answers cited a neighbour of the right
clause in the same section. Each group of candidate features below is added to the shipped
re-ranker's (``retrieval.rerank.FEATURES``) and judged as ``lab.retrieval.rerank`` judges the
re-ranker: 5-fold cross-validation on the dev questions only, each question's candidates found
with the other folds' questions as examples. The bar: a group is adopted only if it raises
recall@1 without lowering recall@3, and the rise is more than noise: the questions whose first
clause it fixes outnumber those it breaks by a two-sided sign test at p < 0.05 (at 509
questions one question is 0.002, and the README has called +0.004 within noise). Never run on
the held-out set.
"""

from __future__ import annotations

import argparse
import math
import os
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lab.retrieval.evaluation import EvalQuestion, QuestionResult, ranking_metrics
from retrieval.examples import Example
from retrieval.kb import Clause
from retrieval.quantity import MONEY, TIME, stated_kinds
from retrieval.rerank import Candidate, Question, features, fit

REPORTED = ("recall@1", "recall@3", "mrr@10")
Item = tuple[Example, Question, list[Candidate]]


@dataclass(frozen=True)
class ClauseTerms:
    """What the extra features read of the knowledge base: each clause's stemmed body and
    title terms, the kinds of quantity its text states, and the body terms' IDF."""

    body: Mapping[str, frozenset[str]]
    title: Mapping[str, frozenset[str]]
    text_kinds: Mapping[str, frozenset[str]]
    idf: Mapping[str, float]

    @classmethod
    def of(cls, clauses: Sequence[Clause], tokenize: Callable[[str], list[str]]) -> ClauseTerms:
        body = {c.clause_id: frozenset(tokenize(c.text)) for c in clauses}
        df = Counter(t for terms in body.values() for t in terms)
        n = len(clauses)
        return cls(
            body=body,
            title={c.clause_id: frozenset(tokenize(c.title)) for c in clauses},
            text_kinds={c.clause_id: frozenset(stated_kinds(c.text)) for c in clauses},
            idf={t: math.log((n + 1) / (f + 0.5)) for t, f in df.items()},
        )


def _section(clause_id: str) -> str:
    return clause_id.split(".")[0]


def _siblings(c: Candidate, candidates: Sequence[Candidate]) -> list[Candidate]:
    """The other candidates of the same section (its neighbours among the top ones)."""
    return [
        o
        for o in candidates
        if o.clause_id != c.clause_id and _section(o.clause_id) == _section(c.clause_id)
    ]


def text_kind(
    q: Question, c: Candidate, cands: Sequence[Candidate], kb: ClauseTerms
) -> list[float]:
    """The clause's text (not only its title) states the kind of quantity asked."""
    stated = kb.text_kinds[c.clause_id]
    return [float(TIME in q.kinds and TIME in stated), float(MONEY in q.kinds and MONEY in stated)]


def kind_mismatch(
    q: Question, c: Candidate, cands: Sequence[Candidate], kb: ClauseTerms
) -> list[float]:
    """The title states the other kind only: "how long" against "the $5 return shipping"."""
    t = c.title_kinds
    time_vs_money = TIME in q.kinds and MONEY in t and TIME not in t
    money_vs_time = MONEY in q.kinds and TIME in t and MONEY not in t
    return [float(time_vs_money or money_vs_time)]


def body_overlap(
    q: Question, c: Candidate, cands: Sequence[Candidate], kb: ClauseTerms
) -> list[float]:
    """The share of the question's terms in the clause's own sentences, plain and IDF-weighted."""
    shared = q.terms & kb.body[c.clause_id]
    weight = sum(kb.idf.get(t, 0.0) for t in q.terms) or 1.0
    return [
        len(shared) / max(len(q.terms), 1),
        sum(kb.idf.get(t, 0.0) for t in shared) / weight,
    ]


def distinct_overlap(
    q: Question, c: Candidate, cands: Sequence[Candidate], kb: ClauseTerms
) -> list[float]:
    """The question's terms this clause holds (title or body) and no same-section candidate
    does: the words that tell neighbours apart, not the section's shared ones."""
    others = [kb.body[o.clause_id] | kb.title[o.clause_id] for o in _siblings(c, cands)]
    own = kb.body[c.clause_id] | kb.title[c.clause_id]
    distinct = (q.terms & own) - frozenset().union(*others)
    return [len(distinct) / max(len(q.terms), 1)]


def sibling_gaps(
    q: Question, c: Candidate, cands: Sequence[Candidate], kb: ClauseTerms
) -> list[float]:
    """Cosine, closest-example cosine and RRF value against the best same-section candidate's
    (the existing gaps compare with the best candidate of any section)."""
    siblings = _siblings(c, cands)
    if not siblings:
        return [0.0, 0.0, 0.0, 0.0]
    return [
        c.best - max(o.best for o in siblings),
        c.example - max(o.example for o in siblings),
        (c.rrf - max(o.rrf for o in siblings)) * 60.0,
        1.0,
    ]


GROUPS: dict[str, Callable[..., list[float]]] = {
    "text_kind": text_kind,
    "kind_mismatch": kind_mismatch,
    "body_overlap": body_overlap,
    "distinct_overlap": distinct_overlap,
    "sibling_gaps": sibling_gaps,
}


def rows(
    question: Question, candidates: Sequence[Candidate], kb: ClauseTerms, groups: Sequence[str]
) -> np.ndarray:
    """The shipped features of each candidate, then each named group's columns."""
    base = features(question, candidates)
    if not groups or not candidates:
        return base
    extra = [
        [v for name in groups for v in GROUPS[name](question, c, candidates, kb)]
        for c in candidates
    ]
    return np.hstack([base, np.asarray(extra, dtype=np.float64)])


def sign_test(fixed: int, broken: int) -> float:
    """Two-sided p-value of ``fixed`` against ``broken`` discordant questions (binomial, 1/2)."""
    n = fixed + broken
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, k) for k in range(min(fixed, broken) + 1)) / 2**n
    return min(1.0, 2 * tail)


def cross_validate(
    parts: Sequence[Sequence[Item]], kb: ClauseTerms, groups: Sequence[str]
) -> tuple[dict[str, float], list[bool]]:
    """Each fold re-ranked by a re-ranker fitted on the other folds' candidates: the metrics
    and, per question, whether its first clause is relevant."""
    results = []
    for i, held in enumerate(parts):
        train = [item for j, part in enumerate(parts) if j != i for item in part]
        x = np.vstack([rows(q, cands, kb, groups) for _, q, cands in train])
        y = np.asarray([c.clause_id in e.clause_ids for e, _, cands in train for c in cands])
        reranker = fit(x, y.astype(np.int64))
        for number, (example, question, candidates) in enumerate(held):
            scores = reranker.scores(rows(question, candidates, kb, groups))
            order = sorted(range(len(candidates)), key=lambda k: (-scores[k], k))
            q = EvalQuestion(f"{i}-{number}", example.question, example.clause_ids, True)
            results.append(QuestionResult(q, tuple(candidates[k].clause_id for k in order), None))
    metrics = ranking_metrics(results)
    first = [bool(r.ranked) and r.ranked[0] in r.question.relevant for r in results]
    return {m: metrics[m] for m in REPORTED}, first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=Path, default=Path("data/policies"))
    parser.add_argument(
        "--questions", type=Path, default=Path("data/retrieval/dev_questions.jsonl")
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from lab.retrieval.rerank import dev_candidates
    from retrieval.train_reranker import CV_FOLDS

    clauses, retriever, items, _ = dev_candidates(args.kb, args.questions)
    kb = ClauseTerms.of(clauses, retriever.inner.lexical.tokenize)
    # held_out_candidates deals the folds in order: fold i is every CV_FOLDS-th example.
    sizes = [len(items[i::CV_FOLDS]) for i in range(CV_FOLDS)]
    bounds = np.cumsum([0, *sizes])
    parts = [items[bounds[i] : bounds[i + 1]] for i in range(CV_FOLDS)]
    base, base_first = cross_validate(parts, kb, ())
    print(f"{'shipped features':>24}: " + " ".join(f"{m} {base[m]:.3f}" for m in REPORTED))
    for name in GROUPS:
        m, first = cross_validate(parts, kb, (name,))
        fixed = sum(f and not b for f, b in zip(first, base_first, strict=True))
        broken = sum(b and not f for f, b in zip(first, base_first, strict=True))
        p = sign_test(fixed, broken)
        adopt = fixed > broken and p < 0.05 and m["recall@3"] >= base["recall@3"]
        print(
            f"{'+ ' + name:>24}: "
            + " ".join(f"{k} {m[k]:.3f}" for k in REPORTED)
            + f"; first clause fixed {fixed}, broken {broken} (sign test p {p:.2f})"
            + ("  meets the bar" if adopt else "")
        )
    print(f"{len(items)} answerable dev questions, {CV_FOLDS} folds")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
