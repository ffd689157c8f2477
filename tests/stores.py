"""A SQLite store migrated to head once per test process, copied for each test that needs one.

Migrating a new file from scratch takes about 0.2 s of alembic, more than most tests
that need a store take in all. The migrations themselves are tested in
``tests/data/store``; ``riskbrief db upgrade`` on a new file in ``tests/bot/cli``.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path

from sqlalchemy.engine import Engine

from data.store.engine import make_engine
from data.store.migrate import upgrade

__all__ = ["checkpoint", "migrated_copy", "migrated_template"]


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
