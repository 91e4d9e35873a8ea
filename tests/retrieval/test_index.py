from __future__ import annotations

import json
from pathlib import Path

import faiss
import pytest

from retrieval.errors import (
    EmbedderNotLoadedError,
    IndexMismatchError,
    IndexMissingError,
    IndexNotLoadedError,
    InvalidQueryError,
)
from retrieval.index import (
    CLAUSES_FILE,
    FLAT,
    HNSW,
    IVF,
    METADATA_FILE,
    PASSAGES_FILE,
    DenseRetriever,
    IndexConfig,
    ivf_nlist,
    read_metadata,
)
from retrieval.kb import corpus_hash
from tests.retrieval.fakes import FakeEmbedder


@pytest.fixture
def dense(fake_embedder, tiny_clauses) -> DenseRetriever:
    return DenseRetriever(fake_embedder).build(tiny_clauses)


def test_search_ranks_the_clause_sharing_the_question_words_first(dense) -> None:
    hits = dense.search("how many days is the return window", 2)

    assert hits[0].clause_id == "RET-1.1"
    assert hits[0].score >= hits[1].score
    assert -1.0 <= hits[1].score <= hits[0].score <= 1.0 + 1e-6


def test_k_larger_than_the_corpus_returns_every_clause_once(dense, tiny_clauses) -> None:
    hits = dense.search("refund", 50)

    assert sorted(h.clause_id for h in hits) == sorted(c.clause_id for c in tiny_clauses)


@pytest.mark.parametrize(("query", "k"), [("", 3), ("   ", 3), ("x" * 1001, 3), ("refund", 0)])
def test_bad_queries_are_refused_before_embedding(fake_embedder, tiny_clauses, query, k) -> None:
    dense = DenseRetriever(fake_embedder).build(tiny_clauses)
    calls = fake_embedder.calls

    with pytest.raises(InvalidQueryError):
        dense.search(query, k)
    assert fake_embedder.calls == calls


def test_search_before_build_or_load_is_a_named_error(fake_embedder) -> None:
    with pytest.raises(IndexNotLoadedError, match="call build"):
        DenseRetriever(fake_embedder).search("refund", 3)


def test_constructor_does_no_work(fake_embedder) -> None:
    DenseRetriever(fake_embedder)
    assert fake_embedder.calls == 0


def test_save_and_load_round_trip(dense, fake_embedder, tiny_clauses, tmp_path: Path) -> None:
    target = dense.save(tmp_path / "index")
    loaded = DenseRetriever(fake_embedder).load(
        target, expected_corpus_hash=corpus_hash(tiny_clauses)
    )

    query = "card refund business days"
    assert loaded.search(query, 4) == dense.search(query, 4)
    assert loaded.clauses == tiny_clauses
    meta = json.loads((target / METADATA_FILE).read_text(encoding="utf-8"))
    assert meta["model_name"] == "fake-bow"
    assert meta["dimension"] == 64
    assert meta["corpus_hash"] == corpus_hash(tiny_clauses)
    assert meta["clause_ids"] == ["RET-1.1", "RET-1.2", "REF-2.1", "REF-2.2"]
    assert meta["index_type"] == FLAT
    assert {"faiss", "sentence-transformers", "torch"} <= set(meta["versions"])
    assert meta["created_at"]
    assert sorted(p.name for p in target.iterdir()) == [
        "clauses.json",
        "index.faiss",
        "metadata.json",
        "passages.json",
    ]


def test_save_leaves_other_files_in_the_directory_alone(dense, tmp_path: Path) -> None:
    (tmp_path / "onnx").mkdir()
    (tmp_path / "onnx" / "model.onnx").write_bytes(b"keep me")

    dense.save(tmp_path)

    assert (tmp_path / "onnx" / "model.onnx").read_bytes() == b"keep me"


def test_save_replaces_an_older_index(dense, fake_embedder, tiny_clauses, tmp_path: Path) -> None:
    target = tmp_path / "index"
    DenseRetriever(fake_embedder).build(tiny_clauses[:2]).save(target)
    dense.save(target)

    assert read_metadata(target)["clause_ids"] == [c.clause_id for c in tiny_clauses]


