"""`riskbrief sync` → `score` → `brief` against fake GitHub and PagerDuty servers on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session, col, select

from bot.cli import main
from briefing.week import IsoWeek
from data.store.engine import make_engine
from data.store.tables import Change, ChangeFile, Deploy, Incident, Person
from fakes.github_graphql import FakeFile, FakePull, FakeReview, iso, make_fake_github_graphql
from fakes.github_rest import FakeGitHubRest
from fakes.pagerduty_server import FakePagerDuty, pd_incident
from tests.clock import THURSDAY, pinned_clock
from tests.stores import migrated_copy

# Touches dates: `make clock-check` re-runs it at a faked Sunday night.
pytestmark = pytest.mark.dates

# The clock is pinned at NOW, a Thursday: the changes merge on the Wednesday of the last
# complete week, which `brief` briefs, and within the first sync's 90 days.
NOW = THURSDAY
MERGED = datetime.combine(
    IsoWeek.last_complete(NOW, "UTC").monday + timedelta(days=2), time(12), UTC
)
REPO = "acme/shop"

TOML = """
[organisation]
name = "Acme"
[[repositories]]
name = "acme/shop"
[[services]]
key = "checkout"
repository = "acme/shop"
paths = ["checkout/**"]
[sources.github]
incident_label = "incident"
[sources.pagerduty]
services = { PCHK001 = "checkout" }
[[subscribers]]
key = "lead"
email = "lead@acme.example"
"""


def _pull(number: int, **overrides: object) -> FakePull:
    fields: dict[str, object] = {
        "number": number,
        "title": f"Change {number}",
        "updated_at": iso(MERGED + timedelta(minutes=number)),
        "merged_at": iso(MERGED + timedelta(minutes=number)),
        "created_at": iso(MERGED - timedelta(hours=2)),
        "author": "ada",
        "head": f"feature-{number}",
        "merge_oid": f"{number:040x}",
        "files": (FakeFile("checkout/cart.py", 40, 5), FakeFile("docs/readme.md", 2, 0)),
        "reviews": (FakeReview("grace", "APPROVED", iso(MERGED - timedelta(hours=1))),),
    }
    fields.update(overrides)
    return FakePull(**fields)  # type: ignore[arg-type]


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Fake GitHub (GraphQL and REST on one server) and PagerDuty, and the env that names them."""
    with pinned_clock(NOW), FakeGitHubRest() as github, FakePagerDuty() as pagerduty:
        graphql = make_fake_github_graphql(github.server)
        graphql.now = NOW
        graphql.add(
            REPO,
            [
                _pull(1),
                _pull(
                    2,
                    author="copilot-swe-agent[bot]",
                    author_type="Bot",
                    reviews=(),
                    labels=("bug",),
                ),
                # Merged after the deployment that shipped PR 1: PR 1 reached production.
                _pull(
                    3,
                    head="revert-1-feature-1",
                    title='Revert "Change 1"',
                    updated_at=iso(MERGED + timedelta(hours=1, minutes=30)),
                    merged_at=iso(MERGED + timedelta(hours=1, minutes=30)),
                ),
            ],
        )
        github.commit_file(
            REPO, ".github/CODEOWNERS", "c" * 40, NOW - timedelta(days=30), "checkout/ @acme/pay\n"
        )
        github.add_deployment(
            REPO,
            11,
            "production",
            MERGED + timedelta(hours=1),
            statuses=(("success", MERGED + timedelta(hours=1, minutes=5)),),
        )
        github.add_issue(
            REPO, 90, "Cart empties itself", ("incident",), MERGED + timedelta(hours=2)
        )
        pagerduty.incidents.append(
            pd_incident(
                "Q1ABC",
                501,
                "PCHK001",
                MERGED + timedelta(hours=3),
                status="resolved",
                resolved_at=MERGED + timedelta(hours=4),
            )
        )
        toml = tmp_path / "riskbrief.toml"
        toml.write_text(TOML, encoding="utf-8")
        for name, value in {
            "RISKBRIEF_DATABASE_URL": f"sqlite:///{tmp_path / 'rb.db'}",
            "RISKBRIEF_CONFIG": str(toml),
            "GITHUB_TOKEN": "test-token",
            "GITHUB_API_URL": github.url,
            "PAGERDUTY_TOKEN": pagerduty.token,
            "PAGERDUTY_API_URL": pagerduty.url,
        }.items():
            monkeypatch.setenv(name, value)
        migrated_copy(tmp_path / "rb.db")
        yield tmp_path


