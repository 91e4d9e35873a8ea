"""End-to-end retrieval on the real knowledge base with the real MiniLM model."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.answer import PolicyAnswerer
from retrieval.build import main as build_main
from retrieval.defaults import CONFIDENCE_THRESHOLD, DEFAULT_RETRIEVER
from retrieval.factory import make_retriever
from retrieval.index import DenseRetriever, read_metadata
from retrieval.kb import corpus_hash, load_knowledge_base
from tests.retrieval.conftest import REPO_ROOT

pytestmark = pytest.mark.integration

KB_DIR = REPO_ROOT / "data" / "policies"


@pytest.fixture(scope="module")
def clauses():
    if not KB_DIR.is_dir():
        pytest.skip("data/policies does not exist yet")
    return load_knowledge_base(KB_DIR)


@pytest.fixture(scope="module")
def dense(minilm, clauses) -> DenseRetriever:
    return DenseRetriever(minilm).build(clauses)


def test_minilm_gives_unit_384_dimensional_vectors(minilm) -> None:
    vectors = minilm.encode(["how long do i have to send back my shoes", "refund"])
    assert vectors.shape == (2, 384)
    assert vectors.dtype.name == "float32" and vectors.flags["C_CONTIGUOUS"]
    assert abs(float((vectors**2).sum(axis=1).max()) - 1.0) < 1e-5


def test_return_window_question_finds_the_return_window_clause(dense) -> None:
    hits = dense.search("how long do i have to send back my shoes", 3)
    assert "RET-2.1" in [h.clause_id for h in hits]


@pytest.mark.parametrize(
    ("name", "question"),
    [
        # BM25 needs the policy's own words; the dense parts cope with paraphrase.
        ("bm25", "what is the return window for electronics"),
        # (For "how long do i have to send back my shoes" the hybrid misses RET-2.1 in its top
        # 3: BM25 ranks it outside its top 6, so fusion demotes it. Dense alone finds it.)
        ("hybrid", "how many days do I have to return an item I changed my mind about"),
    ],
)
def test_other_retrievers_find_it_too(name, question, minilm, clauses) -> None:
    retriever = make_retriever(name, clauses, embedder=minilm)
    assert "RET-2.1" in [h.clause_id for h in retriever.search(question, 3)]


def test_default_answerer_quotes_and_cites_or_hands_over(minilm, clauses) -> None:
    retriever = make_retriever(DEFAULT_RETRIEVER, clauses, embedder=minilm)
    answerer = PolicyAnswerer(retriever, CONFIDENCE_THRESHOLD, embedder=minilm)
    by_id = {c.clause_id: c for c in clauses}

    answer = answerer.answer("how long do i have to send back my shoes")
    assert answer.confident
    # The first hit is cited first; a second clause may follow (the clause stating the asked
    # kind of quantity, or a close one: retrieval.answer).
    assert answer.citations[0] == answer.hits[0].clause_id and len(answer.citations) <= 2
    # Extractive: every quoted sentence is one of the cited clauses' own text.
    cited_text = " ".join(by_id[c].text for c in answer.citations)
    assert all(part in cited_text for part in answer.text.split(". ") if part)

    off_topic = answerer.answer("what is the capital of mongolia")
    assert not off_topic.confident and off_topic.citations == ()


def test_build_cli_builds_once_then_reports_up_to_date(
    clauses, minilm, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "index"

    assert build_main(["--kb", str(KB_DIR), "--out", str(out)]) == 0
    assert "built index of" in capsys.readouterr().out
    assert read_metadata(out)["corpus_hash"] == corpus_hash(clauses)

    assert build_main(["--kb", str(KB_DIR), "--out", str(out)]) == 0
    assert "index up to date" in capsys.readouterr().out

    loaded = DenseRetriever(minilm).load(out, expected_corpus_hash=corpus_hash(clauses))
    assert "RET-2.1" in [
        h.clause_id for h in loaded.search("how long do i have to send back my shoes", 3)
    ]
