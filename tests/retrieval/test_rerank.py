"""The learned re-ranker: its features, its fit, its file, and how the hybrid uses it."""

from __future__ import annotations

import json

import numpy as np
import pytest

from retrieval import train_reranker
from retrieval.errors import IndexMismatchError
from retrieval.examples import Example
from retrieval.factory import make_retriever, reranker_provenance
from retrieval.hybrid import HybridRetriever
from retrieval.index import DenseRetriever
from retrieval.lexical import BM25Retriever
from retrieval.rerank import (
    FEATURES,
    RERANKER_FILE,
    Candidate,
    Question,
    Reranker,
    features,
    fit,
    load_reranker,
    save_reranker,
    title_kinds,
)
from retrieval.train_reranker import held_out_candidates, training_rows


def _candidate(cid: str, title: str, *, rrf: float, best: float, example: float = 0.0):
    return Candidate(
        clause_id=cid,
        title_terms=frozenset(title.lower().split()),
        title_kinds=title_kinds(title),
        rrf=rrf,
        ranks={"whole": 1 if best > 0.5 else 2, "bm25": 1},
        best=best,
        example=example,
    )


def _one_hot(name: str, weight: float = 1.0) -> Reranker:
    weights = [weight if f == name else 0.0 for f in FEATURES]
    return Reranker((0.0,) * len(FEATURES), (1.0,) * len(FEATURES), tuple(weights))


def test_features_mark_a_title_stating_the_kind_of_quantity_asked() -> None:
    window = _candidate("RET-2.1", "Return window: 30 days", rrf=0.03, best=0.5)
    fee = _candidate("RET-2.3", "The $5 return shipping", rrf=0.033, best=0.6)
    how_long = Question.of("how long do I have to return shoes?", ["long", "return", "shoe"])
    how_much = Question.of("how much is the return fee?", ["much", "return", "fee"])

    rows = features(how_long, [fee, window])
    assert rows.shape == (2, len(FEATURES))
    column = {name: i for i, name in enumerate(FEATURES)}
    assert rows[:, column["time_title"]].tolist() == [0.0, 1.0]
    assert rows[:, column["money_title"]].tolist() == [0.0, 0.0]
    assert features(how_much, [fee, window])[:, column["money_title"]].tolist() == [1.0, 0.0]
    # Gaps are to the best candidate; the RRF position is the given order.
    assert rows[:, column["best_gap"]] == pytest.approx([0.0, -0.1])
    assert rows[:, column["rrf_rank"]].tolist() == [1.0, 0.5]
    assert rows[:, column["title_overlap"]].tolist() == [pytest.approx(1 / 4), 1 / 4]


def test_the_reranker_orders_by_its_score_and_keeps_rrf_order_on_ties() -> None:
    window = _candidate("RET-2.1", "Return window: 30 days", rrf=0.03, best=0.5)
    fee = _candidate("RET-2.3", "The $5 return shipping", rrf=0.033, best=0.6)
    question = Question.of("how long do I have to return it?", ["long", "return"])

    assert _one_hot("time_title").order(question, [fee, window]) == ["RET-2.1", "RET-2.3"]
    assert _one_hot("money_title").order(question, [fee, window]) == ["RET-2.3", "RET-2.1"]


def test_fit_learns_which_feature_marks_the_relevant_candidate() -> None:
    rng = np.random.default_rng(0)
    rows = rng.standard_normal((400, len(FEATURES)))
    labels = (rows[:, FEATURES.index("example")] > 0.5).astype(int)

    reranker = fit(rows, labels)

    weights = dict(zip(FEATURES, reranker.weights, strict=True))
    assert max(weights, key=lambda name: abs(weights[name])) == "example"
    assert weights["example"] > 0


def test_a_saved_reranker_loads_only_for_what_it_was_trained_on(tmp_path) -> None:
    reranker = _one_hot("example", 2.0)
    provenance = {"corpus_hash": "abc", "model_name": "m", "examples_hash": "e1"}
    assert load_reranker(tmp_path, provenance) is None  # none saved: RRF order

    save_reranker(tmp_path, reranker, provenance)

    assert load_reranker(tmp_path, provenance) == reranker
    with pytest.raises(IndexMismatchError, match="examples_hash 'e1', expected 'e2'"):
        load_reranker(tmp_path, {**provenance, "examples_hash": "e2"})
    saved = json.loads((tmp_path / RERANKER_FILE).read_text())
    saved["features"] = saved["features"][:-1]
    (tmp_path / RERANKER_FILE).write_text(json.dumps(saved))
    with pytest.raises(IndexMismatchError, match="features"):
        load_reranker(tmp_path, provenance)


