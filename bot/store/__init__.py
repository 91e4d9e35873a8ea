"""The store: SQLAlchemy models, migrations and repositories."""
