"""`riskbrief sync` from the command line, on a real clone."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from tests.bot.cli.conftest import T0, store_rows
from tests.data.sources.gitrepo import GitRepo, lose_object, shallow_clone

pytestmark = pytest.mark.usefixtures("clean_git_env")


def test_sync_prints_one_summary_line_per_source_and_is_idempotent(workspace: Path) -> None:
    """The first sync adds the clone's rows; the second adds nothing; each ends in summary lines."""
    first = CliRunner().invoke(main, ["sync"])
    second = CliRunner().invoke(main, ["sync"])
    assert first.exit_code == 0, first.output
    assert first.output.splitlines() == [
        "git acme/shop: 2 changes and 1 deploy added, 0 updated",
        "reverts: 0 reverts recorded as incidents, 0 updated",
    ]
    assert second.output.splitlines()[0] == "git acme/shop: 0 added, 0 updated"
    changes, deploys = store_rows(workspace)
    assert changes == 2
    assert [d.key for d in deploys] == ["git-tag:acme/shop:v1:api"]


def _name(workspace: Path, path: Path, name: str) -> None:
    """Add ``path`` to the workspace's riskbrief.toml as repository ``name`` (no service)."""
    toml = workspace / "riskbrief.toml"
    entry = f'[[repositories]]\nname = "{name}"\npath = "{path}"\n'
    toml.write_text(entry + toml.read_text(encoding="utf-8"), encoding="utf-8")


def test_sync_of_a_configured_path_that_is_no_clone_fails_that_source_in_one_line(
    workspace: Path,
) -> None:
    """`--git` with a configured plain folder ends in a summary line saying so, exit 1."""
    folder = workspace / "plain"
    folder.mkdir()
    _name(workspace, folder, "acme/plain")
    result = CliRunner().invoke(main, ["sync", "--git", str(folder)])
    assert result.exit_code == 1
    assert "is not a git repository" in result.output
    assert "Traceback" not in result.output


def test_sync_of_a_clone_the_configuration_does_not_name_is_refused(workspace: Path) -> None:
    """`sync --git OTHER` for a clone riskbrief.toml does not name mines nothing and says in
    one sentence what to add."""
    other = GitRepo(workspace / "billing")
    other.commit({"src/pay.py": "a\n"}, "Add payments", T0)
    result = CliRunner().invoke(main, ["sync", "--git", str(other.path)])
    assert result.exit_code == 1, result.output
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"Error: {other.path} is no [[repositories]] entry of ")
    assert f'add [[repositories]] with path = "{other.path.resolve()}"' in line
    assert store_rows(workspace) == (0, [])


def test_sync_of_a_clone_no_service_maps_says_so(workspace: Path) -> None:
    """`sync --git` of a configured clone whose files no service covers ends with a line
    saying what to add."""
    other = GitRepo(workspace / "billing")
    other.commit({"src/pay.py": "a\n"}, "Add payments", T0)
    _name(workspace, other.path, "billing")
    result = CliRunner().invoke(main, ["sync", "--git", str(other.path)])
    assert result.exit_code == 0, result.output
    assert "billing: 1 change added, 0 updated" in result.output
    assert (
        "billing: none of its changed files is in a service of "
        f"{workspace / 'riskbrief.toml'}, so briefings count none of its changes"
    ) in result.output


def test_sync_of_a_bare_repository_says_to_make_a_working_clone(workspace: Path) -> None:
    """A bare repository named in riskbrief.toml is told to make a working clone, not to run
    `git fsck` as if it were damaged."""
    bare = workspace / "bare.git"
    GitRepo(workspace / "shop").git("clone", "-q", "--bare", str(workspace / "shop"), str(bare))
    _name(workspace, bare, "acme/bare")
    result = CliRunner().invoke(main, ["sync", "--git", str(bare)])
    assert result.exit_code == 1, result.output
    assert f"{bare} is a bare repository (no working tree); make a working clone with " in (
        result.output
    )
    assert f"`git clone {bare} <folder>`" in result.output
    assert "fsck" not in result.output
    assert "Traceback" not in result.output


