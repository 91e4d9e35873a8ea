from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from bot.store import migrate
from bot.store.models import Base


def _schema_diff(database) -> list:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_migrated_schema_matches_the_models(db):
    assert _schema_diff(db) == []


def test_migrated_database_is_at_head(db):
    assert migrate.current_revision(db.url) == migrate.head_revision() == "0011"


def test_downgrade_to_base_and_upgrade_again(make_database):
    database = make_database("steps.db")
    migrate.upgrade(database.url)
    migrate.downgrade(database.url, "base")
    assert set(inspect(database.engine).get_table_names()) == {"alembic_version"}
    assert migrate.current_revision(database.url) is None

    migrate.upgrade(database.url)
    assert _schema_diff(database) == []
