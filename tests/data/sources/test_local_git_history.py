"""A clone's history as code hosts and git write it: revert shapes, merge shapes, CODEOWNERS."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from data.config import OrgConfig, parse_org_config
from data.rules.linking import link_all
from data.rules.revert_incidents import RevertIncidents
from data.sources.local_git import LocalGitSource
from data.sources.local_git.merges import pull_request_of
from data.store.facts import load_changes
from data.store.org import sync_org
from data.store.tables import Change, ChangeFile, Deploy, DeployChange, Incident
from data.sync import run_sources
from scoring.timing import timing_points
from tests.data.sources.gitrepo import GitRepo

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
ADA = "Ada Lovelace <ada@example.com>"
GRACE = "Grace Hopper <grace@example.com>"
REPO = "acme/shop"

# Cases of reading a clone; on PostgreSQL only where the store decides.
pytestmark = [pytest.mark.usefixtures("clean_git_env"), pytest.mark.client_cases]


def t(hours: float) -> datetime:
    """The test's clock: ``hours`` after the first commit."""
    return T0 + timedelta(hours=hours)


def _org(path: Path) -> OrgConfig:
    return parse_org_config(
        f"""
[[repositories]]
name = "{REPO}"
path = "{path}"
[[services]]
key = "api"
repository = "{REPO}"
paths = ["api/**"]
[[services]]
key = "web"
repository = "{REPO}"
paths = ["web/**"]
"""
    )


def _sync(engine: Engine, repo: GitRepo, *, reverts: bool = False) -> dict[str, Change]:
    """Sync the clone (and reverts as incidents) and return the stored changes by key."""
    org = _org(repo.path)
    with Session(engine) as session:
        sync_org(session, org)
        session.commit()
    sources: list[object] = [LocalGitSource(repo.path, REPO, deploy_tags=r"^v\d")]
    if reverts:
        sources.append(RevertIncidents())
    summaries = run_sources(engine, org, sources)  # type: ignore[arg-type]
    assert all(s.error is None for s in summaries), [s.line() for s in summaries]
    with Session(engine) as session:
        return {c.key: c for c in session.exec(select(Change))}


def _plain(sha: str) -> str:
    return f"{REPO}@{sha[:12]}"


def _start(repo: GitRepo) -> str:
    return repo.commit({"api/app.py": "a\n", "web/index.js": "x\n"}, "Initial", t(0), ADA)


def _pr(repo: GitRepo, number: int, branch: str, hours: float) -> tuple[str, str]:
    """A GitHub PR merged with a merge commit; returns (its branch commit, the merge)."""
    repo.git("checkout", "-q", "-b", branch)
    inside = repo.commit({"api/app.py": "a\nb\n"}, "Add checkout", t(hours), GRACE)
    repo.git("checkout", "-q", "main")
    merge = repo.merge(
        branch, f"Merge pull request #{number} from acme/{branch}\n\nAdd checkout", t(hours + 0.5)
    )
    return inside, merge


def _merge_pr_of(repo: GitRepo, number: int, branch: str, hours: float, title: str) -> str:
    repo.git("checkout", "-q", "main")
    return repo.merge(
        branch, f"Merge pull request #{number} from acme/{branch}\n\n{title}", t(hours)
    )


# -- reverts: one builder per shape, each returning (revert's key, reverted change's key) ----


def _github_button(repo: GitRepo) -> tuple[str, str]:
    _, merge = _pr(repo, 7, "feature", 1)
    repo.git("checkout", "-q", "-b", "revert-7-feature")
    repo.revert(merge, t(3), GRACE, mainline=1)
    _merge_pr_of(repo, 9, "revert-7-feature", 3.5, 'Revert "Add checkout"')
    return f"{REPO}#9", f"{REPO}#7"


def _revert_pr_any_branch(repo: GitRepo) -> tuple[str, str]:
    _, merge = _pr(repo, 7, "feature", 1)
    repo.git("checkout", "-q", "-b", "undo-checkout")
    repo.revert(merge, t(3), GRACE, mainline=1)
    _merge_pr_of(repo, 9, "undo-checkout", 3.5, "Undo checkout")
    return f"{REPO}#9", f"{REPO}#7"


def _revert_of_a_commit_inside_a_pr(repo: GitRepo) -> tuple[str, str]:
    inside, _ = _pr(repo, 7, "feature", 1)
    repo.git("checkout", "-q", "-b", "undo")
    repo.revert(inside, t(3), GRACE)
    _merge_pr_of(repo, 9, "undo", 3.5, "Undo")
    return f"{REPO}#9", f"{REPO}#7"


def _squash(repo: GitRepo) -> tuple[str, str]:
    squashed = repo.commit({"api/app.py": "a\nb\n"}, "Add checkout (#7)", t(1), GRACE)
    repo.commit(
        {"api/app.py": "a\n"},
        f'Revert "Add checkout (#7)" (#9)\n\nThis reverts commit {squashed[:10]}.',
        t(3),
        GRACE,
    )
    # GitHub's squash merges: each commit is its pull request, keyed by number.
    return "acme/shop#9", "acme/shop#7"


