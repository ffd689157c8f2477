"""One engine factory: a SQLite file by default, PostgreSQL from a URL."""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError
from sqlmodel import Session

from scoring.errors import ConfigError, StoreError

__all__ = [
    "DEFAULT_DATABASE_URL",
    "application_name",
    "check_connection",
    "hold_write_lock",
    "instance",
    "make_engine",
    "session_engine",
    "session_scope",
    "shown_url",
    "sqlite_file",
    "store_error",
    "unreachable",
]

DEFAULT_DATABASE_URL = "sqlite:///riskbrief.db"

_instances: dict[int, str] = {}


def instance() -> str:
    """This process among the replicas on one database: its host, pid and a random part.

    The random part because pids repeat across containers; a forked child gets its own.
    At most PostgreSQL's 63 characters, as it is every session's ``application_name``.
    """
    pid = os.getpid()
    if pid not in _instances:
        _instances[pid] = f"riskbrief-{socket.gethostname()[:32]}-{pid}-{secrets.token_hex(3)}"
    return _instances[pid]


# Long enough for a second process (a sync beside `serve`) to finish its write.
_SQLITE_BUSY_TIMEOUT_MS = 10_000


def _normalise(raw: str) -> URL:
    try:
        url = make_url(raw)
    except ArgumentError:
        raise ConfigError(
            f"RISKBRIEF_DATABASE_URL {raw!r} is not a database URL; use sqlite:///riskbrief.db "
            "or postgresql://user@host:5432/dbname"
        ) from None
    # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(
            f"RISKBRIEF_DATABASE_URL uses {url.get_backend_name()!r}; riskbrief supports "
            "sqlite:/// and postgresql:// URLs"
        )
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={_SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str = DEFAULT_DATABASE_URL, *, application_name: str | None = None) -> Engine:
    """An engine for ``url``: SQLite with WAL, foreign keys and a busy timeout, or PostgreSQL
    whose sessions carry ``application_name`` (default: this process's ``instance()``)."""
    parsed = _normalise(url)
    if parsed.get_backend_name() == "sqlite":
        engine = sa.create_engine(parsed, connect_args={"timeout": _SQLITE_BUSY_TIMEOUT_MS / 1000})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # Every session names this process, so a replica that takes the lead from a stalled
    # one can end that process's sessions (data.store.leadership.end_sessions); a name in the
    # URL is replaced, as it must differ between replicas.
    named = parsed.update_query_dict({"application_name": application_name or instance()})
    return sa.create_engine(named, pool_pre_ping=True)


def shown_url(engine: Engine) -> str:
    """The store's URL as a person should read it: no password, no session name we added."""
    return engine.url.difference_update_query(["application_name"]).render_as_string(
        hide_password=True
    )


def application_name(engine: Engine) -> str | None:
    """The name this engine's PostgreSQL sessions carry; ``None`` for SQLite."""
    name = engine.url.query.get("application_name")
    return name if isinstance(name, str) else None


def sqlite_file(engine: Engine) -> Path | None:
    """The file of a SQLite store; ``None`` for PostgreSQL or an in-memory SQLite."""
    name = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or not name or name == ":memory:":
        return None
    return Path(name)


def unreachable(exc: BaseException) -> bool:
    """True when ``exc`` says the store cannot be reached or opened, not that a query was wrong.

    An ``OperationalError`` (refused, timed out, unknown database, unwritable file)
    or SQLite's "file is not a database", which is a bare ``DatabaseError``;
    ``IntegrityError`` and the other ``DatabaseError`` kinds are bugs, kept as they are.
    """
    return isinstance(exc, OperationalError) or type(exc) is DatabaseError


def store_error(url: str | URL, exc: BaseException) -> StoreError:
    """One sentence for a store that ``exc`` says cannot be reached or opened."""
    orig = getattr(exc, "orig", None)
    lines = str(orig or exc).strip().splitlines()
    reason = lines[0] if lines else type(exc).__name__
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except ArgumentError:
        return StoreError(f"cannot use the database ({reason}); check RISKBRIEF_DATABASE_URL")
    name = parsed.database
    if parsed.get_backend_name() == "sqlite" and name and name != ":memory:":
        path = Path(name)
        if path.is_file() and "not a database" in reason:
            return StoreError(
                f"{path} is not a SQLite database ({reason}); point RISKBRIEF_DATABASE_URL at "
                "riskbrief's store, e.g. sqlite:///riskbrief.db, and run `riskbrief db upgrade`"
            )
        return StoreError(
            f"cannot open the SQLite file {path} ({reason}); check that its directory "
            "exists and is writable, or set RISKBRIEF_DATABASE_URL to another file"
        )
    # As the user wrote it: without the driver we chose or the session name we added.
    plain = parsed.set(drivername=parsed.get_backend_name())
    shown = plain.difference_update_query(["application_name"]).render_as_string(hide_password=True)
    return StoreError(
        f"cannot reach the database at {shown} ({reason}); check RISKBRIEF_DATABASE_URL "
        "and that the server is running"
    )


def check_connection(engine: Engine) -> None:
    """Raise ``StoreError`` with one sentence when the database cannot be reached."""
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except DatabaseError as exc:
        if not unreachable(exc):
            raise
        raise store_error(engine.url, exc) from None


def session_engine(session: Session) -> Engine:
    """The engine ``session`` is bound to (through its connection when bound to one): what a
    process-wide cache of the store is kept by."""
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def hold_write_lock(session: Session, name: str, table: str, column: str) -> None:
    """Make the rest of ``session``'s transaction the only writer of ``name`` at a time.

    For read-then-write work that several processes may start at once (replicas
    starting together): PostgreSQL takes a transaction advisory lock on ``name``;
    SQLite takes its database write lock at once, with a write to ``table`` that
    changes nothing (``column`` set to itself in no row), so that what the
    transaction reads next is what others committed.
    Both are released when the transaction ends.
    """
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        # hashtext gives the 32-bit key the advisory lock functions take.
        session.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": name})
    else:
        # ``table`` and ``column`` are riskbrief's own names, never outside text.
        session.execute(sa.text(f"UPDATE {table} SET {column} = {column} WHERE 0"))
