"""The re-ranker feature study's candidate features and its noise check (no model, no data)."""

from __future__ import annotations

import numpy as np
import pytest

from lab.retrieval.rerank_features import (
    GROUPS,
    ClauseTerms,
    body_overlap,
    distinct_overlap,
    kind_mismatch,
    rows,
    sibling_gaps,
    sign_test,
    text_kind,
)
from retrieval.kb import Clause
from retrieval.rerank import FEATURES, Candidate, Question, title_kinds

CLAUSES = [
    Clause(
        "RET-2.1",
        "Return window: 30 days",
        "Return for change of mind within 30 days.",
        "r",
        "f.md",
        1,
    ),
    Clause(
        "RET-2.3",
        "The $5 return shipping",
        "A flat $5 is deducted from the refund.",
        "r",
        "f.md",
        2,
    ),
    Clause("DMG-3.1", "Report damage with a photo", "Send a photo within 15 days.", "d", "f.md", 3),
]


def _tokenize(text: str) -> list[str]:
    return [w.strip(".,:$?").lower() for w in text.split() if w.strip(".,:$?")]


def _candidate(cid: str, *, best: float, example: float, rrf: float) -> Candidate:
    clause = next(c for c in CLAUSES if c.clause_id == cid)
    return Candidate(
        cid, frozenset(_tokenize(clause.title)), title_kinds(clause.title), rrf, {}, best, example
    )


KB = ClauseTerms.of(CLAUSES, _tokenize)
CANDIDATES = [
    _candidate("RET-2.3", best=0.6, example=0.7, rrf=0.03),
    _candidate("RET-2.1", best=0.5, example=0.8, rrf=0.02),
    _candidate("DMG-3.1", best=0.4, example=0.3, rrf=0.01),
]
HOW_LONG = Question.of("how long to return after change of mind?", ["return", "change", "mind"])


def test_the_kind_features_read_the_text_and_the_title_s_other_kind() -> None:
    fee, window, damage = CANDIDATES
    assert text_kind(HOW_LONG, window, CANDIDATES, KB) == [1.0, 0.0]
    assert text_kind(HOW_LONG, fee, CANDIDATES, KB) == [0.0, 0.0]
    # "how long" against a title stating money only: a mismatch; a title stating no number: not.
    assert kind_mismatch(HOW_LONG, fee, CANDIDATES, KB) == [1.0]
    assert kind_mismatch(HOW_LONG, window, CANDIDATES, KB) == [0.0]
    assert kind_mismatch(HOW_LONG, damage, CANDIDATES, KB) == [0.0]


def test_overlaps_count_the_clause_s_own_words_and_those_its_neighbours_lack() -> None:
    fee, window, damage = CANDIDATES
    assert body_overlap(HOW_LONG, window, CANDIDATES, KB)[0] == pytest.approx(1.0)
    assert body_overlap(HOW_LONG, damage, CANDIDATES, KB)[0] == 0.0
    # "return" is in both RET clauses; "change" and "mind" only in RET-2.1.
    assert distinct_overlap(HOW_LONG, window, CANDIDATES, KB) == [pytest.approx(2 / 3)]
    assert distinct_overlap(HOW_LONG, fee, CANDIDATES, KB) == [0.0]


def test_sibling_gaps_compare_with_the_best_candidate_of_the_same_section_only() -> None:
    _, window, damage = CANDIDATES
    assert sibling_gaps(HOW_LONG, window, CANDIDATES, KB) == pytest.approx([-0.1, 0.1, -0.6, 1.0])
    assert sibling_gaps(HOW_LONG, damage, CANDIDATES, KB) == [0.0, 0.0, 0.0, 0.0]


def test_rows_append_each_group_s_columns_to_the_shipped_features() -> None:
    assert rows(HOW_LONG, CANDIDATES, KB, ()).shape == (3, len(FEATURES))
    wide = rows(HOW_LONG, CANDIDATES, KB, tuple(GROUPS))
    assert wide.shape == (3, len(FEATURES) + 2 + 1 + 2 + 1 + 4)
    assert np.isfinite(wide).all()


def test_the_sign_test_calls_one_question_noise_and_a_clear_majority_not() -> None:
    assert sign_test(1, 0) == 1.0
    assert sign_test(3, 2) > 0.05
    assert sign_test(12, 2) < 0.05
    assert sign_test(0, 0) == 1.0
