"""Alembic's entry point: migrate the connection `record.Store` hands over, one process at a time."""

from __future__ import annotations

from alembic import context

SQLITE_PAGE_SIZE = 32768

connection = context.config.attributes["connection"]
if connection.dialect.name == "postgresql":
    # two processes opening a new database at once: the second waits, then finds the schema made
    connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7426210)")
elif connection.dialect.name == "sqlite":
    # pages of 32 KiB for a new file (an existing one keeps its own): a record of a few KiB is then one
    # of several in a page, and recording a batch takes a quarter less time (bench/README.md)
    connection.exec_driver_sql(f"PRAGMA page_size = {SQLITE_PAGE_SIZE}")
context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
