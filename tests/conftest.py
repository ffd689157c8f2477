"""Shared fixtures: a fresh store on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from data.engine import make_engine
from data.migrate import upgrade
from tests.data.sources.gitrepo import git_env

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture(autouse=True, scope="session")
def _no_real_services() -> Iterator[None]:
    """Keep a developer's real keys and URLs out of tests: nothing may reach the internet."""
    kept = ("RISKBRIEF_TEST_POSTGRES_URL", "RISKBRIEF_REQUIRE_POSTGRES")
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
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


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
    _reset_postgres(url)
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated store on each backend."""
    eng = make_engine(database_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def clean_git_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Git in tests runs with a fixed environment, never the developer's own config."""
    for key in [k for k in os.environ if k.startswith("GIT_")]:
        monkeypatch.delenv(key)
    for key, value in git_env().items():
        monkeypatch.setenv(key, value)
