"""Release tags as deploys: each ships the commits no earlier release of its line reached."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from data.config import OrgConfig, parse_org_config
from data.linking import link_all
from data.sources.local_git.tags import release_line, unmatched_tags_note
from data.store.tables import Change, Deploy, DeployChange
from tests.data.sources.gitrepo import GitRepo, sync_clone

T0 = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)

pytestmark = pytest.mark.usefixtures("clean_git_env")


def _org(path: Path, pattern: str = r"^v?\\d+(\\.\\d+)*$") -> OrgConfig:
    return parse_org_config(
        f"""
[[repositories]]
name = "acme/lib"
path = "{path}"
[[services]]
key = "lib"
repository = "acme/lib"
paths = ["src/lib/**"]
[[services]]
key = "plugin"
repository = "acme/lib"
paths = ["src/plugin/**"]
[sources.git]
deploy_tags = "{pattern}"
"""
    )


def _two_lines(repo: GitRepo) -> dict[str, str]:
    """Main work and a fix on a ``stable`` branch cut at 1.0.0, tagged 1.0.1 after the main work."""
    shas = {"init": repo.commit({"src/lib/a.py": "a\n"}, "Initial", T0)}
    repo.tag("1.0.0", T0 + timedelta(hours=1))
    repo.git("branch", "stable")
    shas["feature"] = repo.commit({"src/lib/b.py": "b\n"}, "New feature", T0 + timedelta(days=1))
    shas["more"] = repo.commit({"src/lib/c.py": "c\n"}, "More main work", T0 + timedelta(days=2))
    repo.git("checkout", "-q", "stable")
    shas["fix"] = repo.commit({"src/lib/a.py": "a\nfix\n"}, "Fix a crash", T0 + timedelta(days=3))
    repo.tag("1.0.1", T0 + timedelta(days=4))
    repo.git("checkout", "-q", "main")
    repo.merge("stable", "Merge branch 'stable'", T0 + timedelta(days=5))
    shas["next"] = repo.commit({"src/lib/d.py": "d\n"}, "Next feature", T0 + timedelta(days=6))
    repo.tag("1.1.0", T0 + timedelta(days=7))
    return shas


def _shipped(engine: Engine) -> dict[str, set[str]]:
    """The titles of the changes each deploy ships, by the deploy's tag."""
    with Session(engine) as session:
        rows = session.exec(
            select(Deploy.key, Change.title)
            .join(DeployChange, col(DeployChange.deploy_id) == col(Deploy.id))
            .join(Change, col(Change.id) == col(DeployChange.change_id))
        ).all()
    out: dict[str, set[str]] = {}
    for key, title in rows:
        out.setdefault(key.split(":")[2], set()).add(title)
    return out


def _sync(engine: Engine, org: OrgConfig) -> None:
    sync_clone(engine, org)
    with Session(engine) as session:
        link_all(session)
        session.commit()


def test_a_maintenance_tag_ships_only_its_own_branch(engine: Engine, tmp_path: Path) -> None:
    """1.0.1 on stable ships its fix alone, not the main work merged before it was tagged."""
    repo = GitRepo(tmp_path / "lib")
    _two_lines(repo)
    _sync(engine, _org(repo.path))
    shipped = _shipped(engine)
    assert shipped["1.0.1"] == {"Fix a crash"}
    # 1.1.0's previous release is 1.0.1 (merged into main): the fix shipped already.
    assert shipped["1.1.0"] == {"New feature", "More main work", "Next feature"}
    assert shipped["1.0.0"] == {"Initial"}


def test_an_older_branch_merged_forward_does_not_reship_the_newer_release(
    engine: Engine, tmp_path: Path
) -> None:
    """2.0.1 ships only what followed 2.0.0, though 1.0.1 (tagged later) was merged into it."""
    repo = GitRepo(tmp_path / "lib")
    repo.commit({"src/lib/a.py": "a\n"}, "Initial", T0)
    repo.tag("1.0.0", T0 + timedelta(hours=1))
    repo.git("branch", "old")
    repo.commit({"src/lib/b.py": "b\n"}, "Big rewrite", T0 + timedelta(days=1))
    repo.tag("2.0.0", T0 + timedelta(days=2))
    repo.git("checkout", "-q", "old")
    repo.commit({"src/lib/a.py": "a\nfix\n"}, "Fix on the old line", T0 + timedelta(days=3))
    repo.tag("1.0.1", T0 + timedelta(days=4))
    repo.git("checkout", "-q", "main")
    # As flask does: the older maintenance branch is merged forward after the newer release.
    repo.merge("old", "Merge branch 'old'", T0 + timedelta(days=5))
    repo.commit({"src/lib/c.py": "c\n"}, "Small fix", T0 + timedelta(days=6))
    repo.tag("2.0.1", T0 + timedelta(days=7))
    _sync(engine, _org(repo.path))
    shipped = _shipped(engine)
    assert shipped["2.0.0"] == {"Big rewrite"}
    assert shipped["1.0.1"] == {"Fix on the old line"}
    # Before, 2.0.1 counted from 1.0.1 (its newest ancestor by date) and shipped the rewrite again.
    assert shipped["2.0.1"] == {"Small fix"}


