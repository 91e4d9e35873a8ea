"""Alembic environment, driven from `bot.store.migrate` (command line: `python -m bot.migrate`).

The caller passes an open connection in ``config.attributes["connection"]``; migrations run
online only, in that connection's transaction.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from bot.store.models import Base

config = context.config
connection: Connection | None = config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "run migrations through bot.store.migrate (python -m bot.migrate), "
        "which passes the database connection to Alembic"
    )

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    compare_type=True,
    # SQLite cannot ALTER most things in place; batch mode rebuilds the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
