"""Databases for the bot tests: SQLite files and a throwaway PostgreSQL cluster.

Both are migrated with Alembic (the real migrations, not ``create_all``). The PostgreSQL cluster
starts once per session when its binaries are installed; without them its tests are skipped,
except under ``CI=true``, where they fail: CI must not pass by silently testing less.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.store.db import Database
from bot.store.local_postgres import PostgresCluster, postgres_bin
from bot.store.migrate import upgrade
from bot.store.models import Base

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once; each test gets a copy (cheaper than migrating)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def sqlite_db(sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    """A fresh, migrated SQLite file database in ``tmp_path``."""
    path = tmp_path / "store.db"
    shutil.copyfile(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def postgresql_url() -> Iterator[str]:
    """The URL of a migrated database in a throwaway PostgreSQL cluster (once per session)."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        reason = (
            "PostgreSQL binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin "
            "or on PATH; install them (apt-get install postgresql) to run the PostgreSQL tests"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true: {reason}", pytrace=False)
        pytest.skip(reason)
    cluster = PostgresCluster(bin_dir)
    cluster.start()
    try:
        upgrade(cluster.url)
        yield cluster.url
    finally:
        cluster.stop()


@pytest.fixture
def postgresql_db(postgresql_url: str) -> Iterator[Database]:
    """The session's PostgreSQL database, emptied after each test."""
    database = Database(postgresql_url)
    yield database
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    with database.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} CASCADE"))
    database.dispose()


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest) -> Database:
    """Each backend in turn: the same test runs on SQLite and on PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_db")


@pytest.fixture
def make_database(tmp_path: Path) -> Iterator[Callable[[str], Database]]:
    """Databases the test creates itself (e.g. to migrate step by step); disposed after."""
    created: list[Database] = []

    def make(name: str) -> Database:
        database = Database(f"sqlite:///{tmp_path / name}")
        created.append(database)
        return database

    yield make
    for database in created:
        database.dispose()
