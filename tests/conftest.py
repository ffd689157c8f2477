"""Shared fixtures: a fresh store on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
import structlog
from sqlalchemy.engine import URL, Engine, make_url

from data.store.engine import make_engine
from data.store.migrate import current_revision, head_revision, upgrade
from tests.clock import THURSDAY, pinned_clock
from tests.data.sources.gitrepo import git_env
from tests.samples import LoadedSample, SampleTemplate
from tests.stores import migrated_template

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests that pin the clock ``dates``. In a module marked ``client_cases``, run
    on PostgreSQL only the cases marked ``store_decides``: the rest test a client against its
    fake, which the backend does not change, and running them twice cost a third of the
    suite's time."""
    _heavy_files_first(items)
    for item in items:
        # A test that pins the clock is one whose outcome the day would otherwise decide.
        if "pinned_now" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.dates)
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        spec = getattr(item, "callspec", None)
        on_postgres = spec is not None and spec.params.get("database_url") == "postgres"
        client_only = item.get_closest_marker("client_cases") is not None
        if on_postgres and client_only and item.get_closest_marker("store_decides") is None:
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


# The longest files (10-50 s of a worker each). ``--dist loadfile`` hands files out in the
# order collected, so these go first: otherwise one of them, started last, keeps one worker
# busy while the other has nothing left to do.
_HEAVY = (
    "tests/crash/test_crash.py",
    "tests/bot/github/test_webhook.py",
    "tests/faults/test_sync_faults.py",
    "tests/bot/cli/test_cli.py",
    "tests/bot/pages/test_browser.py",
    "tests/bot/test_secrets.py",
    "tests/bot/mcp/test_stdio.py",
    "tests/bot/slack/test_fuzz.py",
    "tests/faults/test_weekly_faults.py",
    "tests/bot/runtime/test_http_refusals.py",
    "tests/bot/runtime/test_serve_replicas.py",
)


def _heavy_files_first(items: list[pytest.Item]) -> None:
    """Reorder ``items`` so the files of ``_HEAVY`` come first, each in its own order."""

    def rank(item: pytest.Item) -> int:
        path = item.nodeid.split("::", 1)[0]
        return _HEAVY.index(path) if path in _HEAVY else len(_HEAVY)

    items.sort(key=rank)


@pytest.fixture(autouse=True)
def _structlog_as_it_was() -> Iterator[None]:
    """Each test leaves structlog configured as it found it: a command run in-process
    configures logging (``riskbrief brief --json`` filters below errors), and a later test in
    the same worker capturing warnings would otherwise see none, by the order files met."""
    saved = structlog.get_config()
    yield
    structlog.configure(**saved)


@pytest.fixture(autouse=True, scope="session")
def _no_real_services() -> Iterator[None]:
    """Keep a developer's real keys and URLs out of tests: nothing may reach the internet."""
    kept = (
        "RISKBRIEF_TEST_POSTGRES_URL",
        "RISKBRIEF_REQUIRE_POSTGRES",
        "RISKBRIEF_REQUIRE_BROWSER",
    )
    with pytest.MonkeyPatch.context() as patch:
        for var in list(os.environ):
            if var.startswith(
                (
                    "ANTHROPIC_",
                    "SLACK_",
                    "GITHUB_",
                    "SMTP_",
                    "RISKBRIEF_",
                    "PAGERDUTY_",
                    "OPSGENIE_",
                )
            ) and (var not in kept):
                patch.delenv(var)
        yield


