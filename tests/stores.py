"""A SQLite store migrated to head once per test process, copied for each test that needs one.

Migrating a new file from scratch takes about 0.2 s of alembic, more than most tests
that need a store take in all. The migrations themselves are tested in
``tests/data/store``; ``riskbrief db upgrade`` on a new file in ``tests/bot/cli``.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data.store.engine import make_engine
from data.store.migrate import upgrade

__all__ = ["checkpoint", "load_postgres_once", "migrated_copy", "migrated_template"]


@cache
def migrated_template() -> Path:
    """This process's store file at head, closed; removed when the process ends."""
    directory = Path(tempfile.mkdtemp(prefix="riskbrief-template-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    path = directory / "riskbrief.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    checkpoint(engine)
    engine.dispose()
    return path


def checkpoint(engine: Engine) -> None:
    """Move every page of a SQLite store into its file, so that a copy of the file holds all."""
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def migrated_copy(path: Path) -> Path:
    """A store at head at ``path``, copied from the template; returns ``path``."""
    shutil.copyfile(migrated_template(), path)
    return path


def load_postgres_once(engine: Engine, name: str, load: Callable[[Engine], None]) -> None:
    """Fill the empty PostgreSQL store at head ``engine`` as ``load`` does, loading only once.

    The first call in a database runs ``load`` and keeps a copy of every table and sequence
    in a schema of its own (``snapshot_<name>``); later calls copy them back, a few
    milliseconds where loading the sample anew took seconds. The engine fixture empties
    only the current schema, so the copy outlives the tests that use it.
    """
    schema = f"snapshot_{name}"
    with engine.connect() as conn:
        taken = conn.scalar(sa.text("SELECT to_regnamespace(:s) IS NOT NULL"), {"s": schema})
    if not taken:
        load(engine)
        _snapshot(engine, schema)
        return
    with engine.begin() as conn:
        # The rows are copied as they were: the foreign keys' triggers need not check them.
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        tables = conn.scalars(
            sa.text(
                "SELECT tablename FROM pg_tables WHERE schemaname = :s AND tablename <> '_seq'"
            ),
            {"s": schema},
        ).all()
        for table in tables:
            conn.execute(
                sa.text(
                    f'INSERT INTO "{table}" OVERRIDING SYSTEM VALUE '
                    f'SELECT * FROM "{schema}"."{table}"'
                )
            )
        conn.execute(
            sa.text(
                "SELECT setval(quote_ident(name)::regclass, coalesce(value, 1), "
                f'value IS NOT NULL) FROM "{schema}"._seq'
            )
        )


def _snapshot(engine: Engine, schema: str) -> None:
    """Copy the current schema's filled tables and its sequences' values into ``schema``."""
    tables = [t for t in sa.inspect(engine).get_table_names() if t != "alembic_version"]
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        for table in tables:
            if conn.scalar(sa.text(f'SELECT EXISTS (SELECT 1 FROM "{table}")')):
                conn.execute(
                    sa.text(f'CREATE TABLE "{schema}"."{table}" AS SELECT * FROM "{table}"')
                )
        conn.execute(
            sa.text(
                f'CREATE TABLE "{schema}"._seq AS SELECT sequencename AS name, last_value AS value '
                "FROM pg_sequences WHERE schemaname = current_schema()"
            )
        )
