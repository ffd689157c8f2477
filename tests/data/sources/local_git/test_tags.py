"""Release tags as deploys: each ships the commits no earlier release of its line reached."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from data.config import OrgConfig, parse_org_config
from data.deploy_rule import DeployRule, FoundBy
from data.sources.local_git.tags import (
    line_service,
    project_lines,
    release_line,
    unmatched_tags_note,
)
from data.store.tables import Change, Deploy, DeployChange
from tests.data.sources.gitrepo import GitRepo
from tests.data.sources.local_git.shipping import shipped_by_tag, synced

T0 = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)

pytestmark = pytest.mark.usefixtures("clean_git_env")


def _org(path: Path, pattern: str = r"^v?\\d+(\\.\\d+)*$", name: str = "acme/lib") -> OrgConfig:
    return parse_org_config(
        f"""
[[repositories]]
name = "{name}"
path = "{path}"
[[services]]
key = "lib"
repository = "{name}"
paths = ["src/lib/**"]
[[services]]
key = "plugin"
repository = "{name}"
paths = ["src/plugin/**"]
[sources.git]
deploy_tags = "{pattern}"
"""
    )


def _changes_by_sha(engine: Engine) -> dict[str | None, Change]:
    """Every stored change by its commit's sha."""
    with Session(engine) as session:
        return {c.sha: c for c in session.exec(select(Change)).all()}


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


def test_a_maintenance_tag_ships_only_its_own_branch(engine: Engine, tmp_path: Path) -> None:
    """1.0.1 on stable ships its fix alone, not the main work merged before it was tagged."""
    repo = GitRepo(tmp_path / "lib")
    _two_lines(repo)
    synced(engine, _org(repo.path))
    shipped = shipped_by_tag(engine)
    assert shipped["1.0.1"] == {"Fix a crash"}
    # 1.1.0's previous release is 1.0.1 (merged into main): the fix shipped already.
    assert shipped["1.1.0"] == {"New feature", "More main work", "Next feature"}
    assert shipped["1.0.0"] == {"Initial"}


def test_each_tag_deploy_stores_the_tag_and_the_pattern_it_matched(
    engine: Engine, tmp_path: Path
) -> None:
    """A tag's deploy keeps the rule that found it: the tag and ``deploy_tags``; a tag the
    pattern does not match is no deploy."""
    repo = GitRepo(tmp_path / "lib")
    repo.commit({"src/lib/a.py": "a\n"}, "Initial", T0)
    repo.tag("v1.4.2", T0 + timedelta(hours=1))
    repo.commit({"src/lib/b.py": "b\n"}, "Next", T0 + timedelta(days=1))
    repo.tag("nightly-2026-09-02", T0 + timedelta(days=1, hours=1))
    synced(engine, _org(repo.path))
    with Session(engine) as session:
        found = {d.key: FoundBy.decode(d.found_by) for d in session.exec(select(Deploy))}
    rule = FoundBy(DeployRule.TAG, "v1.4.2", r"^v?\d+(\.\d+)*$")
    assert found == {"git-tag:acme/lib:v1.4.2:lib": rule}


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
    synced(engine, _org(repo.path))
    shipped = shipped_by_tag(engine)
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
    synced(engine, _org(repo.path))
    assert shipped_by_tag(engine) == {"1.0.0": {"Initial"}, "1.1.0": {"Next"}}


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
    synced(engine, _org(repo.path, r"^(v|plugin@)\\d+(\\.\\d+)*$"))
    with Session(engine) as session:
        keys = sorted(session.exec(select(Deploy.key)))
    assert "git-tag:acme/lib:plugin@2.0.0:plugin" in keys
    assert "git-tag:acme/lib:plugin@2.0.0:lib" not in keys
    # The plugin has a line of its own: the plain v3.0.0 releases the library alone.
    assert "git-tag:acme/lib:v3.0.0:plugin" not in keys
    assert "git-tag:acme/lib:v3.0.0:lib" in keys
    assert shipped_by_tag(engine)["plugin@2.0.0"] == {"Both"}
    assert shipped_by_tag(engine)["v3.0.0"] == {"Initial", "Lib work"}


def test_release_lines() -> None:
    """A tag's line is its name before the version; ``v`` belongs to the version."""
    assert release_line("v1.2.3") == release_line("1.2.4") == ""
    assert release_line("@vitejs/plugin-legacy@5.0.0") == "@vitejs/plugin-legacy@"
    assert release_line("parent-4.12.0") == "parent-"
    assert release_line("release-3.9.4") == "release-"