def _rebase_merge(repo: GitRepo) -> tuple[str, str]:
    repo.commit({"api/app.py": "a\nb\n"}, "Add checkout", t(1), GRACE)
    second = repo.commit({"api/app.py": "a\nb\nc\n"}, "Add totals", t(1.1), GRACE)
    revert = repo.revert(second, t(3), GRACE)
    return _plain(revert), _plain(second)


def _git_revert_of_a_merge(repo: GitRepo) -> tuple[str, str]:
    _, merge = _pr(repo, 7, "feature", 1)
    revert = repo.revert(merge, t(3), GRACE, mainline=1)
    return _plain(revert), f"{REPO}#7"


def _gitlab_merge_request(repo: GitRepo) -> tuple[str, str]:
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit({"api/app.py": "a\nb\n"}, "Add checkout", t(1), GRACE)
    repo.git("checkout", "-q", "main")
    repo.merge(
        "feature",
        "Merge branch 'feature' into 'main'\n\nAdd checkout\n\nSee merge request acme/shop!7",
        t(1.5),
    )
    repo.git("checkout", "-q", "-b", "revert-1a2b3c4d")
    repo.commit(
        {"api/app.py": "a\n"},
        "Revert \"Merge branch 'feature' into 'main'\"\n\nThis reverts merge request !7",
        t(3),
        GRACE,
    )
    repo.git("checkout", "-q", "main")
    repo.merge(
        "revert-1a2b3c4d",
        "Merge branch 'revert-1a2b3c4d' into 'main'\n\n"
        "Revert \"Merge branch 'feature' into 'main'\"\n\nSee merge request acme/shop!8",
        t(3.5),
    )
    return f"{REPO}#8", f"{REPO}#7"


def _gitlab_commit_revert(repo: GitRepo) -> tuple[str, str]:
    repo.git("checkout", "-q", "-b", "feature")
    inside = repo.commit({"api/app.py": "a\nb\n"}, "Add checkout", t(1), GRACE)
    repo.git("checkout", "-q", "main")
    repo.merge(
        "feature",
        "Merge branch 'feature' into 'main'\n\nAdd checkout\n\nSee merge request acme/shop!7",
        t(1.5),
    )
    revert = repo.commit(
        {"api/app.py": "a\n"}, f'Revert "Add checkout"\n\nThis reverts commit {inside}', t(3)
    )
    return _plain(revert), f"{REPO}#7"


def _revert_inside_a_back_merge(repo: GitRepo) -> tuple[str, str]:
    target = repo.commit({"api/app.py": "a\nb\n"}, "Add checkout", t(1), GRACE)
    repo.git("checkout", "-q", "-b", "release-1")
    revert = repo.revert(target, t(2), GRACE)
    repo.git("checkout", "-q", "main")
    repo.commit({"web/index.js": "x\ny\n"}, "Tweak page", t(2.5), ADA)
    repo.merge("release-1", "Merge branch 'release-1' into main", t(3))
    return _plain(revert), _plain(target)


def _squash_revert_by_title(repo: GitRepo) -> tuple[str, str]:
    """GitHub's Revert button's pull request squash-merged keeping only its title."""
    repo.commit({"api/app.py": "a\nb\n"}, "Add checkout (#7)", t(1), GRACE)
    repo.commit({"web/index.js": "x\ny\n"}, "Tweak page (#8)", t(2), ADA)
    repo.commit({"api/app.py": "a\n"}, 'Revert "Add checkout" (#9)', t(3), GRACE)
    return f"{REPO}#9", f"{REPO}#7"


def _revert_with_its_sha_line_edited_away(repo: GitRepo) -> tuple[str, str]:
    """``git revert`` whose message was edited to its subject alone; the newest commit of that
    title is the one undone."""
    repo.commit({"api/app.py": "a\nb\n"}, "Add checkout", t(0.5), GRACE)
    again = repo.commit({"api/app.py": "a\nb\nc\n"}, "Add checkout", t(1), GRACE)
    revert = repo.commit({"api/app.py": "a\nb\n"}, 'Revert "Add checkout"', t(3), ADA)
    return _plain(revert), _plain(again)


def _revert_of_a_merged_pr_by_its_title(repo: GitRepo) -> tuple[str, str]:
    """A squash ``Revert "<title>" (#9)`` of a pull request merged with a merge commit, whose
    title is the merge's body."""
    _pr(repo, 7, "feature", 1)
    repo.commit({"api/app.py": "a\n"}, 'Revert "Add checkout" (#9)', t(3), GRACE)
    return f"{REPO}#9", f"{REPO}#7"


def _squash_revert_with_its_description(repo: GitRepo) -> tuple[str, str]:
    """The Revert button's description, "Reverts owner/repo#N", kept by the squash."""
    repo.commit({"api/app.py": "a\nb\n"}, "Add checkout (#7)", t(1), GRACE)
    repo.commit({"api/app.py": "a\n"}, "Undo the checkout (#9)\n\nReverts acme/shop#7", t(3), GRACE)
    return f"{REPO}#9", f"{REPO}#7"


