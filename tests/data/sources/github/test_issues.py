"""GitHub issues with the incident label as incidents, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from structlog.testing import capture_logs

from data.config import OrgConfig, parse_org_config
from data.sources.github.issues import IssuesSource, incident_sources
from data.store.engine import session_scope
from data.store.org import sync_org
from data.store.tables import Incident, Service
from data.sync import SyncRun, run_sources
from fakes.github_rest import FakeGitHubRest
from fakes.http import Answer

# Cases of the client against its fake; on PostgreSQL only where the store decides.
pytestmark = pytest.mark.client_cases

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
SHOP = "acme/shop"
MONO = "acme/mono"

ORG = """
[[repositories]]
name = "acme/shop"

[[repositories]]
name = "acme/mono"

[[services]]
key = "checkout"
repository = "acme/shop"

[[services]]
key = "payments"
repository = "acme/mono"

[[services]]
key = "search"
repository = "acme/mono"

[sources.github]
since = 2026-01-01
incident_label = "incident"
"""


def ago(days: float) -> datetime:
    """A time ``days`` before ``NOW``."""
    return NOW - timedelta(days=days)


@pytest.fixture
def org(engine: Engine) -> OrgConfig:
    """The organisation above, written into the store."""
    config = parse_org_config(ORG)
    with session_scope(engine) as session:
        sync_org(session, config)
    return config


@pytest.fixture
def fake() -> Iterator[FakeGitHubRest]:
    """A fake GitHub REST API on 127.0.0.1."""
    with FakeGitHubRest() as server:
        yield server


def source(fake: FakeGitHubRest, org: OrgConfig, repo: str) -> IssuesSource:
    """The issues source of ``repo`` against the fake, at ``NOW``."""
    assert org.sources.github is not None
    return IssuesSource(fake.client(), repo, org.sources.github, lambda: NOW)


def incidents(
    engine: Engine,
) -> dict[str, tuple[str, str, datetime, datetime | None, str | None]]:
    """Incidents in the store: key -> (service, title, opened, resolved, severity)."""
    with Session(engine) as session:
        services = {s.id: s.key for s in session.exec(select(Service))}
        return {
            i.key: (
                services[i.service_id],
                i.title,
                i.opened_at.astimezone(UTC),
                i.resolved_at.astimezone(UTC) if i.resolved_at else None,
                i.severity,
            )
            for i in session.exec(select(Incident).order_by(col(Incident.key)))
        }


@pytest.mark.store_decides
def test_labelled_issues_become_incidents(
    engine: Engine, org: OrgConfig, fake: FakeGitHubRest
) -> None:
    """Labelled issues are incidents of the service a label names or the repo's only service."""
    fake.add_issue(SHOP, 1, "Checkout down", ("incident", "sev1"), ago(5), closed_at=ago(4.9))
    fake.add_issue(SHOP, 2, "Slow pages", ("incident",), ago(2))
    fake.add_issue(SHOP, 3, "Not an incident", ("bug",), ago(2))
    fake.add_issue(SHOP, 4, "A PR", ("incident",), ago(2), pull_request=True)
    fake.add_issue(MONO, 7, "Search 500s", ("incident", "search"), ago(3), closed_at=ago(2.5))
    fake.add_issue(MONO, 8, "Card errors", ("incident", "Service: Payments", "P2"), ago(1))
    fake.add_issue(MONO, 9, "Somewhere", ("incident",), ago(1))
    run = SyncRun(engine, org)
    with capture_logs() as logs:
        source(fake, org, SHOP).sync(run)
        source(fake, org, MONO).sync(run)
    assert incidents(engine) == {
        "github-issue:acme/shop#1": ("checkout", "Checkout down", ago(5), ago(4.9), "sev1"),
        "github-issue:acme/shop#2": ("checkout", "Slow pages", ago(2), None, None),
        "github-issue:acme/mono#7": ("search", "Search 500s", ago(3), ago(2.5), None),
        "github-issue:acme/mono#8": ("payments", "Card errors", ago(1), None, "P2"),
    }
    assert run.tally.skipped == 1
    assert [e.get("issue") for e in logs if e["event"] == "github_record_skipped"] == [9]
    (asked,) = fake.requests_to(r"/repos/acme/shop/issues")
    assert asked.query["labels"] == "incident"
    assert asked.query["state"] == "all"
    assert asked.query["since"] == "2026-01-01T00:00:00Z"