def test_a_package_line_names_its_service_by_its_whole_name_first() -> None:
    """``@lit-labs/context@`` is the ``lit-labs-context`` service, not ``@lit/context@``'s
    ``context``; a crate line ending in ``v`` (``csv-``) keeps its last letter."""
    services = ["context", "lit-labs-context", "csv", "ssr"]
    assert line_service("@lit-labs/context@", services) == "lit-labs-context"
    assert line_service("@lit/context@", services) == "context"
    assert line_service("@lit-labs/ssr@", services) == "ssr"
    assert line_service("csv-", services) == "csv"
    assert line_service("termcolor-", services) is None


def test_a_pattern_matching_no_tag_is_named(tmp_path: Path) -> None:
    """A deploy pattern that matches none of the tags says so, naming a tag the clone has."""
    repo = GitRepo(tmp_path / "zk")
    repo.commit({"src/lib/a.py": "a\n"}, "Initial", T0)
    repo.tag("release-3.9.4", T0 + timedelta(hours=1))
    note = unmatched_tags_note(repo.path, r"^v?\d+(\.\d+)*$", "acme/zk")
    assert note is not None
    assert "release-3.9.4" in note
    assert unmatched_tags_note(repo.path, r"^release-\d", "acme/zk") is None


def test_a_release_tagged_after_its_successor_ships_its_own_commits(
    engine: Engine, tmp_path: Path
) -> None:
    """1.1.0, tagged after 1.2.0 on 1.2.0's ancestor, ships its commit; 1.2.0 ships only its own."""
    repo = GitRepo(tmp_path / "lib")
    repo.commit({"src/lib/a.py": "a\n"}, "Initial", T0)
    repo.tag("1.0.0", T0 + timedelta(hours=1))
    middle = repo.commit({"src/lib/b.py": "b\n"}, "Feature of 1.1", T0 + timedelta(days=1))
    repo.commit({"src/lib/c.py": "c\n"}, "Feature of 1.2", T0 + timedelta(days=2))
    repo.tag("1.2.0", T0 + timedelta(days=3))
    repo.tag("1.1.0", T0 + timedelta(days=9), middle)
    synced(engine, _org(repo.path))
    shipped = shipped_by_tag(engine)
    assert shipped["1.1.0"] == {"Feature of 1.1"}
    assert shipped["1.2.0"] == {"Feature of 1.2"}


def test_a_late_tag_read_by_a_later_sync_shrinks_what_its_successor_ships(
    engine: Engine, tmp_path: Path
) -> None:
    """A sync after 1.1.0 is tagged late gives it its commit and takes it from 1.2.0."""
    repo = GitRepo(tmp_path / "lib")
    repo.commit({"src/lib/a.py": "a\n"}, "Initial", T0)
    repo.tag("1.0.0", T0 + timedelta(hours=1))
    middle = repo.commit({"src/lib/b.py": "b\n"}, "Feature of 1.1", T0 + timedelta(days=1))
    repo.commit({"src/lib/c.py": "c\n"}, "Feature of 1.2", T0 + timedelta(days=2))
    repo.tag("1.2.0", T0 + timedelta(days=3))
    synced(engine, _org(repo.path))
    assert shipped_by_tag(engine)["1.2.0"] == {"Feature of 1.1", "Feature of 1.2"}
    repo.tag("1.1.0", T0 + timedelta(days=9), middle)
    synced(engine, _org(repo.path))
    shipped = shipped_by_tag(engine)
    assert shipped["1.1.0"] == {"Feature of 1.1"}
    assert shipped["1.2.0"] == {"Feature of 1.2"}


def test_a_maintenance_branch_never_merged_back_ships_its_own_commits(
    engine: Engine, tmp_path: Path
) -> None:
    """1.0.1 on a branch main never merges ships that branch's fixes, read as changes, and a
    backport titled like main's pull request does not replace it."""
    repo = GitRepo(tmp_path / "lib")
    repo.commit({"src/lib/a.py": "a\n"}, "Initial", T0)
    repo.tag("1.0.0", T0 + timedelta(hours=1))
    repo.git("branch", "1.0.x")
    main_fix = repo.commit({"src/lib/a.py": "a\nfix\n"}, "Fix (#7)", T0 + timedelta(days=1))
    repo.commit({"src/lib/b.py": "b\n"}, "New feature", T0 + timedelta(days=2))
    repo.tag("1.1.0", T0 + timedelta(days=3))
    repo.git("checkout", "-q", "1.0.x")
    backport = repo.commit({"src/lib/a.py": "a\nfix\n"}, "Fix (#7)", T0 + timedelta(days=4))
    repo.commit({"src/lib/s.py": "s\n"}, "Security fix", T0 + timedelta(days=5))
    repo.tag("1.0.1", T0 + timedelta(days=6))
    repo.git("checkout", "-q", "main")
    synced(engine, _org(repo.path))
    shipped = shipped_by_tag(engine)
    assert shipped["1.0.1"] == {"Fix", "Security fix"}
    assert shipped["1.1.0"] == {"Fix", "New feature"}
    with Session(engine) as session:
        keys = dict(session.exec(select(Change.sha, Change.key)).all())
    # Pull request #7 is main's commit still; the backport is keyed by its own sha.
    assert keys[main_fix] == "acme/lib#7"
    assert keys[backport] == f"acme/lib@{backport[:12]}"


