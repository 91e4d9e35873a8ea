"""Example questions: buyers' questions labelled with the clause that answers them.

MiniLM matches a buyer's question to another buyer's question far better than to the policy's
own prose ("how much does return shipping cost" is close to "do I pay for return shipping",
not to "a flat $5 (in your order's currency) is deducted from your refund"). So the labelled
questions of ``data/retrieval/dev_questions.jsonl`` are embedded too, and each clause is ranked
by its closest example; the hybrid retriever fuses that ranking with its other three
(``retrieval.hybrid``). On the dev questions, 5-fold cross-validated (``python -m
lab.retrieval.examples``), it moved recall@1 0.707 -> 0.743 and recall@3 0.895 -> 0.926.

Only answerable examples count; an example with several relevant clauses votes for each.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval.embedder import Embedder
from retrieval.errors import KnowledgeBaseError
from retrieval.expansion import ItemCategories


@dataclass(frozen=True, slots=True)
class Example:
    question: str
    clause_ids: tuple[str, ...]


def load_examples(path: Path | str, known_clause_ids: Sequence[str]) -> list[Example]:
    """The answerable questions of a JSON-lines file (``question``, ``relevant``,
    ``answerable``), keeping only the clause ids this knowledge base has (an example whose
    clauses are all unknown is dropped): the same file serves any knowledge base. That every
    id of the shipped file exists in data/policies is a test (tests/retrieval/test_examples.py).
    """
    known = set(known_clause_ids)
    examples = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise KnowledgeBaseError(path, number, f"not JSON ({e})") from e
        if not row.get("answerable", True):
            continue
        question, relevant = row.get("question"), row.get("relevant")
        if not isinstance(question, str) or not question.strip() or not relevant:
            raise KnowledgeBaseError(path, number, "needs a question and relevant clauses")
        ours = tuple(cid for cid in relevant if cid in known)
        if ours:
            examples.append(Example(question, ours))
    return examples


class ExampleIndex:
    """Clauses ranked by the cosine of their closest example question.

    Examples are embedded as the retriever's queries are: with the item categories appended
    (``retrieval.expansion``), so "return my earbuds" and "return window for headphones" meet
    on "electronics"."""

    def __init__(
        self,
        examples: Sequence[Example],
        embedder: Embedder,
        categories: ItemCategories | None = None,
    ) -> None:
        self.examples = tuple(examples)
        texts = [categories.expand(e.question) if categories else e.question for e in examples]
        self.vectors = (
            np.asarray(embedder.encode(texts), dtype=np.float32)
            if texts
            else np.zeros((0, 1), dtype=np.float32)
        )

    def __len__(self) -> int:
        return len(self.examples)

    def best(self, vector: np.ndarray) -> dict[str, float]:
        """Each clause's closest example's cosine to the query's unit vector."""
        if not self.examples:
            return {}
        cosines = self.vectors @ np.asarray(vector, dtype=np.float32).ravel()
        best: dict[str, float] = {}
        for example, cosine in zip(self.examples, cosines, strict=True):
            for clause_id in example.clause_ids:
                best[clause_id] = max(best.get(clause_id, -1.0), float(cosine))
        return best

    def ranking(self, vector: np.ndarray, depth: int) -> list[str]:
        """Clause ids, closest example first (ties by id), at most ``depth``."""
        best = self.best(vector)
        return sorted(best, key=lambda cid: (-best[cid], cid))[:depth]
