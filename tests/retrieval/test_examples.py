from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from retrieval.defaults import DEFAULT_EXAMPLE_QUESTIONS, DEFAULT_ITEM_CATEGORIES
from retrieval.errors import KnowledgeBaseError
from retrieval.examples import VECTORS_FILE, Example, ExampleIndex, load_examples
from retrieval.expansion import ItemCategories
from retrieval.factory import make_retriever
from retrieval.hybrid import HybridRetriever, rrf
from retrieval.index import DenseRetriever
from retrieval.kb import load_knowledge_base
from retrieval.lexical import BM25Retriever
from tests.retrieval.conftest import REPO_ROOT
from tests.retrieval.fakes import FakeEmbedder


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_load_examples_keeps_answerable_questions_and_this_kbs_clauses(tmp_path) -> None:
    path = _write(
        tmp_path / "q.jsonl",
        [
            {"question": "how long to return", "relevant": ["RET-1.1"], "answerable": True},
            {"question": "weather today?", "relevant": [], "answerable": False},
            {"question": "fee and window", "relevant": ["RET-1.2", "XYZ-9.9"]},
            {"question": "other shop's rule", "relevant": ["XYZ-9.9"], "answerable": True},
        ],
    )

    examples = load_examples(path, ["RET-1.1", "RET-1.2"])

    assert examples == [
        Example("how long to return", ("RET-1.1",)),
        Example("fee and window", ("RET-1.2",)),
    ]


@pytest.mark.parametrize(
    "line", ['{"question": "no clause", "relevant": []}', '{"relevant": ["A-1.1"]}', "not json"]
)
def test_load_examples_names_the_line_of_a_malformed_row(tmp_path, line) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text('{"question": "ok", "relevant": ["A-1.1"]}\n' + line + "\n")

    with pytest.raises(KnowledgeBaseError, match=r"q\.jsonl:2"):
        load_examples(path, ["A-1.1"])


def test_every_shipped_example_names_clauses_of_the_shipped_policies() -> None:
    """A renamed clause must not silently lose its examples (the loader skips unknown ids)."""
    known = {c.clause_id for c in load_knowledge_base(REPO_ROOT / "data/policies")}
    rows = [json.loads(line) for line in DEFAULT_EXAMPLE_QUESTIONS.read_text().splitlines()]
    unknown = {cid for r in rows for cid in r.get("relevant") or () if cid not in known}

    assert unknown == set()
    assert len(load_examples(DEFAULT_EXAMPLE_QUESTIONS, sorted(known))) == sum(
        1 for r in rows if r["answerable"]
    )


def test_example_index_ranks_clauses_by_their_closest_example(fake_embedder) -> None:
    index = ExampleIndex(
        [
            Example("how much is the return postage", ("RET-1.2",)),
            Example("when does my card money come back", ("REF-2.1",)),
            Example("postage and card", ("RET-1.2", "REF-2.1")),
        ],
        fake_embedder,
    )
    query = fake_embedder.encode(["return postage how much"])

    assert index.ranking(query, 10)[0] == "RET-1.2"
    assert set(index.ranking(query, 10)) == {"RET-1.2", "REF-2.1"}
    assert index.ranking(query, 1) == ["RET-1.2"]
    assert ExampleIndex([], fake_embedder).ranking(query, 3) == []