def test_a_maintenance_branch_tagged_in_a_later_sync_is_read_then(
    engine: Engine, tmp_path: Path
) -> None:
    """A maintenance release tagged after a first sync has its branch's commits read by the next."""
    repo = GitRepo(tmp_path / "lib")
    repo.commit({"src/lib/a.py": "a\n"}, "Initial", T0)
    repo.tag("1.0.0", T0 + timedelta(hours=1))
    repo.commit({"src/lib/b.py": "b\n"}, "New feature", T0 + timedelta(days=2))
    repo.tag("1.1.0", T0 + timedelta(days=3))
    synced(engine, _org(repo.path))
    repo.git("checkout", "-q", "-b", "1.0.x", "1.0.0")
    repo.commit({"src/lib/s.py": "s\n"}, "Security fix", T0 + timedelta(days=5))
    repo.tag("1.0.1", T0 + timedelta(days=6))
    repo.git("checkout", "-q", "main")
    synced(engine, _org(repo.path))
    assert shipped_by_tag(engine)["1.0.1"] == {"Security fix"}


def test_a_project_s_renamed_tag_schemes_are_one_line(engine: Engine, tmp_path: Path) -> None:
    """``PROJ_1_0``, ``proj-1.1`` and ``rel/proj-1.2`` follow each other: each ships its range."""
    repo = GitRepo(tmp_path / "proj")
    repo.commit({"src/lib/a.py": "a\n"}, "Initial", T0)
    repo.tag("PROJ_1_0", T0 + timedelta(hours=1))
    repo.commit({"src/lib/b.py": "b\n"}, "Second", T0 + timedelta(days=1))
    repo.tag("proj-1.1", T0 + timedelta(days=1, hours=1))
    repo.commit({"src/lib/c.py": "c\n"}, "Third", T0 + timedelta(days=2))
    repo.tag("rel/proj-1.2", T0 + timedelta(days=2, hours=1))
    synced(engine, _org(repo.path, r"^(PROJ_|proj-|rel/proj-)\\d+([._]\\d+)+$", "acme/proj"))
    shipped = shipped_by_tag(engine)
    assert shipped == {"PROJ_1_0": {"Initial"}, "proj-1.1": {"Second"}, "rel/proj-1.2": {"Third"}}


def test_underscore_versions_and_project_lines() -> None:
    """``LANG_3_0_1``'s line is ``LANG_``; a project's namings over its life are its lines."""
    assert release_line("LANG_3_0_1") == "LANG_"
    assert release_line("commons-lang3-3.5") == "commons-lang3-"
    lines = {"LANG_": 12, "commons-lang-": 5, "commons-lang3-": 4, "rel/commons-lang-": 9, "": 1}
    assert project_lines(lines, "apache/commons-lang") == frozenset(lines)
    # Another package's line in a monorepo is not the project's.
    assert project_lines({"": 40, "create-vite@": 9}, "vitejs/vite") == frozenset({""})


def test_a_tag_of_an_annotated_tag_is_its_commit(engine: Engine, tmp_path: Path) -> None:
    """``v1.0`` made on the annotated ``rc1`` is read at rc1's commit, so 1.1 ships only its own."""
    repo = GitRepo(tmp_path / "lib")
    repo.commit({"src/lib/a.py": "a\n"}, "Initial", T0)
    repo.tag("rc1", T0 + timedelta(hours=1))
    repo.tag("v1.0", T0 + timedelta(hours=2), "rc1")
    repo.commit({"src/lib/b.py": "b\n"}, "Next", T0 + timedelta(days=1))
    repo.tag("v1.1", T0 + timedelta(days=2))
    synced(engine, _org(repo.path))
    assert shipped_by_tag(engine) == {"v1.0": {"Initial"}, "v1.1": {"Next"}}
    with Session(engine) as session:
        shas = set(session.exec(select(Deploy.sha)))
    assert shas <= set(repo.git("rev-list", "--all").split())


def _shipped_by_deploy(engine: Engine) -> dict[tuple[str, str], set[str]]:
    """The titles each deploy ships, by (tag, service)."""
    with Session(engine) as session:
        rows = session.exec(
            select(Deploy.key, Change.title)
            .join(DeployChange, col(DeployChange.deploy_id) == col(Deploy.id))
            .join(Change, col(Change.id) == col(DeployChange.change_id))
        ).all()
    out: dict[tuple[str, str], set[str]] = {}
    for key, title in rows:
        _, _, tag, service = key.split(":")
        out.setdefault((tag, service), set()).add(title)
    return out


