import pytest
from pydantic import ValidationError

from bot.settings import Settings


def test_environment_wins_over_dotenv(tmp_path, monkeypatch):
    env_file = tmp_path / ".env"
    env_file.write_text("AFTERSALES_PORT=9001\nAFTERSALES_RASA_TIMEOUT_S=1.5\n")
    monkeypatch.setenv("AFTERSALES_PORT", "9002")
    settings = Settings(_env_file=env_file)
    assert settings.port == 9002
    assert settings.rasa_timeout_s == 1.5


def test_demo_secrets_refused_in_production(monkeypatch):
    monkeypatch.delenv("AFTERSALES_JWT_SECRET", raising=False)
    with pytest.raises(ValidationError, match="AFTERSALES_JWT_SECRET"):
        Settings(env="production", _env_file=None)


def test_production_with_real_secrets(monkeypatch):
    settings = Settings(
        env="production",
        jwt_secret="s" * 40,
        webhook_secret="w" * 20,
        database_url="postgresql://aftersales@db.internal/aftersales",
        _env_file=None,
    )
    assert settings.env == "production"


def test_demo_database_refused_in_production():
    with pytest.raises(ValidationError, match="AFTERSALES_DATABASE_URL"):
        Settings(env="production", jwt_secret="s" * 40, webhook_secret="w" * 20, _env_file=None)


def test_unsupported_database_is_refused():
    with pytest.raises(ValidationError, match="unsupported database URL scheme 'mysql'"):
        Settings(database_url="mysql://localhost/aftersales", _env_file=None)


def test_thresholds_come_from_settings():
    thresholds = Settings(
        nlu_confidence_threshold=0.7, nlu_ambiguity_threshold=0.2, _env_file=None
    ).nlu_thresholds()
    assert (thresholds.confidence, thresholds.ambiguity) == (0.7, 0.2)


def test_short_jwt_secret_is_refused():
    with pytest.raises(ValidationError, match="jwt_secret"):
        Settings(jwt_secret="short", _env_file=None)