def test_the_hybrid_reorders_its_fused_head_and_keeps_cosines_as_scores(
    fake_embedder, tiny_clauses
) -> None:
    dense = DenseRetriever(fake_embedder).build(tiny_clauses)
    lexical = BM25Retriever().build(tiny_clauses)
    plain = HybridRetriever(dense, lexical)
    query = "how long until card refunds arrive"
    rrf_order = plain.fuse(query, 4).order
    # Ranking by the negated RRF position turns the fused order upside down.
    reversed_ = HybridRetriever(dense, lexical, reranker=_one_hot("rrf_rank", -1.0))

    hits = reversed_.search(query, 4)

    assert [h.clause_id for h in plain.search(query, 4)] == rrf_order[:4]
    assert [h.clause_id for h in hits] == list(reversed(rrf_order))[:4]
    matches = dense.match(dense.encode_query(query), rrf_order)
    assert [h.score for h in hits] == [pytest.approx(matches[h.clause_id].best) for h in hits]
    # The re-ranker's scores travel with its hits, best first (the answer reads their gap).
    scores = [h.rank_score for h in hits]
    assert None not in scores and scores == sorted(scores, reverse=True)
    assert all(h.rank_score is None for h in plain.search(query, 4))


def test_training_candidates_never_see_their_own_question_as_an_example(
    fake_embedder, tiny_clauses
) -> None:
    retriever = make_retriever("hybrid", tiny_clauses, embedder=fake_embedder, examples=None)
    examples = [
        Example(q, (cid,))
        for q, cid in [
            ("how many days to return", "RET-1.1"),
            ("return window for earbuds", "RET-1.1"),
            ("what is the shipping fee", "RET-1.2"),
            ("who pays postage", "RET-1.2"),
            ("wallet refund speed", "REF-2.1"),
            ("card refund days", "REF-2.1"),
            ("my vase arrived broken", "REF-2.2"),
            ("cracked screen on arrival", "REF-2.2"),
            ("photos of the damage", "REF-2.2"),
            ("refund to my card", "REF-2.1"),
        ]
    ]

    items = held_out_candidates(retriever, examples, n_folds=5, depth=4)

    assert sorted(e.question for e, _, _ in items) == sorted(e.question for e in examples)
    # Its own text as an example would be a cosine of 1.0 for its clause.
    assert all(c.example < 0.999 for _, _, cands in items for c in cands)
    assert retriever.inner.examples is None and retriever.inner.reranker is None
    rows, labels = training_rows(items)
    assert rows.shape == (len(labels), len(FEATURES)) and 0 < labels.sum() < len(labels)