def test_sync_of_a_damaged_clone_says_what_failed_and_how_to_mend_it(workspace: Path) -> None:
    """A clone missing an object fails its source in one sentence naming `git fsck`, not
    "failed after 0 added", and sync exits 1."""
    lost = lose_object(GitRepo(workspace / "shop"), "HEAD~1:api/app.py")
    result = CliRunner().invoke(main, ["sync"])
    assert result.exit_code == 1, result.output
    line = result.output.splitlines()[0]
    assert line.startswith("git acme/shop: failed: git log failed (unable to read ")
    assert lost in line
    assert "`git fsck` there names what is missing or damaged" in line
    assert "failed after" not in result.output
    assert "Traceback" not in result.output


def test_sync_of_a_shallow_clone_says_so_and_stores_no_cut_commit(
    workspace: Path, tmp_path: Path
) -> None:
    """`sync --git` of a --depth 1 clone stores nothing made up and says in one line how to
    fetch the history."""
    shallow = shallow_clone(workspace / "shop", tmp_path / "ci", 1)
    _name(workspace, shallow, "ci")
    result = CliRunner().invoke(main, ["sync", "--git", str(shallow)])
    assert result.exit_code == 0, result.output
    assert "ci: 0 added, 0 updated" in result.output
    (note,) = [line for line in result.output.splitlines() if "shallow" in line]
    assert note.startswith(f"ci: {shallow} is a shallow clone, so its history before the cut")
    assert "run `git fetch --unshallow` in it" in note


def test_a_clone_without_tags_is_said_by_sync_and_warned_by_doctor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A clone with no tag makes no deploy: sync says so with the fix, and doctor warns
    instead of passing "matches tags"."""
    from datetime import timedelta

    from tests.bot.shop import cli_workspace, shop_toml

    repo = GitRepo(tmp_path / "shop")
    repo.commit({"api/app.py": "a\n"}, "Add the API", T0)
    repo.commit({"api/app.py": "a\nb\n"}, "Grow the API", T0 + timedelta(hours=1))
    cli_workspace(tmp_path, shop_toml(repo.path), monkeypatch)
    synced = CliRunner().invoke(main, ["sync"])
    assert synced.exit_code == 0, synced.output
    assert "acme/shop has no tags, so none of its releases is read as a deploy" in synced.output
    assert "`git tag v1.2.0 <commit>`" in synced.output
    doctor = CliRunner().invoke(main, ["doctor"])
    line = next(x for x in doctor.output.splitlines() if "deploy tags:" in x)
    assert line.startswith("warn  deploy tags: acme/shop has no tags"), line
    assert "Fix: tag its releases" in line
    assert "matches tags" not in doctor.output
    assert "1 warning" in doctor.output.splitlines()[-1]


def test_release_tags_that_made_no_deploy_are_counted_in_one_line(workspace: Path) -> None:
    """Of three release tags, the one whose release changed only package.json made no deploy:
    sync says how many of how many, the newest of them, and why, in one line."""
    from datetime import timedelta

    repo = GitRepo(workspace / "shop")
    repo.commit({"package.json": '{"version": "1.0.1"}\n'}, "Bump", T0 + timedelta(hours=3))
    repo.tag("v1.0.1", T0 + timedelta(hours=4))
    repo.commit({"api/app.py": "a\nb\nc\n"}, "Grow more", T0 + timedelta(hours=5))
    repo.tag("v1.1", T0 + timedelta(hours=6))
    result = CliRunner().invoke(main, ["sync"])
    assert result.exit_code == 0, result.output
    lines = [x for x in result.output.splitlines() if "made no deploy" in x]
    assert lines == [
        "acme/shop: 1 of 3 release tags made no deploy (newest `v1.0.1`): the commits each "
        "released changed no file of a service it deploys, only files outside their paths "
        "(a release that changed only a version, a lock file, CI or release notes, say)"
    ], result.output
    _, deploys = store_rows(workspace)
    assert len(deploys) == 2
