from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from retrieval.examples import Example
from retrieval.expansion import Category, ItemCategories
from retrieval.finetune import (
    INFO_FILE,
    SERVED,
    FineTuneConfig,
    fingerprint,
    positive_texts,
    saved_fingerprint,
    training_pairs,
)
from tests.retrieval.conftest import write_kb


def test_a_pair_per_relevant_clause_with_the_question_expanded_as_the_retriever_does(
    tiny_clauses,
) -> None:
    categories = ItemCategories([Category("apparel", ("apparel",), ("sneakers",))])
    examples = [
        Example("can I send back sneakers", ("RET-1.1", "RET-1.2")),
        Example("refund to my card", ("REF-2.1", "NOPE-9.9")),  # an unknown clause: no pair
    ]

    pairs = training_pairs(examples, tiny_clauses, categories)

    assert [(q, cid) for q, cid, _ in pairs] == [
        (categories.expand("can I send back sneakers"), "RET-1.1"),
        (categories.expand("can I send back sneakers"), "RET-1.2"),
        ("refund to my card", "REF-2.1"),
    ]
    assert pairs[0][0] != "can I send back sneakers"  # the category was appended
    # Each pair knows all its question's clauses: they are masked out of its negatives.
    assert pairs[0][2] == frozenset({"RET-1.1", "RET-1.2"})


def test_positives_are_the_whole_clause_or_every_passage_of_it(tiny_clauses) -> None:
    whole = positive_texts(tiny_clauses, "whole")
    windows = positive_texts(tiny_clauses, "passages")

    assert set(whole) == set(windows) == {c.clause_id for c in tiny_clauses}
    assert all(len(texts) == 1 for texts in whole.values())
    assert all(whole[cid][0] in windows[cid] for cid in whole)  # the whole clause is a passage
    with pytest.raises(ValueError, match="unknown positive"):
        positive_texts(tiny_clauses, "sentences")


def test_the_fingerprint_follows_what_the_weights_depend_on(
    tiny_clauses, tiny_kb_dir: Path, tmp_path: Path
) -> None:
    from retrieval.kb import load_knowledge_base

    examples = tmp_path / "examples.jsonl"
    examples.write_text(json.dumps({"question": "return days", "relevant": ["RET-1.1"]}) + "\n")
    categories = tmp_path / "categories.yml"
    categories.write_text("apparel: {expand: [apparel], items: [sneakers]}\n")
    base = fingerprint(SERVED, tiny_clauses, [examples], categories)

    # Threads change the speed, not what is trained.
    assert fingerprint(replace(SERVED, threads=2), tiny_clauses, [examples], categories) == base
    assert fingerprint(replace(SERVED, epochs=1), tiny_clauses, [examples], categories) != base
    categories.write_text("apparel: {expand: [clothes], items: [sneakers]}\n")
    assert fingerprint(SERVED, tiny_clauses, [examples], categories) != base
    categories.write_text("apparel: {expand: [apparel], items: [sneakers]}\n")
    examples.write_text(json.dumps({"question": "return day", "relevant": ["RET-1.1"]}) + "\n")
    assert fingerprint(SERVED, tiny_clauses, [examples], categories) != base
    examples.write_text(json.dumps({"question": "return days", "relevant": ["RET-1.1"]}) + "\n")
    edited = write_kb(
        tmp_path / "kb", {"r.md": "# Returns\n\n## RET-1.1 Return window\n\nThirty days.\n"}
    )
    assert fingerprint(SERVED, load_knowledge_base(edited), [examples], categories) != base
    assert fingerprint(SERVED, tiny_clauses, [examples], categories) == base


def test_an_up_to_date_encoder_is_not_trained_again(
    tiny_kb_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    import retrieval.finetune as finetune

    trained: list[FineTuneConfig] = []

    def fake_fine_tune(examples, clauses, out, config, *, categories=None, model_path=None):
        trained.append(config)
        out.mkdir(parents=True)
        (out / "model.safetensors").write_bytes(b"weights")
        return {"examples": len(examples), "steps": 1, "epoch_losses": [1.0]} | {
            "wall_seconds": 0.1,
            "cpu_seconds": 0.1,
        }

    monkeypatch.setattr(finetune, "fine_tune", fake_fine_tune)
    out = tmp_path / "encoder"
    args = ["--kb", str(tiny_kb_dir), "--out", str(out)]

    assert finetune.main(args) == 0
    assert finetune.main([*args, "--threads", "2"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert finetune.main([*args, "--force"]) == 0

    assert [c.threads for c in trained] == [SERVED.threads, SERVED.threads]
    assert (out / "model.safetensors").read_bytes() == b"weights"
    assert saved_fingerprint(out) == json.loads((out / INFO_FILE).read_text())["fingerprint"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".finetune-")]


@pytest.mark.integration
def test_fine_tuning_pulls_a_question_towards_its_clause(tiny_clauses, tmp_path: Path) -> None:
    """The real MiniLM, a few steps: a question's cosine to the clause it is labelled with
    rises, and the saved folder loads as the retriever loads a model."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from retrieval.embedder import SentenceTransformerEmbedder, make_embedder
    from retrieval.finetune import fine_tune
    from retrieval.kb import clause_passage

    by_id = {c.clause_id: c for c in tiny_clauses}
    question = "who covers the courier when I mail it back"
    examples = [
        Example(question, ("RET-1.2",)),
        Example("how many days do I get to send it back", ("RET-1.1",)),
        Example("when does the money reach my card", ("REF-2.1",)),
        Example("the vase came shattered", ("REF-2.2",)),
    ]
    config = FineTuneConfig(epochs=3, batch_size=4, lr=1e-4, warmup=0.0, threads=1)

    def cosine(embedder) -> float:
        q, p = embedder.encode([question, clause_passage(by_id["RET-1.2"])])
        return float(q @ p)

    before = cosine(make_embedder("torch").load())
    report = fine_tune(examples, tiny_clauses, tmp_path / "model", config)
    after = cosine(SentenceTransformerEmbedder(tmp_path / "model", backend="torch").load())

    assert report["steps"] == 3 and len(report["epoch_losses"]) == 3
    assert after > before + 0.02