def test_hybrid_fuses_the_example_ranking_as_a_fourth_list(fake_embedder, tiny_clauses) -> None:
    """ "Pay" is in no clause, only in an example about the fee: the examples'
    ranking lifts that example's clause, by exactly one more RRF term."""
    examples = ExampleIndex([Example("what postage do I pay", ("RET-1.2",))], fake_embedder)
    dense = DenseRetriever(fake_embedder).build(tiny_clauses)
    lexical = BM25Retriever().build(tiny_clauses)
    plain = HybridRetriever(dense, lexical)
    with_examples = HybridRetriever(dense, lexical, examples=examples)
    query = "what do I pay to return it"

    before = [h.clause_id for h in plain.search(query, 4)]
    after = with_examples.search(query, 4)

    assert after[0].clause_id == "RET-1.2" != before[0]
    vector = dense.encode_query(query)
    matches = dense.match(vector, [c.clause_id for c in tiny_clauses])
    whole = sorted(matches, key=lambda c: -matches[c].whole)
    window = sorted(matches, key=lambda c: -matches[c].window)
    lexical_ids = [h.clause_id for h in lexical.search(query, 4)]
    expected = rrf([whole, window, lexical_ids, ["RET-1.2"]])
    assert [expected[h.clause_id] for h in after] == sorted(expected.values(), reverse=True)
    # The score stays the clause's best-passage cosine (what the refusal threshold reads).
    assert after[0].score == pytest.approx(matches["RET-1.2"].best)


def test_factory_reads_examples_from_a_path(fake_embedder, tiny_clauses, tmp_path) -> None:
    path = _write(tmp_path / "q.jsonl", [{"question": "what postage", "relevant": ["RET-1.2"]}])

    retriever = make_retriever("hybrid", tiny_clauses, embedder=fake_embedder, examples=path)
    none = make_retriever("hybrid", tiny_clauses, embedder=fake_embedder, examples=None)

    assert len(retriever.inner.examples) == 1
    assert none.inner.examples is None


_POSTAGE = [
    Example("what postage do I pay", ("RET-1.2",)),
    Example("card refund for earbuds", ("REF-2.1",)),
]


def test_saved_example_vectors_are_read_back_instead_of_embedded(fake_embedder, tmp_path) -> None:
    built = ExampleIndex(_POSTAGE, fake_embedder)
    built.save(tmp_path)
    calls = fake_embedder.calls

    loaded = ExampleIndex(_POSTAGE, fake_embedder, saved_dir=tmp_path)

    assert loaded.loaded and fake_embedder.calls == calls
    np.testing.assert_array_equal(loaded.vectors, built.vectors)


@pytest.mark.parametrize("change", ["question", "model", "categories", "shape"])
def test_stale_or_malformed_example_vectors_are_embedded_again(
    fake_embedder, tmp_path, change
) -> None:
    ExampleIndex(_POSTAGE, fake_embedder).save(tmp_path)
    examples, embedder, categories = list(_POSTAGE), fake_embedder, None
    if change == "question":
        examples[0] = Example("what postage do I pay back", ("RET-1.2",))
    elif change == "model":
        embedder = FakeEmbedder(name="another-model")
    elif change == "categories":
        categories = ItemCategories.load(DEFAULT_ITEM_CATEGORIES)  # "earbuds": electronics
    else:
        np.save(tmp_path / VECTORS_FILE, np.zeros((2, 3), dtype=np.float32))

    index = ExampleIndex(examples, embedder, categories, saved_dir=tmp_path)

    assert not index.loaded
    assert index.vectors.shape == (2, embedder.dimension)


def test_factory_reads_the_example_vectors_saved_with_the_index(
    fake_embedder, tiny_clauses, tmp_path, caplog
) -> None:
    path = _write(tmp_path / "q.jsonl", [{"question": "what postage", "relevant": ["RET-1.2"]}])
    index_dir = tmp_path / "index"
    DenseRetriever(fake_embedder).build(tiny_clauses).save(index_dir)

    first = make_retriever(
        "hybrid", tiny_clauses, embedder=fake_embedder, examples=path, index_dir=index_dir
    )
    assert not first.inner.examples.loaded
    assert "example question vectors missing or stale" in caplog.text
    first.inner.examples.save(index_dir)
    again = make_retriever(
        "hybrid", tiny_clauses, embedder=fake_embedder, examples=path, index_dir=index_dir
    )

    assert again.inner.examples.loaded
    np.testing.assert_array_equal(again.inner.examples.vectors, first.inner.examples.vectors)