def test_load_refuses_another_model(dense, tmp_path: Path) -> None:
    dense.save(tmp_path)
    with pytest.raises(IndexMismatchError, match=r"model name 'fake-bow'.*make index"):
        DenseRetriever(FakeEmbedder(name="other-model")).load(tmp_path)


def test_load_refuses_another_dimension(dense, tmp_path: Path) -> None:
    dense.save(tmp_path)
    with pytest.raises(IndexMismatchError, match=r"dimension 64, expected 32.*make index"):
        DenseRetriever(FakeEmbedder(dimension=32)).load(tmp_path)


def test_load_refuses_a_stale_corpus(dense, fake_embedder, tmp_path: Path) -> None:
    dense.save(tmp_path)
    with pytest.raises(
        IndexMismatchError, match=r"corpus hash .*expected 'abc'; rebuild it with `make index`"
    ):
        DenseRetriever(fake_embedder).load(tmp_path, expected_corpus_hash="abc")


def test_load_refuses_tampered_clauses(dense, fake_embedder, tmp_path: Path) -> None:
    dense.save(tmp_path)
    clauses = json.loads((tmp_path / CLAUSES_FILE).read_text(encoding="utf-8"))
    clauses[0]["text"] = "Something else entirely."
    (tmp_path / CLAUSES_FILE).write_text(json.dumps(clauses), encoding="utf-8")

    with pytest.raises(IndexMismatchError, match="contradicts its own metadata"):
        DenseRetriever(fake_embedder).load(tmp_path)


def test_load_refuses_a_corrupt_index_file(dense, fake_embedder, tmp_path: Path) -> None:
    dense.save(tmp_path)
    (tmp_path / "index.faiss").write_bytes(b"not a faiss index")

    with pytest.raises(IndexMismatchError, match="unreadable"):
        DenseRetriever(fake_embedder).load(tmp_path)


def test_load_of_a_missing_index_says_how_to_build_it(fake_embedder, tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError, match="make index"):
        DenseRetriever(fake_embedder).load(tmp_path / "nothing")


def test_load_needs_a_loaded_embedder(dense, tmp_path: Path) -> None:
    from retrieval.embedder import SentenceTransformerEmbedder

    dense.save(tmp_path)
    unloaded = SentenceTransformerEmbedder(tmp_path, model_name="fake-bow")
    with pytest.raises(EmbedderNotLoadedError, match="call load"):
        DenseRetriever(unloaded).load(tmp_path)


@pytest.mark.parametrize(
    ("large_index", "faiss_class", "type_name"),
    [("ivf", faiss.IndexIVFFlat, IVF), ("hnsw", faiss.IndexHNSWFlat, HNSW)],
)
def test_large_corpora_get_an_approximate_index_that_survives_save_and_load(
    fake_embedder, tiny_clauses, tmp_path: Path, large_index, faiss_class, type_name
) -> None:
    config = IndexConfig(large_corpus_threshold=2, large_index=large_index)
    dense = DenseRetriever(fake_embedder, config=config).build(tiny_clauses)
    assert isinstance(dense.index_, faiss_class)
    dense.save(tmp_path)
    assert read_metadata(tmp_path)["index_type"] == type_name

    query_config = IndexConfig(
        large_corpus_threshold=2, large_index=large_index, hnsw_ef_search=33, ivf_nprobe=3
    )
    loaded = DenseRetriever(fake_embedder, config=query_config).load(tmp_path)
    if large_index == "hnsw":
        assert loaded.index_.hnsw.efSearch == 33
    else:
        assert loaded.index_.nprobe == 3
    assert loaded.search("photos of a broken item", 1)[0].clause_id == "REF-2.2"
    assert len(loaded.search("refund", 10)) == len(tiny_clauses)
    vector = loaded.encode_query("wallet")
    assert set(loaded.similarities(vector, ["REF-2.1"])) == {"REF-2.1"}


def test_ivf_list_count_follows_corpus_size_within_what_can_be_trained() -> None:
    assert ivf_nlist(100_000) == 512
    assert ivf_nlist(1_000_000) == 2048
    assert ivf_nlist(4) == 1


