"""Schema migrations with Alembic, driven from code (the command line is `bot.migrate`).

The Alembic environment lives in ``bot/store/migrations``; there is no alembic.ini. The store
takes a database URL and never reads the settings (they import the store); `bot.migrate`
applies these to the settings' database.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import URL

from bot.store.db import make_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    """Alembic's configuration, pointing at the migrations inside the package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str | None:
    """The newest revision the code knows."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(url: str | URL) -> str | None:
    """The revision the database at ``url`` is at (None: never migrated)."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def upgrade(url: str | URL, revision: str = "head") -> None:
    """Bring the database at ``url`` up to ``revision``, in one transaction."""
    _run(url, lambda config: command.upgrade(config, revision))


def downgrade(url: str | URL, revision: str) -> None:
    """Take the database at ``url`` back to ``revision`` ("base": empty)."""
    _run(url, lambda config: command.downgrade(config, revision))


def autogenerate(url: str | URL, message: str) -> None:
    """Write a new revision: the difference between the models and the database at ``url``
    (which should be at head). Read it before committing: autogenerate misses some changes."""
    _run(url, lambda config: command.revision(config, message=message, autogenerate=True))


def _run(url: str | URL, action: Callable[[Config], None]) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            action(config)
    finally:
        engine.dispose()
