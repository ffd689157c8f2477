"""A local clone as a source: merges as PRs, commits as changes, tags as deploys, resuming."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from data.config import OrgConfig, parse_org_config
from data.ingest import Tally
from data.rules.revert_incidents import RevertIncidents
from data.sources.local_git import LocalGitSource
from data.store.org import sync_org
from data.store.tables import Change, ChangeFile, Deploy, Incident, Person, SyncState
from data.sync import SyncRun, run_sources
from tests.data.sources.gitrepo import GitRepo

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
ADA = "Ada Lovelace <ada@example.com>"
GRACE = "Grace Hopper <grace@example.com>"

pytestmark = pytest.mark.usefixtures("clean_git_env")


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
[[services]]
key = "web"
repository = "acme/shop"
paths = ["web/**"]
"""
    )


def _setup(engine: Engine, repo: GitRepo) -> OrgConfig:
    org = _org(repo.path)
    with Session(engine) as session:
        sync_org(session, org)
        session.commit()
    return org


def _history(repo: GitRepo) -> dict[str, str]:
    """A small history: two commits, a tag, a PR merged from a branch, a revert, a tag."""
    shas = {}
    shas["init"] = repo.commit({"api/app.py": "a\n", "web/index.js": "x\n"}, "Initial", T0, ADA)
    repo.tag("v1.0", T0 + timedelta(minutes=5))
    shas["fix"] = repo.commit(
        {"api/app.py": "a\nb\n"}, "Fix crash in checkout", T0 + timedelta(hours=1), ADA
    )
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit(
        {"web/index.js": "x\ny\n"},
        "Tweak the page\n\nCo-authored-by: Copilot <198982749+Copilot@users.noreply.github.com>",
        T0 + timedelta(hours=2),
        GRACE,
    )
    repo.git("checkout", "-q", "main")
    shas["merge"] = repo.merge(
        "feature",
        "Merge pull request #7 from acme/feature\n\nTweak the page",
        T0 + timedelta(hours=3),
    )
    shas["revert"] = repo.commit(
        {"api/app.py": "a\n"},
        f'Revert "Fix crash in checkout"\n\nThis reverts commit {shas["fix"]}.',
        T0 + timedelta(hours=4),
        GRACE,
    )
    repo.tag("v1.1", T0 + timedelta(hours=5))
    return shas


def test_a_first_sync_stores_what_landed_on_the_branch(engine: Engine, tmp_path: Path) -> None:
    """Commits become changes, a PR merge one change by the branch's author, tags deploys."""
    repo = GitRepo(tmp_path / "shop")
    shas = _history(repo)
    org = _setup(engine, repo)
    (summary, _) = run_sources(
        engine, org, [LocalGitSource.from_config(org.repositories[0], org), RevertIncidents()]
    )
    assert summary.error is None
    with Session(engine) as session:
        changes = {c.key: c for c in session.exec(select(Change))}
        people = {p.id: p.login for p in session.exec(select(Person))}
        names = {p.login: p.display_name for p in session.exec(select(Person))}
        deploys = sorted(d.key for d in session.exec(select(Deploy)))
        incidents = list(session.exec(select(Incident)))
    assert sorted(changes) == sorted(
        [
            f"acme/shop@{shas['init'][:12]}",
            f"acme/shop@{shas['fix'][:12]}",
            "acme/shop#7",
            f"acme/shop@{shas['revert'][:12]}",
        ]
    )
    pr = changes["acme/shop#7"]
    assert people[pr.author_id] == "grace@example.com"
    # Keyed by e-mail, each author keeps the name git has for them, for readers to show.
    assert names["grace@example.com"] == GRACE.split(" <")[0]
    assert names["ada@example.com"] == ADA.split(" <")[0]
    assert pr.merged_by_id is not None
    assert people[pr.merged_by_id] == "merger@example.com"
    assert pr.title == "Tweak the page"
    assert pr.head_branch == "feature"
    assert pr.co_authored_by_agent
    revert = changes[f"acme/shop@{shas['revert'][:12]}"]
    assert revert.reverts_key == f"acme/shop@{shas['fix'][:12]}"
    # v1.0 ships both services' first files; v1.1 ships the api fix and its revert
    # (git rev-list v1.0..v1.1), so the fix never reached production: no incident.
    assert deploys == [
        "git-tag:acme/shop:v1.0:api",
        "git-tag:acme/shop:v1.0:web",
        "git-tag:acme/shop:v1.1:api",
        "git-tag:acme/shop:v1.1:web",
    ]
    assert incidents == []