def test_a_workspace_s_releases_before_its_crate_tags_deploy_each_crate_once(
    engine: Engine, tmp_path: Path
) -> None:
    """``v0.1.0`` and ``v0.2.0``, tagged before per-crate tags began, deploy both crates; at the
    first crate tags (``tool-v0.3.0`` beside ``v0.3.0`` on one commit) each crate ships only what
    followed ``v0.2.0``, and ``v0.3.0`` ships nothing a second time."""
    repo = GitRepo(tmp_path / "tool")
    repo.commit({"crates/tool/a.rs": "a\n", "crates/core/c.rs": "c\n"}, "Initial", T0)
    repo.tag("v0.1.0", T0 + timedelta(hours=1))
    repo.commit({"crates/core/c.rs": "c\n2\n"}, "Core work", T0 + timedelta(days=1))
    repo.commit({"crates/tool/a.rs": "a\n2\n"}, "Tool work", T0 + timedelta(days=2))
    repo.tag("v0.2.0", T0 + timedelta(days=3))
    repo.commit({"crates/core/c.rs": "c\n3\n"}, "Core 0.3", T0 + timedelta(days=4))
    repo.commit({"crates/tool/a.rs": "a\n3\n"}, "Tool 0.3", T0 + timedelta(days=5))
    for name in ("v0.3.0", "tool-v0.3.0", "tool-core-v0.3.0"):
        repo.tag(name, T0 + timedelta(days=6))
    repo.commit({"crates/tool/a.rs": "a\n4\n"}, "Tool fix", T0 + timedelta(days=7))
    repo.tag("tool-v0.3.1", T0 + timedelta(days=8))
    org = parse_org_config(
        f"""
[[repositories]]
name = "acme/tool"
path = "{repo.path}"
[[services]]
key = "tool"
repository = "acme/tool"
paths = ["crates/tool/**"]
[[services]]
key = "tool-core"
repository = "acme/tool"
paths = ["crates/core/**"]
[sources.git]
deploy_tags = "^(?:tool-|tool-core-)?v?\\\\d+(\\\\.\\\\d+)+$"
"""
    )
    synced(engine, org)
    assert _shipped_by_deploy(engine) == {
        ("v0.1.0", "tool"): {"Initial"},
        ("v0.1.0", "tool-core"): {"Initial"},
        ("v0.2.0", "tool"): {"Tool work"},
        ("v0.2.0", "tool-core"): {"Core work"},
        ("tool-v0.3.0", "tool"): {"Tool 0.3"},
        ("tool-core-v0.3.0", "tool-core"): {"Core 0.3"},
        ("tool-v0.3.1", "tool"): {"Tool fix"},
    }


def test_a_fix_picked_onto_two_maintenance_lines_counts_once(
    engine: Engine, tmp_path: Path
) -> None:
    """A fix made on ``stable-2`` and picked from there onto ``stable-1`` (main's own commit a
    different patch) is one change: the pick on the second line is stored as a pick of the
    first line's commit, and both releases ship it."""
    repo = GitRepo(tmp_path / "lib")
    repo.commit({"src/lib/a.py": "a\n"}, "Initial", T0)
    repo.tag("1.0.0", T0 + timedelta(hours=1))
    repo.git("branch", "stable-1")
    repo.commit({"src/lib/b.py": "b\n"}, "New feature", T0 + timedelta(days=1))
    repo.tag("2.0.0", T0 + timedelta(days=1, hours=1))
    repo.git("branch", "stable-2")
    repo.commit({"src/lib/a.py": "a\nmain fix\n"}, "Fix a crash (#9)", T0 + timedelta(days=2))
    repo.git("checkout", "-q", "stable-2")
    first = repo.commit({"src/lib/a.py": "a\nfix\n"}, "Fix a crash (#10)", T0 + timedelta(days=3))
    repo.tag("2.0.1", T0 + timedelta(days=3, hours=1))
    repo.git("checkout", "-q", "stable-1")
    second = repo.commit(
        {"src/lib/a.py": "a\nfix\n"}, "Fix a crash (#10) (#11)", T0 + timedelta(days=4)
    )
    repo.tag("1.0.1", T0 + timedelta(days=4, hours=1))
    repo.git("checkout", "-q", "main")
    synced(engine, _org(repo.path))
    rows = _changes_by_sha(engine)
    assert rows[second].state == "picked"
    assert rows[second].picked_from_key == rows[first].key
    assert rows[first].state != "picked"
    shipped = shipped_by_tag(engine)
    assert "Fix a crash" in shipped["2.0.1"]
    assert "Fix a crash" in shipped["1.0.1"]


