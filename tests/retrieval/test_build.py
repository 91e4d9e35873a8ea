from __future__ import annotations

import json
from pathlib import Path

import pytest

from retrieval.build import main as build_main
from retrieval.defaults import DEFAULT_ITEM_CATEGORIES
from retrieval.embedder import DEFAULT_MODEL_NAME, make_embedder
from retrieval.examples import VECTORS_FILE, ExampleIndex, load_examples
from retrieval.expansion import ItemCategories
from retrieval.index import DenseRetriever
from tests.retrieval.fakes import FakeEmbedder


class LoadableFake(FakeEmbedder):
    def load(self) -> LoadableFake:
        return self


def _examples_file(tmp_path: Path, question: str = "what postage do I pay") -> Path:
    path = tmp_path / "examples.jsonl"
    path.write_text(json.dumps({"question": question, "relevant": ["RET-1.2"]}) + "\n")
    return path


@pytest.fixture
def fake_model(monkeypatch) -> LoadableFake:
    """The build's embedder, counting its encode calls (the real default's name and size)."""
    import retrieval.embedder

    fake = LoadableFake(dimension=384, name=DEFAULT_MODEL_NAME)
    monkeypatch.setattr(retrieval.embedder, "make_embedder", lambda *args, **kwargs: fake)
    return fake


def test_up_to_date_index_is_reported_without_loading_a_model(
    tiny_kb_dir: Path, tiny_clauses, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "index"
    # Same model name as the real default, so only the corpus and example hashes decide.
    fake = FakeEmbedder(dimension=384, name=make_embedder().name)
    DenseRetriever(fake).build(tiny_clauses).save(out)
    examples_path = _examples_file(tmp_path)
    examples = load_examples(examples_path, [c.clause_id for c in tiny_clauses])
    ExampleIndex(examples, fake, ItemCategories.load(DEFAULT_ITEM_CATEGORIES)).save(out)

    assert (
        build_main(["--kb", str(tiny_kb_dir), "--out", str(out), "--examples", str(examples_path)])
        == 0
    )

    assert "index up to date (4 clauses, 1 example questions" in capsys.readouterr().out


def test_build_saves_the_example_vectors_and_redoes_only_them_when_the_examples_change(
    tiny_kb_dir: Path, tiny_clauses, tmp_path: Path, fake_model: LoadableFake, capsys
) -> None:
    out = tmp_path / "index"
    args = ["--kb", str(tiny_kb_dir), "--out", str(out)]
    first = _examples_file(tmp_path)

    assert build_main([*args, "--examples", str(first)]) == 0
    assert "built index of 4 clauses" in capsys.readouterr().out
    assert (out / VECTORS_FILE).is_file()
    index_bytes = (out / "index.faiss").read_bytes()

    assert build_main([*args, "--examples", str(first)]) == 0
    assert "index up to date" in capsys.readouterr().out

    second = _examples_file(tmp_path, "how much is return postage")
    calls = fake_model.calls
    assert build_main([*args, "--examples", str(second)]) == 0
    printed = capsys.readouterr().out
    assert "embedded 1 example questions" in printed and "built index" not in printed
    assert fake_model.calls == calls + 1  # the examples only, not the clauses
    assert (out / "index.faiss").read_bytes() == index_bytes
    categories = ItemCategories.load(DEFAULT_ITEM_CATEGORIES)
    loaded = ExampleIndex(load_examples(second, ["RET-1.2"]), fake_model, categories, saved_dir=out)
    assert loaded.loaded


def test_broken_knowledge_base_exits_2_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad.md").write_text("# Returns\n\n## RET-2.1 Window\n\n", encoding="utf-8")

    assert build_main(["--kb", str(tmp_path), "--out", str(tmp_path / "index")]) == 2

    assert "bad.md:3: clause RET-2.1 has an empty body" in capsys.readouterr().err


def test_an_index_of_an_older_passage_format_is_rebuilt(
    tiny_kb_dir: Path, tiny_clauses, tmp_path: Path, fake_model: LoadableFake, capsys
) -> None:
    fake = fake_model
    out = tmp_path / "index"
    DenseRetriever(fake).build(tiny_clauses).save(out)
    meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    meta.update(format_version=1, passage_format=1)
    (out / "metadata.json").write_text(json.dumps(meta), encoding="utf-8")

    assert build_main(["--kb", str(tiny_kb_dir), "--out", str(out)]) == 0

    assert "built index of 4 clauses" in capsys.readouterr().out
    DenseRetriever(fake).load(out)  # the rebuilt index loads again


def test_threads_reach_the_embedder(tiny_kb_dir: Path, tmp_path: Path, monkeypatch) -> None:
    """Set-up passes --threads 1: steps running side by side must not each spin on both cores."""
    import retrieval.embedder

    asked: list[dict] = []
    fake = LoadableFake(dimension=384, name=DEFAULT_MODEL_NAME)

    def make(*args, **kwargs) -> LoadableFake:
        asked.append(kwargs)
        return fake

    monkeypatch.setattr(retrieval.embedder, "make_embedder", make)
    out = str(tmp_path / "index")

    assert build_main(["--kb", str(tiny_kb_dir), "--out", out, "--threads", "1"]) == 0
    assert build_main(["--kb", str(tiny_kb_dir), "--out", out, "--force"]) == 0

    assert [kwargs["threads"] for kwargs in asked] == [1, None]
