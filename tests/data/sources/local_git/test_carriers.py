"""Releases whose tagged commit a later merge brought onto another branch ship their own commits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from data.config import OrgConfig, parse_org_config
from data.sources.local_git.carriers import release_carriers
from data.store.tables import Change, DeployChange
from tests.data.sources.gitrepo import GitRepo
from tests.data.sources.local_git.shipping import shipped_by_tag, synced

T0 = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)
PATTERN = r"^v?\d+(\.\d+)+$"

pytestmark = pytest.mark.usefixtures("clean_git_env")


def _org(path: Path) -> OrgConfig:
    return parse_org_config(
        f"""
[[repositories]]
name = "acme/lib"
path = "{path}"
[[services]]
key = "lib"
repository = "acme/lib"
paths = ["src/lib/**"]
[sources.git]
deploy_tags = '{PATTERN}'
"""
    )


def _stored(engine: Engine) -> tuple[set[object], set[object]]:
    """Every change as (key, sha, title, merged_at) and every deploy's link, to compare syncs."""
    with Session(engine) as session:
        changes: set[object] = {
            (c.key, c.sha, c.title, c.merged_at) for c in session.exec(select(Change)).all()
        }
        links: set[object] = {
            (d.deploy_id, d.change_id) for d in session.exec(select(DeployChange)).all()
        }
    return changes, links


def _release_merged_by_its_pull_request(repo: GitRepo) -> dict[str, str]:
    """As flask's 2.2.3 and click's 8.1.4: the release commit is tagged on its pull request's
    branch, the request is merged into ``stable`` afterwards, and ``stable`` into main."""
    shas = {"init": repo.commit({"src/lib/a.py": "a\n"}, "Initial", T0)}
    repo.tag("1.0.0", T0 + timedelta(hours=1))
    repo.git("branch", "stable")
    repo.commit({"src/lib/b.py": "b\n"}, "New feature", T0 + timedelta(days=1))
    repo.git("checkout", "-q", "stable")
    repo.commit({"src/lib/a.py": "a\nfix\n"}, "Fix a crash", T0 + timedelta(days=2))
    repo.git("checkout", "-q", "-b", "release-1.0.1")
    shas["release"] = repo.commit(
        {"src/lib/version.py": "1.0.1\n"}, "Release version 1.0.1", T0 + timedelta(days=3)
    )
    repo.tag("1.0.1", T0 + timedelta(days=3, hours=1))
    repo.git("checkout", "-q", "stable")
    shas["pull"] = repo.merge(
        "release-1.0.1",
        "Merge pull request #9 from acme/release-1.0.1\n\nRelease 1.0.1",
        T0 + timedelta(days=4),
    )
    repo.git("checkout", "-q", "main")
    shas["forward"] = repo.merge("stable", "Merge branch 'stable'", T0 + timedelta(days=5))
    repo.commit({"src/lib/c.py": "c\n"}, "Next feature", T0 + timedelta(days=6))
    repo.tag("1.1.0", T0 + timedelta(days=7))
    return shas


def test_a_release_commit_merged_by_its_pull_request_ships_with_its_tag(
    engine: Engine, tmp_path: Path
) -> None:
    """1.0.1's tagged commit, merged into stable by pull request #9 after the tag, ships with
    1.0.1, and 1.1.0 does not ship it again under the request's name."""
    repo = GitRepo(tmp_path / "lib")
    shas = _release_merged_by_its_pull_request(repo)
    synced(engine, _org(repo.path))
    shipped = shipped_by_tag(engine)
    assert shipped["1.0.1"] == {"Fix a crash", "Release version 1.0.1"}
    assert shipped["1.1.0"] == {"New feature", "Next feature"}
    with Session(engine) as session:
        keys = set(session.exec(select(Change.key)).all())
    assert "acme/lib#9" not in keys
    # Both merges brought 1.0.1's commit in: the request and main's back-merge of stable.
    assert release_carriers(repo.path, "main", PATTERN) == {shas["pull"], shas["forward"]}


