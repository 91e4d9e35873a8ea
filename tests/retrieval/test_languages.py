"""The translated knowledge bases load with the English loader's rules and the English ids."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from retrieval.errors import KnowledgeBaseError
from retrieval.languages import LANGUAGES, TRANSLATED, check_language, load_translations
from tests.retrieval.conftest import REPO_ROOT

KB = REPO_ROOT / "data/policies"


def test_every_translation_has_the_english_clause_ids_in_order() -> None:
    translations = load_translations(KB)
    english = [c.clause_id for c in translations["en"]]
    assert set(translations) == set(LANGUAGES)
    for language in TRANSLATED:
        assert [c.clause_id for c in translations[language]] == english, language
        # Translated, not copied: most titles differ from the English ones.
        same = sum(
            a.title == b.title
            for a, b in zip(translations[language], translations["en"], strict=True)
        )
        assert same < len(english) // 4, language


def _copy_kb(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(KB, root, ignore=shutil.ignore_patterns("*.yml"))
    return root


def test_a_translation_missing_a_clause_is_refused(tmp_path: Path) -> None:
    root = _copy_kb(tmp_path)
    path = root / "i18n/vi/08-help.md"
    text = path.read_text(encoding="utf-8")
    cut = text.index("## HELP-8.5")
    path.write_text(text[:cut], encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=r"vi clause ids differ.*HELP-8\.5"):
        load_translations(root, ["en", "vi"])


def test_a_translation_with_a_bad_heading_is_refused_like_english(tmp_path: Path) -> None:
    root = _copy_kb(tmp_path)
    path = root / "i18n/th/01-cancellation.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("## CAN-1.2", "## CAN1.2"), encoding="utf-8"
    )
    with pytest.raises(KnowledgeBaseError, match="no valid clause id"):
        load_translations(root, ["th"])


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="language must be one of"):
        check_language("fr")
