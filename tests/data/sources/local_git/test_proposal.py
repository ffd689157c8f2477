"""A branch of a real clone read as a change not merged yet, and the clone's own history."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from data.config import parse_org_config
from data.sources.diff import parse_diff
from data.sources.local_git import history as clone_module
from data.sources.local_git.clone import clone_repository, default_base
from data.sources.local_git.gitlog import mine_commits
from data.sources.local_git.history import clone_history
from data.sources.local_git.proposal import WORKTREE, clone_proposal, diff_proposal
from scoring.errors import SourceError
from scoring.history import History
from scoring.risk import iter_scores
from tests.data.sources.gitrepo import GitRepo

T0 = datetime(2026, 10, 5, 10, tzinfo=UTC)
NOW = datetime(2026, 11, 24, 10, tzinfo=UTC)
pytestmark = pytest.mark.usefixtures("clean_git_env")

# A branch name git accepts that a shell or an HTML page would run or render.
HOSTILE_BRANCH = "feature/$(id);`id`'\"<b>&amp;"

_ORG = parse_org_config(
    """
[organisation]
name = "Acme"

[[repositories]]
name = "acme/shop"

[[services]]
key = "payments"
repository = "acme/shop"
paths = ["pay/**"]

[[services]]
key = "web"
repository = "acme/shop"
paths = ["web/**"]
"""
)


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """A clone with history on main and a feature branch of two commits checked out."""
    r = GitRepo(tmp_path / "shop")
    r.commit(
        {".github/CODEOWNERS": "pay/ @alice\n", "pay/a.py": "x = 1\n", "web/b.py": "y\n"},
        "start",
        T0,
    )
    for i in range(3):
        r.commit({"pay/a.py": f"x = {i + 2}\n"}, f"fix: tweak {i}", T0 + timedelta(days=i + 1))
    r.git("checkout", "-q", "-b", HOSTILE_BRANCH)
    r.commit(
        {"pay/a.py": "".join(f"line {n}\n" for n in range(120)), "pay/tests/test_a.py": "ok\n"},
        "Add lines\n\nCo-authored-by: Claude <noreply@anthropic.com>",
        T0 + timedelta(days=10),
        author="Bob <Bob@Example.com>",
    )
    r.commit(
        {"web/b.py": "y\nz\n"}, "touch web", T0 + timedelta(days=11), author="Bob <bob@example.com>"
    )
    r.git("remote", "add", "origin", "git@github.com:acme/shop.git")
    return r


def test_a_branch_is_read_against_its_merge_base_with_main(repo: GitRepo) -> None:
    """Files, lines, services, owners, lengths at the base, author and agent credit of the
    branch's two commits."""
    p = clone_proposal(repo.path, _ORG, now=NOW)
    c = p.change
    main = repo.git("rev-parse", "main").strip()
    head = repo.git("rev-parse", "HEAD").strip()
    assert (p.base, p.head) == (main, head)
    assert c.key == f"acme/shop@{head[:12]}"
    assert c.repository == "acme/shop"
    assert c.merged_at == NOW
    assert c.author == "bob@example.com"
    assert c.co_authored_by_agent
    assert not c.reviews_known
    files = {f.path: f for f in c.files}
    assert set(files) == {"pay/a.py", "pay/tests/test_a.py", "web/b.py"}
    assert (files["pay/a.py"].added, files["pay/a.py"].deleted) == (120, 1)
    assert files["pay/a.py"].service == "payments"
    assert files["web/b.py"].service == "web"
    assert files["pay/a.py"].owners == ("@alice",)
    assert files["web/b.py"].owners == ()
    # What each file held at the merge base, as git has it; a new file held nothing.
    assert [files[p].lines_before for p in ("pay/a.py", "web/b.py", "pay/tests/test_a.py")] == [
        1,
        1,
        0,
    ]