def test_a_backport_of_the_branch_s_newest_commit_is_a_pick_of_it(
    engine: Engine, tmp_path: Path
) -> None:
    """A fix backported to a maintenance line from the branch's head commit (nothing merged
    after it yet) is a pick of that commit, not a second change."""
    repo = GitRepo(tmp_path / "lib")
    repo.commit({"src/lib/a.py": "a\n"}, "Initial", T0)
    repo.tag("1.0.0", T0 + timedelta(hours=1))
    repo.git("branch", "1.0.x")
    repo.commit({"src/lib/b.py": "b\n"}, "New feature", T0 + timedelta(days=1))
    head = repo.commit({"src/lib/a.py": "a\nfix\n"}, "Fix a crash", T0 + timedelta(days=2))
    repo.git("checkout", "-q", "1.0.x")
    backport = repo.commit({"src/lib/a.py": "a\nfix\n"}, "Fix a crash", T0 + timedelta(days=3))
    repo.tag("1.0.1", T0 + timedelta(days=3, hours=1))
    repo.git("checkout", "-q", "main")
    synced(engine, _org(repo.path))
    rows = _changes_by_sha(engine)
    assert rows[backport].state == "picked"
    assert rows[backport].picked_from_key == rows[head].key


def test_a_backport_adapted_to_its_branch_is_a_pick_by_its_trailer(
    engine: Engine, tmp_path: Path
) -> None:
    """A backport whose conflict was resolved (another patch than main's) but whose message
    carries ``git cherry-pick -x``'s trailer is a pick of the commit it names; a trailer naming
    a commit the clone lacks, or one that changed other files (a backport of its tests alone),
    says nothing."""
    repo = GitRepo(tmp_path / "lib")
    repo.commit({"src/lib/a.py": "a\nold\n"}, "Initial", T0)
    repo.tag("1.0.0", T0 + timedelta(hours=1))
    repo.git("branch", "1.0.x")
    repo.commit({"src/lib/a.py": "a\nnew\n"}, "Rework", T0 + timedelta(days=1))
    fix = repo.commit({"src/lib/a.py": "a\nnew\nfix\n"}, "Fix a crash", T0 + timedelta(days=2))
    repo.commit({"src/lib/b.py": "b\n"}, "Next", T0 + timedelta(days=2, hours=1))
    both = repo.commit(
        {"src/lib/c.py": "c\n", "tests/test_c.py": "t\n"}, "Add c", T0 + timedelta(days=2, hours=2)
    )
    repo.git("checkout", "-q", "1.0.x")
    adapted = repo.commit(
        {"src/lib/a.py": "a\nold\nfix\n"},
        f"Fix a crash\n\n(cherry picked from commit {fix})",
        T0 + timedelta(days=3),
    )
    stray = repo.commit(
        {"src/lib/s.py": "s\n"},
        "Security fix\n\n(cherry picked from commit 0123456789abcdef0123456789abcdef01234567)",
        T0 + timedelta(days=3, hours=1),
    )
    partial = repo.commit(
        {"tests/test_c.py": "t\n"},
        f"Add c's test\n\n(cherry picked from commit {both})",
        T0 + timedelta(days=3, hours=2),
    )
    repo.tag("1.0.1", T0 + timedelta(days=4))
    repo.git("checkout", "-q", "main")
    synced(engine, _org(repo.path))
    rows = _changes_by_sha(engine)
    assert rows[adapted].state == "picked"
    assert rows[adapted].picked_from_key == rows[fix].key
    assert rows[stray].state != "picked"
    assert rows[partial].state != "picked"


def test_a_backport_of_a_change_keyed_by_its_sha_is_a_pick_of_that_change(
    engine: Engine, tmp_path: Path
) -> None:
    """Where a pull request number came back (an old ``Fix x (#5)`` holds ``acme/lib#5``, so a
    later ``Fix a crash (#5)`` is keyed by its sha), a backport of the later commit is a pick
    of it, not of the old change that holds the number."""
    repo = GitRepo(tmp_path / "lib")
    repo.commit({"src/lib/a.py": "a\n"}, "Initial", T0)
    old = repo.commit({"src/lib/o.py": "o\n"}, "Old fix (#5)", T0 + timedelta(minutes=30))
    repo.tag("1.0.0", T0 + timedelta(hours=1))
    repo.git("branch", "1.0.x")
    fix = repo.commit({"src/lib/a.py": "a\nfix\n"}, "Fix a crash (#5)", T0 + timedelta(days=1))
    repo.commit({"src/lib/b.py": "b\n"}, "Next", T0 + timedelta(days=2))
    repo.git("checkout", "-q", "1.0.x")
    backport = repo.commit({"src/lib/a.py": "a\nfix\n"}, "Fix a crash", T0 + timedelta(days=3))
    repo.tag("1.0.1", T0 + timedelta(days=4))
    repo.git("checkout", "-q", "main")
    synced(engine, _org(repo.path))
    rows = _changes_by_sha(engine)
    assert rows[old].key == "acme/lib#5"
    assert rows[fix].key == f"acme/lib@{fix[:12]}"
    assert rows[backport].state == "picked"
    assert rows[backport].picked_from_key == rows[fix].key


