"""Session-wide fixtures: the real Rasa server is started once, on a free loopback port."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from nlu.model import require_model
from nlu.server import RasaServer

REPO_ROOT = Path(__file__).resolve().parent.parent

# SQLite and PostgreSQL databases (migrated) for every test that needs a real store.
pytest_plugins = ["tests.utils.databases"]


@pytest.fixture(scope="session")
def rasa_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RasaServer]:
    """The real Rasa server with the model trained by `make nlu-model` (part of `make test`)."""
    log_file = tmp_path_factory.mktemp("rasa") / "rasa.log"
    server = RasaServer(require_model(), log_file=log_file)
    server.start(timeout_s=240)
    try:
        yield server
    finally:
        server.stop()