def test_a_squash_merge_is_its_pull_request(engine: Engine, tmp_path: Path) -> None:
    """GitHub's "Title (#N)" squash commit is change acme/shop#N; a second claim stays a commit."""
    repo = GitRepo(tmp_path / "shop")
    repo.commit({"api/app.py": "a\n"}, "Initial", T0, ADA)
    squash = repo.commit({"api/app.py": "a\nb\n"}, "Add a cache (#12)", T0 + timedelta(hours=1))
    # The same subject again, as a cherry-pick a back-merge would bring in.
    again = repo.commit({"api/app.py": "a\nb\nc\n"}, "Add a cache (#12)", T0 + timedelta(hours=2))
    plain = repo.commit({"web/x.js": "x\n"}, "Mention #13 in passing", T0 + timedelta(hours=3))
    org = _setup(engine, repo)
    (summary,) = run_sources(engine, org, [LocalGitSource.from_config(org.repositories[0], org)])
    assert summary.error is None
    with Session(engine) as session:
        changes = {c.key: c for c in session.exec(select(Change))}
    pr = changes["acme/shop#12"]
    assert (pr.number, pr.title, pr.sha) == (12, "Add a cache", squash)
    assert f"acme/shop@{again[:12]}" in changes
    assert f"acme/shop@{plain[:12]}" in changes
    assert "acme/shop#13" not in changes


def test_the_next_sync_mines_only_new_commits(engine: Engine, tmp_path: Path) -> None:
    """A second sync starts after the saved commit and adds only what landed since."""
    repo = GitRepo(tmp_path / "shop")
    _history(repo)
    org = _setup(engine, repo)
    source = LocalGitSource.from_config(org.repositories[0], org)
    run_sources(engine, org, [source])
    (unchanged,) = run_sources(engine, org, [source])
    repo.commit({"api/new.py": "n\n"}, "Add endpoint", T0 + timedelta(days=1), ADA)
    (after,) = run_sources(engine, org, [source])
    assert (unchanged.added, unchanged.updated) == (0, 0)
    assert (after.added, after.updated) == (1, 0)
    with Session(engine) as session:
        assert len(session.exec(select(Change)).all()) == 5


def test_a_rewritten_history_is_mined_again_without_duplicates(
    engine: Engine, tmp_path: Path
) -> None:
    """When the saved commit no longer exists, everything is re-read and upserted once."""
    repo = GitRepo(tmp_path / "shop")
    _history(repo)
    org = _setup(engine, repo)
    source = LocalGitSource.from_config(org.repositories[0], org)
    run_sources(engine, org, [source])
    with Session(engine) as session:
        state = session.exec(select(SyncState).where(col(SyncState.source) == "git")).one()
        state.cursor = "f" * 40
        session.add(state)
        session.commit()
    (again,) = run_sources(engine, org, [source])
    assert (again.added, again.error) == (0, None)
    with Session(engine) as session:
        assert len(session.exec(select(Change)).all()) == 4


class _Crash(Exception):
    pass


class _CrashingRun(SyncRun):
    """A run that dies right after its first checkpoint, as a killed process would."""

    def checkpoint(self, *args: Any, **kwargs: Any) -> Tally:
        super().checkpoint(*args, **kwargs)
        raise _Crash


def test_a_crash_mid_sync_resumes_from_the_last_batch(engine: Engine, tmp_path: Path) -> None:
    """A sync killed after its first batch of two loses nothing and duplicates nothing later."""
    repo = GitRepo(tmp_path / "shop")
    _history(repo)
    org = _setup(engine, repo)
    source = LocalGitSource(repo.path, "acme/shop", batch=2, deploy_tags=None)
    with pytest.raises(_Crash):
        source.sync(_CrashingRun(engine, org))
    with Session(engine) as session:
        assert len(session.exec(select(Change)).all()) == 2
    (summary,) = run_sources(engine, org, [source])
    assert (summary.added, summary.error) == (2, None)
    with Session(engine) as session:
        assert len(session.exec(select(Change)).all()) == 4
        assert len(session.exec(select(ChangeFile)).all()) == 5


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        pytest.param(lambda p: p / "missing", "is not a directory", id="missing"),
        pytest.param(lambda p: p, "is not a git repository", id="not-a-clone"),
    ],
)
def test_a_bad_path_is_one_sentence_in_the_summary(
    engine: Engine, tmp_path: Path, make: object, needle: str
) -> None:
    """A path that is not a clone fails that source with one sentence and no traceback."""
    path = make(tmp_path)  # type: ignore[operator]
    org = _org(path)
    (summary,) = run_sources(engine, org, [LocalGitSource(path, "acme/shop")])
    assert summary.error is not None
    assert needle in summary.error
    assert "Traceback" not in summary.line()