def test_a_backport_merged_as_a_pull_request_is_a_pick_of_the_merged_one(
    engine: Engine, tmp_path: Path
) -> None:
    """A pull request of two commits merged on main with a merge commit, and its backport
    merged onto a maintenance line the same way (one commit there, the same patch as the two),
    is one change: the backport's merge is a pick of main's, though a walk of main limited to
    the files leaves main's merge out as the same as its branch."""
    repo = GitRepo(tmp_path / "lib")
    repo.commit({"src/lib/a.py": "a\n"}, "Initial", T0)
    repo.tag("1.0.0", T0 + timedelta(hours=1))
    repo.git("branch", "1.0.x")
    repo.git("checkout", "-q", "-b", "fix-crash")
    repo.commit({"src/lib/a.py": "a\nfix\n"}, "Fix a crash", T0 + timedelta(days=1))
    repo.commit({"src/lib/a.py": "a\nfix\nmore\n"}, "One more fix", T0 + timedelta(days=1, hours=1))
    repo.git("checkout", "-q", "main")
    merged = repo.merge(
        "fix-crash", "Merge pull request #7 from acme/fix-crash", T0 + timedelta(days=2)
    )
    repo.commit({"src/lib/b.py": "b\n"}, "Next", T0 + timedelta(days=2, hours=1))
    repo.git("checkout", "-q", "1.0.x")
    repo.git("checkout", "-q", "-b", "cherry-pick-7-to-1.0.x")
    repo.commit({"src/lib/a.py": "a\nfix\nmore\n"}, "Fix a crash", T0 + timedelta(days=3))
    repo.git("checkout", "-q", "1.0.x")
    backport = repo.merge(
        "cherry-pick-7-to-1.0.x",
        "Merge pull request #8 from bot/cherry-pick-7-to-1.0.x",
        T0 + timedelta(days=3, hours=1),
    )
    repo.tag("1.0.1", T0 + timedelta(days=4))
    repo.git("checkout", "-q", "main")
    synced(engine, _org(repo.path))
    rows = _changes_by_sha(engine)
    assert rows[merged].key == "acme/lib#7"
    assert rows[backport].key == "acme/lib#8"
    assert rows[backport].state == "picked"
    assert rows[backport].picked_from_key == "acme/lib#7"


def test_one_fix_made_on_both_lines_then_main_merged_into_the_line_counts_once(
    engine: Engine, tmp_path: Path
) -> None:
    """The same fix merged by one pull request on main and by another on a release line, then
    main merged into the line before its next release (kubebuilder's #2212 and #2214, then
    #2409), is one change: the line's is a pick of main's, though the release reaches both."""
    repo = GitRepo(tmp_path / "lib")
    repo.commit({"src/lib/a.py": "a\n"}, "Initial", T0)
    repo.tag("1.0.0", T0 + timedelta(hours=1))
    repo.git("branch", "release-1")
    repo.git("checkout", "-q", "release-1")
    repo.git("checkout", "-q", "-b", "owners-release")
    repo.commit({"src/lib/OWNERS": "alice\n"}, "Move bob to emeritus", T0 + timedelta(days=1))
    repo.git("checkout", "-q", "release-1")
    line = repo.merge(
        "owners-release", "Merge pull request #14 from bob/owners-release", T0 + timedelta(days=1)
    )
    repo.git("checkout", "-q", "main")
    repo.commit({"src/lib/z.py": "z\n"}, "Earlier main work", T0 + timedelta(hours=12))
    repo.git("checkout", "-q", "-b", "owners-main")
    repo.commit({"src/lib/OWNERS": "alice\n"}, "Move bob to emeritus", T0 + timedelta(days=1))
    repo.git("checkout", "-q", "main")
    merged = repo.merge(
        "owners-main", "Merge pull request #12 from bob/owners-main", T0 + timedelta(days=2)
    )
    repo.commit({"src/lib/b.py": "b\n"}, "Main work", T0 + timedelta(days=3))
    repo.git("checkout", "-q", "release-1")
    repo.merge("main", "Merge pull request #20 from acme/main", T0 + timedelta(days=4))
    repo.tag("1.1.0", T0 + timedelta(days=5))
    repo.git("checkout", "-q", "main")
    repo.commit({"src/lib/c.py": "c\n"}, "More main work", T0 + timedelta(days=6))
    synced(engine, _org(repo.path))
    rows = _changes_by_sha(engine)
    assert rows[merged].key == "acme/lib#12"
    assert rows[merged].state == "merged"
    assert rows[line].key == "acme/lib#14"
    assert rows[line].state == "picked"
    assert rows[line].picked_from_key == "acme/lib#12"