def _revert_by_number_in_the_subject(repo: GitRepo) -> tuple[str, str]:
    """ "Revert #7 - it broke checkout", as pypa/pip writes it."""
    repo.commit({"api/app.py": "a\nb\n"}, "Add checkout (#7)", t(1), GRACE)
    revert = repo.commit({"api/app.py": "a\n"}, "Revert #7 - it broke checkout", t(3), ADA)
    return _plain(revert), f"{REPO}#7"


def _revert_and_its_target_in_a_maintenance_merge(repo: GitRepo) -> tuple[str, str]:
    """A maintenance branch that landed a commit and, later, its revert, merged forward with
    a merge no code host wrote: two changes of their own, the one reverting the other."""
    repo.git("checkout", "-q", "-b", "1.0.x")
    target = repo.commit({"api/app.py": "a\nb\n"}, "Add checkout", t(1), GRACE)
    revert = repo.revert(target, t(2), GRACE)
    repo.git("checkout", "-q", "main")
    repo.commit({"web/index.js": "x\ny\n"}, "Tweak page", t(2.5), ADA)
    repo.merge("1.0.x", "Merge branch '1.0.x'", t(3))
    return _plain(revert), _plain(target)


def _revert_pr_naming_a_number_and_a_sha(repo: GitRepo) -> tuple[str, str]:
    """A revert PR described "Revert #7" whose commit names the sha: #7 was pushed as a plain
    commit (rebased without its number), so the sha says what was undone (pypa/pip#13911)."""
    target = repo.commit({"api/app.py": "a\nb\n"}, "Add checkout", t(1), GRACE)
    repo.git("checkout", "-q", "-b", "revert-7")
    repo.revert(target, t(3), GRACE)
    _merge_pr_of(repo, 9, "revert-7", 3.5, "Revert #7")
    return f"{REPO}#9", _plain(target)


def _revert_merge_whose_title_github_cut(repo: GitRepo) -> tuple[str, str]:
    """A merge commit titled with its request's title cut by GitHub ("…"), its body whole,
    its commit's sha line edited away (pypa/pip#7158)."""
    long = "Optimize upgrade of already-satisfied pinned requirement"
    repo.commit({"api/app.py": "a\nb\n"}, f"{long} (#7)", t(1), GRACE)
    repo.git("checkout", "-q", "-b", "undo")
    repo.commit({"api/app.py": "a\n"}, f'Revert "{long}"', t(3), GRACE)
    repo.git("checkout", "-q", "main")
    repo.merge("undo", f'Revert "{long[:35]}… (#9)\n\nRevert "{long}"', t(3.5))
    return f"{REPO}#9", f"{REPO}#7"


def _revert_by_title_in_a_maintenance_merge(repo: GitRepo) -> tuple[str, str]:
    """A ``Revert "<title>"`` naming no sha on a maintenance branch merged forward: the title
    is looked for in the history before the revert, not before the merge."""
    repo.git("checkout", "-q", "-b", "1.0.x")
    target = repo.commit({"api/app.py": "a\nb\n"}, "Add checkout", t(1), GRACE)
    revert = repo.commit({"api/app.py": "a\n"}, 'Revert "Add checkout"', t(2), GRACE)
    repo.git("checkout", "-q", "main")
    repo.commit({"web/index.js": "x\ny\n"}, "Tweak page", t(2.5), ADA)
    repo.merge("1.0.x", "Merge branch '1.0.x'", t(3))
    return _plain(revert), _plain(target)


def _revert_naming_a_sha_of_another_branch(repo: GitRepo) -> tuple[str, str]:
    """``git revert`` of a commit of another branch, cherry-picked here: its sha is none of the
    clone's, its title names the change undone (psf/requests 91766548)."""
    target = repo.commit({"api/app.py": "a\nb\n"}, "Add checkout", t(1), GRACE)
    revert = repo.commit(
        {"api/app.py": "a\n"},
        'Revert "Add checkout"\n\nThis reverts commit 805c4db55413c96c5d6e0f95560119c000f660c9.',
        t(3),
        ADA,
    )
    return _plain(revert), _plain(target)


def _squash_of_work_that_carried_a_revert(repo: GitRepo) -> tuple[str, str]:
    """A squash merge landed on the branch whose "* subject" list adds a test and reverts a
    refactoring that broke it (apache/groovy's "Add a test for GROOVY-8223 (#1055)")."""
    target = repo.commit({"api/app.py": "a\nb\n"}, "Trivial refactoring (#5)", t(1), GRACE)
    repo.commit(
        {"api/app.py": "a\n", "api/test_app.py": "t\n"},
        "Add a test for the cart (#8)\n\n* Add a test for the cart\n\n"
        f'* Revert "Trivial refactoring (#5)"\n\nThis reverts commit {target}.\n',
        t(3),
        ADA,
    )
    return f"{REPO}#8", f"{REPO}#5"


