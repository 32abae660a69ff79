"""Alembic migrations of the store (run by the service at startup, see ``db.migrate``)."""
