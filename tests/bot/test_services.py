"""The real services start without their model artifacts, and /ready names what is missing."""

from fastapi.testclient import TestClient

from bot import services as services_module
from bot.main import create_app
from bot.settings import Settings
from nlu.spelling import SpellingParser
from tests.bot.conftest import SECRET, token_headers
from tests.utils.builders import Chat


def test_missing_artifacts_do_not_stop_the_bot(tmp_path, monkeypatch, sqlite_db):
    monkeypatch.setattr(services_module, "RETRIEVAL_INDEX_DIR", tmp_path / "no-index")
    monkeypatch.setattr(services_module, "RISK_MODEL_DIR", tmp_path / "no-risk")
    settings = Settings(
        env="test",
        jwt_secret=SECRET,
        database_url=str(sqlite_db.url),
        rasa_url="http://127.0.0.1:9",  # nothing listens: Rasa counts as down
        _env_file=None,
    )
    services = services_module.build_services(settings)
    assert services.answerer is None and services.risk_model is None
    with TestClient(create_app(settings, services)) as client:
        ready = client.get("/ready")
        assert ready.status_code == 503
        checks = ready.json()["checks"]
        assert checks["retrieval"] is False and checks["risk_model"] is False
        assert checks["database"] is True
        assert "retrieval" in ready.json()["error"]["message"]
        # Still serving buyers: Rasa is down too, so a person takes over.
        turn = Chat(client, token_headers("B17")).say("hello")
        assert turn["status"] == "waiting_for_agent"


def test_the_rasa_client_carries_the_settings_token(tmp_path, monkeypatch, sqlite_db):
    monkeypatch.setattr(services_module, "RETRIEVAL_INDEX_DIR", tmp_path / "no-index")
    monkeypatch.setattr(services_module, "RISK_MODEL_DIR", tmp_path / "no-risk")
    monkeypatch.setattr(services_module, "ASSIST_INDEX_DIR", tmp_path / "no-assist")
    settings = Settings(
        env="test",
        database_url=str(sqlite_db.url),
        rasa_token="services-token-0123456789",
        _env_file=None,
    )
    services = services_module.build_services(settings)
    try:
        # Behind the spelling corrector (issue 14), the English client.
        params = services.parser.inner._client.params  # type: ignore[attr-defined]
        assert params["token"] == "services-token-0123456789"
    finally:
        services.database.dispose()  # type: ignore[union-attr]


def test_a_multilingual_url_builds_the_routed_parser_and_ready_waits_for_both(
    tmp_path, monkeypatch, sqlite_db
):
    from nlu.routing import LanguageRoutedParser

    monkeypatch.setattr(services_module, "RETRIEVAL_INDEX_DIR", tmp_path / "no-index")
    monkeypatch.setattr(services_module, "RISK_MODEL_DIR", tmp_path / "no-risk")
    monkeypatch.setattr(services_module, "ASSIST_INDEX_DIR", tmp_path / "no-assist")
    settings = Settings(
        env="test",
        database_url=str(sqlite_db.url),
        rasa_url="http://127.0.0.1:9",
        rasa_multilingual_url="http://127.0.0.1:9",  # nothing listens: both count as down
        nlu_multilingual_confidence_threshold=0.61,
        _env_file=None,
    )
    services = services_module.build_services(settings)
    try:
        assert isinstance(services.parser, LanguageRoutedParser)
        assert services.parser.multilingual.thresholds.confidence == 0.61  # type: ignore[attr-defined]
        english = services.parser.english.inner  # type: ignore[attr-defined]
        assert english.thresholds.confidence == 0.45
        assert {"rasa", "rasa_multilingual"} <= set(services.readiness)
    finally:
        services.database.dispose()  # type: ignore[union-attr]


def test_without_a_multilingual_url_the_parser_is_english_only(tmp_path, monkeypatch, sqlite_db):
    from nlu.client import RasaHttpParser

    monkeypatch.setattr(services_module, "RETRIEVAL_INDEX_DIR", tmp_path / "no-index")
    monkeypatch.setattr(services_module, "RISK_MODEL_DIR", tmp_path / "no-risk")
    monkeypatch.setattr(services_module, "ASSIST_INDEX_DIR", tmp_path / "no-assist")
    settings = Settings(env="test", database_url=str(sqlite_db.url), _env_file=None)
    services = services_module.build_services(settings)
    try:
        assert isinstance(services.parser, SpellingParser)
        assert isinstance(services.parser.inner, RasaHttpParser)
        assert "rasa_multilingual" not in services.readiness
    finally:
        services.database.dispose()  # type: ignore[union-attr]


def test_spelling_off_the_english_model_reads_as_typed(tmp_path, monkeypatch, sqlite_db):
    from nlu.client import RasaHttpParser

    monkeypatch.setattr(services_module, "RETRIEVAL_INDEX_DIR", tmp_path / "no-index")
    monkeypatch.setattr(services_module, "RISK_MODEL_DIR", tmp_path / "no-risk")
    monkeypatch.setattr(services_module, "ASSIST_INDEX_DIR", tmp_path / "no-assist")
    settings = Settings(
        env="test", database_url=str(sqlite_db.url), nlu_spelling=False, _env_file=None
    )
    services = services_module.build_services(settings)
    try:
        assert isinstance(services.parser, RasaHttpParser)
    finally:
        services.database.dispose()  # type: ignore[union-attr]