REVERT_SHAPES: list[tuple[str, Callable[[GitRepo], tuple[str, str]]]] = [
    ("github-revert-button-merge-commit", _github_button),
    ("revert-pr-any-branch-name", _revert_pr_any_branch),
    ("revert-of-a-commit-inside-a-merged-pr", _revert_of_a_commit_inside_a_pr),
    ("squash-abbreviated-sha", _squash),
    ("rebase-merge", _rebase_merge),
    ("git-revert-of-a-merge-on-the-branch", _git_revert_of_a_merge),
    ("gitlab-revert-merge-request", _gitlab_merge_request),
    ("gitlab-revert-of-a-commit-inside-an-mr", _gitlab_commit_revert),
    ("revert-brought-in-by-a-back-merge", _revert_inside_a_back_merge),
    ("squash-revert-named-by-title", _squash_revert_by_title),
    ("revert-with-its-sha-line-edited-away", _revert_with_its_sha_line_edited_away),
    ("squash-revert-of-a-merged-pr-by-title", _revert_of_a_merged_pr_by_its_title),
    ("squash-revert-with-its-description", _squash_revert_with_its_description),
    ("revert-by-number-in-the-subject", _revert_by_number_in_the_subject),
    ("revert-and-target-in-a-maintenance-merge", _revert_and_its_target_in_a_maintenance_merge),
    ("revert-pr-naming-a-number-and-a-sha", _revert_pr_naming_a_number_and_a_sha),
    ("revert-merge-whose-title-github-cut", _revert_merge_whose_title_github_cut),
    ("revert-by-title-in-a-maintenance-merge", _revert_by_title_in_a_maintenance_merge),
    ("revert-naming-a-sha-of-another-branch", _revert_naming_a_sha_of_another_branch),
    ("squash-of-work-that-carried-a-revert", _squash_of_work_that_carried_a_revert),
]


@pytest.mark.parametrize("build", [pytest.param(b, id=name) for name, b in REVERT_SHAPES])
def test_a_revert_links_the_change_that_landed_what_it_reverts(
    engine: Engine, tmp_path: Path, build: Callable[[GitRepo], tuple[str, str]]
) -> None:
    """Each way a revert reaches the branch links it to the change (commit or PR) it undid."""
    repo = GitRepo(tmp_path / "shop")
    _start(repo)
    revert_key, target_key = build(repo)
    changes = _sync(engine, repo)
    assert target_key in changes
    revert = changes[revert_key]
    assert (revert.is_revert, revert.reverts_key) == (True, target_key)


def test_a_branch_that_reverts_its_own_commit_reverts_nothing_that_landed(
    engine: Engine, tmp_path: Path
) -> None:
    """A PR whose branch undid one of its own commits before merging is no revert."""
    repo = GitRepo(tmp_path / "shop")
    _start(repo)
    repo.git("checkout", "-q", "-b", "feature")
    first = repo.commit({"api/app.py": "a\nb\n"}, "Try checkout", t(1), GRACE)
    repo.revert(first, t(1.1), GRACE)
    repo.commit({"web/index.js": "x\ny\n"}, "Tweak page", t(1.2), GRACE)
    _merge_pr_of(repo, 7, "feature", 2, "Tweak page")
    pr = _sync(engine, repo)[f"{REPO}#7"]
    assert (pr.is_revert, pr.reverts_key) == (False, None)


def test_a_pr_merging_a_squash_that_carried_a_landed_revert_is_no_revert_again(
    engine: Engine, tmp_path: Path
) -> None:
    """A long-lived branch merged by a PR holds a squash of other work whose list carries a
    revert that already landed on its own (gin-gonic/gin's develop merged as #871, holding
    "add custom Delims support (#860)"): the revert is the landed one, the PR none."""
    repo = GitRepo(tmp_path / "shop")
    _start(repo)
    target = repo.commit({"api/app.py": "a\nb\n"}, "Ignore the OS (#3)", t(1), GRACE)
    revert = repo.revert(target, t(2), GRACE)
    repo.git("checkout", "-q", "-b", "develop")
    repo.commit(
        {"web/index.js": "x\ny\n"},
        "Add custom delimiters (#6)\n\n* Add custom delimiters\n\n"
        f'* Revert "Ignore the OS (#3)"\n\nThis reverts commit {target}.\n\n* Add tests\n',
        t(3),
        ADA,
    )
    _merge_pr_of(repo, 7, "develop", 4, "v1.2")
    changes = _sync(engine, repo)
    assert (changes[f"{REPO}#7"].is_revert, changes[f"{REPO}#7"].reverts_key) == (False, None)
    landed = changes[_plain(revert)]
    assert (landed.is_revert, landed.reverts_key) == (True, f"{REPO}#3")


