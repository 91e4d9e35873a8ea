"""Session-wide fixtures: the real Rasa server is started once, on a free loopback port."""

from __future__ import annotations

import os
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
    # A shared, loaded machine can need longer than the default to load the model.
    server.start(timeout_s=float(os.environ.get("AFTERSALES_RASA_START_TIMEOUT_S", "240")))
    try:
        yield server
    finally:
        server.stop()
