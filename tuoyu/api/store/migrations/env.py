"""Alembic environment: the URL comes from the Config built in code (``tuoyu.api.store.alembic_config``)
or, for the ``alembic`` command line, from ``TUOYU_DATABASE_URL``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, text

from tuoyu.api.store import Base, database_url

config = context.config
url = config.attributes.get("url") or config.get_main_option("sqlalchemy.url") or database_url()

if context.is_offline_mode():
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    connectable = create_engine(url)
    with connectable.connect() as connection:
        if connection.dialect.name == "sqlite":  # as the store opens it (WAL, persistent)
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")
            connection.exec_driver_sql("PRAGMA synchronous=NORMAL")
            connection.commit()  # the migrations' own transaction begins after it
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=url.startswith("sqlite"),
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":  # one migrating process at a time
                connection.execute(text("SELECT pg_advisory_xact_lock(20261129)"))
            context.run_migrations()
    connectable.dispose()
