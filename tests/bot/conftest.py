import itertools
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.auth import mint_token
from bot.main import create_app
from bot.services import Services
from bot.settings import Settings
from bot.store.db import Database
from tests.utils.builders import NOW, Chat, demo_orders, seed
from tests.utils.fakes import FakeAnswerer, FakeParser, FakeRiskModel, ScriptedParser

SECRET = "unit-test-secret-0123456789abcdef-xyz"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # Photos go to the test's own folder, never to the checkout's var/media. Analytics bodies
    # are computed in-process, with the tests' fake models (tests/bot/analytics/test_offload.py
    # covers the child process).
    return Settings(
        env="test",
        jwt_secret=SECRET,
        media_dir=tmp_path / "media",
        analytics_separate_process=False,
        _env_file=None,
    )


@pytest.fixture
def parser() -> FakeParser:
    return FakeParser()


@pytest.fixture
def client(settings: Settings, parser: FakeParser):
    services = Services(parser=parser, readiness={"rasa": parser.is_ready})
    with TestClient(create_app(settings, services)) as c:
        yield c


def token_headers(subject: str, role: str = "buyer") -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(subject, role, SECRET)}"}  # type: ignore[arg-type]


@pytest.fixture
def agent_headers() -> dict[str, str]:
    return token_headers("agent-1", "agent")


@pytest.fixture
def buyer_headers() -> dict[str, str]:
    return token_headers("B17")


# --- the conversation engine over a real store, with fakes for Rasa, retrieval and risk -------


@pytest.fixture
def nlu() -> ScriptedParser:
    return ScriptedParser()


@pytest.fixture
def answerer() -> FakeAnswerer:
    return FakeAnswerer()


@pytest.fixture
def risk_model() -> FakeRiskModel:
    return FakeRiskModel(p_abuse=0.01)


@pytest.fixture(scope="session")
def world_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The migrated SQLite file with the demo orders, seeded once per session."""
    path = tmp_path_factory.mktemp("world-template") / "world.db"
    shutil.copyfile(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    seed(database, demo_orders())
    database.dispose()
    return path


@pytest.fixture
def world_db(world_template: Path, tmp_path: Path) -> Iterator[Database]:
    """A migrated SQLite store holding the demo buyer's orders (a fresh copy per test)."""
    path = tmp_path / "world.db"
    shutil.copyfile(world_template, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


def make_services(
    database: Database,
    nlu: ScriptedParser,
    answerer: FakeAnswerer | None,
    risk_model: FakeRiskModel | None,
) -> Services:
    return Services(
        parser=nlu,
        readiness={"rasa": nlu.is_ready, "database": database.is_ready},
        database=database,
        answerer=answerer,
        risk_model=risk_model,
        clock=ticking_clock(),
    )


def ticking_clock():
    """NOW, a millisecond later at each call: records keep the order they were made in."""
    ticks = itertools.count()
    return lambda: NOW + timedelta(milliseconds=next(ticks))


@pytest.fixture
def bot_client(settings, world_db, nlu, answerer, risk_model):
    app = create_app(settings, make_services(world_db, nlu, answerer, risk_model))
    with TestClient(app) as c:
        yield c


@pytest.fixture
def chat(bot_client, buyer_headers) -> Chat:
    return Chat(bot_client, buyer_headers)
