from __future__ import annotations

import pytest

from retrieval.errors import IndexNotLoadedError, InvalidQueryError
from retrieval.factory import make_retriever
from retrieval.hybrid import RRF_K, HybridRetriever
from retrieval.index import DenseRetriever
from retrieval.lexical import BM25Retriever


@pytest.fixture
def bm25(tiny_clauses) -> BM25Retriever:
    return BM25Retriever().build(tiny_clauses)


@pytest.fixture
def hybrid(fake_embedder, tiny_clauses, bm25) -> HybridRetriever:
    return HybridRetriever(DenseRetriever(fake_embedder).build(tiny_clauses), bm25)


def test_bm25_ranks_by_shared_terms_with_stemming(bm25) -> None:
    hits = bm25.search("my parcel arrived broken, I took photos", 4)

    assert hits[0].clause_id == "REF-2.2"  # "photos", "broken" (stemmed "photo")
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_bm25_returns_only_clauses_sharing_a_term(bm25) -> None:
    assert [h.clause_id for h in bm25.search("wallet", 10)] == ["REF-2.1"]
    assert bm25.search("zebra xylophone", 10) == []
    # Stop words alone match nothing rather than everything.
    assert bm25.search("the of and", 10) == []


def test_bm25_refuses_bad_queries_and_use_before_build(bm25) -> None:
    with pytest.raises(InvalidQueryError):
        bm25.search("  ", 3)
    with pytest.raises(InvalidQueryError):
        bm25.search("refund", 0)
    with pytest.raises(IndexNotLoadedError):
        BM25Retriever().search("refund", 3)


def test_hybrid_fuses_both_rankings_and_reports_dense_cosines(hybrid) -> None:
    query = "how many days do card refunds take"
    hits = hybrid.search(query, 4)

    assert hits[0].clause_id == "REF-2.1"
    dense_scores = {h.clause_id: h.score for h in hybrid.dense.search(query, 4)}
    assert {h.clause_id: h.score for h in hits} == pytest.approx(dense_scores)


def test_hybrid_order_is_reciprocal_rank_fusion(hybrid) -> None:
    query = "return shipping fee for a damaged item"
    dense_rank = {h.clause_id: r for r, h in enumerate(hybrid.dense.search(query, 4), 1)}
    lexical_rank = {h.clause_id: r for r, h in enumerate(hybrid.lexical.search(query, 4), 1)}

    def rrf(cid: str) -> float:
        return sum(1 / (RRF_K + ranks[cid]) for ranks in (dense_rank, lexical_rank) if cid in ranks)

    fused = [h.clause_id for h in hybrid.search(query, 4)]
    assert [rrf(c) for c in fused] == sorted((rrf(c) for c in fused), reverse=True)


def test_hybrid_k_larger_than_corpus_and_bad_query(hybrid, tiny_clauses) -> None:
    assert len(hybrid.search("refund", 100)) == len(tiny_clauses)
    with pytest.raises(InvalidQueryError):
        hybrid.search("", 3)


@pytest.mark.parametrize("name", ["bm25", "dense", "hybrid"])
def test_factory_builds_each_retriever(name, fake_embedder, tiny_clauses) -> None:
    retriever = make_retriever(name, tiny_clauses, embedder=fake_embedder)
    assert retriever.name == name
    assert retriever.search("wallet refund", 1)[0].clause_id == "REF-2.1"


def test_factory_refuses_unknown_names_and_loads_saved_indexes(
    fake_embedder, tiny_clauses, tmp_path
) -> None:
    with pytest.raises(ValueError, match="unknown retriever 'sparse'"):
        make_retriever("sparse", tiny_clauses, embedder=fake_embedder)
    DenseRetriever(fake_embedder).build(tiny_clauses).save(tmp_path)
    loaded = make_retriever("dense", tiny_clauses, embedder=fake_embedder, index_dir=tmp_path)
    assert loaded.search("wallet", 1)[0].clause_id == "REF-2.1"
