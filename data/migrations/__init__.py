"""Alembic migrations of the store (run them with ``riskbrief db upgrade``)."""
