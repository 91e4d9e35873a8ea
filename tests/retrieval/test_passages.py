from __future__ import annotations

import pytest

from retrieval.kb import Clause, clause_passage, clause_sentences
from retrieval.passages import WHOLE, clause_passages, corpus_passages

LONG = Clause(
    "RET-9.1",
    "Return window",
    "You can return an item within 30 days. Electronics have 15 days.\n\n"
    "Some items cannot be returned:\n- grocery\n- underwear",
    "Returns",
    "09-test.md",
    3,
)
SHORT = Clause("REF-9.2", "Wallet", "Wallet refunds are instant.", "Refunds", "09-test.md", 9)


def test_whole_clause_comes_first_then_overlapping_two_sentence_windows() -> None:
    passages = clause_passages(LONG)
    sentences = clause_sentences(LONG)

    assert len(sentences) == 5
    assert passages[0].position == WHOLE
    assert passages[0].text == clause_passage(LONG)
    assert passages[0].sentences == (0, 1, 2, 3, 4)
    assert [p.sentences for p in passages[1:]] == [(0, 1), (1, 2), (2, 3), (3, 4)]
    assert [p.position for p in passages] == [0, 1, 2, 3, 4]
    # Every window keeps the clause title as context, and its clause id for the citation.
    assert passages[3].text == "Return window. Some items cannot be returned: grocery"
    assert {p.clause_id for p in passages} == {"RET-9.1"}


def test_a_clause_no_longer_than_a_window_is_only_its_whole_text() -> None:
    assert [p.position for p in clause_passages(SHORT)] == [WHOLE]
    assert [p.position for p in clause_passages(LONG, window=5)] == [WHOLE]


def test_window_size_is_validated_and_corpus_keeps_clause_order() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        clause_passages(LONG, window=0)
    ids = [p.clause_id for p in corpus_passages([SHORT, LONG], window=3)]
    assert ids == ["REF-9.2"] + ["RET-9.1"] * 4
