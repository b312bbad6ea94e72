"""Alembic's entry point: migrate the connection `record.Store` hands over, one process at a time."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
if connection.dialect.name == "postgresql":
    # two processes opening a new database at once: the second waits, then finds the schema made
    connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7426210)")
context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
