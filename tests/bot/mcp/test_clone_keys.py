"""`change_risk` on a clone-only organisation: the keys a synced clone stores, over stdio."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bot.cli import main
from tests.bot.mcp.client import over_stdio
from tests.bot.shop import cli_workspace, merge_pr
from tests.data.sources.gitrepo import GitRepo

T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
ADA = "Ada Lovelace <ada@example.com>"

pytestmark = pytest.mark.usefixtures("clean_git_env")


def _toml(clone: Path) -> str:
    return f"""
[organisation]
name = "Shop"

[[repositories]]
name = "shop"
path = "{clone}"

[[services]]
key = "api"
repository = "shop"
paths = ["api/**"]

[sources.git]
deploy_tags = "^v\\\\d+$"
"""


def test_a_clone_s_pull_request_and_commit_are_found_by_their_keys_and_shas(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A merge commit's PR (`shop#7`) and a bare commit (`shop@sha12`), by key and by sha."""
    repo = GitRepo(tmp_path / "shop")
    repo.commit({"api/app.py": "a\n"}, "Initial", T0, ADA)
    merge_pr(
        repo, 7, "feature", {"api/app.py": "a\nb\n"}, "Grow the API", T0, T0 + timedelta(hours=2)
    )
    repo.commit({"api/app.py": "a\nb\nc\n"}, "Tidy the API", T0 + timedelta(hours=3), ADA)
    repo.tag("v1", T0 + timedelta(hours=4))
    merge_sha = repo.git("rev-parse", "HEAD~1").strip()
    commit_sha = repo.git("rev-parse", "HEAD").strip()
    cli_workspace(tmp_path, _toml(repo.path), monkeypatch)
    for command in (["sync"], ["score"]):
        done = CliRunner().invoke(main, command)
        assert done.exit_code == 0, done.output
    calls: list[tuple[str, dict[str, Any]]] = [
        ("change_risk", {"change": "shop#7"}),
        ("change_risk", {"change": merge_sha[:9]}),
        ("change_risk", {"change": f"shop@{commit_sha[:12]}"}),
        ("change_risk", {"change": commit_sha}),
    ]
    env = dict(os.environ)
    pull, by_merge, commit, by_sha = over_stdio(["mcp"], calls, env).answers
    assert pull.data["key"] == by_merge.data["key"] == "shop#7"
    assert pull.data["title"] == "Grow the API"
    assert commit.data["key"] == by_sha.data["key"] == f"shop@{commit_sha[:12]}"
    assert commit.data["deploys"][0]["key"].startswith("git-tag:")
    # A clone cannot say who reviewed: unknown, never "not reviewed".
    assert commit.data["human_reviewed"] is None
    assert "review" in {u["name"] for u in commit.data["unknowns"]}


def test_a_clone_s_change_is_told_with_its_author_and_its_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a GitHub origin, a clone's PR and commit get their pages, and their stored author."""
    repo = GitRepo(tmp_path / "shop")
    repo.commit({"api/app.py": "a\n"}, "Initial", T0, ADA)
    merge_pr(
        repo, 7, "feature", {"api/app.py": "a\nb\n"}, "Grow the API", T0, T0 + timedelta(hours=2)
    )
    repo.commit({"api/app.py": "a\nb\nc\n"}, "Tidy the API", T0 + timedelta(hours=3), ADA)
    repo.git("remote", "add", "origin", "git@github.com:acme/shop.git")
    commit_sha = repo.git("rev-parse", "HEAD").strip()
    cli_workspace(tmp_path, _toml(repo.path), monkeypatch)
    for command in (["sync"], ["score"]):
        done = CliRunner().invoke(main, command)
        assert done.exit_code == 0, done.output
    calls: list[tuple[str, dict[str, Any]]] = [
        ("change_risk", {"change": "shop#7"}),
        ("change_risk", {"change": commit_sha}),
    ]
    pull, commit = over_stdio(["mcp"], calls, dict(os.environ)).answers
    assert pull.data["url"] == "https://github.com/acme/shop/pull/7"
    assert commit.data["url"] == f"https://github.com/acme/shop/commit/{commit_sha}"
    # Keyed by her address, shown by the name git gives her.
    assert commit.data["author"] == "Ada Lovelace"
    assert pull.data["author"] is not None
