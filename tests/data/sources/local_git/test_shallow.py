"""A clone that is not whole: a shallow clone's cut commits are no change, and its history is
never scored as if it were whole."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from data.config import OrgConfig, parse_org_config
from data.sources.local_git import LocalGitSource
from data.sources.local_git.git_command import cut_commits, has_cut_parents
from data.sources.local_git.gitlog import mine_commits
from data.sources.local_git.history import clone_history
from data.store.org import sync_org
from data.store.tables import Change, Deploy, SyncState
from data.sync import SourceSummary, run_sources
from scoring.errors import SourceError
from tests.data.sources.gitrepo import GitRepo, git_env, shallow_clone

T0 = datetime(2026, 10, 5, 10, tzinfo=UTC)
pytestmark = pytest.mark.usefixtures("clean_git_env")


def _big_then_small(repo: GitRepo) -> list[str]:
    """A history whose early commits build a large tree and whose last three change little."""
    shas = [repo.commit({"api/core.py": "x = 1\n" * 3000}, "Start the core", T0)]
    repo.tag("v1.0", T0 + timedelta(minutes=5))
    shas.append(repo.commit({"api/more.py": "y = 2\n" * 2000}, "Grow", T0 + timedelta(days=1)))
    for day in range(2, 5):
        files: dict[str, str | bytes | None] = {"api/core.py": "x = 1\n" * 3000 + f"z = {day}\n"}
        shas.append(repo.commit(files, f"Tweak {day}", T0 + timedelta(days=day)))
        repo.tag(f"v1.{day}", T0 + timedelta(days=day, minutes=5))
    return shas


def _clone(source: GitRepo, into: Path, depth: int) -> Path:
    return shallow_clone(source.path, into, depth)


def _org(path: Path) -> OrgConfig:
    return parse_org_config(
        f"""
[[repositories]]
name = "acme/shop"
path = "{path}"
[[services]]
key = "api"
repository = "acme/shop"
paths = ["api/**"]
[sources.git]
deploy_tags = "^v\\\\d+(\\\\.\\\\d+)+$"
"""
    )


def _sync(engine: Engine, path: Path) -> SourceSummary:
    org = _org(path)
    with Session(engine) as session:
        sync_org(session, org)
        session.commit()
    (summary,) = run_sources(engine, org, [LocalGitSource.from_config(org.repositories[0], org)])
    assert summary.error is None, summary.line()
    return summary


def _stored(engine: Engine) -> dict[str, str]:
    with Session(engine) as session:
        rows = session.exec(select(Change.sha, Change.title)).all()
    return {sha or "": title for sha, title in rows}


def _cursors(engine: Engine) -> set[str]:
    with Session(engine) as session:
        return set(session.exec(select(SyncState.source)).all())


@pytest.fixture
def source(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "origin")
    _big_then_small(repo)
    return repo


def test_the_cut_commit_of_a_shallow_clone_is_no_change(
    engine: Engine, source: GitRepo, tmp_path: Path
) -> None:
    """A --depth 3 clone stores its three commits but the cut one, whose diff is the whole tree."""
    shallow = _clone(source, tmp_path / "shallow", 3)
    (cut,) = cut_commits(shallow)
    summary = _sync(engine, shallow)
    stored = _stored(engine)
    assert cut not in stored
    assert sorted(stored.values()) == ["Tweak 3", "Tweak 4"]
    (note,) = summary.notes
    assert "is a shallow clone" in note
    assert "git fetch --unshallow" in note
    assert "1 commit at the cut" in note


def test_a_release_tag_running_into_the_cut_is_no_deploy(
    engine: Engine, source: GitRepo, tmp_path: Path
) -> None:
    """The oldest tag a shallow clone has reaches the cut: its earlier release is unknown, so it
    ships no made-up batch; the tags after it are deploys as in a whole clone."""
    shallow = _clone(source, tmp_path / "shallow", 3)
    summary = _sync(engine, shallow)
    with Session(engine) as session:
        keys = sorted(session.exec(select(Deploy.key)).all())
    assert keys == ["git-tag:acme/shop:v1.3:api", "git-tag:acme/shop:v1.4:api"]
    assert "(v1.2)" in summary.notes[0]


def test_fetching_the_whole_history_makes_the_next_sync_read_what_the_cut_hid(
    engine: Engine, source: GitRepo, tmp_path: Path
) -> None:
    """After `git fetch --unshallow` the next sync reads the commits before the cut, not only
    those after the saved one, and says nothing of a cut any more."""
    shallow = _clone(source, tmp_path / "shallow", 2)
    _sync(engine, shallow)
    assert len(_stored(engine)) == 1
    assert _cursors(engine) == {"git", "git-cut", "git-tags"}
    subprocess.run(
        ["git", "-C", str(shallow), "fetch", "-q", "--unshallow"], check=True, env=git_env()
    )
    again = _sync(engine, shallow)
    assert sorted(_stored(engine).values()) == [
        "Grow",
        "Start the core",
        "Tweak 2",
        "Tweak 3",
        "Tweak 4",
    ]
    assert again.notes == ()
    # Nothing is cut any more: no cursor is left to age in the sync-age metric.
    assert _cursors(engine) == {"git", "git-tags"}
    with Session(engine) as session:
        deploys = session.exec(select(Deploy.key).where(col(Deploy.key).contains("v1.0"))).all()
    assert deploys == ["git-tag:acme/shop:v1.0:api"]


def test_a_first_commit_is_not_cut(source: GitRepo) -> None:
    """A whole clone's first commit has no parent to cut: it is a change like any other."""
    first, *_ = mine_commits(source.path)
    assert first.change.title == "Start the core"
    assert not first.cut
    assert not has_cut_parents(source.path, first.sha)
    assert cut_commits(source.path) == frozenset()


def test_mining_a_shallow_clone_for_a_backtest_is_refused(source: GitRepo, tmp_path: Path) -> None:
    """A backtest or its labels read from a shallow clone would be made up by the cut: one
    sentence names the fix instead."""
    shallow = _clone(source, tmp_path / "shallow", 2)
    with pytest.raises(SourceError, match=r"shallow clone.*git fetch --unshallow") as raised:
        list(mine_commits(shallow))
    assert str(raised.value).count(". ") == 0
    marked = list(mine_commits(shallow, shallow=True))
    assert [c.cut for c in marked] == [True, False]


def test_a_shallow_clone_s_history_is_unknown_to_check(source: GitRepo, tmp_path: Path) -> None:
    """`check` without a store never reads a cut history as each file "changed once before":
    it says the history is unknown and how to fetch it."""
    shallow = _clone(source, tmp_path / "shallow", 1)
    with pytest.raises(SourceError, match="is a shallow clone") as raised:
        clone_history(shallow, "HEAD")
    assert "git fetch --unshallow" in str(raised.value)
    assert "--database-url" in str(raised.value)