def _postgres_admin_url() -> str:
    return os.environ.get("RISKBRIEF_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A database of our own on the test PostgreSQL server, dropped at the end of the run."""
    admin_url = make_url(_postgres_admin_url()).set(drivername="postgresql+psycopg")
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        if os.environ.get("RISKBRIEF_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required here but does not answer: {exc.orig}")
        pytest.skip(f"no PostgreSQL at {admin_url.render_as_string(hide_password=True)}")
    name = f"riskbrief_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        admin.dispose()
        _drop_database_without_waiting(admin_url, name)


def _drop_database_without_waiting(admin_url: URL, name: str) -> None:
    """Send ``DROP DATABASE`` and hang up: the server finishes it after the run has ended.

    Dropping a database waits for a checkpoint, which after a whole run takes seconds on a
    busy disk; the run need not wait for it.
    """
    conninfo = admin_url.set(drivername="postgresql").render_as_string(hide_password=False)
    pgconn = psycopg.pq.PGconn.connect(conninfo.encode())
    try:
        if pgconn.status != psycopg.pq.ConnStatus.OK:
            raise RuntimeError(pgconn.get_error_message())
        pgconn.send_query(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())
        while pgconn.flush():
            pass
    finally:
        pgconn.finish()


def _reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """An empty, unmigrated database: a SQLite file, or a clean PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db')}/riskbrief.db"
    url: str = request.getfixturevalue("postgres_server")
    if "engine" not in request.fixturenames:
        # The engine fixture empties a schema at head itself, far faster than a new one.
        _reset_postgres(url)
    return url


@pytest.fixture(scope="session")
def migrated_sqlite() -> Path:
    """A SQLite file migrated to head once per run, copied for each test that needs a store."""
    return migrated_template()


def _empty_postgres_at_head(eng: Engine) -> bool:
    """Empty every table of a store already at head; ``False`` when it is not at head."""
    if current_revision(eng) != head_revision():
        return False
    tables = [t for t in sa.inspect(eng).get_table_names() if t != "alembic_version"]
    # Only the tables an earlier test filled, emptied by DELETE with the foreign keys'
    # triggers off, and every sequence back at 1: what TRUNCATE … RESTART IDENTITY does,
    # in about 2 ms instead of 30 (TRUNCATE's cost is per table, full or not).
    probe = " UNION ALL ".join(f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in tables)
    with eng.begin() as conn:
        full = [row[0] for row in conn.execute(sa.text(probe))]
        if full:
            conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
            for table in full:
                conn.execute(sa.text(f'DELETE FROM "{table}"'))
        conn.execute(
            sa.text(
                "SELECT setval(c.oid::regclass, 1, false) FROM pg_class c "
                "WHERE c.relkind = 'S' AND c.relnamespace = current_schema()::regnamespace"
            )
        )
    return True


def _end_leftover_leaders(eng: Engine) -> None:
    """End the sessions of any process an earlier, failed test left holding an advisory lock.

    A leaked holder of the scheduler's lock would make every later test's replica a follower,
    and a transaction its process left open would block emptying the tables, so one failure
    would read as many. A process's sessions share its ``application_name``.
    """
    with eng.begin() as conn:
        conn.execute(
            sa.text(
                "SELECT pg_terminate_backend(a.pid, 5000) FROM pg_stat_activity a"
                " WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()"
                " AND a.application_name IN (SELECT h.application_name FROM pg_locks l"
                " JOIN pg_stat_activity h ON h.pid = l.pid"
                " WHERE l.locktype = 'advisory' AND h.datname = current_database()"
                " AND l.pid <> pg_backend_pid())"
            )
        )


@pytest.fixture
def engine(database_url: str, migrated_sqlite: Path) -> Iterator[Engine]:
    """A migrated, empty store on each backend.

    Migrating from scratch for every test costs most of a store test's time, so SQLite
    copies a file migrated once per run and PostgreSQL empties the tables of a schema an
    earlier test left at head (a test that downgraded it gets a fresh migration).
    """
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        assert url.database is not None
        # The copy is at head already: no migration to check.
        shutil.copyfile(migrated_sqlite, url.database)
        eng = make_engine(database_url)
    else:
        # One engine empties the schema and is the test's: its connection is reused.
        eng = make_engine(database_url)
        _end_leftover_leaders(eng)
        if not _empty_postgres_at_head(eng):
            eng.dispose()
            _reset_postgres(database_url)
            eng = make_engine(database_url)
            upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def pinned_now() -> Iterator[None]:
    """The wall clock at ``tests.clock.THURSDAY``, ticking: for tests whose data is dated
    from "now" or whose command reads the clock, so they hold on every day they run."""
    with pinned_clock(THURSDAY):
        yield


@pytest.fixture
def clean_git_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Git in tests runs with a fixed environment, never the developer's own config."""
    for key in [k for k in os.environ if k.startswith("GIT_")]:
        monkeypatch.delenv(key)
    for key, value in git_env().items():
        monkeypatch.setenv(key, value)


@pytest.fixture(scope="session")
def scored_sample(tmp_path_factory: pytest.TempPathFactory) -> SampleTemplate:
    """The sample organisation loaded and scored as of its Monday once per run, to be copied."""
    return SampleTemplate.build(tmp_path_factory.mktemp("scored-sample"))


@pytest.fixture
def scored(scored_sample: SampleTemplate, tmp_path: Path) -> Iterator[LoadedSample]:
    """This test's own copy of the scored sample organisation, its engine disposed after."""
    loaded = scored_sample.copy(tmp_path / "sample.db")
    yield loaded
    loaded.engine.dispose()