def test_default_base_is_the_merge_base_even_after_main_moved_on(repo: GitRepo) -> None:
    """A commit on main after the branch started does not enter the branch's change."""
    fork = repo.git("rev-parse", "main").strip()
    repo.git("checkout", "-q", "main")
    repo.commit({"other.txt": "o\n"}, "later on main", T0 + timedelta(days=12))
    repo.git("checkout", "-q", "-")
    assert default_base(repo.path) == fork
    tip = repo.git("rev-parse", "main").strip()
    for base in (None, "main"):
        p = clone_proposal(repo.path, _ORG, base=base, now=NOW)
        assert (p.base, p.target) == (fork, tip)
        assert "other.txt" not in {f.path for f in p.change.files}
    # The working tree is compared with the fork too, not with main's later state.
    worktree = clone_proposal(repo.path, _ORG, base="main", head=WORKTREE, now=NOW)
    assert "other.txt" not in {f.path for f in worktree.change.files}


def test_explicit_refs_hostile_names_and_unknown_refs(repo: GitRepo) -> None:
    """A branch name with shell syntax is just a ref; an unknown or option-like ref is refused."""
    p = clone_proposal(repo.path, _ORG, base="main", head=HOSTILE_BRANCH, now=NOW)
    assert p.head == repo.git("rev-parse", "HEAD").strip()
    with pytest.raises(SourceError, match="is not a commit"):
        clone_proposal(repo.path, _ORG, base="no-such-branch", now=NOW)
    with pytest.raises(SourceError, match="is not a ref"):
        clone_proposal(repo.path, _ORG, head="--output=/tmp/x", now=NOW)
    with pytest.raises(SourceError, match="no change between"):
        clone_proposal(repo.path, _ORG, base="HEAD", now=NOW)


def test_a_folder_that_is_no_clone_is_one_sentence(tmp_path: Path) -> None:
    """No git repository: a SourceError naming the folder."""
    with pytest.raises(SourceError, match="not a git clone"):
        clone_proposal(tmp_path, _ORG, now=NOW)


def test_the_working_tree_is_the_uncommitted_change(repo: GitRepo) -> None:
    """WORKTREE compares the working tree with the base; the author is git config's e-mail."""
    repo.git("config", "user.email", "Carol@Example.com")
    (repo.path / "web" / "b.py").write_text("y\nz\nw\n", encoding="utf-8")
    p = clone_proposal(repo.path, _ORG, head=WORKTREE, now=NOW)
    files = {f.path: f for f in p.change.files}
    assert files["web/b.py"].added == 2
    assert p.change.author == "carol@example.com"
    assert p.head is None
    assert any("uncommitted" in n for n in p.notes)


def test_the_working_tree_is_titled_as_uncommitted_not_as_head_s_commit(repo: GitRepo) -> None:
    """The working tree's change is no commit: its title says so instead of HEAD's subject."""
    (repo.path / "web" / "b.py").write_text("y\nz\n", encoding="utf-8")
    head_subject = repo.git("log", "-1", "--format=%s").strip()
    p = clone_proposal(repo.path, _ORG, head=WORKTREE, now=NOW)
    assert p.change.title.startswith("Uncommitted changes on ")
    assert head_subject not in p.change.title


def test_a_new_untracked_source_file_is_the_change(repo: GitRepo) -> None:
    """Only a new file git does not ignore: it is the change, counted in lines of code, while
    an ignored one is left out."""
    repo.commit({".gitignore": "build/\n"}, "Ignore build output", T0 + timedelta(days=40))
    (repo.path / "pay" / "refund.py").write_text(
        "# Refunds.\n\ndef refund(x):\n    return -x\n", encoding="utf-8"
    )
    (repo.path / "build").mkdir()
    (repo.path / "build" / "out.py").write_text("x = 1\n" * 50, encoding="utf-8")
    p = clone_proposal(repo.path, _ORG, base="HEAD", head=WORKTREE, now=NOW)
    files = {f.path: f for f in p.change.files}
    assert set(files) == {"pay/refund.py"}
    assert files["pay/refund.py"].added == 4
    assert files["pay/refund.py"].code_added == 2
    assert files["pay/refund.py"].service == "payments"


