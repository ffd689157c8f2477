"""A workspace for the CLI's tests: a real clone named in riskbrief.toml and a migrated store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from data.store.engine import make_engine
from data.store.tables import Change, Deploy
from tests.bot.shop import cli_workspace, shop_toml
from tests.data.sources.gitrepo import GitRepo

T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory with no riskbrief settings in the environment."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    for key in ("RISKBRIEF_CONFIG", "RISKBRIEF_DATABASE_URL"):
        monkeypatch.delenv(key, raising=False)
    return work


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clone with two commits and a migrated store; riskbrief.toml names the clone."""
    repo = GitRepo(tmp_path / "shop")
    repo.commit({"api/app.py": "a\n"}, "Add the API", T0)
    repo.commit({"api/app.py": "a\nb\n"}, "Grow the API", T0 + timedelta(hours=1))
    repo.tag("v1", T0 + timedelta(hours=2))
    cli_workspace(tmp_path, shop_toml(repo.path), monkeypatch)
    return tmp_path


def store_rows(workspace: Path) -> tuple[int, list[Deploy]]:
    """How many changes the workspace's store holds, and its deploys."""
    engine = make_engine(f"sqlite:///{workspace / 'rb.db'}")
    with Session(engine) as session:
        changes = len(session.exec(select(Change)).all())
        deploys = list(session.exec(select(Deploy)))
    engine.dispose()
    return changes, deploys
