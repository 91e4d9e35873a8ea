"""The bot loads the multilingual answerer beside the English one, and does without it."""

from __future__ import annotations

from bot import services as services_module
from bot.settings import Settings
from retrieval import multilingual
from retrieval.answer import PolicyAnswer
from retrieval.languages import TRANSLATED, load_translations
from retrieval.multilingual import MultilingualIndex
from retrieval.multilingual_answer import MultilingualAnswerer
from tests.bot.conftest import SECRET
from tests.retrieval.fakes import FakeE5
from tests.retrieval.test_multilingual import MS_KB


class English:
    def answer(self, question: str, situation: str | None = None) -> PolicyAnswer:
        return PolicyAnswer("english", ("RET-1.1",), True, ())


def _settings(sqlite_db) -> Settings:
    return Settings(
        env="test",
        jwt_secret=SECRET,
        database_url=str(sqlite_db.url),
        rasa_url="http://127.0.0.1:9",
        _env_file=None,
    )


def test_without_a_multilingual_index_english_answers_remain(tmp_path, monkeypatch, sqlite_db):
    english = English()
    monkeypatch.setattr(services_module, "load_answerer", lambda *a: english)
    monkeypatch.setattr(services_module, "MULTILINGUAL_INDEX_DIR", tmp_path / "none")
    monkeypatch.setattr(services_module, "RISK_MODEL_DIR", tmp_path / "no-risk")
    monkeypatch.setattr(services_module, "ASSIST_INDEX_DIR", tmp_path / "no-assist")
    services = services_module.build_services(_settings(sqlite_db))
    assert services.answerer is english


def test_with_the_index_the_answerer_speaks_every_language(tmp_path, monkeypatch):
    kb = tmp_path / "kb"
    for language in ("", *(f"i18n/{lang}" for lang in TRANSLATED)):
        (kb / language).mkdir(parents=True, exist_ok=True)
        for name, text in MS_KB.items():
            (kb / language / name).write_text(text, encoding="utf-8")

    translations = load_translations(kb)
    MultilingualIndex.build(FakeE5(), translations).save(tmp_path / "idx")
    monkeypatch.setattr(multilingual, "load_e5", lambda threads=1: FakeE5())
    answerer = services_module.load_multilingual_answerer(English(), kb, tmp_path / "idx")
    assert isinstance(answerer, MultilingualAnswerer)
    assert answerer.answer("return window?").text == "english"
    assert answerer.answer("kos pos pemulangan", language="ms").citations