def test_a_fix_inside_a_pull_request_of_a_line_read_before_is_the_change_that_landed_it(
    engine: Engine, tmp_path: Path
) -> None:
    """A fix made first inside pull request #11 on ``stable-2``, then merged on main as #10
    and on ``stable-1`` as #12 (one patch each time): #12's oldest twin is #11's inner commit,
    which no key names, so it is counted as the change that landed it there, #10."""
    repo = GitRepo(tmp_path / "lib")
    repo.commit({"src/lib/a.py": "a\n"}, "Initial", T0)
    repo.tag("1.0.0", T0 + timedelta(hours=1))
    repo.git("branch", "stable-1")
    repo.commit({"src/lib/b.py": "b\n"}, "New feature", T0 + timedelta(days=1))
    repo.tag("2.0.0", T0 + timedelta(days=1, hours=1))
    repo.git("branch", "stable-2")
    pulls: dict[int, str] = {}
    for number, line, day in ((11, "stable-2", 3), (10, "main", 4), (12, "stable-1", 5)):
        repo.git("checkout", "-q", line)
        repo.git("checkout", "-q", "-b", f"bump-{number}")
        repo.commit({"src/lib/a.py": "a\nbump\n"}, "Bump base images", T0 + timedelta(days=day))
        repo.git("checkout", "-q", line)
        pulls[number] = repo.merge(
            f"bump-{number}",
            f"Merge pull request #{number} from acme/bump-{number}",
            T0 + timedelta(days=day, hours=1),
        )
    repo.git("checkout", "-q", "stable-2")
    repo.tag("2.0.1", T0 + timedelta(days=3, hours=2))
    repo.git("checkout", "-q", "stable-1")
    repo.tag("1.0.1", T0 + timedelta(days=5, hours=2))
    repo.git("checkout", "-q", "main")
    synced(engine, _org(repo.path))
    rows = _changes_by_sha(engine)
    assert rows[pulls[10]].state != "picked"
    assert rows[pulls[11]].picked_from_key == "acme/lib#10"
    assert rows[pulls[12]].state == "picked"
    assert rows[pulls[12]].picked_from_key == "acme/lib#10"


def test_an_amended_commit_merged_beside_its_first_version_counts_once(
    engine: Engine, tmp_path: Path
) -> None:
    """A commit amended and pushed again, its first version merged into the same branch beside
    it, and the branch merged with a merge no code host wrote (puppetlabs-apache, 2012): the
    second version is stored as a pick of the first, and the branch's other commit stays a
    change of its own."""
    repo = GitRepo(tmp_path / "lib")
    repo.commit({"src/lib/a.py": "a\n"}, "Initial", T0)
    repo.git("checkout", "-q", "-b", "vhost-status")
    first = repo.commit(
        {"src/lib/a.py": "a\nstatus\n"}, "Add a vhost status option", T0 + timedelta(hours=1)
    )
    repo.git("checkout", "-q", "-b", "amended", "HEAD~1")
    second = repo.commit(
        {"src/lib/a.py": "a\nstatus\n"}, "Add the vhost status", T0 + timedelta(hours=2)
    )
    repo.git("checkout", "-q", "vhost-status")
    repo.merge("amended", "Merge branch 'vhost-status' of a fork", T0 + timedelta(hours=3))
    other = repo.commit({"src/lib/b.py": "b\n"}, "Depend on stdlib", T0 + timedelta(hours=4))
    repo.git("checkout", "-q", "main")
    repo.merge(
        "vhost-status", "Merge remote-tracking branch 'fork/vhost-status'", T0 + timedelta(hours=5)
    )
    synced(engine, _org(repo.path))
    rows = _changes_by_sha(engine)
    assert rows[second].state == "picked"
    assert rows[second].picked_from_key == rows[first].key
    assert rows[first].state != "picked"
    assert rows[other].state != "picked"


