"""``python -m retrieval.build_multilingual``: builds once, then is up to date without a model."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval import build_multilingual
from tests.retrieval.fakes import FakeE5
from tests.retrieval.test_multilingual import MS_KB


def _kb(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    (root / "i18n/ms").mkdir(parents=True)
    for name, text in MS_KB.items():
        # The same clauses serve as "English" here; only the ids must match.
        (root / name).write_text(text, encoding="utf-8")
        (root / "i18n/ms" / name).write_text(text, encoding="utf-8")
    return root


def test_builds_then_reports_up_to_date_without_loading_the_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    loads: list[FakeE5] = []
    monkeypatch.setattr(
        build_multilingual, "load_e5", lambda threads: loads.append(FakeE5()) or loads[-1]
    )
    argv = ["--kb", str(_kb(tmp_path)), "--out", str(tmp_path / "idx"), "--languages", "en", "ms"]
    argv += ["--seed", str(tmp_path / "no-seed")]
    assert build_multilingual.main(argv) == 0
    assert len(loads) == 1 and loads[0].passages_embedded > 0
    assert build_multilingual.main(argv) == 0
    assert len(loads) == 1
    assert "up to date" in capsys.readouterr().out


def test_a_bad_translation_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _kb(tmp_path)
    (root / "i18n/ms/02-refunds.md").write_text("# Bayaran balik\n", encoding="utf-8")
    argv = ["--kb", str(root), "--out", str(tmp_path / "idx"), "--languages", "ms"]
    assert build_multilingual.main(argv) == 2
    assert "error:" in capsys.readouterr().err
