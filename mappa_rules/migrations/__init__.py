"""Alembic migrations of the decision record (`record.py`): run by `record.Store`, never by hand."""