@pytest.mark.store_decides
def test_a_revert_titled_after_nothing_on_the_branch_links_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    """A ``Revert "<title>"`` whose title no earlier change had is a revert of nothing known."""
    repo = GitRepo(tmp_path / "shop")
    _start(repo)
    repo.commit({"api/app.py": "a\nb\n"}, "Add checkout (#7)", t(1), GRACE)
    revert = repo.commit({"api/app.py": "a\n"}, 'Revert "Add the cart"', t(3), GRACE)
    change = _sync(engine, repo)[_plain(revert)]
    assert (change.is_revert, change.reverts_key) == (True, None)


def test_a_maintenance_merge_of_a_change_and_its_revert_makes_no_incident(
    engine: Engine, tmp_path: Path
) -> None:
    """Merged forward together, the change was never on the branch without its revert: the
    revert is linked, but no incident opens (no deploy: both merged at the merge)."""
    repo = GitRepo(tmp_path / "shop")
    _start(repo)
    revert_key, target_key = _revert_and_its_target_in_a_maintenance_merge(repo)
    changes = _sync(engine, repo, reverts=True)
    assert changes[revert_key].reverts_key == target_key
    with Session(engine) as session:
        assert session.exec(select(Incident)).all() == []


def test_a_reverted_deployed_pr_is_a_failed_change(engine: Engine, tmp_path: Path) -> None:
    """A revert PR of a PR a tag deployed makes an incident linked to that deploy."""
    repo = GitRepo(tmp_path / "shop")
    _start(repo)
    _, merge = _pr(repo, 7, "feature", 1)
    repo.tag("v1", t(2))
    repo.git("checkout", "-q", "-b", "revert-7-feature")
    repo.revert(merge, t(3), GRACE, mainline=1)
    _merge_pr_of(repo, 9, "revert-7-feature", 3.5, 'Revert "Add checkout"')
    _sync(engine, repo, reverts=True)
    with Session(engine) as session:
        link_all(session)
        incident = session.exec(select(Incident)).one()
        deploy = session.exec(
            select(Deploy).where(col(Deploy.key) == "git-tag:acme/shop:v1:api")
        ).one()
    assert incident.key == f"revert:{REPO}#9"
    assert incident.opened_at == t(2) + timedelta(seconds=1)
    assert incident.deploy_id == deploy.id


@pytest.mark.parametrize(
    "why",
    [
        "Temporarily, to make a checkpoint release; it will re-land after it.",
        "We reland it later, once 2.0 is out.",
    ],
    ids=["checkpoint", "reland-later"],
)
def test_a_planned_revert_and_its_re_landing_make_no_incident(
    engine: Engine, tmp_path: Path, why: str
) -> None:
    """A feature reverted on purpose (its message says why) and re-landed by a revert of the
    revert makes no incident: both reverts stay linked, neither names a failure."""
    repo = GitRepo(tmp_path / "shop")
    _start(repo)
    feature = repo.commit({"api/app.py": "a\nb\n"}, "Add checkout", t(1), GRACE)
    repo.tag("v1", t(2))
    planned = repo.commit(
        {"api/app.py": "a\n"},
        f'Revert "Add checkout"\n\nThis reverts commit {feature}.\n\n{why}',
        t(3),
        GRACE,
    )
    repo.tag("v2", t(4))
    relanding = repo.revert(planned, t(5), GRACE)
    repo.tag("v3", t(6))
    changes = _sync(engine, repo, reverts=True)
    assert changes[_plain(planned)].reverts_key == _plain(feature)
    assert changes[_plain(relanding)].reverts_key == _plain(planned)
    with Session(engine) as session:
        assert session.exec(select(Incident)).all() == []


def test_a_revert_of_a_revert_makes_no_incident_where_the_first_revert_does(
    engine: Engine, tmp_path: Path
) -> None:
    """A revert that names no plan is a failure of what it undid; its own revert is a
    re-landing and makes none (nor an incident naming the first revert its culprit)."""
    repo = GitRepo(tmp_path / "shop")
    _start(repo)
    feature = repo.commit({"api/app.py": "a\nb\n"}, "Add checkout", t(1), GRACE)
    repo.tag("v1", t(2))
    first = repo.revert(feature, t(3), GRACE)
    repo.tag("v2", t(4))
    repo.revert(first, t(5), GRACE)
    repo.tag("v3", t(6))
    _sync(engine, repo, reverts=True)
    with Session(engine) as session:
        keys = [i.key for i in session.exec(select(Incident))]
    assert keys == [f"revert:{_plain(first)}"]


def test_a_commit_is_timed_on_its_own_clock_until_the_organisation_names_a_zone(
    engine: Engine, tmp_path: Path
) -> None:
    """A commit made at 09:20 +0200 on a Wednesday keeps its offset in the store and is
    timed on that clock ("at Wed 09:20"), not as 07:20 UTC after hours; an organisation
    that names its zone has it judged there."""
    repo = GitRepo(tmp_path / "shop")
    _start(repo)
    sha = repo.commit(
        {"api/app.py": "a\nb\n"},
        "Add checkout",
        datetime(2026, 11, 4, 7, 20, tzinfo=UTC),
        GRACE,
        zone="+0200",
    )
    stored = _sync(engine, repo)[_plain(sha)]
    assert stored.merged_utc_offset == 120
    with Session(engine) as session:
        (facts,) = [f for f in load_changes(session) if f.key == _plain(sha)]
    own = timing_points(facts.merged_at, _org(repo.path).scoring_config(), facts.merged_utc_offset)
    assert own == (0.0, "at Wed 09:20")
    named = parse_org_config('[organisation]\ntimezone = "Etc/UTC"\n').scoring_config()
    assert timing_points(facts.merged_at, named, facts.merged_utc_offset) == (
        0.4,
        "after hours (Wed 07:20 Etc/UTC)",
    )


