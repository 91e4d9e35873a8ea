import pytest
from fastapi.testclient import TestClient

from bot.auth import mint_token
from bot.main import create_app
from bot.services import Services
from bot.settings import Settings
from tests.utils.fakes import FakeParser

SECRET = "unit-test-secret-0123456789abcdef-xyz"


@pytest.fixture
def settings() -> Settings:
    return Settings(env="test", jwt_secret=SECRET, _env_file=None)


@pytest.fixture
def parser() -> FakeParser:
    return FakeParser()


@pytest.fixture
def client(settings: Settings, parser: FakeParser):
    services = Services(parser=parser, readiness={"rasa": parser.is_ready})
    with TestClient(create_app(settings, services)) as c:
        yield c


@pytest.fixture
def agent_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token('agent-1', 'agent', SECRET)}"}


@pytest.fixture
def buyer_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token('B17', 'buyer', SECRET)}"}