@pytest.mark.store_decides
def test_closing_an_issue_resolves_it_and_unchanged_polls_are_free(
    engine: Engine, org: OrgConfig, fake: FakeGitHubRest
) -> None:
    """A closed issue resolves its incident on the next sync; a poll with no change costs 0."""
    fake.add_issue(SHOP, 1, "Checkout down", ("incident",), ago(1))
    src = source(fake, org, SHOP)
    src.sync(SyncRun(engine, org))
    used = fake.remaining
    unchanged = SyncRun(engine, org)
    src.sync(unchanged)
    assert fake.remaining == used
    assert fake.requests_to(r"/repos/acme/shop/issues")[-1].headers.get("if-none-match")
    assert (unchanged.tally.added, unchanged.tally.updated) == (0, 0)

    fake.add_issue(SHOP, 1, "Checkout down", ("incident",), ago(1), closed_at=ago(0.5))
    changed = SyncRun(engine, org)
    src.sync(changed)
    assert changed.tally.updated == 1
    assert incidents(engine)["github-issue:acme/shop#1"][3] == ago(0.5)
    used = fake.remaining
    src.sync(SyncRun(engine, org))
    assert fake.remaining == used


def test_many_pages_move_the_watermark(
    engine: Engine, org: OrgConfig, fake: FakeGitHubRest
) -> None:
    """More than a page of incidents is read page by page and the next sync starts after them."""
    for n in range(1, 151):
        fake.add_issue(SHOP, n, f"Incident {n}", ("incident",), ago(40 - n * 0.2))
    src = source(fake, org, SHOP)
    first = SyncRun(engine, org)
    src.sync(first)
    assert first.tally.added == 150
    src.sync(SyncRun(engine, org))
    last = fake.requests_to(r"/repos/acme/shop/issues")[-1]
    assert last.query["since"] == "2026-02-20T12:00:00Z"  # the newest issue's updated_at


def test_bad_issue_is_skipped_and_401_is_one_sentence(
    engine: Engine, org: OrgConfig, fake: FakeGitHubRest
) -> None:
    """An issue missing its opening time is skipped; a refused token is one sentence."""
    fake.add_issue(SHOP, 1, "Fine", ("incident",), ago(2))
    fake.add_issue(SHOP, 2, "Broken", ("incident",), ago(1))
    del fake.issues[SHOP][1]["created_at"]
    run = SyncRun(engine, org)
    source(fake, org, SHOP).sync(run)
    assert set(incidents(engine)) == {"github-issue:acme/shop#1"}
    assert run.tally.skipped == 1

    fake.server.fail_next("/repos/acme/mono/issues", Answer(401, {"message": "Bad credentials"}))
    (summary,) = run_sources(engine, org, [source(fake, org, MONO)])
    assert summary.error is not None
    assert summary.error.startswith("GitHub refused the credentials (401); check GITHUB_TOKEN")


def test_no_label_no_sources(org: OrgConfig) -> None:
    """Without an incident_label there is no issues source; with one, one per repository."""
    with FakeGitHubRest() as fake:
        assert org.sources.github is not None
        names = [s.name for s in incident_sources(fake.client(), org)]
        off = org.sources.github.model_copy(update={"incident_label": None})
        assert incident_sources(fake.client(), org, off) == []
    assert names == ["github incidents acme/shop", "github incidents acme/mono"]