def test_a_patch_made_again_after_its_revert_is_a_change_of_its_own(
    engine: Engine, tmp_path: Path
) -> None:
    """A commit, its revert and the same patch landed again, all on a branch merged with a
    merge no code host wrote: the second landing is made on top of the first, so it is a
    change of its own, not a pick of it."""
    repo = GitRepo(tmp_path / "lib")
    repo.commit({"src/lib/a.py": "a\n"}, "Initial", T0)
    repo.git("checkout", "-q", "-b", "develop")
    first = repo.commit({"src/lib/a.py": "a\nlog\n"}, "Log errors", T0 + timedelta(hours=1))
    repo.revert(first, T0 + timedelta(hours=2))
    again = repo.commit({"src/lib/a.py": "a\nlog\n"}, "Log errors again", T0 + timedelta(hours=3))
    repo.git("checkout", "-q", "main")
    repo.merge("develop", "Merge branch 'develop'", T0 + timedelta(hours=4))
    synced(engine, _org(repo.path))
    rows = _changes_by_sha(engine)
    assert rows[again].state != "picked"
    assert rows[again].picked_from_key is None
    assert rows[first].state != "picked"


def test_a_translation_pushed_to_two_branches_merged_back_through_another_line_counts_once(
    engine: Engine, tmp_path: Path
) -> None:
    """A translation service pushes one commit to ``main`` and the same patch to ``master``;
    later a developer's ``main`` (a commit on top of the translation) is pulled in with
    ``master`` merged into it, all by merges no code host wrote (NewPipe's Weblate commits,
    2017): the copy from ``master`` is a pick of the translation, though the first commit that
    merge brought reaches the translation and the copy does not."""
    repo = GitRepo(tmp_path / "lib")
    repo.commit({"src/lib/a.py": "a\n"}, "Initial", T0)
    repo.git("checkout", "-q", "-b", "master")
    repo.commit({"src/lib/b.py": "b\n"}, "Release notes", T0 + timedelta(hours=1))
    copy = repo.commit({"de.po": "ja\n"}, "Translated (German)", T0 + timedelta(hours=2))
    repo.git("checkout", "-q", "main")
    original = repo.commit({"de.po": "ja\n"}, "Translated (German)", T0 + timedelta(hours=2))
    repo.git("checkout", "-q", "-b", "origin-main")
    bump = repo.commit({"src/lib/a.py": "a\nv2\n"}, "Move on to v2", T0 + timedelta(hours=3))
    repo.merge("master", "Merge branch 'master' into main", T0 + timedelta(hours=4))
    repo.git("checkout", "-q", "main")
    repo.commit({"src/lib/c.py": "c\n"}, "Local work", T0 + timedelta(hours=5))
    repo.merge(
        "origin-main", "Merge remote-tracking branch 'origin/main' into main", T0 + timedelta(6)
    )
    synced(engine, _org(repo.path))
    rows = _changes_by_sha(engine)
    assert rows[copy].state == "picked"
    assert rows[copy].picked_from_key == rows[original].key
    assert rows[original].state != "picked"
    assert rows[bump].state != "picked"


def test_a_rebased_commit_pulled_back_into_a_maintenance_line_counts_once(
    engine: Engine, tmp_path: Path
) -> None:
    """A maintenance line main never reaches, where a commit made on it and the same commit
    rebased elsewhere are brought together by a ``git pull`` merge (OpenZeppelin's
    ``zos-release``, 2018): its release ships the commit once, the pulled copy stored as a
    pick of the line's own."""
    repo = GitRepo(tmp_path / "lib")
    repo.commit({"src/lib/a.py": "a\n"}, "Initial", T0)
    repo.tag("1.0.0", T0 + timedelta(hours=1))
    repo.git("branch", "zos")
    repo.commit({"src/lib/b.py": "b\n"}, "New feature", T0 + timedelta(days=1))
    repo.tag("1.1.0", T0 + timedelta(days=2))
    repo.git("checkout", "-q", "zos")
    base = repo.git("rev-parse", "HEAD").strip()
    ignore = repo.commit(
        {"src/lib/a.py": "a\nnpm\n"}, "Ignore all but contracts", T0 + timedelta(days=3)
    )
    repo.git("checkout", "-q", "-b", "remote", base)
    repo.commit({"src/lib/c.py": "c\n"}, "Deployable tokens", T0 + timedelta(days=3, hours=1))
    copy = repo.commit(
        {"src/lib/a.py": "a\nnpm\n"}, "Ignore all but contracts", T0 + timedelta(days=3, hours=2)
    )
    repo.git("checkout", "-q", "zos")
    repo.merge(
        "remote", "Merge branch 'zos' of github.com:acme/lib into zos", T0 + timedelta(days=4)
    )
    repo.tag("1.0.1", T0 + timedelta(days=5))
    repo.git("checkout", "-q", "main")
    synced(engine, _org(repo.path))
    rows = _changes_by_sha(engine)
    assert rows[copy].state == "picked"
    assert rows[copy].picked_from_key == rows[ignore].key
    assert rows[ignore].state != "picked"
    assert shipped_by_tag(engine)["1.0.1"] == {"Ignore all but contracts", "Deployable tokens"}
