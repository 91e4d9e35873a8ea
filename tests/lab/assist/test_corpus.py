"""The world's approve / deny as console decisions, and the corpus file the build reads."""

from __future__ import annotations

from bot.agent.suggestions.build import read_corpus, write_corpus
from lab.assist.corpus import agent_decision
from tests.bot.agent.suggestions.test_suggest import (
    damaged_without_photo,
    late_parcel,
    late_return,
    resolution,
)


def test_agent_decision_maps_the_worlds_approve_and_deny():
    assert agent_decision(late_parcel(), approved=True) == "refund"
    assert agent_decision(late_parcel(), approved=False) == "deny"
    assert agent_decision(damaged_without_photo(), approved=True) == "request_evidence"
    assert agent_decision(late_return(), approved=True) == "deny"


def test_the_corpus_file_round_trips_with_its_source(tmp_path):
    resolutions = [
        resolution("C1", late_parcel(), "refund"),
        resolution("C2", late_return(), "deny"),
    ]
    path = tmp_path / "assist" / "corpus.json"
    write_corpus(path, resolutions, {"world_seed": 7, "world_cases": 2})
    assert read_corpus(path) == (resolutions, {"world_seed": 7, "world_cases": 2})
    assert [p.name for p in path.parent.iterdir()] == ["corpus.json"]  # nothing staged is left


def test_the_build_passes_its_threads_to_the_embedder(tmp_path, monkeypatch):
    """Set-up runs it with --threads 1 beside NLU training (one core each, no spinning)."""
    import retrieval.embedder
    from bot.agent.suggestions.build import main
    from tests.retrieval.fakes import FakeEmbedder

    asked: list[int | None] = []

    class Loadable(FakeEmbedder):
        def load(self) -> Loadable:
            return self

    def make(*args, **kwargs) -> Loadable:
        asked.append(kwargs["threads"])
        return Loadable()

    monkeypatch.setattr(retrieval.embedder, "make_embedder", make)
    corpus = tmp_path / "corpus.json"
    write_corpus(corpus, [resolution("C1", late_parcel(), "refund")], {})

    assert main(["--corpus", str(corpus), "--out", str(tmp_path / "a"), "--threads", "1"]) == 0
    assert main(["--corpus", str(corpus), "--out", str(tmp_path / "b")]) == 0
    assert asked == [1, None]


def test_the_build_embeds_with_the_int8_export_unless_told(tmp_path, monkeypatch):
    """The suggestions' index is built (and queried, bot.services) with ASSIST_ONNX_FILE."""
    import retrieval.embedder
    from bot.agent.suggestions.build import main
    from bot.agent.suggestions.precedents import ASSIST_ONNX_FILE
    from tests.retrieval.fakes import FakeEmbedder

    files: list[object] = []

    class Loadable(FakeEmbedder):
        def load(self) -> Loadable:
            return self

    def make(*args, **kwargs) -> Loadable:
        files.append(kwargs["onnx_file"])
        return Loadable()

    monkeypatch.setattr(retrieval.embedder, "make_embedder", make)
    corpus = tmp_path / "corpus.json"
    write_corpus(corpus, [resolution("C1", late_parcel(), "refund")], {})
    other = tmp_path / "other.onnx"

    assert main(["--corpus", str(corpus), "--out", str(tmp_path / "a")]) == 0
    assert (
        main(["--corpus", str(corpus), "--out", str(tmp_path / "b"), "--onnx-file", str(other)])
        == 0
    )
    assert files == [ASSIST_ONNX_FILE, other]
    assert ASSIST_ONNX_FILE.name == "model_qint8.onnx"
