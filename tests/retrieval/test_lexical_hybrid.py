from __future__ import annotations

import pytest

from retrieval.errors import IndexNotLoadedError, InvalidQueryError
from retrieval.factory import make_retriever
from retrieval.hybrid import HybridRetriever, rrf
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


def test_hybrid_order_is_reciprocal_rank_fusion_of_whole_window_and_bm25(hybrid) -> None:
    query = "return shipping fee for a damaged item"
    vector = hybrid.dense.encode_query(query)
    matches = hybrid.dense.match(vector, [c.clause_id for c in hybrid.dense.clauses])
    whole = sorted(matches, key=lambda c: -matches[c].whole)
    window = sorted(matches, key=lambda c: -matches[c].window)
    lexical = [h.clause_id for h in hybrid.lexical.search(query, 4)]
    expected = rrf([whole, window, lexical])

    fused = [h.clause_id for h in hybrid.search(query, 4)]

    assert [expected[c] for c in fused] == sorted(expected.values(), reverse=True)
    assert rrf([["a", "b"], ["b"]]) == pytest.approx({"a": 1 / 61, "b": 1 / 62 + 1 / 61})


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


def test_factory_expands_item_words_into_categories_for_every_retriever(
    fake_embedder, tiny_clauses, tmp_path
) -> None:
    lexicon = tmp_path / "cats.yml"
    lexicon.write_text(
        "electronics:\n  expand: [electronics]\n  items: [earbuds]\n", encoding="utf-8"
    )
    # "earbuds" is in no clause; "electronics" is in RET-1.1 (15 day window).
    plain = make_retriever("bm25", tiny_clauses, item_categories=None)
    assert plain.search("earbuds", 1) == []
    for name in ("bm25", "dense", "hybrid"):
        expanded = make_retriever(
            name, tiny_clauses, embedder=fake_embedder, item_categories=lexicon
        )
        assert expanded.search("earbuds", 1)[0].clause_id == "RET-1.1"
        assert expanded.name == name
        # The buyer's limit stays 1000 characters, expansion or not.
        with pytest.raises(InvalidQueryError):
            expanded.search("earbuds " * 130, 1)