def _maintained(repo: GitRepo, forward: bool) -> dict[str, str]:
    """A fix (#7) and a release commit on main, both made again on the maintenance branch
    ``1.x`` (a backport and a release commit made on both branches) beside its own fix,
    tagged ``v1.0.1``; with ``forward``, ``1.x`` merged forward into main, tagged ``v1.1.0``."""
    repo.tag("v1.0.0", t(0.5))
    repo.git("branch", "1.x")
    fix: dict[str, str | bytes | None] = {"api/app.py": "a\nfixed\n"}
    release: dict[str, str | bytes | None] = {"CHANGES.md": "1.0.1: fixed\n"}
    shas = {"fix": repo.commit(fix, "Fix totals (#7)", t(1), GRACE)}
    shas["release"] = repo.commit(release, "Release 1.0.1", t(2), ADA)
    repo.commit({"web/index.js": "x\ny\n"}, "Add page (#8)", t(3), GRACE)
    repo.git("checkout", "-q", "1.x")
    shas["backport"] = repo.commit(fix, "[1.x] Fix totals (#7)", t(4), ADA)
    shas["own"] = repo.commit({"api/old.py": "1\n"}, "Fix the 1.x importer", t(5), ADA)
    shas["release-1.x"] = repo.commit(release, "Release 1.0.1", t(6), ADA)
    repo.tag("v1.0.1", t(6.5))
    repo.git("checkout", "-q", "main")
    if forward:
        repo.merge("1.x", "Merge branch '1.x'", t(7))
        repo.tag("v1.1.0", t(8))
    return shas


@pytest.mark.parametrize("forward", [False, True], ids=["off-branch", "merged-forward"])
def test_a_backport_and_a_release_commit_made_on_both_branches_count_once(
    engine: Engine, tmp_path: Path, forward: bool
) -> None:
    """A maintenance branch's pick of main's fix and its copy of main's release commit (the
    same patches, ``git patch-id``) are stored as picks linked to the originals: the merged
    changes hold each patch once, and the maintenance release ships the originals."""
    repo = GitRepo(tmp_path / "shop")
    _start(repo)
    shas = _maintained(repo, forward)
    changes = _sync(engine, repo)
    backport, copy = changes[_plain(shas["backport"])], changes[_plain(shas["release-1.x"])]
    assert (backport.state, backport.picked_from_key) == ("picked", f"{REPO}#7")
    assert (copy.state, copy.picked_from_key) == ("picked", _plain(shas["release"]))
    assert changes[_plain(shas["own"])].state == "merged"
    merged = sorted(c.title for c in changes.values() if c.state == "merged")
    assert merged == [
        "Add page",
        "Fix the 1.x importer",
        "Fix totals",
        "Initial",
        "Release 1.0.1",
    ]
    with Session(engine) as session:
        link_all(session)
        deploy = session.exec(
            select(Deploy).where(col(Deploy.key) == "git-tag:acme/shop:v1.0.1:api")
        ).one()
        ids = session.exec(
            select(DeployChange.change_id).where(col(DeployChange.deploy_id) == deploy.id)
        ).all()
    shipped = {c.key for c in changes.values() if c.id in set(ids)}
    assert shipped == {f"{REPO}#7", _plain(shas["own"])}


# -- merges: one row per shape; what each becomes ------------------------------------------


def _merge_shape(repo: GitRepo, message: str, branch_prs: bool = False) -> list[str]:
    """Two side-branch commits (one a PR merge with ``branch_prs``), merged with ``message``."""
    repo.git("checkout", "-q", "-b", "side")
    first = repo.commit({"api/a.py": "1\n2\n"}, "Side work", t(1), GRACE)
    keys = [_plain(first)]
    if branch_prs:
        repo.git("checkout", "-q", "-b", "fix")
        repo.commit({"api/b.py": "1\n"}, "Fix totals", t(1.1), GRACE)
        repo.git("checkout", "-q", "side")
        repo.merge("fix", "Merge pull request #5 from acme/fix\n\nFix totals", t(1.2))
        keys.append(f"{REPO}#5")
    else:
        second = repo.commit({"api/b.py": "1\n"}, "More side work", t(1.1), GRACE)
        keys.append(_plain(second))
    repo.git("checkout", "-q", "main")
    repo.commit({"web/index.js": "x\ny\n"}, "Main work", t(1.5), ADA)
    repo.merge("side", message, t(2))
    return keys


