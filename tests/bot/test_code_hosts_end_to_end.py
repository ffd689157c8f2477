"""`riskbrief sync` → `score` → `brief` → `ask` for a GitLab organisation, and GitHub beside it.

Fake GitLab (a self-managed one under ``/gitlab``, REST and GraphQL) and fake
GitHub on 127.0.0.1, read by riskbrief's own clients through the CLI: the
source seam builds GitLab's sources from ``[sources.gitlab]`` and
``RISKBRIEF_GITLAB_TOKEN`` alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.cli import main
from briefing.week import IsoWeek
from data.store.engine import make_engine
from data.store.tables import Change, ChangeState, Deploy, Incident
from fakes.github_graphql import FakeFile, FakePull, FakeReview, iso, make_fake_github_graphql
from fakes.github_rest import FakeGitHubRest
from fakes.gitlab_server import FakeCommit, FakeGitLab, FakeMR
from tests.clock import THURSDAY, pinned_clock

# Touches dates: `make clock-check` re-runs it at a faked Sunday night.
pytestmark = pytest.mark.dates

# The clock is pinned at NOW (see _world), a Thursday.
NOW = THURSDAY
# The Tuesday of the last complete week: every change below is briefed in WEEK.
WEEK = IsoWeek.last_complete(NOW, "UTC")
TUESDAY = datetime.combine(WEEK.monday + timedelta(days=1), datetime.min.time(), UTC)
MERGED = TUESDAY + timedelta(hours=10)
PROJECT = "acme/platform/shop"
REPO = "acme/web"
TOKEN = "glpat-endtoend0123456789"

GITLAB_TOML = """
[organisation]
name = "Acme"
timezone = "UTC"
[[repositories]]
name = "acme/platform/shop"
[[services]]
key = "checkout"
repository = "acme/platform/shop"
paths = ["checkout/**"]
[sources.gitlab]
base_url = "{base_url}"
projects = ["acme/platform/shop"]
incidents_from = "type"
services = {{ production = "checkout" }}
[[subscribers]]
key = "lead"
email = "lead@acme.example"
timezone = "UTC"
"""

GITHUB_TOML = """
[[repositories]]
name = "acme/web"
[[services]]
key = "web"
repository = "acme/web"
paths = ["web/**"]
# Empty: every repository without a path that GitLab does not read.
[sources.github]
repositories = []
"""


def _mr(iid: int, hours: float, **changes: object) -> FakeMR:
    """A merged merge request ``hours`` after MERGED, approved by bob unless told otherwise."""
    at = MERGED + timedelta(hours=hours)
    fields: dict[str, object] = {
        "title": f"Change {iid}",
        "author": "ann",
        "created_at": at - timedelta(hours=5),
        "merged_at": at,
        "files": (("checkout/cart.py", 30, 4, "modified"),),
        "commits": (FakeCommit(f"Change {iid}"),),
        "approvals": (("bob", at - timedelta(hours=1), False),),
        "merge_commit_sha": f"{iid:040x}",
    }
    fields.update(changes)
    return FakeMR(iid, at, **fields)  # type: ignore[arg-type]


def _gitlab(fake: FakeGitLab) -> None:
    """Three merged MRs (one large and unapproved), an open one, a deploy and an incident."""
    fake.commit_file(
        PROJECT, ".gitlab/CODEOWNERS", "9" * 40, NOW - timedelta(days=60), "[Shop]\n* @ann\n"
    )
    fake.add_mr(PROJECT, _mr(1, 0))
    fake.add_mr(
        PROJECT,
        _mr(
            2,
            1,
            title="Rewrite payment capture",
            files=(
                ("checkout/pay.py", 900, 300, "modified"),
                ("checkout/db/migrations/0042_capture.sql", 60, 0, "new"),
                ("checkout/auth/session.py", 80, 20, "modified"),
            ),
            approvals=(),
        ),
    )
    fake.add_mr(PROJECT, _mr(3, 2))
    fake.add_mr(PROJECT, _mr(4, 3, state="opened", merged_by=None, merged_at=None))
    deployed = MERGED + timedelta(hours=4)
    fake.add_deployment(
        PROJECT, 50, "production", "success", deployed, finished_at=deployed + timedelta(minutes=5)
    )
    fake.add_issue(
        PROJECT,
        9,
        deployed + timedelta(hours=1),
        title="Payments failing",
        labels=("checkout",),
        closed_at=deployed + timedelta(hours=3),
        severity="HIGH",
    )


def _github(github: FakeGitHubRest) -> None:
    """One approved pull request of acme/web with its CODEOWNERS."""
    graphql = make_fake_github_graphql(github.server)
    graphql.now = NOW
    graphql.add(
        REPO,
        [
            FakePull(
                number=7,
                title="Tidy the header",
                updated_at=iso(MERGED),
                merged_at=iso(MERGED),
                created_at=iso(MERGED - timedelta(hours=2)),
                author="ada",
                head="feature-7",
                merge_oid=f"{7:040x}",
                files=(FakeFile("web/header.tsx", 12, 3),),
                reviews=(FakeReview("grace", "APPROVED", iso(MERGED - timedelta(hours=1))),),
            )
        ],
    )
    github.commit_file(
        REPO, ".github/CODEOWNERS", "c" * 40, NOW - timedelta(days=30), "* @acme/web\n"
    )


@dataclass
class Org:
    """Where the organisation lives: its folder, the fake GitLab, and GitHub when beside it."""

    path: Path
    database_url: str
    gitlab: FakeGitLab
    github: FakeGitHubRest | None


def _world(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch, *, with_github: bool
) -> Iterator[Org]:
    with (
        pinned_clock(NOW),
        FakeGitLab(base_path="/gitlab", tokens={TOKEN: ("read_api",)}) as gitlab,
    ):
        _gitlab(gitlab)
        toml = GITLAB_TOML.format(base_url=gitlab.base_url)
        env = {
            "RISKBRIEF_DATABASE_URL": database_url,
            "RISKBRIEF_CONFIG": str(tmp_path / "riskbrief.toml"),
            "RISKBRIEF_GITLAB_TOKEN": TOKEN,
        }
        with FakeGitHubRest() as github:
            if with_github:
                _github(github)
                toml += GITHUB_TOML
                env |= {"GITHUB_TOKEN": "test-token", "GITHUB_API_URL": github.url}
            (tmp_path / "riskbrief.toml").write_text(toml, encoding="utf-8")
            for name, value in env.items():
                monkeypatch.setenv(name, value)
            assert CliRunner().invoke(main, ["db", "upgrade"]).exit_code == 0
            yield Org(tmp_path, database_url, gitlab, github if with_github else None)


# Both take ``engine`` for its store at head and empty (a copy, or a schema emptied): the
# fixture's `riskbrief db upgrade` then finds nothing to do instead of migrating anew.
@pytest.fixture
def gitlab_org(
    tmp_path: Path, engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Org]:
    """A GitLab-only organisation on a self-managed fake GitLab, on SQLite and PostgreSQL."""
    del engine
    yield from _world(tmp_path, database_url, monkeypatch, with_github=False)


@pytest.fixture
def both_org(
    tmp_path: Path, engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Org]:
    """The same organisation with a GitHub repository beside it."""
    del engine
    yield from _world(tmp_path, database_url, monkeypatch, with_github=True)


def _sync_score_brief(org: Org) -> tuple[dict[str, str], str, str]:
    """The sync's lines by source, the email's text and the email's HTML for WEEK."""
    synced = CliRunner().invoke(main, ["sync"])
    assert synced.exit_code == 0, synced.output
    lines = dict(line.split(": ", 1) for line in synced.output.splitlines())
    scored = CliRunner().invoke(main, ["score"])
    assert scored.exit_code == 0, scored.output
    out = org.path / "out"
    brief = CliRunner().invoke(main, ["brief", "--week", WEEK.id, "--out", str(out)])
    assert brief.exit_code == 0, brief.output
    text = (out / "lead.email.txt").read_text(encoding="utf-8")
    html = (out / "lead.email.html").read_text(encoding="utf-8")
    return lines, text, html