def test_repository_name_comes_from_origin_without_config(repo: GitRepo) -> None:
    """No organisation file: origin's owner/name; without origin, the folder's name."""
    assert clone_repository(repo.path) == "acme/shop"
    repo.git("remote", "remove", "origin")
    assert clone_repository(repo.path) == "shop"


def test_clone_history_knows_main_s_commits(repo: GitRepo) -> None:
    """The history up to the base records main's four commits, with their fixes."""
    history, n = clone_history(repo.path, "main", _ORG)
    assert n == 4
    p = clone_proposal(repo.path, _ORG, now=NOW)
    ctx = history.context(p.change)
    assert ctx.files_with_history == 2
    assert ctx.prior_fixes_on_files == 3


def test_clone_history_bands_against_the_typical_change_scoring_it_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given a configuration, the clone's history carries the typical change that scoring its
    commits with their lines of code in order gives (as a synced store's would); with fewer
    commits scored than a typical change needs, it carries none, and bands stay absolute."""
    r = GitRepo(tmp_path / "lib")
    for i in range(30):
        text = "".join(f"v{j} = {i}\n" for j in range(1 + 7 * (i % 5)))
        r.commit({f"pay/m{i % 4}.py": text}, f"change {i}", T0 + timedelta(hours=6 * i))
    config = _ORG.scoring_config()
    history, n = clone_history(r.path, "HEAD", _ORG, config=config)
    reference = History(lookback_days=config.incident_lookback_days)
    mined = sorted(
        (m.change for m in mine_commits(r.path, "HEAD", code_lines=True)),
        key=lambda c: (c.merged_at, c.key),
    )
    configured = [
        replace(c, files=tuple(replace(f, service=_ORG.service_for_path("lib", f.path))
                               for f in c.files))
        for c in mined
    ]  # fmt: skip
    for _ in iter_scores(configured, reference, config):
        pass
    probe = clone_proposal(r.path, _ORG, now=NOW, base="HEAD~1", head="HEAD").change
    assert n == 30
    typical = history.context(probe).typical_score
    assert typical is not None
    assert typical == reference.context(probe).typical_score
    monkeypatch.setattr(clone_module, "SCORED_FOR_TYPICAL", 10)
    few, _ = clone_history(r.path, "HEAD", _ORG, config=config)
    assert few.context(probe).typical_score is None


def test_a_diff_becomes_a_proposal_with_owners_from_the_clone(repo: GitRepo) -> None:
    """A parsed diff is a change of the services and owners the clone's HEAD says."""
    files = parse_diff("--- a/pay/a.py\n+++ b/pay/a.py\n@@ -1 +1,2 @@\n-x\n+y\n+z\n")
    p = diff_proposal(files, "acme/shop", "dana@example.com", _ORG, now=NOW, path=repo.path)
    (f,) = p.change.files
    assert (f.path, f.added, f.deleted, f.service, f.owners) == (
        "pay/a.py",
        2,
        1,
        "payments",
        ("@alice",),
    )
    bare = diff_proposal(files, "acme/shop", "dana@example.com", None, now=NOW)
    assert bare.change.files[0].owners is None
    assert bare.change.key.startswith("acme/shop@")


def test_a_shallow_clone_is_told_to_fetch_its_history(repo: GitRepo, tmp_path: Path) -> None:
    """A CI checkout of depth 1 has no merge base: the sentence says to fetch the history."""
    shallow = tmp_path / "shallow"
    repo.git(
        "clone", "-q", "--depth", "1", "--no-single-branch", f"file://{repo.path}", str(shallow)
    )
    with pytest.raises(SourceError, match="shallow clone"):
        clone_proposal(shallow, _ORG, base="origin/main", now=NOW)
