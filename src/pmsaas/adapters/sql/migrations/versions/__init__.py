"""Alembic revisions, one module per schema change (alembic loads them by path)."""
