"""The multilingual evaluation's dev report: every ranker, a threshold pooled and per language,
and the held-out run with one threshold per language (fake e5; no data files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lab.retrieval.evaluation import EvalQuestion
from lab.retrieval.multilingual_eval import (
    GATE_DEPTHS,
    VARIANTS,
    answer_metrics,
    evaluate_dev,
    evaluate_heldout,
)
from retrieval.answer import PolicyAnswer
from retrieval.multilingual import MultilingualIndex
from retrieval.multilingual_answer import GATE_DEPTH
from tests.retrieval.fakes import FakeE5
from tests.retrieval.test_multilingual import MS_KB, _clauses

QUESTIONS = [
    ("kos pos pemulangan $5", ("RET-1.2",), True),
    ("tempoh pemulangan 30 hari", ("RET-1.1",), True),
    ("bayaran balik ke kad berapa hari bekerja", ("REF-2.1",), True),
    ("bayaran balik dompet segera", ("REF-2.1",), True),
    ("barang elektronik tempoh 15 hari", ("RET-1.1",), True),
    ("kos pos barang rosak percuma", ("RET-1.2",), True),
    ("kiraan hari kalendar pemulangan", ("RET-1.1",), True),
    ("berapa lama refund kad", ("REF-2.1",), True),
    ("boleh bayar guna bitcoin", (), False),
    ("kedai buka pukul berapa", (), False),
]


@pytest.fixture
def dev(tmp_path: Path) -> tuple[MultilingualIndex, dict[str, list[EvalQuestion]]]:
    clauses = _clauses(tmp_path, MS_KB)
    index = MultilingualIndex.build(FakeE5(), {"ms": clauses, "tl": clauses})
    questions = [
        EvalQuestion(f"q{i}", text, relevant, answerable)
        for i, (text, relevant, answerable) in enumerate(QUESTIONS)
    ]
    return index, {"ms": questions, "tl": questions}


def test_dev_report_has_every_ranker_and_a_threshold_per_language(dev) -> None:
    index, questions = dev
    report = evaluate_dev(index, questions)
    assert set(report["per_language"]["ms"]) == set(VARIANTS)
    assert set(report["refusal_per_language"]) == {"ms", "tl"}
    assert report["per_language"]["ms"]["dense"]["recall@3"] > 0.5
    for refusal in (report["refusal"]["margin"], *report["refusal_per_language"].values()):
        assert 0.0 <= refusal["answered_answerable"] <= 1.0


def test_held_out_uses_each_language_s_threshold(dev) -> None:
    index, questions = dev
    report = evaluate_heldout(index, questions, {"ms": -1.0, "tl": 10.0, "id": 0, "th": 0, "vi": 0})
    assert report["per_language"]["ms"]["answered_answerable"] == 1.0
    assert report["per_language"]["tl"]["answered_answerable"] == 0.0
    assert report["latency_ms"]["p95"] >= report["latency_ms"]["p50"] > 0


def test_held_out_counts_answers_citing_a_relevant_clause_with_and_without_a_second(dev) -> None:
    index, questions = dev
    everything = {"ms": -1.0, "tl": 10.0, "id": 0, "th": 0, "vi": 0}
    per_language = evaluate_heldout(index, questions, everything)["per_language"]
    ms, tl = per_language["ms"], per_language["tl"]
    # Every question is answered in ms (threshold -1); a second clause can only add a
    # relevant citation.
    assert ms["answer_cites_relevant"] >= ms["answer_cites_relevant_first_only"] > 0.5
    assert 0.0 <= ms["answers_two_clauses"] <= 1.0
    # Nothing is answered in tl: no answer cites anything.
    assert tl["answer_cites_relevant"] == tl["answer_cites_relevant_first_only"] == 0.0


def test_dev_report_compares_gate_depths_with_a_refitted_threshold_each(dev) -> None:
    index, questions = dev
    depths = evaluate_dev(index, questions)["gate_depths"]
    assert set(depths) == set(GATE_DEPTHS) and GATE_DEPTH in depths
    for row in depths.values():
        assert set(row["per_language"]) == {"ms", "tl"}
        assert row["unanswerable"] == 2 * sum(not a for _, _, a in QUESTIONS)
        assert 0 <= row["refused"] <= row["unanswerable"]
    # A deeper gate reads a maximum over more hits: its re-fitted threshold is never lower.
    assert (
        depths[5]["per_language"]["ms"]["threshold"] >= depths[1]["per_language"]["ms"]["threshold"]
    )


def test_answer_metrics_credit_a_relevant_second_citation_and_count_two_clause_answers() -> None:
    def said(*citations: str) -> PolicyAnswer:
        return PolicyAnswer("x", citations, bool(citations), ())

    asked = EvalQuestion("q1", "x", ("RET-2.2",), True)
    other = EvalQuestion("q2", "y", ("CAN-1.1",), True)
    unanswerable = EvalQuestion("q3", "z", (), False)
    metrics = answer_metrics(
        [
            (asked, said("RET-2.7", "RET-2.2"), said("RET-2.7")),
            (other, said("CAN-1.1"), said("CAN-1.1")),
            (unanswerable, said("RET-1.1", "RET-1.2"), said("RET-1.1")),
        ]
    )
    assert metrics == {
        "answer_cites_relevant": 1.0,
        "answer_cites_relevant_first_only": 0.5,
        "answers_two_clauses": 2 / 3,
    }
