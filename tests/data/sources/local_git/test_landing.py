"""Which commit on a clone's branch landed a commit: the merge that brought it in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from data.sources.local_git.landing import landing_commit
from tests.bot.shop import merge_pr
from tests.data.sources.gitrepo import GitRepo

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_branch_commit_landed_with_its_merge_and_a_chain_commit_with_none(
    tmp_path: Path,
) -> None:
    """A pull request's own commit names its merge; a commit on the branch's first-parent chain,
    an unknown sha and text that is no sha name nothing."""
    repo = GitRepo(tmp_path / "r")
    first = repo.commit({"a.py": "a\n"}, "Start", T0)
    merge = merge_pr(repo, 3, "feature", {"a.py": "a\nb\n"}, "Grow", T0, T0 + timedelta(hours=1))
    side = repo.git("rev-parse", f"{merge}^2").strip()
    repo.commit({"a.py": "a\nb\nc\n"}, "Tidy", T0 + timedelta(hours=2))
    assert landing_commit(repo.path, side) == merge
    assert landing_commit(repo.path, side[:8]) == merge
    assert landing_commit(repo.path, first) is None
    assert landing_commit(repo.path, "0" * 12) is None
    assert landing_commit(repo.path, "--all") is None
    assert landing_commit(tmp_path / "nowhere", side) is None
