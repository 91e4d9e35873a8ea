import pytest
from pydantic import ValidationError

from bot.settings import DEMO_JWT_SECRET, DEMO_RASA_TOKEN, Settings


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
        rasa_token="r" * 32,
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


PRODUCTION = {
    "env": "production",
    "webhook_secret": "w" * 20,
    "database_url": "postgresql://aftersales@db.internal/aftersales",
    "rasa_token": "r" * 32,
    "_env_file": None,
}


def test_hardening_defaults():
    settings = Settings(_env_file=None)
    assert settings.jwt_max_lifetime_s == 24 * 3600
    assert (settings.buyer_jwt_audience, settings.agent_jwt_audience) == (
        "aftersales-buyer",
        "aftersales-agent",
    )
    assert settings.rasa_token == DEMO_RASA_TOKEN
    assert settings.max_body_bytes == 65_536
    assert settings.buyer_max_conversations_per_hour == 20
    assert settings.buyer_max_messages_per_minute == 30
    assert settings.buyer_max_waiting_cases == 5


def test_role_secrets_default_to_jwt_secret(monkeypatch):
    # An empty variable (as in .env.example) means "not set".
    monkeypatch.setenv("AFTERSALES_BUYER_JWT_SECRET", "")
    monkeypatch.delenv("AFTERSALES_AGENT_JWT_SECRET", raising=False)
    settings = Settings(jwt_secret="j" * 40, _env_file=None)
    assert settings.buyer_jwt_secret == settings.agent_jwt_secret == "j" * 40
    policy = settings.jwt_policy()
    assert dict(policy.secrets) == {"buyer": "j" * 40, "agent": "j" * 40, "seller": "j" * 40}
    assert policy.max_lifetime_s == settings.jwt_max_lifetime_s


def test_role_secrets_and_audiences_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("AFTERSALES_BUYER_JWT_SECRET", "b" * 40)
    monkeypatch.setenv("AFTERSALES_AGENT_JWT_SECRET", "a" * 40)
    monkeypatch.setenv("AFTERSALES_AGENT_JWT_AUDIENCE", "shop-agents")
    monkeypatch.setenv("AFTERSALES_JWT_MAX_LIFETIME_S", "900")
    policy = Settings(_env_file=None).jwt_policy()
    assert {role: policy.secrets[role] for role in ("buyer", "agent")} == {
        "buyer": "b" * 40,
        "agent": "a" * 40,
    }
    assert dict(policy.audiences) == {
        "buyer": "aftersales-buyer",
        "agent": "shop-agents",
        "seller": "aftersales-seller",
    }
    assert policy.max_lifetime_s == 900


def test_short_role_secret_and_equal_audiences_are_refused():
    with pytest.raises(ValidationError, match="agent_jwt_secret"):
        Settings(agent_jwt_secret="short", _env_file=None)
    with pytest.raises(ValidationError, match="AUDIENCE"):
        Settings(buyer_jwt_audience="x", agent_jwt_audience="x", _env_file=None)


@pytest.mark.parametrize("role", ["buyer", "agent"])
def test_production_refuses_a_demo_role_secret(role):
    # Falling back to the demo jwt_secret...
    other = "agent" if role == "buyer" else "buyer"
    with pytest.raises(ValidationError, match=f"AFTERSALES_{role.upper()}_JWT_SECRET"):
        Settings(**PRODUCTION, **{f"{other}_jwt_secret": "o" * 40})
    # ...or set to it explicitly.
    with pytest.raises(ValidationError, match=f"AFTERSALES_{role.upper()}_JWT_SECRET"):
        Settings(
            **PRODUCTION,
            jwt_secret="s" * 40,
            **{f"{role}_jwt_secret": DEMO_JWT_SECRET, f"{other}_jwt_secret": "o" * 40},
        )


def test_production_with_both_role_secrets_needs_no_jwt_secret():
    settings = Settings(**PRODUCTION, buyer_jwt_secret="b" * 40, agent_jwt_secret="a" * 40)
    assert settings.jwt_secret == DEMO_JWT_SECRET  # unused: both roles have their own
    # No seller secret of its own: the seller role is off, never keyed with the demo secret.
    assert settings.jwt_policy().roles == ("buyer", "agent")
    with_sellers = Settings(
        **PRODUCTION,
        buyer_jwt_secret="b" * 40,
        agent_jwt_secret="a" * 40,
        seller_jwt_secret="s" * 40,
    )
    assert with_sellers.jwt_policy().roles == ("buyer", "agent", "seller")


def test_production_refuses_the_demo_rasa_token():
    with pytest.raises(ValidationError, match="AFTERSALES_RASA_TOKEN"):
        Settings(**{**PRODUCTION, "rasa_token": DEMO_RASA_TOKEN}, jwt_secret="s" * 40)


def test_limits_can_be_turned_off_but_not_negative():
    settings = Settings(buyer_max_messages_per_minute=0, _env_file=None)
    assert settings.buyer_max_messages_per_minute == 0
    with pytest.raises(ValidationError, match="buyer_max_waiting_cases"):
        Settings(buyer_max_waiting_cases=-1, _env_file=None)
    with pytest.raises(ValidationError, match="max_body_bytes"):
        Settings(max_body_bytes=10, _env_file=None)


def test_env_example_documents_the_hardening_settings():
    from bot.settings import REPO_ROOT

    example = (REPO_ROOT / ".env.example").read_text()
    for name in (
        "BUYER_JWT_SECRET", "AGENT_JWT_SECRET", "BUYER_JWT_AUDIENCE", "AGENT_JWT_AUDIENCE",
        "JWT_MAX_LIFETIME_S", "RASA_TOKEN", "MAX_BODY_BYTES",
        "BUYER_MAX_CONVERSATIONS_PER_HOUR", "BUYER_MAX_MESSAGES_PER_MINUTE",
        "BUYER_MAX_WAITING_CASES",
    ):  # fmt: skip
        assert f"\nAFTERSALES_{name}=" in example, name
    # As a .env it loads, the empty per-role secrets falling back to AFTERSALES_JWT_SECRET.
    settings = Settings(_env_file=REPO_ROOT / ".env.example")
    assert settings.buyer_jwt_secret == settings.agent_jwt_secret == settings.jwt_secret