def _stored(org: Org) -> tuple[dict[str, Change], list[Deploy], list[Incident]]:
    engine = make_engine(org.database_url)
    with Session(engine) as session:
        changes = {c.key: c for c in session.exec(select(Change))}
        deploys = list(session.exec(select(Deploy)))
        incidents = list(session.exec(select(Incident)))
    engine.dispose()
    return changes, deploys, incidents


def test_a_gitlab_organisation_is_synced_scored_and_briefed_with_nothing_unknown(
    gitlab_org: Org,
) -> None:
    """MRs with approvals and CODEOWNERS, a deploy and an incident: the briefing has no gaps."""
    lines, text, html = _sync_score_brief(gitlab_org)
    assert lines[f"gitlab {PROJECT} MRs"].startswith("4 changes added")
    assert all("error" not in line.lower() for line in lines.values()), lines
    changes, deploys, incidents = _stored(gitlab_org)
    assert changes[f"{PROJECT}!4"].state is ChangeState.OPEN
    assert changes[f"{PROJECT}!2"].reviews_known is True
    assert [d.status for d in deploys] == ["success"]
    assert [i.deploy_id for i in incidents if i.source != "revert"] == [deploys[0].id]
    # Reviews, owners and incidents were all known: no "Not known this week" footer.
    assert "Not known this week" not in text, text
    assert "review of" not in text
    # The riskiest change is linked at its merge request on the self-managed GitLab.
    mr_url = f"{gitlab_org.gitlab.base_url}/{PROJECT}/-/merge_requests/2"
    assert mr_url in html