def test_similarities_are_the_cosines_search_reports(dense) -> None:
    vector = dense.encode_query("wallet refunds")
    hits = dense.search_vector(vector, 4)

    cosines = dense.similarities(vector, [h.clause_id for h in hits] + ["NOPE-1.1"])

    assert cosines == {h.clause_id: pytest.approx(h.score, abs=1e-5) for h in hits}


def test_one_clauses_score_is_the_score_search_reports(dense) -> None:
    hits = dense.search("wallet refunds", 4)

    scores = {h.clause_id: dense.clause_score("wallet refunds", h.clause_id) for h in hits}

    assert scores == {h.clause_id: pytest.approx(h.score, abs=1e-5) for h in hits}
    assert dense.clause_score("wallet refunds", "NOPE-1.1") is None


LONG_KB = {
    "01-returns.md": """# Returns

## RET-1.1 Return window

You can return an item within 30 days of delivery. Calendar days count, weekends included.
Ask the seller first. Keep the receipt. Wrap the parcel well. Print the label at home.
Vouchers and wallet balance are never paid out as cash.

## RET-1.2 Return shipping fee

A flat fee of 5 dollars is deducted from the refund.
""",
}


@pytest.fixture
def long_dense(fake_embedder, tmp_path: Path) -> DenseRetriever:
    from retrieval.kb import load_knowledge_base
    from tests.retrieval.conftest import write_kb

    clauses = load_knowledge_base(write_kb(tmp_path / "kb", LONG_KB))
    return DenseRetriever(fake_embedder).build(clauses)


def test_a_long_clause_is_indexed_as_passages_and_found_once_by_its_best_one(long_dense) -> None:
    assert long_dense.index_.ntotal == len(long_dense.passages_) > len(long_dense.clauses)

    hits = long_dense.search("vouchers wallet balance cash", 5)

    assert [h.clause_id for h in hits] == ["RET-1.1", "RET-1.2"]
    # The last window (sentences 5 and 6) matched; the hit says so for the answerer.
    assert hits[0].passage == (5, 6)
    vector = long_dense.encode_query("vouchers wallet balance cash")
    match = long_dense.match(vector, ["RET-1.1"])["RET-1.1"]
    assert (
        match.best == pytest.approx(hits[0].score) == pytest.approx(max(match.whole, match.window))
    )
    assert match.window > match.whole


def test_passages_survive_save_and_load(long_dense, fake_embedder, tmp_path: Path) -> None:
    long_dense.save(tmp_path / "index")
    loaded = DenseRetriever(fake_embedder).load(tmp_path / "index")

    assert loaded.passages_ == long_dense.passages_
    assert loaded.search("receipt", 2) == long_dense.search("receipt", 2)
    assert read_metadata(tmp_path / "index")["passage_window"] == long_dense.window


def test_load_refuses_an_index_of_the_old_one_vector_per_clause_format(
    long_dense, fake_embedder, tmp_path: Path
) -> None:
    long_dense.save(tmp_path)
    meta = json.loads((tmp_path / METADATA_FILE).read_text(encoding="utf-8"))
    meta.update(format_version=1, passage_format=1)
    meta.pop("passage_window")
    (tmp_path / METADATA_FILE).write_text(json.dumps(meta), encoding="utf-8")

    with pytest.raises(IndexMismatchError, match=r"format version 1, expected 2.*make index"):
        DenseRetriever(fake_embedder).load(tmp_path)


def test_load_refuses_another_passage_window_or_other_passages(
    long_dense, fake_embedder, tmp_path: Path
) -> None:
    long_dense.save(tmp_path)
    with pytest.raises(IndexMismatchError, match=r"passage window 2, expected 3.*make index"):
        DenseRetriever(fake_embedder, window=3).load(tmp_path)

    passages = json.loads((tmp_path / PASSAGES_FILE).read_text(encoding="utf-8"))
    passages[1][2] = [5, 6]
    (tmp_path / PASSAGES_FILE).write_text(json.dumps(passages), encoding="utf-8")
    with pytest.raises(IndexMismatchError, match="other passages"):
        DenseRetriever(fake_embedder).load(tmp_path)