MERGE_SHAPES = [
    ("github-pr", "Merge pull request #7 from acme/side\n\nSide work", [f"{REPO}#7"]),
    (
        "gitlab-mr",
        "Merge branch 'side' into 'main'\n\nSide work\n\nSee merge request acme/shop!7",
        [f"{REPO}#7"],
    ),
    ("bitbucket-cloud", "Merged in side (pull request #7)\n\nSide work", [f"{REPO}#7"]),
    ("bitbucket-dc", "Merge pull request #7 in ACME/shop from side to main", [f"{REPO}#7"]),
    ("azure-repos", "Merged PR 7: Side work", [f"{REPO}#7"]),
    ("github-pr-title-message", "Side work (#7)", [f"{REPO}#7"]),
    ("forward-port", "Merge branch 'release-1.2' into main", None),
    ("gitlab-style-without-request", "Merge branch 'side' into 'main'", None),
    ("remote-tracking", "Merge remote-tracking branch 'origin/main'", None),
    ("tag", "Merge tag 'v1.2'", None),
    ("local-no-ff", "Merge branch 'side'", None),
]


@pytest.mark.parametrize(
    ("message", "expected"), [pytest.param(m, e, id=name) for name, m, e in MERGE_SHAPES]
)
def test_a_merge_is_its_request_or_opens_into_its_commits(
    engine: Engine, tmp_path: Path, message: str, expected: list[str] | None
) -> None:
    """A request's merge is one change keyed as it; any other merge's commits land one by one."""
    repo = GitRepo(tmp_path / "shop")
    _start(repo)
    side = _merge_shape(repo, message)
    changes = _sync(engine, repo)
    landed = expected if expected is not None else side
    merge_time = t(2)
    for key in landed:
        assert changes[key].merged_at == merge_time
    assert len(changes) == 2 + len(landed)  # the initial commit and "Main work" besides
    if expected is None:
        with Session(engine) as session:
            sizes = {
                f.path: f.added
                for f in session.exec(select(ChangeFile))
                if f.change_id == changes[side[1]].id
            }
        assert sizes == {"api/b.py": 1}


def test_a_forward_port_keeps_the_requests_merged_on_the_release_branch(
    engine: Engine, tmp_path: Path
) -> None:
    """A release branch merged into main brings its PR merges in as those PRs."""
    repo = GitRepo(tmp_path / "shop")
    _start(repo)
    side = _merge_shape(repo, "Merge branch 'release-1' into main", branch_prs=True)
    changes = _sync(engine, repo)
    assert set(side) <= set(changes)
    assert changes[f"{REPO}#5"].merged_at == t(2)
    assert len(changes) == 4


@pytest.mark.parametrize(
    ("subject", "body", "expected"),
    [
        ("Merge pull request #12 from org/feat/x", "Title", (12, "feat/x", "Title")),
        ("Merge pull request #12 from feat", "", (12, "feat", None)),
        ("Merge branch 'f' into 'main'", "T\n\nSee merge request g/p!3", (3, "f", "T")),
        ("Merged in f (pull request #4)", "T\n\nApproved-by: X", (4, "f", "T")),
        ("Merged PR 5: Add things", "", (5, None, "Add things")),
        (
            "Refactor pager stream handling (#3767)",
            "",
            (3767, None, "Refactor pager stream handling"),
        ),
        ("Merge branch 'f' into 'main'", "T", None),
        ("Merge remote-tracking branch 'origin/main'", "", None),
    ],
)
def test_pull_request_of_reads_each_hosts_merge_wording(
    subject: str, body: str, expected: tuple[int, str | None, str | None] | None
) -> None:
    """Number, branch and title come from the wording each host writes; others are no request."""
    found = pull_request_of(("a", "b"), subject, body)
    assert (None if found is None else (found.number, found.head, found.title)) == expected


def test_a_single_parent_commit_is_never_a_request_merge() -> None:
    """A squash commit that reads like a merge is a plain commit."""
    assert pull_request_of(("a",), "Merge pull request #1 from o/b", "") is None


# -- CODEOWNERS as it stood at each commit --------------------------------------------------


def _owners(engine: Engine, key: str) -> dict[str, list[str] | None]:
    with Session(engine) as session:
        change = session.exec(select(Change).where(col(Change.key) == key)).one()
        files = session.exec(select(ChangeFile).where(col(ChangeFile.change_id) == change.id))
        return {f.path: f.owners for f in files}


