"""Schema migrations with Alembic, run programmatically on one of our engines."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError

from data.store.engine import check_connection, store_error, unreachable
from data.store.statistics import refresh_statistics

__all__ = ["alembic_config", "current_revision", "head_revision", "is_current", "upgrade"]


def alembic_config() -> Config:
    """The Alembic config pointing at the migrations shipped inside the package."""
    cfg = Config()
    cfg.set_main_option("script_location", "data:migrations")
    return cfg


def head_revision() -> str:
    """The newest revision the installed code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or ``None`` when it was never migrated.

    Every command that opens the store asks this first, so an unreachable store or
    a file that is no database ends here as one ``StoreError`` sentence.
    """
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except DatabaseError as exc:
        if not unreachable(exc):
            raise
        raise store_error(engine.url, exc) from None


def is_current(engine: Engine) -> bool:
    """True when the database is at the newest revision."""
    return current_revision(engine) == head_revision()


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Bring the database to ``revision`` and return the revision it was at before.

    Safe to run again, and from several processes at once (each replica's start-up):
    on PostgreSQL they take turns, and the later ones find nothing to do.
    """
    check_connection(engine)
    cfg = alembic_config()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Held to the end of this transaction, in which Alembic migrates.
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('riskbrief.migrate'))"))
        before = MigrationContext.configure(conn).get_current_revision()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    # Every start-up migrates: a store written before statistics were kept gets them here.
    refresh_statistics(engine)
    return before
