"""Session-wide fixtures: the real Rasa server is started once, on a free loopback port."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from nlu.model import require_model, require_multilingual_model
from nlu.server import RasaServer

REPO_ROOT = Path(__file__).resolve().parent.parent

# One token for both Rasa servers of the session, as the launcher starts them (the bot has one
# AFTERSALES_RASA_TOKEN); random, so nothing else on the machine can use them.
RASA_TOKEN = secrets.token_urlsafe(24)

# SQLite and PostgreSQL databases (migrated) for every test that needs a real store.
pytest_plugins = ["tests.utils.databases"]


@pytest.fixture(scope="session")
def rasa_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RasaServer]:
    """The real Rasa server with the model trained by `make nlu-model` (part of `make test`)."""
    log_file = tmp_path_factory.mktemp("rasa") / "rasa.log"
    server = RasaServer(require_model(), log_file=log_file, auth_token=RASA_TOKEN)
    # A shared, loaded machine can need longer than the default to load the model.
    server.start(timeout_s=float(os.environ.get("AFTERSALES_RASA_START_TIMEOUT_S", "240")))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def rasa_multilingual_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RasaServer]:
    """The real Rasa server with the multilingual model (issue 16: ms, id, th, vi, tl), trained
    by `make nlu-model-multilingual` (part of `make test`'s set-up)."""
    log_file = tmp_path_factory.mktemp("rasa-multilingual") / "rasa.log"
    # AFTERSALES_TEST_MULTILINGUAL_MODEL: a model file to run instead (one trained elsewhere,
    # e.g. into /tmp, before it is copied into models/).
    chosen = os.environ.get("AFTERSALES_TEST_MULTILINGUAL_MODEL")
    model = Path(chosen) if chosen else require_multilingual_model()
    server = RasaServer(model, log_file=log_file, auth_token=RASA_TOKEN)
    server.start(timeout_s=float(os.environ.get("AFTERSALES_RASA_START_TIMEOUT_S", "240")))
    try:
        yield server
    finally:
        server.stop()
