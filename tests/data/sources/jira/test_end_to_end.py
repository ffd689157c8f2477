"""An organisation with Jira end to end: sync -> score -> brief, fixes and incidents from Jira."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from bot.composition.pipeline import score_all
from briefing.build import Recipient, build_payload
from briefing.week import IsoWeek
from data.source_values import SourceChange, SourceChangeFile, SourceDeploy, SourceErrorBudget
from data.sources.jira.source import jira_sources
from data.store.tables import Incident, RiskScoreRow
from data.sync import SyncRun, run_sources
from fakes.jira_server import FakeJiraIssue
from tests.data.sources.jira.conftest import JiraWorld
from tests.data.sources.tracker.world import NOW, at

# Touches dates: `make clock-check` re-runs it at a faked Sunday night.
pytestmark = pytest.mark.dates


def _change(key: str, title: str, hours_ago: float) -> SourceChange:
    return SourceChange(
        key,
        "acme/shop",
        "dev",
        at(hours_ago),
        title=title,
        opened_at=at(hours_ago + 3),
        files=(SourceChangeFile("checkout/cart.py", 40, 5),),
    )


def test_a_jira_bug_makes_a_fix_and_a_jira_incident_makes_an_incident_card(
    jira: JiraWorld,
) -> None:
    """A change naming a Jira Bug is scored as a fix, one naming a Story is not, and the
    incident Jira records after a very high-risk deploy is a critical card of the briefing."""
    fake = jira.fake
    fake.add_issue(FakeJiraIssue("SHOP-1", at(100), issue_type="Bug", summary="Rounding"))
    fake.add_issue(FakeJiraIssue("SHOP-2", at(100), issue_type="Story", summary="Dark mode"))
    fake.add_issue(
        FakeJiraIssue(
            "SHOP-3",
            at(4),
            issue_type="Incident",
            summary="Checkout returns 500s",
            created=at(5),
            resolved=at(4),
            priority="Highest",
            components=("checkout",),
        )
    )
    run = SyncRun(jira.engine, jira.org)
    # The code host's part, as any code host source hands it over.
    run.checkpoint(
        "code-host",
        changes=[
            _change("acme/shop#1", "SHOP-1 round totals half up", 30),
            _change("acme/shop#2", "SHOP-2 dark mode toggle", 29),
            _change("acme/shop#3", "SHOP-2 cart cleanup", 8),
        ],
        deploys=[SourceDeploy("deploy-1", "checkout", at(7), sha="abc", started_at=at(7.2))],
        # A spent error budget gates the last change, so the deploy shipping it is very high risk.
        error_budgets=[SourceErrorBudget("checkout-budget", "checkout", at(9), at(1))],
    )
    sources = jira_sources(jira.config, jira.org, client=jira.client(), clock=lambda: NOW)
    assert [s.error for s in run_sources(jira.engine, jira.org, sources)] == [None]

    with Session(jira.engine) as session:
        score_all(session, jira.org)
        session.commit()
        fix = {
            r.subject_key: next(s["value"] for s in r.signals if s["name"] == "fix")
            for r in session.exec(
                select(RiskScoreRow).where(col(RiskScoreRow.subject_kind) == "change")
            )
        }
        incident = session.exec(select(Incident)).one()
        payload = build_payload(
            session,
            jira.org,
            Recipient("lead", "Lead", "UTC"),
            IsoWeek.of(NOW.date()),
        )
    assert fix == {"acme/shop#1": 1.0, "acme/shop#2": 0.0, "acme/shop#3": 0.0}
    assert (incident.key, incident.severity, incident.deploy_id is not None) == (
        "jira-incident:SHOP-3",
        "sev1",
        True,
    )
    cards = [c for c in payload.cards if c.kind == "incident"]
    assert len(cards) == 1
    assert cards[0].severity == "critical"
    assert any("SHOP-3" in str(e) for e in cards[0].evidence)
