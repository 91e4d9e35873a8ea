from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.build import main as build_main
from retrieval.embedder import DEFAULT_MODEL_NAME, make_embedder
from retrieval.index import DenseRetriever
from tests.retrieval.fakes import FakeEmbedder


def test_up_to_date_index_is_reported_without_loading_a_model(
    tiny_kb_dir: Path, tiny_clauses, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "index"
    # Same model name as the real default, so only the corpus hash decides.
    default_name = make_embedder().name
    DenseRetriever(FakeEmbedder(dimension=384, name=default_name)).build(tiny_clauses).save(out)

    assert build_main(["--kb", str(tiny_kb_dir), "--out", str(out)]) == 0

    assert "index up to date (4 clauses" in capsys.readouterr().out


def test_broken_knowledge_base_exits_2_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad.md").write_text("# Returns\n\n## RET-2.1 Window\n\n", encoding="utf-8")

    assert build_main(["--kb", str(tmp_path), "--out", str(tmp_path / "index")]) == 2

    assert "bad.md:3: clause RET-2.1 has an empty body" in capsys.readouterr().err


def test_an_index_of_an_older_passage_format_is_rebuilt(
    tiny_kb_dir: Path, tiny_clauses, tmp_path: Path, monkeypatch, capsys
) -> None:
    import json

    import retrieval.embedder

    class LoadableFake(FakeEmbedder):
        def load(self) -> LoadableFake:
            return self

    fake = LoadableFake(dimension=384, name=DEFAULT_MODEL_NAME)
    monkeypatch.setattr(retrieval.embedder, "make_embedder", lambda *args, **kwargs: fake)
    out = tmp_path / "index"
    DenseRetriever(fake).build(tiny_clauses).save(out)
    meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    meta.update(format_version=1, passage_format=1)
    (out / "metadata.json").write_text(json.dumps(meta), encoding="utf-8")

    assert build_main(["--kb", str(tiny_kb_dir), "--out", str(out)]) == 0

    assert "built index of 4 clauses" in capsys.readouterr().out
    DenseRetriever(fake).load(out)  # the rebuilt index loads again
