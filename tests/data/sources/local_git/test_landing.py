"""Which commit on a clone's branch landed a commit: the merge that brought it in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from data.sources.local_git.landing import landing_commit
from data.sources.local_git.reverts import RevertTargets
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


def test_a_pull_request_merged_on_a_branch_merged_forward_is_keyed_at_its_own_merge(
    tmp_path: Path,
) -> None:
    """A commit of pull request #7, merged into ``develop`` and brought onto main by a merge no
    host wrote, is keyed ``#7`` at the pull request's merge, not at the forward merge."""
    repo = GitRepo(tmp_path / "r")
    repo.commit({"a.py": "a\n"}, "Start", T0)
    repo.git("checkout", "-q", "-b", "develop")
    repo.git("checkout", "-q", "-b", "feature")
    inner = repo.commit({"a.py": "a\nb\n"}, "Grow", T0 + timedelta(hours=1))
    repo.git("checkout", "-q", "develop")
    pr = repo.merge("feature", "Merge pull request #7 from acme/feature", T0 + timedelta(hours=2))
    repo.git("checkout", "-q", "main")
    forward = repo.merge("develop", "Merge branch 'develop'", T0 + timedelta(hours=3))
    targets = RevertTargets(repo.path, "acme/r")
    assert targets.landing(inner, "HEAD") == forward
    assert targets.keyed(inner, "HEAD") == ("acme/r#7", pr)
    assert targets.key_of(inner, "HEAD") == "acme/r#7"


def test_a_commit_a_line_merging_pull_request_brought_is_keyed_as_itself(tmp_path: Path) -> None:
    """Pull request #44 merged the ``stable`` line into main (its #40 and #41 and a plain
    translation commit): the sync opens it into those changes, so the translation is keyed by
    its own sha and #41 as #41, never #44, a change that is not stored."""
    repo = GitRepo(tmp_path / "r")
    repo.commit({"a.py": "a\n"}, "Initial (#39)", T0)
    repo.git("checkout", "-q", "-b", "stable")
    repo.commit({"b.py": "b\n"}, "Add b (#40)", T0 + timedelta(days=1))
    squashed = repo.commit({"c.py": "c\n"}, "Add c (#41)", T0 + timedelta(days=2))
    plain = repo.commit({"fr.po": "oui\n"}, "Translated using Weblate (French)", T0 + timedelta(3))
    repo.git("checkout", "-q", "main")
    repo.commit({"e.py": "e\n"}, "Add e (#43)", T0 + timedelta(days=4))
    line = repo.merge("stable", "Merge pull request #44 from acme/stable", T0 + timedelta(5))
    targets = RevertTargets(repo.path, "acme/r")
    assert targets.landing(plain, "main") == line
    assert targets.keyed(plain, "main") == (f"acme/r@{plain[:12]}", plain)
    assert targets.key_of(squashed, "main") == "acme/r#41"
    # The sync's own list of the merges it opened says the same without asking git again.
    assert RevertTargets(repo.path, "acme/r", frozenset({line})).key_of(plain, "main") == (
        f"acme/r@{plain[:12]}"
    )