def test_risk_pr_answers_a_merge_request_by_its_key_and_its_url(gitlab_org: Org) -> None:
    """`ask pr group/sub/project!N` and the MR's URL under the base path find the same change."""
    assert CliRunner().invoke(main, ["sync"]).exit_code == 0
    assert CliRunner().invoke(main, ["score"]).exit_code == 0
    url = f"{gitlab_org.gitlab.base_url}/{PROJECT}/-/merge_requests/2"
    by_key = CliRunner().invoke(main, ["ask", "pr", f"{PROJECT}!2"])
    by_url = CliRunner().invoke(main, ["ask", "pr", url])
    assert by_key.exit_code == 0, by_key.output
    assert by_url.exit_code == 0, by_url.output
    assert "Rewrite payment capture" in by_key.output
    assert by_url.output == by_key.output
    unknown = CliRunner().invoke(main, ["ask", "pr", f"{PROJECT}!99"])
    assert unknown.exit_code == 1


def test_github_and_gitlab_side_by_side_each_read_their_own_repositories(
    both_org: Org,
) -> None:
    """Both code hosts sync into one store and one briefing; GitHub never asks for GitLab's."""
    lines, text, html = _sync_score_brief(both_org)
    assert lines[f"github {REPO} PRs"] == "1 change added, 0 updated"
    assert lines[f"gitlab {PROJECT} MRs"].startswith("4 changes added")
    assert not any(PROJECT in name for name in lines if name.startswith("github")), lines
    assert both_org.github is not None
    asked = both_org.github.server.requests
    assert any(REPO in r.path or REPO.encode() in r.body for r in asked)
    assert not [r for r in asked if "platform" in r.path or b"platform" in r.body]
    changes, _, _ = _stored(both_org)
    assert {f"{REPO}#7", f"{PROJECT}!1", f"{PROJECT}!2", f"{PROJECT}!3"} <= set(changes)
    assert "Not known this week" not in text, text
    assert f"{both_org.gitlab.base_url}/{PROJECT}/-/merge_requests/2" in html


@pytest.mark.usefixtures("gitlab_org")
def test_doctor_sees_gitlab_s_projects_read_and_its_sources() -> None:
    """A project with no path is read by GitLab, and `sources` lists what sync would run."""
    result = CliRunner().invoke(main, ["doctor"])
    lines = {
        line.split(": ", 1)[0].split(None, 1)[1]: line for line in result.stdout.splitlines()[:-1]
    }
    assert lines["repositories"].startswith("pass"), result.stdout
    assert f"gitlab {PROJECT} MRs" in lines["sources"]
    gitlab = [line for line in result.stdout.splitlines() if " gitlab: " in line]
    assert len(gitlab) == 4
    assert all(line.startswith("pass") for line in gitlab), gitlab
    assert TOKEN not in result.output


def test_gitlab_configured_without_its_token_is_one_sentence(
    gitlab_org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    """[sources.gitlab] with no token: `sync` ends in one line naming the variable and scope."""
    assert gitlab_org.github is None
    monkeypatch.delenv("RISKBRIEF_GITLAB_TOKEN")
    result = CliRunner().invoke(main, ["sync"])
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1
    assert "RISKBRIEF_GITLAB_TOKEN" in result.output
    assert "read_api" in result.output