def test_a_second_tag_on_a_released_commit_ships_nothing(engine: Engine, tmp_path: Path) -> None:
    """1.0.1 tagged later on 1.0.0's commit (caddy's v2.2.3) ships nothing a second time."""
    repo = GitRepo(tmp_path / "lib")
    repo.commit({"src/lib/a.py": "a\n"}, "Initial", T0)
    repo.tag("1.0.0", T0 + timedelta(hours=1))
    repo.tag("1.0.1", T0 + timedelta(days=1))
    repo.commit({"src/lib/b.py": "b\n"}, "Next", T0 + timedelta(days=2))
    repo.tag("1.1.0", T0 + timedelta(days=3))
    _sync(engine, _org(repo.path))
    assert _shipped(engine) == {"1.0.0": {"Initial"}, "1.1.0": {"Next"}}


def test_a_package_line_ships_only_its_package(engine: Engine, tmp_path: Path) -> None:
    """``plugin@2.0.0`` follows ``plugin@1.0.0`` and deploys only the plugin's service; the
    plain ``v3.0.0`` deploys the library alone."""
    repo = GitRepo(tmp_path / "mono")
    repo.commit({"src/lib/a.py": "a\n", "src/plugin/p.py": "p\n"}, "Initial", T0)
    repo.tag("plugin@1.0.0", T0 + timedelta(hours=1))
    repo.commit({"src/lib/a.py": "a\nb\n"}, "Lib work", T0 + timedelta(days=1))
    repo.tag("v3.0.0", T0 + timedelta(days=1, hours=1))
    repo.commit(
        {"src/plugin/p.py": "p\nq\n", "src/lib/a.py": "x\n"}, "Both", T0 + timedelta(days=2)
    )
    repo.tag("plugin@2.0.0", T0 + timedelta(days=3))
    _sync(engine, _org(repo.path, r"^(v|plugin@)\\d+(\\.\\d+)*$"))
    with Session(engine) as session:
        keys = sorted(session.exec(select(Deploy.key)))
    assert "git-tag:acme/lib:plugin@2.0.0:plugin" in keys
    assert "git-tag:acme/lib:plugin@2.0.0:lib" not in keys
    # The plugin has a line of its own: the plain v3.0.0 releases the library alone.
    assert "git-tag:acme/lib:v3.0.0:plugin" not in keys
    assert "git-tag:acme/lib:v3.0.0:lib" in keys
    assert _shipped(engine)["plugin@2.0.0"] == {"Both"}
    assert _shipped(engine)["v3.0.0"] == {"Initial", "Lib work"}


def test_release_lines() -> None:
    """A tag's line is its name before the version; ``v`` belongs to the version."""
    assert release_line("v1.2.3") == release_line("1.2.4") == ""
    assert release_line("@vitejs/plugin-legacy@5.0.0") == "@vitejs/plugin-legacy@"
    assert release_line("parent-4.12.0") == "parent-"
    assert release_line("release-3.9.4") == "release-"


def test_a_pattern_matching_no_tag_is_named(tmp_path: Path) -> None:
    """A deploy pattern that matches none of the tags says so, naming a tag the clone has."""
    repo = GitRepo(tmp_path / "zk")
    repo.commit({"src/lib/a.py": "a\n"}, "Initial", T0)
    repo.tag("release-3.9.4", T0 + timedelta(hours=1))
    note = unmatched_tags_note(repo.path, r"^v?\d+(\.\d+)*$", "acme/zk")
    assert note is not None
    assert "release-3.9.4" in note
    assert unmatched_tags_note(repo.path, r"^release-\d", "acme/zk") is None
