"""Engines, sessions and the `Database` handle the app keeps for its lifetime.

Two backends are supported: SQLite (a file; local runs, demos and unit tests) and PostgreSQL
through psycopg 3 (production). `make_engine` is the only place that knows their differences.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from common.errors import AftersalesError

log = structlog.get_logger(__name__)

# Writers wait this long for SQLite's single write lock before failing with "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 5000
# Execution option set by `write_session`: on SQLite the transaction takes the write lock at
# BEGIN (BEGIN IMMEDIATE), so read-then-write transactions cannot interleave; ignored elsewhere.
_SQLITE_IMMEDIATE = "aftersales_sqlite_immediate"
# One writer at a time per SQLite engine, queued in the process: a writer that finds SQLite's
# lock taken would otherwise sleep in SQLite's busy handler (backing off to 100 ms naps) and
# wake long after the lock was released; under concurrent turns that waiting cost several
# times the time the lock is held (measured by `python -m lab.loadtest --profile`). Other
# processes still meet SQLite's own lock and the busy timeout.
_SQLITE_WRITERS: weakref.WeakKeyDictionary[Engine, threading.RLock] = weakref.WeakKeyDictionary()


class StoreError(AftersalesError):
    """Base of every error the store raises on purpose."""


class UnsupportedDatabase(StoreError, ValueError):
    """The database URL names a backend the store does not support."""


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC (what every timestamp column stores)."""
    return datetime.now(UTC)


def normalize_url(url: str | URL) -> URL:
    """Parse a database URL; plain ``postgresql://`` is routed to the psycopg 3 driver."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres"):
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        return parsed
    if backend == "sqlite":
        return parsed
    raise UnsupportedDatabase(
        f"unsupported database URL scheme {parsed.drivername!r}; use sqlite:///path/to/file.db "
        "or postgresql+psycopg://user:password@host/dbname"
    )


def make_engine(url: str | URL, *, echo: bool = False) -> Engine:
    """An engine for ``url``: SQLite in WAL mode with foreign keys enforced, or PostgreSQL via
    psycopg. Connections are tested before use (``pool_pre_ping``), so a restarted database
    does not fail the first request after it. Bound parameters (buyers' words, ids) are kept
    out of error messages and echo logs (``hide_parameters``): a failing statement shows its
    SQL, never the values."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "postgresql":
        return create_engine(parsed, echo=echo, pool_pre_ping=True, hide_parameters=True)

    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, echo=echo, pool_pre_ping=True, hide_parameters=True)
    _SQLITE_WRITERS[engine] = threading.RLock()

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling starts transactions late (not before a SELECT),
        # which breaks read-then-write atomicity; SQLAlchemy emits BEGIN itself instead (the
        # recipe in SQLAlchemy's SQLite dialect docs).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(_SQLITE_IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to ``engine``. Objects stay readable after commit (no expiry), because
    repositories convert them to domain values after the transaction ends."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def write_session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session in a transaction meant to write: committed on success, rolled back on error.

    On SQLite the transaction holds the write lock from its first statement, so a concurrent
    writer waits (up to the busy timeout) instead of failing on a stale read; writers of the
    same engine queue in the process first (`_SQLITE_WRITERS`).
    """
    bind = sessions.kw.get("bind")
    writers = _SQLITE_WRITERS.get(bind) if bind is not None else None
    with writers if writers is not None else nullcontext(), sessions.begin() as session:
        session.connection(execution_options={_SQLITE_IMMEDIATE: True})
        yield session


class Database:
    """The app's database: one engine and its session factory, built once in the lifespan.

    Constructing it opens no connection; the first query does.
    """

    def __init__(self, url: str | URL, *, echo: bool = False) -> None:
        self.url = normalize_url(url)
        self.engine = make_engine(self.url, echo=echo)
        self.sessions = session_factory(self.engine)

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.url.get_backend_name()

    def check(self) -> bool:
        """True if the database answers ``SELECT 1`` (the /ready check)."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError as e:
            log.warning("database_unavailable", backend=self.backend, error=str(e))
            return False
        return True

    async def is_ready(self) -> bool:
        """`check` off the event loop, in the shape `Services.readiness` expects."""
        return await asyncio.to_thread(self.check)

    def dispose(self) -> None:
        """Close every pooled connection (app shutdown)."""
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Database({self.url.render_as_string(hide_password=True)!r})"
