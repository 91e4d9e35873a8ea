"""A learned re-ranker of the hybrid's top clauses: which of the close neighbours answers?

The hybrid's RRF order puts a relevant clause in the top 3 for most questions but often a
neighbour of the same section first ("how long do I have to return shoes?" -> the $5 return
shipping clause, not the 30-day window), and the bot answers from its first clause. RRF only
counts ranks; it cannot weigh "the buyer asks how long and this title states a number of days"
against "BM25 liked this clause". So the top ``RERANK_DEPTH`` clauses of the fused order are
re-ordered by a logistic regression over per-candidate features: each ranking's reciprocal
rank, the cosines and their gaps to the best candidate, the closest example question's cosine,
how many of the question's words the title holds, and whether the title states the kind of
quantity asked (time: "30 days"; money: "$5").

It is trained when the index is built (``retrieval.train_reranker``) on the labelled dev
questions, each answered with the other folds' questions as examples (as the examples would
serve an unseen question), and saved beside the index as JSON (weights and scaling; no
pickle), keyed by the corpus hash and the examples file's hash so a stale one is refused.
Cross-validated on the dev questions (``python -m lab.retrieval.rerank``): README, "Policy
retrieval".
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval.answerability import Answerability, row
from retrieval.errors import IndexMismatchError
from retrieval.quantity import MONEY, TIME, asked_kinds, asks_quantity, stated_kinds

RERANKER_FILE = "reranker.json"
# 1: the features below. 2: with the answerability gate (retrieval.answerability). Bump when
# they change: a saved model of another version is refused.
RERANKER_VERSION = 2
# How many of the fused order's clauses are re-ordered; the rest keep their RRF order. The
# relevant clause is in the hybrid's top 10 for ~97% of dev questions.
RERANK_DEPTH = 10
# The rankings the hybrid fuses, in the order its features name them.
RANKINGS = ("whole", "window", "bm25", "examples")
FEATURES = (
    "rrf",
    "rrf_rank",
    *(f"{name}_rank" for name in RANKINGS),
    "best",
    "best_gap",
    "example",
    "example_gap",
    "title_overlap",
    "time_title",
    "money_title",
    "number_title",
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """What the hybrid knows of one clause for one question."""

    clause_id: str
    title_terms: frozenset[str]  # the title's stemmed BM25 terms
    title_kinds: frozenset[str]  # quantity kinds the title states (retrieval.quantity)
    rrf: float
    ranks: dict[str, int]  # ranking name -> 1-based rank; absent when not in that ranking
    best: float  # best-passage cosine
    example: float  # closest example question's cosine (0 without examples)


@dataclass(frozen=True, slots=True)
class Question:
    """The question-level inputs of the features."""

    terms: frozenset[str]  # stemmed BM25 terms of the (expanded) question
    kinds: frozenset[str]  # asked quantity kinds
    asks_quantity: bool

    @classmethod
    def of(cls, text: str, terms: Sequence[str]) -> Question:
        return cls(frozenset(terms), frozenset(asked_kinds(text)), asks_quantity(text))


def title_kinds(title: str) -> frozenset[str]:
    return frozenset(stated_kinds(title))


def features(question: Question, candidates: Sequence[Candidate]) -> np.ndarray:
    """One row of ``FEATURES`` per candidate (candidates in RRF order)."""
    if not candidates:
        return np.zeros((0, len(FEATURES)), dtype=np.float64)
    top_best = max(c.best for c in candidates)
    top_example = max(c.example for c in candidates)
    rows = []
    for position, c in enumerate(candidates, start=1):
        overlap = len(question.terms & c.title_terms) / max(len(c.title_terms), 1)
        rows.append(
            [
                c.rrf * 60.0,  # about 1 per ranking at rank 1: keeps the scale near the others
                1.0 / position,
                *(1.0 / c.ranks[name] if name in c.ranks else 0.0 for name in RANKINGS),
                c.best,
                c.best - top_best,
                c.example,
                c.example - top_example,
                overlap,
                float(TIME in question.kinds and TIME in c.title_kinds),
                float(MONEY in question.kinds and MONEY in c.title_kinds),
                float(question.asks_quantity and bool(c.title_kinds)),
            ]
        )
    return np.asarray(rows, dtype=np.float64)


@dataclass(frozen=True, slots=True)
class Reranker:
    """A linear scorer over standardised features (a fitted logistic regression's weights)."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    depth: int = RERANK_DEPTH
    # The gate for questions under the answerer's cosine bar (None: the bar alone decides).
    answerability: Answerability | None = None

    def scores(self, rows: np.ndarray) -> np.ndarray:
        standard = (rows - np.asarray(self.mean)) / np.asarray(self.scale)
        return standard @ np.asarray(self.weights)

    def order(self, question: Question, candidates: Sequence[Candidate]) -> list[str]:
        """The candidates' clause ids, best first. Ties keep the given (RRF) order."""
        return [cid for cid, _ in self.scored(question, candidates)]

    def scored(
        self, question: Question, candidates: Sequence[Candidate]
    ) -> list[tuple[str, float]]:
        """The candidates' clause ids with their scores, best first (ties: the given order)."""
        scores = self.scores(features(question, candidates))
        ranked = sorted(range(len(candidates)), key=lambda i: (-scores[i], i))
        return [(candidates[i].clause_id, float(scores[i])) for i in ranked]

    def sure(
        self, candidates: Sequence[Candidate], scored: Sequence[tuple[str, float]]
    ) -> bool | None:
        """Whether the first of ``scored`` (``scored(...)`` of ``candidates``) answers the
        question, by the answerability gate; None without one."""
        if self.answerability is None or not scored:
            return None
        return self.answerability.sure(first_row(candidates, scored))


def first_row(candidates: Sequence[Candidate], scored: Sequence[tuple[str, float]]) -> list[float]:
    """The answerability features of the re-ranker's first clause (``retrieval.answerability``)."""
    first_id, first_score = scored[0]
    first = next(c for c in candidates if c.clause_id == first_id)
    margin = first_score - scored[1][1] if len(scored) > 1 else None
    return row(first.best, first.example, first_score, margin)


def fit(rows: np.ndarray, labels: np.ndarray, *, depth: int = RERANK_DEPTH) -> Reranker:
    """Logistic regression (scikit-learn, default L2, C=1: not tuned) on standardised rows;
    label 1 for a relevant candidate."""
    from sklearn.linear_model import LogisticRegression

    mean = rows.mean(axis=0)
    scale = rows.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(max_iter=1000)
    model.fit((rows - mean) / scale, labels)
    # The intercept shifts every candidate of a question alike: the order does not need it.
    return Reranker(tuple(mean), tuple(scale), tuple(float(w) for w in model.coef_[0]), depth)


def folds(items: Sequence, n: int, seed: int = 0) -> list[list]:
    """Items shuffled once (fixed seed) and dealt into ``n`` folds."""
    shuffled = list(items)
    random.Random(seed).shuffle(shuffled)
    return [shuffled[i::n] for i in range(n)]


def file_hash(source: Path | str | Sequence[Path | str]) -> str:
    """The content hash of one file, or of several in order (a hash of their hashes: one
    file's hash is unchanged, so a single-file provenance reads as before)."""
    if isinstance(source, (str, Path)):
        return hashlib.sha256(Path(source).read_bytes()).hexdigest()
    files = list(source)
    if len(files) == 1:
        return file_hash(files[0])
    digest = hashlib.sha256()
    for path in files:
        digest.update(file_hash(path).encode())
    return digest.hexdigest()


def save_reranker(directory: Path | str, reranker: Reranker, provenance: dict) -> Path:
    """Write ``reranker.json`` (weights plus what they were trained on) into ``directory``."""
    target = Path(directory) / RERANKER_FILE
    body = {
        "version": RERANKER_VERSION,
        "features": list(FEATURES),
        "depth": reranker.depth,
        "mean": list(reranker.mean),
        "scale": list(reranker.scale),
        "weights": list(reranker.weights),
        **provenance,
    }
    if reranker.answerability is not None:
        body["answerability"] = reranker.answerability.to_json()
    partial = target.with_suffix(".json.partial")
    partial.write_text(json.dumps(body, indent=1), encoding="utf-8")
    partial.replace(target)
    return target


def read_provenance(directory: Path | str) -> dict | None:
    """The saved re-ranker's JSON, or ``None`` when there is none (or it is unreadable)."""
    path = Path(directory) / RERANKER_FILE
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return None


def load_reranker(directory: Path | str, expected: dict) -> Reranker | None:
    """The saved re-ranker, ``None`` when there is none; refuses one trained for another
    corpus, examples file, model or feature set (``expected``: the provenance keys to match)."""
    saved = read_provenance(directory)
    if saved is None:
        return None
    checks = {"version": RERANKER_VERSION, "features": list(FEATURES), **expected}
    for key, value in checks.items():
        if saved.get(key) != value:
            raise IndexMismatchError(
                f"re-ranker at {directory} was trained with {key} {saved.get(key)!r}, expected "
                f"{value!r}; rebuild it with `make index`"
            )
    width = len(FEATURES)
    if not all(len(saved.get(k, ())) == width for k in ("mean", "scale", "weights")):
        raise IndexMismatchError(
            f"re-ranker at {directory} is malformed; rebuild with `make index`"
        )
    return Reranker(
        tuple(saved["mean"]),
        tuple(saved["scale"]),
        tuple(saved["weights"]),
        int(saved["depth"]),
        Answerability.from_json(saved.get("answerability") or {}),
    )