def test_every_source_lands_in_the_store_and_a_second_sync_adds_nothing(world: Path) -> None:
    """PRs with CODEOWNERS, a deployment, an issue, a PagerDuty incident and a revert, once."""
    first = CliRunner().invoke(main, ["sync"])
    second = CliRunner().invoke(main, ["sync"])
    assert first.exit_code == 0, first.output
    lines = dict(line.split(": ", 1) for line in first.output.splitlines())
    assert lines["github acme/shop PRs"] == "3 changes added, 0 updated"
    assert lines["pagerduty"] == "1 incident added, 0 updated"
    assert lines["reverts"] == "1 revert recorded as an incident, 0 updated"
    assert second.exit_code == 0, second.output
    assert all(": 0 " in line for line in second.output.splitlines()), second.output
    engine = make_engine(f"sqlite:///{world / 'rb.db'}")
    with Session(engine) as session:
        changes = {c.number: c for c in session.exec(select(Change))}
        owners = {
            f.path: f.owners
            for f in session.exec(
                select(ChangeFile).where(col(ChangeFile.change_id) == changes[1].id)
            )
        }
        agent = session.exec(
            select(Person).where(col(Person.login) == "copilot-swe-agent[bot]")
        ).one()
        deploys = session.exec(select(Deploy)).all()
        incidents = sorted(i.source for i in session.exec(select(Incident)))
    engine.dispose()
    assert set(changes) == {1, 2, 3}
    assert changes[3].reverts_key == "acme/shop#1"
    assert owners == {"checkout/cart.py": ["@acme/pay"], "docs/readme.md": []}
    assert agent.kind == "agent"
    assert [(d.status, d.service_id is not None) for d in deploys] == [("success", True)]
    assert incidents == ["github-issue", "pagerduty", "revert"]


def test_synced_data_scores_and_briefs(world: Path) -> None:
    """After a sync, score and brief run on what the sources stored."""
    assert CliRunner().invoke(main, ["sync"]).exit_code == 0
    scored = CliRunner().invoke(main, ["score"])
    assert scored.exit_code == 0, scored.output
    assert scored.output.startswith("Scored 3 changes and 1 deploys")
    brief = CliRunner().invoke(main, ["brief", "--dry-run", "--out", str(world / "out")])
    assert brief.exit_code == 0, brief.output
    assert " critical · " in brief.output.splitlines()[0]


@pytest.mark.usefixtures("world")
def test_github_configured_without_credentials_is_one_sentence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """[sources.github] with no token or App settings names the variables to set."""
    monkeypatch.delenv("GITHUB_TOKEN")
    result = CliRunner().invoke(main, ["sync"])
    assert result.exit_code == 1
    assert "GITHUB_TOKEN" in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.usefixtures("world")
def test_a_refused_github_token_fails_only_the_github_sources(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A wrong token ends the GitHub lines in one sentence; PagerDuty still syncs."""
    monkeypatch.setenv("GITHUB_TOKEN", "wrong")
    result = CliRunner().invoke(main, ["sync"])
    assert result.exit_code == 1
    lines = dict(line.split(": ", 1) for line in result.output.splitlines())
    assert "401" in lines["github acme/shop PRs"]
    assert lines["pagerduty"] == "1 incident added, 0 updated"
    assert "Traceback" not in result.output
