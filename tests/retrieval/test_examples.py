from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from retrieval.defaults import (
    BUYER_EXAMPLES,
    BUYER_EXAMPLES_2,
    DEFAULT_EXAMPLE_QUESTIONS,
    DEFAULT_ITEM_CATEGORIES,
    DEV_QUESTIONS,
    UNANSWERABLE_EXAMPLES,
)
from retrieval.errors import KnowledgeBaseError
from retrieval.examples import (
    VECTORS_FILE,
    Example,
    ExampleIndex,
    example_files,
    is_example_files,
    load_examples,
    load_unanswerable,
)
from retrieval.expansion import ItemCategories
from retrieval.factory import make_retriever, reranker_provenance
from retrieval.hybrid import HybridRetriever, rrf
from retrieval.index import DenseRetriever
from retrieval.kb import load_knowledge_base
from retrieval.lexical import BM25Retriever
from retrieval.rerank import file_hash
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


@pytest.mark.parametrize("path", DEFAULT_EXAMPLE_QUESTIONS, ids=lambda p: p.name)
def test_every_shipped_example_names_clauses_of_the_shipped_policies(path: Path) -> None:
    """A renamed clause must not silently lose its examples (the loader skips unknown ids)."""
    known = {c.clause_id for c in load_knowledge_base(REPO_ROOT / "data/policies")}
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    unknown = {cid for r in rows for cid in r.get("relevant") or () if cid not in known}

    assert unknown == set()
    assert len(load_examples(path, sorted(known))) == sum(1 for r in rows if r["answerable"])


def test_the_example_bank_is_the_dev_questions_then_the_buyers_examples() -> None:
    """Separate files (provenance), both read; the dev questions first (the dev protocol
    scores them and keeps the rest as examples: lab.retrieval.rerank.bank_extras)."""
    assert DEFAULT_EXAMPLE_QUESTIONS == (
        DEV_QUESTIONS,
        BUYER_EXAMPLES,
        BUYER_EXAMPLES_2,
        UNANSWERABLE_EXAMPLES,
    )
    known = sorted(c.clause_id for c in load_knowledge_base(REPO_ROOT / "data/policies"))

    assert load_examples(DEFAULT_EXAMPLE_QUESTIONS, known) == [
        *load_examples(DEV_QUESTIONS, known),
        *load_examples(BUYER_EXAMPLES, known),
        *load_examples(BUYER_EXAMPLES_2, known),
    ]
    # The unanswerable file ranks nothing: its rows are the gate's negatives.
    assert load_examples(UNANSWERABLE_EXAMPLES, known) == []
    assert len(load_unanswerable(UNANSWERABLE_EXAMPLES)) == 200


def test_load_examples_reads_several_files_in_order(tmp_path) -> None:
    first = _write(tmp_path / "a.jsonl", [{"question": "fee", "relevant": ["RET-1.2"]}])
    second = _write(
        tmp_path / "b.jsonl",
        [
            {"question": "window", "relevant": ["RET-1.1"], "answerable": True},
            {"question": "weather?", "relevant": [], "answerable": False},
        ],
    )

    examples = load_examples([first, str(second)], ["RET-1.1", "RET-1.2"])

    assert examples == [Example("fee", ("RET-1.2",)), Example("window", ("RET-1.1",))]
    assert load_examples((), ["RET-1.1"]) == []


def test_load_examples_names_the_file_and_line_of_a_malformed_row_in_a_later_file(
    tmp_path,
) -> None:
    first = _write(tmp_path / "a.jsonl", [{"question": "fee", "relevant": ["RET-1.2"]}])
    second = tmp_path / "b.jsonl"
    second.write_text('{"question": "ok", "relevant": ["RET-1.2"]}\nnot json\n')

    with pytest.raises(KnowledgeBaseError, match=r"b\.jsonl:2"):
        load_examples([first, second], ["RET-1.2"])


def test_example_files_and_is_example_files_tell_paths_from_examples(tmp_path) -> None:
    assert example_files("x.jsonl") == (Path("x.jsonl"),)
    assert example_files([tmp_path / "a", "b"]) == (tmp_path / "a", Path("b"))
    assert is_example_files("x.jsonl") and is_example_files(Path("x"))
    assert is_example_files(DEFAULT_EXAMPLE_QUESTIONS)
    assert not is_example_files([Example("fee", ("RET-1.2",))])
    assert not is_example_files([])
    assert not is_example_files(None)


def test_the_reranker_provenance_hashes_every_example_file(tmp_path, tiny_clauses) -> None:
    """Editing either file retrains the re-ranker; one file's hash is what it always was."""
    first = _write(tmp_path / "a.jsonl", [{"question": "fee", "relevant": ["RET-1.2"]}])
    second = _write(tmp_path / "b.jsonl", [{"question": "window", "relevant": ["RET-1.1"]}])
    both = reranker_provenance(tiny_clauses, "m", [first, second])["examples_hash"]

    assert file_hash([first]) == file_hash(first) == file_hash(str(first))
    assert both not in (file_hash(first), file_hash(second))
    assert file_hash([second, first]) != both
    _write(second, [{"question": "window?", "relevant": ["RET-1.1"]}])
    assert reranker_provenance(tiny_clauses, "m", [first, second])["examples_hash"] != both


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
