"""Two merges naming one pull request number (a fork's own PRs merged in) are two changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from data.config import parse_org_config
from data.rules.linking import link_all
from data.sources.local_git import LocalGitSource
from data.store.org import sync_org
from data.store.tables import Change, Deploy, DeployChange
from data.sync import run_sources
from tests.data.sources.gitrepo import GitRepo

T0 = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)

pytestmark = pytest.mark.usefixtures("clean_git_env")


def _repo(path: Path) -> GitRepo:
    """werkzeug's shape: "Merge pull request #1" from one fork, later #1 from another, tagged."""
    repo = GitRepo(path)
    repo.commit({"src/lib/a.py": "a\n"}, "Initial", T0)
    repo.tag("1.0.0", T0 + timedelta(hours=1))
    for n, (fork, name) in enumerate((("alice", "first.py"), ("bob", "second.py")), start=1):
        repo.git("checkout", "-q", "-b", fork)
        repo.commit({f"src/lib/{name}": "x\n"}, f"Work of {fork}", T0 + timedelta(days=n))
        repo.git("checkout", "-q", "main")
        when = T0 + timedelta(days=n, hours=2)
        repo.merge(fork, f"Merge pull request #1 from {fork}/{fork}-work\n\nWork of {fork}", when)
        repo.tag(f"1.{n}.0", when + timedelta(hours=1))
    return repo


def test_a_first_sync_adds_both_changes_and_updates_none(engine: Engine, tmp_path: Path) -> None:
    """Neither merge overwrites the other: a first sync updates nothing, each tag ships its own."""
    repo = _repo(tmp_path / "lib")
    org = parse_org_config(
        f"""
[[repositories]]
name = "acme/lib"
path = "{repo.path}"
[[services]]
key = "lib"
repository = "acme/lib"
paths = ["src/lib/**"]
[sources.git]
deploy_tags = "^v?\\\\d+(\\\\.\\\\d+)*$"
"""
    )
    with Session(engine) as session:
        sync_org(session, org)
        session.commit()
    # A batch of one: the two merges land in different pages, as in a long history.
    source = LocalGitSource.from_config(org.repositories[0], org)
    source.batch = 1
    (summary,) = run_sources(engine, org, [source])
    assert summary.error is None
    assert (summary.added, summary.updated) == (6, 0)
    with Session(engine) as session:
        link_all(session)
        session.commit()
        changes = {c.title: c for c in session.exec(select(Change))}
        assert set(changes) == {"Initial", "Work of alice", "Work of bob"}
        assert changes["Work of alice"].key == "acme/lib#1"
        assert changes["Work of bob"].key.startswith("acme/lib@")
        assert changes["Work of bob"].number == 1
        shipped = {
            key.split(":")[2]: title
            for key, title in session.exec(
                select(Deploy.key, Change.title)
                .join(DeployChange, col(DeployChange.deploy_id) == col(Deploy.id))
                .join(Change, col(Change.id) == col(DeployChange.change_id))
            )
        }
    assert shipped == {"1.0.0": "Initial", "1.1.0": "Work of alice", "1.2.0": "Work of bob"}
