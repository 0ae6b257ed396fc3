"""The store: SQLAlchemy models, packaged Alembic migrations and the ``Store`` API."""