def test_a_maintenance_branch_merged_forward_by_a_pull_request_ships_with_its_tags(
    engine: Engine, tmp_path: Path
) -> None:
    """As guzzle's 6.5.1: the 1.0.x branch merged into main by pull request #12 after 1.0.1 was
    tagged; 1.0.1 ships its fixes and 1.1.0 only main's work, and a second sync adds nothing."""
    repo = GitRepo(tmp_path / "lib")
    repo.commit({"src/lib/a.py": "a\n"}, "Initial", T0)
    repo.tag("1.0.0", T0 + timedelta(hours=1))
    repo.git("branch", "1.0.x")
    repo.commit({"src/lib/b.py": "b\n"}, "New feature", T0 + timedelta(days=1))
    repo.git("checkout", "-q", "1.0.x")
    repo.commit({"src/lib/a.py": "a\nfix\n"}, "Fix a crash", T0 + timedelta(days=2))
    repo.commit({"src/lib/s.py": "s\n"}, "Security fix", T0 + timedelta(days=3))
    repo.tag("1.0.1", T0 + timedelta(days=4))
    repo.git("checkout", "-q", "main")
    repo.merge(
        "1.0.x", "Merge pull request #12 from acme/1.0.x\n\nMerge 1.0", T0 + timedelta(days=5)
    )
    repo.commit({"src/lib/c.py": "c\n"}, "Next feature", T0 + timedelta(days=6))
    repo.tag("1.1.0", T0 + timedelta(days=7))
    org = _org(repo.path)
    synced(engine, org)
    shipped = shipped_by_tag(engine)
    assert shipped["1.0.1"] == {"Fix a crash", "Security fix"}
    assert shipped["1.1.0"] == {"New feature", "Next feature"}
    before = _stored(engine)
    synced(engine, org)
    assert _stored(engine) == before


def test_a_pull_request_carrying_no_release_stays_one_change(tmp_path: Path) -> None:
    """A pull request merged into main whose branch holds no tagged commit is no carrier."""
    repo = GitRepo(tmp_path / "lib")
    repo.commit({"src/lib/a.py": "a\n"}, "Initial", T0)
    repo.tag("1.0.0", T0 + timedelta(hours=1))
    repo.git("checkout", "-q", "-b", "topic")
    repo.commit({"src/lib/b.py": "b\n"}, "Work", T0 + timedelta(days=1))
    repo.git("checkout", "-q", "main")
    repo.merge("topic", "Merge pull request #3 from acme/topic", T0 + timedelta(days=2))
    repo.tag("1.1.0", T0 + timedelta(days=3))
    assert release_carriers(repo.path, "main", PATTERN) == frozenset()


def test_a_fix_merged_forward_before_its_release_was_tagged_ships_with_that_release(
    engine: Engine, tmp_path: Path
) -> None:
    """As click's 8.1.8: stable's first fix reached main by pull request #20 before 1.0.1 was
    tagged on stable; 1.0.1 ships both of its fixes, and #20 is no change of its own."""
    repo = GitRepo(tmp_path / "lib")
    repo.commit({"src/lib/a.py": "a\n"}, "Initial", T0)
    repo.tag("1.0.0", T0 + timedelta(hours=1))
    repo.git("branch", "stable")
    repo.commit({"src/lib/b.py": "b\n"}, "New feature", T0 + timedelta(days=1))
    repo.git("checkout", "-q", "stable")
    repo.commit({"src/lib/a.py": "a\none\n"}, "Fix one", T0 + timedelta(days=2))
    repo.git("checkout", "-q", "main")
    repo.merge("stable", "Merge stable into main (#20)", T0 + timedelta(days=3))
    repo.git("checkout", "-q", "stable")
    repo.commit({"src/lib/s.py": "s\n"}, "Fix two", T0 + timedelta(days=4))
    repo.tag("1.0.1", T0 + timedelta(days=5))
    repo.git("checkout", "-q", "main")
    repo.merge("stable", "Merge branch 'stable'", T0 + timedelta(days=6))
    repo.commit({"src/lib/c.py": "c\n"}, "Next feature", T0 + timedelta(days=7))
    repo.tag("1.1.0", T0 + timedelta(days=8))
    synced(engine, _org(repo.path))
    shipped = shipped_by_tag(engine)
    assert shipped["1.0.1"] == {"Fix one", "Fix two"}
    assert shipped["1.1.0"] == {"New feature", "Next feature"}
    with Session(engine) as session:
        keys = set(session.exec(select(Change.key)).all())
    assert "acme/lib#20" not in keys
