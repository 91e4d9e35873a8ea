"""The answerability gate: its fit and cut, its file, how the hybrid and the answerer use it."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from retrieval.answer import NOT_SURE_REPLY, PolicyAnswerer
from retrieval.answerability import MAX_MARGIN, Answerability, fit_answerability, row
from retrieval.examples import load_unanswerable
from retrieval.hybrid import HybridRetriever
from retrieval.index import DenseRetriever
from retrieval.lexical import BM25Retriever
from retrieval.rerank import FEATURES, Reranker, load_reranker, save_reranker
from retrieval.types import Hit

THRESHOLD = 0.45


def _rows(rng, n: int, example: float) -> np.ndarray:
    """Rows under the bar whose closest example question sits near ``example``."""
    return np.column_stack(
        [
            rng.uniform(0.2, 0.44, n),
            rng.normal(example, 0.05, n),
            rng.normal(5.0, 1.0, n),
            rng.uniform(0.0, 6.0, n),
        ]
    )


def test_the_gate_answers_under_the_bar_and_refuses_every_unanswerable_row_out_of_fold() -> None:
    rng = np.random.default_rng(0)
    answerable = np.vstack([_rows(rng, 60, 0.7), [[0.8, 0.9, 7.0, 5.0]] * 40])
    unanswerable = np.vstack([_rows(rng, 40, 0.35), [[0.6, 0.4, 4.0, 1.0]] * 5])

    gate = fit_answerability(answerable, unanswerable, THRESHOLD)

    assert gate is not None
    assert gate.sure(row(0.3, 0.75, 5.0, 3.0))  # close to an example question: answered
    assert not gate.sure(row(0.3, 0.3, 5.0, 3.0))  # like no example question: refused
    # The cut lies above every unanswerable row's out-of-fold probability: the unanswerable
    # rows it was fitted on stay refused.
    below = unanswerable[unanswerable[:, 0] < THRESHOLD]
    assert not any(gate.sure(r) for r in below)


def test_the_unanswerable_questions_of_the_example_files_are_the_negatives(tmp_path) -> None:
    examples = tmp_path / "q.jsonl"
    examples.write_text(
        '{"question": "how long to return", "relevant": ["RET-2.1"], "answerable": true}\n'
        '{"question": "do you ship to mars", "relevant": [], "answerable": false}\n\n'
        '{"question": "what is 2+2", "answerable": false}\n'
    )

    assert load_unanswerable(examples) == ["do you ship to mars", "what is 2+2"]


def test_no_gate_without_enough_rows_under_the_bar() -> None:
    answerable = np.array([[0.8, 0.9, 7.0, 5.0]] * 30 + [[0.3, 0.7, 5.0, 3.0]] * 3)
    unanswerable = np.array([[0.3, 0.3, 5.0, 1.0]] * 20)

    assert fit_answerability(answerable, unanswerable, THRESHOLD) is None


def test_a_missing_second_clause_counts_as_the_widest_margin() -> None:
    assert row(0.4, 0.5, 6.0, None) == [0.4, 0.5, 6.0, MAX_MARGIN]
    assert row(0.4, 0.5, 6.0, 25.0)[3] == MAX_MARGIN


def _gate(weight_on_example: float = 10.0, cut: float = 0.5) -> Answerability:
    # Sure exactly when the closest example's cosine is above 0.5.
    return Answerability(
        (0.0, 0.5, 0.0, 0.0), (1.0, 1.0, 1.0, 1.0), (0.0, weight_on_example, 0.0, 0.0), 0.0, cut
    )


def test_the_gate_travels_in_the_rerankers_file(tmp_path) -> None:
    reranker = Reranker((0.0,) * len(FEATURES), (1.0,) * len(FEATURES), (1.0,) * len(FEATURES))
    provenance = {"corpus_hash": "abc", "model_name": "m", "examples_hash": "e1"}

    save_reranker(tmp_path, replace(reranker, answerability=_gate()), provenance)

    assert load_reranker(tmp_path, provenance).answerability == _gate()
    assert Answerability.from_json({**_gate().to_json(), "features": ["best"]}) is None
    assert Answerability.from_json({}) is None


class Scored:
    """Hits as a re-ranked search returns them: the first may carry the gate's verdict."""

    name = "scored"

    def __init__(self, cosine: float, sure: bool | None) -> None:
        self.hits = [
            Hit(
                "RET-2.2",
                "Exclusions",
                "Opened cosmetics cannot be returned.",
                cosine,
                (),
                6.0,
                sure=sure,
            ),
            Hit("RET-2.1", "Window", "Return within 30 days.", cosine - 0.1, (), 1.0),
        ]

    def search(self, query: str, k: int) -> list[Hit]:
        return self.hits[:k]


@pytest.mark.parametrize(
    ("cosine", "sure", "answered"),
    [(0.3, True, True), (0.3, False, False), (0.3, None, False), (0.6, False, True)],
    ids=["gate vouches", "gate refuses", "no gate", "the bar answers whatever the gate says"],
)
def test_the_gate_answers_only_what_the_bar_would_refuse(cosine, sure, answered) -> None:
    answer = PolicyAnswerer(Scored(cosine, sure), THRESHOLD).answer(
        "can i return an opened lipstick"
    )

    assert answer.confident is answered
    assert (answer.citations[:1] == ("RET-2.2",)) if answered else answer.text == NOT_SURE_REPLY


def test_the_hybrid_gives_the_gates_verdict_on_its_first_hit_only(
    fake_embedder, tiny_clauses
) -> None:
    dense = DenseRetriever(fake_embedder).build(tiny_clauses)
    lexical = BM25Retriever().build(tiny_clauses)
    weights = tuple(1.0 if f == "best" else 0.0 for f in FEATURES)
    ranker = Reranker((0.0,) * len(FEATURES), (1.0,) * len(FEATURES), weights)
    query = "how long until card refunds arrive"

    without = HybridRetriever(dense, lexical, reranker=ranker).search(query, 3)
    vouching = Answerability((0.0,) * 4, (1.0,) * 4, (0.0,) * 4, 10.0, 0.5)  # always sure
    with_gate = HybridRetriever(
        dense,
        lexical,
        reranker=Reranker(ranker.mean, ranker.scale, ranker.weights, answerability=vouching),
    ).search(query, 3)

    assert [h.sure for h in without] == [None, None, None]
    assert [h.sure for h in with_gate] == [True, None, None]
    assert [h.clause_id for h in with_gate] == [h.clause_id for h in without]
