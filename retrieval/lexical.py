"""BM25 over the same clause passages as the dense index (bm25s, optional Snowball stemming)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import bm25s
import numpy as np
from bm25s.stopwords import STOPWORDS_EN

from retrieval.errors import IndexNotLoadedError
from retrieval.kb import Clause, clause_passage
from retrieval.query import DEFAULT_MAX_QUERY_CHARS, validate_query
from retrieval.types import Hit

_TOKEN = re.compile(r"[a-z0-9]+")
# Negations carry meaning in policy questions ("not received", "no refund"), so they stay.
_STOPWORDS = frozenset(STOPWORDS_EN) - {"no", "not", "nor"}


def _english_stemmer():
    """PyStemmer's Snowball English stemmer, or ``None`` when PyStemmer is not installed."""
    try:
        import Stemmer
    except ImportError:
        return None
    return Stemmer.Stemmer("english")


class BM25Retriever:
    """Okapi BM25 (Lucene variant, k1=1.5, b=0.75: the usual defaults, not tuned here).

    Only clauses that share at least one term with the query are returned, so a search can
    yield fewer than ``k`` hits; a zero BM25 score carries no ranking information.
    """

    name = "bm25"

    def __init__(
        self,
        *,
        k1: float = 1.5,
        b: float = 0.75,
        stem: bool = True,
        max_query_chars: int = DEFAULT_MAX_QUERY_CHARS,
    ) -> None:
        self.k1 = k1
        self.b = b
        self.stem = stem
        self.max_query_chars = max_query_chars
        self.model_: bm25s.BM25 | None = None
        self.clauses_: list[Clause] = []
        self._stemmer = None

    def build(self, clauses: Sequence[Clause]) -> BM25Retriever:
        if not clauses:
            raise ValueError("cannot build a BM25 index over an empty list of clauses")
        self._stemmer = _english_stemmer() if self.stem else None
        model = bm25s.BM25(k1=self.k1, b=self.b, method="lucene")
        model.index([self.tokenize(clause_passage(c)) for c in clauses], show_progress=False)
        self.model_ = model
        self.clauses_ = list(clauses)
        return self

    def tokenize(self, text: str) -> list[str]:
        tokens = [t for t in _TOKEN.findall(text.lower()) if t not in _STOPWORDS]
        if self._stemmer is not None:
            tokens = self._stemmer.stemWords(tokens)
        return tokens

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every clause, in corpus order."""
        model = self._require_model()
        known = [t for t in self.tokenize(query) if t in model.vocab_dict]
        if not known:
            return np.zeros(len(self.clauses_), dtype=np.float32)
        return np.asarray(model.get_scores(known), dtype=np.float32)

    def search(self, query: str, k: int) -> list[Hit]:
        query = validate_query(query, k, self.max_query_chars)
        scores = self.scores(query)
        # Stable sort keeps corpus order among ties, so results are deterministic.
        order = np.argsort(-scores, kind="stable")[:k]
        hits = []
        for i in order:
            if scores[i] <= 0:
                break
            clause = self.clauses_[i]
            hits.append(Hit(clause.clause_id, clause.title, clause.text, float(scores[i])))
        return hits

    def _require_model(self) -> bm25s.BM25:
        if self.model_ is None:
            raise IndexNotLoadedError("BM25 retriever has no index; call build(clauses) first")
        return self.model_