def test_codeowners_is_read_as_it_stood_at_each_commit(engine: Engine, tmp_path: Path) -> None:
    """Owners follow the file through additions, edits, precedence, renames and removal."""
    repo = GitRepo(tmp_path / "shop")
    steps: list[tuple[dict[str, str | bytes | None], dict[str, list[str] | None]]] = [
        # No CODEOWNERS yet: unknown.
        ({"api/a.py": "1\n"}, {"api/a.py": None}),
        # Added in the same commit as a change: it covers that change.
        (
            {"CODEOWNERS": "api/ @acme/api\n", "api/a.py": "2\n", "web/w.js": "1\n"},
            {"CODEOWNERS": [], "api/a.py": ["@acme/api"], "web/w.js": []},
        ),
        # .github/CODEOWNERS takes precedence over the root file.
        (
            {".github/CODEOWNERS": "* @acme/all\n", "web/w.js": "2\n"},
            {".github/CODEOWNERS": ["@acme/all"], "web/w.js": ["@acme/all"]},
        ),
        # Edited: the last matching rule wins.
        (
            {".github/CODEOWNERS": "* @acme/all\n/web/ @acme/web\n"},
            {".github/CODEOWNERS": ["@acme/all"]},
        ),
        (
            {"web/w.js": "3\n", "api/a.py": "3\n"},
            {"web/w.js": ["@acme/web"], "api/a.py": ["@acme/all"]},
        ),
        # Removed from .github/: the root file is in force again.
        ({".github/CODEOWNERS": None}, {".github/CODEOWNERS": []}),
        ({"web/w.js": "4\n", "api/a.py": "4\n"}, {"web/w.js": [], "api/a.py": ["@acme/api"]}),
    ]
    for i, (files, _) in enumerate(steps):
        repo.commit(files, f"Step {i}", t(i), ADA)
    # Moved to docs/ (a rename), then renamed away: in force, then unknown.
    (repo.path / "docs").mkdir(exist_ok=True)
    repo.git("mv", "CODEOWNERS", "docs/CODEOWNERS")
    moved = repo.commit({"api/a.py": "5\n"}, "Move CODEOWNERS", t(10), ADA)
    repo.git("mv", "docs/CODEOWNERS", "docs/OWNERS.txt")
    gone = repo.commit({"api/a.py": "6\n"}, "Rename CODEOWNERS away", t(11), ADA)
    changes = _sync(engine, repo)
    by_title = {c.title: c.key for c in changes.values()}
    for i, (_, expected) in enumerate(steps):
        got = _owners(engine, by_title[f"Step {i}"])
        assert {p: got[p] for p in expected} == expected, f"step {i}"
    assert _owners(engine, _plain(moved))["api/a.py"] == ["@acme/api"]
    assert _owners(engine, _plain(gone))["api/a.py"] is None


@pytest.mark.store_decides
def test_an_incremental_sync_starts_from_the_codeowners_in_force(
    engine: Engine, tmp_path: Path
) -> None:
    """A later sync that sees no CODEOWNERS change still knows the owners at its cursor."""
    repo = GitRepo(tmp_path / "shop")
    repo.commit({".github/CODEOWNERS": "*.py @ada\n", "api/a.py": "1\n"}, "Start", t(0), ADA)
    _sync(engine, repo)
    later = repo.commit({"api/a.py": "2\n", "web/w.js": "1\n"}, "Later", t(1), ADA)
    _sync(engine, repo)
    assert _owners(engine, _plain(later)) == {"api/a.py": ["@ada"], "web/w.js": []}


def test_a_merged_pr_gets_owners_as_of_its_merge(engine: Engine, tmp_path: Path) -> None:
    """A PR merge's files are owned by the CODEOWNERS its merge left on the branch."""
    repo = GitRepo(tmp_path / "shop")
    _start(repo)
    repo.git("checkout", "-q", "-b", "owners")
    repo.commit({"docs/CODEOWNERS": "/api/ @grace\n", "api/app.py": "b\n"}, "Own api", t(1))
    _merge_pr_of(repo, 3, "owners", 2, "Own api")
    _sync(engine, repo)
    assert _owners(engine, f"{REPO}#3") == {"docs/CODEOWNERS": [], "api/app.py": ["@grace"]}


@pytest.mark.store_decides
def test_a_branch_that_merged_main_back_lands_no_main_commit_twice(
    engine: Engine, tmp_path: Path
) -> None:
    """A plain merge of a branch that had merged main back in lands only the branch's own
    commits: main's commits it carried are on main already (flask's history crashed the sync)."""
    repo = GitRepo(tmp_path / "shop")
    _start(repo)
    repo.git("checkout", "-q", "-b", "stable")
    fix = repo.commit({"api/a.py": "fixed\n"}, "Fix on stable", t(1), GRACE)
    repo.git("checkout", "-q", "main")
    main_work = repo.commit({"web/index.js": "x\n"}, "Main work", t(1.2), ADA)
    repo.git("checkout", "-q", "stable")
    repo.merge("main", "Merge branch 'main' into stable", t(1.4))
    inner = repo.commit({"api/b.py": "1\n"}, "More on stable", t(1.6), GRACE)
    repo.git("checkout", "-q", "main")
    repo.merge("stable", "Merge branch 'stable'", t(2))
    changes = _sync(engine, repo)
    assert changes[_plain(main_work)].merged_at == t(1.2)
    assert changes[_plain(fix)].merged_at == t(2)
    assert changes[_plain(inner)].merged_at == t(2)
    assert len(changes) == 4  # the initial commit, main's work and the two stable commits