def test_extra_examples_join_every_fold_and_are_never_held_out(fake_embedder, tiny_clauses) -> None:
    """The dev protocol: the dev questions scored, the buyers' examples in every fold."""
    retriever = make_retriever("hybrid", tiny_clauses, embedder=fake_embedder, examples=None)
    scored = [
        Example("how many days to return", ("RET-1.1",)),
        Example("what is the shipping fee", ("RET-1.2",)),
        Example("card refund days", ("REF-2.1",)),
    ]
    extra = [Example("who pays postage", ("RET-1.2",)), Example("vase broken", ("REF-2.2",))]
    seen: list[list[str]] = []
    original = train_reranker.ExampleIndex

    def recording(examples, *args, **kwargs):
        seen.append([e.question for e in examples])
        return original(examples, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(train_reranker, "ExampleIndex", recording)
        items = held_out_candidates(retriever, scored, n_folds=3, depth=4, extra=extra)

    assert [e for e, _, _ in items] != [] and {e for e, _, _ in items} == set(scored)
    assert len(seen) == 3
    for fold in seen:
        assert {e.question for e in extra} <= set(fold) and len(fold) == 2 + len(extra)
    assert retriever.inner.examples is None


def test_the_factory_loads_the_reranker_saved_beside_the_index(
    fake_embedder, tiny_clauses, tmp_path
) -> None:
    examples = tmp_path / "q.jsonl"
    examples.write_text(json.dumps({"question": "postage", "relevant": ["RET-1.2"]}) + "\n")
    index = tmp_path / "index"
    DenseRetriever(fake_embedder).build(tiny_clauses).save(index)
    reranker = _one_hot("example")
    save_reranker(index, reranker, reranker_provenance(tiny_clauses, fake_embedder.name, examples))

    loaded = make_retriever(
        "hybrid", tiny_clauses, embedder=fake_embedder, index_dir=index, examples=examples
    )
    assert loaded.inner.reranker == reranker

    examples.write_text(json.dumps({"question": "fee", "relevant": ["RET-1.2"]}) + "\n")
    with pytest.raises(IndexMismatchError, match="examples_hash"):
        make_retriever(
            "hybrid", tiny_clauses, embedder=fake_embedder, index_dir=index, examples=examples
        )


def test_train_reranker_trains_once_then_reports_up_to_date(
    tiny_kb_dir, tiny_clauses, tmp_path, monkeypatch, capsys
) -> None:
    import retrieval.embedder
    from retrieval.train_reranker import main as train_main
    from tests.retrieval.fakes import FakeEmbedder

    class LoadableFake(FakeEmbedder):
        def load(self) -> LoadableFake:
            return self

    fake = LoadableFake(dimension=32, name="fake-bow")
    monkeypatch.setattr(retrieval.embedder, "make_embedder", lambda *args, **kwargs: fake)
    index = tmp_path / "index"
    DenseRetriever(fake).build(tiny_clauses).save(index)
    examples = tmp_path / "q.jsonl"
    rows = [
        ("how many days to return", "RET-1.1"),
        ("return window for earbuds", "RET-1.1"),
        ("what is the shipping fee", "RET-1.2"),
        ("who pays postage", "RET-1.2"),
        ("wallet refund speed", "REF-2.1"),
        ("card refund days", "REF-2.1"),
        ("my vase arrived broken", "REF-2.2"),
        ("photos of the damage", "REF-2.2"),
    ]
    examples.write_text(
        "".join(json.dumps({"question": q, "relevant": [c]}) + "\n" for q, c in rows)
    )
    argv = ["--kb", str(tiny_kb_dir), "--index", str(index), "--examples", str(examples)]

    assert train_main(argv) == 0
    assert "trained the re-ranker on 8 example questions" in capsys.readouterr().out
    assert load_reranker(index, reranker_provenance(tiny_clauses, fake.name, examples))
    assert train_main(argv) == 0
    assert "re-ranker up to date" in capsys.readouterr().out

    # One saved for another feature set is retrained, not kept to be refused when loaded.
    saved = json.loads((index / RERANKER_FILE).read_text())
    saved["features"] = saved["features"][:-1]
    (index / RERANKER_FILE).write_text(json.dumps(saved))
    assert train_main(argv) == 0
    assert "trained the re-ranker" in capsys.readouterr().out
    assert load_reranker(index, reranker_provenance(tiny_clauses, fake.name, examples))


def test_train_reranker_embeds_on_the_threads_it_is_given(
    tiny_kb_dir, tiny_clauses, tmp_path, monkeypatch
) -> None:
    """The set-up passes --threads 1 (as to the index builds): beside NLU training, two
    onnxruntime threads oversubscribe the cores."""
    import retrieval.embedder
    from retrieval.train_reranker import main as train_main
    from tests.retrieval.fakes import FakeEmbedder

    class LoadableFake(FakeEmbedder):
        def load(self) -> LoadableFake:
            return self

    fake = LoadableFake(dimension=32, name="fake-bow")
    asked: list[int | None] = []

    def make(*args, threads=None, **kwargs):
        asked.append(threads)
        return fake

    monkeypatch.setattr(retrieval.embedder, "make_embedder", make)
    index = tmp_path / "index"
    DenseRetriever(fake).build(tiny_clauses).save(index)
    examples = tmp_path / "q.jsonl"
    examples.write_text(json.dumps({"question": "return days", "relevant": ["RET-1.1"]}) + "\n")
    common = ["--kb", str(tiny_kb_dir), "--index", str(index), "--examples", str(examples)]
    train_main([*common, "--threads", "1", "--force"])
    train_main([*common, "--force"])
    assert asked == [1, None]
