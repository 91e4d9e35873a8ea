"""The `aftersales` command line: tokens for local use."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main


@pytest.fixture
def token_settings(monkeypatch):
    from bot.settings import get_settings

    monkeypatch.chdir(Path(__file__).parent)  # no .env here
    monkeypatch.setenv("AFTERSALES_BUYER_JWT_SECRET", "b" * 40)
    monkeypatch.setenv("AFTERSALES_AGENT_JWT_SECRET", "a" * 40)
    monkeypatch.setenv("AFTERSALES_JWT_MAX_LIFETIME_S", "3600")
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


def test_token_is_minted_with_the_roles_secret_and_audience(token_settings, capsys) -> None:
    from bot.auth import verify_token

    for role in ("buyer", "agent"):
        assert main(["token", "--sub", "someone", "--role", role]) == 0
        token = capsys.readouterr().out.strip()
        principal = verify_token(token, token_settings.jwt_policy())
        assert (principal.subject, principal.role) == ("someone", role)


def test_token_longer_than_the_maximum_lifetime_is_refused(token_settings, capsys) -> None:
    assert main(["token", "--sub", "B1", "--role", "buyer", "--ttl", "3601"]) == 2
    assert "maximum lifetime" in capsys.readouterr().err
