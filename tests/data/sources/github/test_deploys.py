"""Deploys from GitHub's REST API: deployments, releases and workflow runs, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from structlog.testing import capture_logs

from data.config import OrgConfig, parse_org_config
from data.config.sources import GitHubSourceConfig
from data.deploy_rule import DeployRule, FoundBy
from data.handoff import Cursor, Source
from data.sources.github.auth import TokenAuth
from data.sources.github.deploys import (
    DeploymentsSource,
    ReleasesSource,
    WorkflowRunsSource,
    deploy_sources,
)
from data.sources.github.rest import ETAG_SOURCE
from data.store.engine import session_scope
from data.store.org import sync_org
from data.store.tables import Deploy, Service, SyncState
from data.sync import SyncRun, run_sources
from fakes.github_rest import FakeGitHubRest
from fakes.http import Answer
from scoring.errors import SourceError

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

[[services]]
key = "api-gateway"
repository = "acme/mono"

[sources.github]
since = 2026-01-01
production_environment = "^(prod|production|live)\\\\b|[-_/ ](prod|production)$"
release_tags = "^v\\\\d"
deploy_workflow = "^deploy"

[sources.github.services]
"live-eu" = "search"
"Deploy web" = "payments"
"""


def ago(days: float = 0, hours: float = 0) -> datetime:
    """A time before the fixed ``NOW`` of these tests."""
    return NOW - timedelta(days=days, hours=hours)


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


def github(org: OrgConfig) -> GitHubSourceConfig:
    """The ``[sources.github]`` table of ``org``."""
    assert org.sources.github is not None
    return org.sources.github


def deployments(fake: FakeGitHubRest, org: OrgConfig, repo: str) -> DeploymentsSource:
    """The deployments source of ``repo`` against the fake, at ``NOW``."""
    return DeploymentsSource(fake.client(), repo, github(org), lambda: NOW)


def sync(engine: Engine, org: OrgConfig, *sources: Source) -> SyncRun:
    """Sync ``sources`` in one run and return it."""
    run = SyncRun(engine, org)
    for source in sources:
        source.sync(run)
    return run


def stored(engine: Engine) -> dict[str, tuple[str, str, datetime, str, str | None]]:
    """Deploys in the store: key -> (service, status, finished_at, environment, sha)."""
    with Session(engine) as session:
        services = {s.id: s.key for s in session.exec(select(Service))}
        rows = session.exec(select(Deploy).order_by(col(Deploy.key)))
        return {
            d.key: (
                services[d.service_id],
                d.status,
                d.finished_at.astimezone(UTC),
                d.environment,
                d.sha,
            )
            for d in rows
        }


@pytest.mark.store_decides
def test_deployment_finishes_at_its_newest_success_status(
    engine: Engine, org: OrgConfig, fake: FakeGitHubRest
) -> None:
    """A deployment finishes at its newest success status's time, not when it was last updated."""
    fake.add_deployment(
        SHOP,
        7,
        "production",
        ago(3),
        sha="c" * 40,
        statuses=(
            ("in_progress", ago(3) + timedelta(minutes=1)),
            ("success", ago(3) + timedelta(minutes=9)),
            ("inactive", ago(1)),
        ),
    )
    sync(engine, org, deployments(fake, org, SHOP))
    assert stored(engine) == {
        "github-deployment:acme/shop:7": (
            "checkout",
            "success",
            ago(3) + timedelta(minutes=9),
            "production",
            "c" * 40,
        )
    }


OUTCOMES = [
    # (statuses as (state, minutes after creation), expected (status, minutes) or None)
    ((("pending", 0), ("in_progress", 2)), None),
    ((("queued", 0),), None),
    ((("in_progress", 1), ("failure", 6)), ("failure", 6)),
    ((("error", 3),), ("failure", 3)),
    ((("failure", 4), ("success", 12)), ("success", 12)),
    ((("success", 5), ("failure", 15)), ("failure", 15)),
    ((("success", 5), ("success", 8)), ("success", 8)),
    ((("success", 7), ("inactive", 90)), ("success", 7)),
    ((), None),
]


def test_deployment_outcomes_table(engine: Engine, org: OrgConfig, fake: FakeGitHubRest) -> None:
    """The newest terminal status decides: failures and errors are failed deploys, pending none."""
    created = ago(2)
    for i, (statuses, _) in enumerate(OUTCOMES, start=1):
        fake.add_deployment(
            SHOP,
            i,
            "production",
            created,
            statuses=tuple((s, created + timedelta(minutes=m)) for s, m in statuses),
        )
    sync(engine, org, deployments(fake, org, SHOP))
    got = stored(engine)
    for i, (_, expected) in enumerate(OUTCOMES, start=1):
        row = got.get(f"github-deployment:acme/shop:{i}")
        if expected is None:
            assert row is None, i
        else:
            assert row is not None, i
            assert (row[1], row[2]) == (expected[0], created + timedelta(minutes=expected[1])), i


ENVIRONMENTS = [
    # (repository, GitHub environment, service key or None when not a production deploy)
    (SHOP, "production", "checkout"),
    (SHOP, "Production", "checkout"),
    (SHOP, "prod", "checkout"),
    (SHOP, "staging", None),
    (SHOP, "preprod", None),
    (SHOP, "pr-123-preview", None),
    (MONO, "live-eu", "search"),  # the services map
    (MONO, "payments-prod", "payments"),  # a key as a word of the name
    (MONO, "api-gateway/production", "api-gateway"),  # a key of several words
    (MONO, "Search Production", "search"),
    (MONO, "production", None),  # several services, nothing names one: skipped
    (MONO, "payments-staging", None),
]


def test_environments_and_services_table(
    engine: Engine, org: OrgConfig, fake: FakeGitHubRest
) -> None:
    """Only production environments are deploys; each maps to a service by the configured rules."""
    for i, (repo, environment, _) in enumerate(ENVIRONMENTS, start=1):
        fake.add_deployment(repo, i, environment, ago(1), statuses=(("success", ago(1)),))
    with capture_logs() as logs:
        run = sync(engine, org, deployments(fake, org, SHOP), deployments(fake, org, MONO))
    got = stored(engine)
    for i, (repo, environment, service) in enumerate(ENVIRONMENTS, start=1):
        row = got.get(f"github-deployment:{repo}:{i}")
        assert (row[0] if row else None) == service, environment
        if row:
            assert row[3] == "production"
    assert run.tally.skipped == 1
    warned = [e for e in logs if e["event"] == "github_record_skipped"]
    assert [e.get("environment") for e in warned] == ["production"]
    # Statuses of non-production deployments are never fetched.
    assert not fake.requests_to(r"/repos/acme/shop/deployments/(4|5|6)/statuses")


def test_unchanged_poll_sends_etags_gets_304s_and_costs_no_quota(
    engine: Engine, org: OrgConfig, fake: FakeGitHubRest
) -> None:
    """A second, unchanged poll is all 304s: no quota spent, no rows added or updated."""
    for i in range(1, 4):
        fake.add_deployment(SHOP, i, "production", ago(i), statuses=(("success", ago(i)),))
    fake.add_deployment(SHOP, 9, "production", ago(20), statuses=(("success", ago(20)),))
    first = sync(engine, org, deployments(fake, org, SHOP))
    assert first.tally.added == 4
    used = fake.remaining
    rows = stored(engine)
    before = len(fake.server.requests)

    second = sync(engine, org, deployments(fake, org, SHOP))

    polled = fake.server.requests[before:]
    assert polled, "the second poll asks GitHub"
    assert all(r.headers.get("if-none-match") for r in polled)
    assert fake.remaining == used
    assert (second.tally.added, second.tally.updated) == (0, 0)
    assert stored(engine) == rows
    # The three recent deployments were re-checked; the 20-day-old one was not.
    checked = {r.path.split("/")[5] for r in polled if r.path.endswith("/statuses")}
    assert checked == {"1", "2", "3"}


@pytest.mark.store_decides
def test_recent_deployments_are_rechecked_for_status_changes(
    engine: Engine, org: OrgConfig, fake: FakeGitHubRest
) -> None:
    """A status that lands after a sync is picked up for a deployment of the last 7 days only."""
    fake.add_deployment(SHOP, 1, "production", ago(2), statuses=(("in_progress", ago(2)),))
    fake.add_deployment(SHOP, 2, "production", ago(3), statuses=(("success", ago(3)),))
    fake.add_deployment(SHOP, 3, "production", ago(12), statuses=(("in_progress", ago(12)),))
    sync(engine, org, deployments(fake, org, SHOP))
    assert set(stored(engine)) == {"github-deployment:acme/shop:2"}

    fake.add_status(SHOP, 1, "success", ago(1))
    fake.add_status(SHOP, 2, "failure", ago(1, hours=-1))
    fake.add_status(SHOP, 3, "success", ago(1))
    run = sync(engine, org, deployments(fake, org, SHOP))

    got = stored(engine)
    assert got["github-deployment:acme/shop:1"][1:3] == ("success", ago(1))
    assert got["github-deployment:acme/shop:2"][1:3] == ("failure", ago(1, hours=-1))
    assert "github-deployment:acme/shop:3" not in got
    assert (run.tally.added, run.tally.updated) == (1, 1)


def test_new_deployment_on_a_later_page_is_read_back_to_the_window(
    engine: Engine, org: OrgConfig, fake: FakeGitHubRest
) -> None:
    """A first sync pages back to ``since``; deployments before it are not read."""
    for i in range(1, 131):
        at = ago(i * 0.5)
        fake.add_deployment(SHOP, i, "production", at, statuses=(("success", at),))
    sync(engine, org, deployments(fake, org, SHOP))
    since = datetime(2026, 1, 1, tzinfo=UTC)
    expected = {f"github-deployment:acme/shop:{i}" for i in range(1, 131) if ago(i * 0.5) >= since}
    assert set(stored(engine)) == expected
    assert len(fake.requests_to(r"/repos/acme/shop/deployments")) == 2


def test_releases_matching_the_tag_pattern_are_deploys(
    engine: Engine, org: OrgConfig, fake: FakeGitHubRest
) -> None:
    """Published releases with a matching tag are deploys; drafts, prereleases and others not."""
    fake.add_release(SHOP, 1, "v1.0.0", ago(10), target="d" * 40)
    fake.add_release(SHOP, 2, "v1.1.0-rc1", ago(5), prerelease=True)
    fake.add_release(SHOP, 3, "v1.1.0", None, draft=True)
    fake.add_release(SHOP, 4, "docs-2026", ago(4))
    fake.add_release(SHOP, 5, "v1.2.0", ago(2))
    source = ReleasesSource(fake.client(), SHOP, github(org), lambda: NOW)
    sync(engine, org, source)
    assert stored(engine) == {
        "github-release:acme/shop:1": ("checkout", "success", ago(10), "production", "d" * 40),
        "github-release:acme/shop:5": ("checkout", "success", ago(2), "production", None),
    }
    used = fake.remaining
    again = sync(engine, org, source)
    assert fake.remaining == used
    assert again.tally.added == 0


class _FailAfterFirstPage:
    """Progress that makes GitHub refuse the request after the first page of releases."""

    def __init__(self, fake: FakeGitHubRest) -> None:
        self.fake = fake
        self.pages = 0

    def advance(self, source: str, count: int, unit: str) -> None:
        """Queue a refusal of the next release request once the first page is stored."""
        self.pages += 1
        if self.pages == 1:
            self.fake.server.fail_next(f"/repos/{SHOP}/releases", Answer(404, {"message": "x"}))


@pytest.mark.store_decides
def test_an_interrupted_release_pass_is_read_again_without_loss_or_duplicates(
    engine: Engine, org: OrgConfig, fake: FakeGitHubRest
) -> None:
    """A pass cut short keeps its first page, no cursor or ETag, and the next sync reads it all."""
    for ident in range(1, 151):
        fake.add_release(SHOP, ident, f"v1.{ident}.0", ago(20) + timedelta(hours=ident))
    source = ReleasesSource(fake.client(), SHOP, github(org), lambda: NOW)
    cut = SyncRun(engine, org, _FailAfterFirstPage(fake))
    with pytest.raises(SourceError):
        source.sync(cut)
    assert cut.tally.added == 100
    assert cut.cursor("github-releases", SHOP) == Cursor()
    with Session(engine) as session:
        assert not session.exec(select(SyncState).where(col(SyncState.source) == ETAG_SOURCE)).all()
    again = sync(engine, org, source)
    assert (again.tally.added, again.tally.updated) == (50, 0)
    assert len(stored(engine)) == 150
    assert again.cursor("github-releases", SHOP).watermark == ago(20) + timedelta(hours=150)


def test_deploy_workflow_runs_are_deploys(
    engine: Engine, org: OrgConfig, fake: FakeGitHubRest
) -> None:
    """Completed runs of deploy workflows are deploys (success or failure); other runs are not."""
    fake.add_workflow(MONO, 11, "Deploy web")
    fake.add_workflow(MONO, 12, "CI")
    fake.add_workflow(MONO, 13, "deploy-search")
    fake.add_run(MONO, 11, 101, "success", ago(3), ago(3) + timedelta(minutes=7), head_sha="e" * 40)
    fake.add_run(MONO, 11, 102, "failure", ago(2), ago(2) + timedelta(minutes=4))
    fake.add_run(MONO, 11, 103, "cancelled", ago(1), ago(1))
    fake.add_run(MONO, 11, 104, None, ago(0.1), ago(0.1))
    fake.add_run(MONO, 13, 105, "timed_out", ago(1), ago(1) + timedelta(minutes=30))
    fake.add_run(MONO, 12, 106, "success", ago(1), ago(1))
    source = WorkflowRunsSource(fake.client(), MONO, github(org), lambda: NOW)
    sync(engine, org, source)
    assert stored(engine) == {
        "github-workflow-run:acme/mono:101": (
            "payments",
            "success",
            ago(3) + timedelta(minutes=7),
            "production",
            "e" * 40,
        ),
        "github-workflow-run:acme/mono:102": (
            "payments",
            "failure",
            ago(2) + timedelta(minutes=4),
            "production",
            "b" * 40,
        ),
        "github-workflow-run:acme/mono:105": (
            "search",
            "failure",
            ago(1) + timedelta(minutes=30),
            "production",
            "b" * 40,
        ),
    }
    assert not fake.requests_to(r"/repos/acme/mono/actions/workflows/12/runs")
    used = fake.remaining
    sync(engine, org, source)
    assert fake.remaining == used


def found_by(engine: Engine) -> dict[str, FoundBy | None]:
    """The rule that found each stored deploy, by key."""
    with Session(engine) as session:
        return {d.key: FoundBy.decode(d.found_by) for d in session.exec(select(Deploy))}


def test_each_deploy_stores_the_rule_that_found_it(
    engine: Engine, org: OrgConfig, fake: FakeGitHubRest
) -> None:
    """A deployment keeps its environment and pattern, a release its tag, a run its workflow."""
    fake.add_deployment(MONO, 7, "live-eu", ago(3), statuses=(("success", ago(3)),))
    fake.add_release(SHOP, 1, "v1.4.2", ago(2))
    fake.add_workflow(MONO, 11, "Deploy web")
    fake.add_run(MONO, 11, 101, "success", ago(1), ago(1))
    releases = ReleasesSource(fake.client(), SHOP, github(org), lambda: NOW)
    runs = WorkflowRunsSource(fake.client(), MONO, github(org), lambda: NOW)
    sync(engine, org, deployments(fake, org, MONO), releases, runs)
    cfg = github(org)
    assert found_by(engine) == {
        "github-deployment:acme/mono:7": FoundBy(
            DeployRule.GITHUB_DEPLOYMENT, "live-eu", cfg.production_environment
        ),
        "github-release:acme/shop:1": FoundBy(DeployRule.GITHUB_RELEASE, "v1.4.2", "^v\\d"),
        "github-workflow-run:acme/mono:101": FoundBy(
            DeployRule.GITHUB_WORKFLOW, "Deploy web", "^deploy"
        ),
    }


@pytest.mark.parametrize("conclusion", ["cancelled", "skipped", "neutral", "action_required"])
def test_a_cancelled_or_skipped_run_is_never_a_deploy(
    engine: Engine, org: OrgConfig, fake: FakeGitHubRest, conclusion: str
) -> None:
    """A deploy workflow's run that was cancelled, skipped or ended neither way is no deploy."""
    fake.add_workflow(MONO, 11, "Deploy web")
    fake.add_run(MONO, 11, 101, conclusion, ago(1), ago(1))
    sync(engine, org, WorkflowRunsSource(fake.client(), MONO, github(org), lambda: NOW))
    assert stored(engine) == {}


@pytest.mark.parametrize("conclusion", ["failure", "timed_out", "startup_failure"])
def test_a_failed_run_is_a_failed_attempt_that_ships_nothing(
    engine: Engine, org: OrgConfig, fake: FakeGitHubRest, conclusion: str
) -> None:
    """A deploy workflow's failed run is kept only as a failed attempt (status ``failure``),
    which linking never ties a change or an incident to."""
    fake.add_workflow(MONO, 11, "Deploy web")
    fake.add_run(MONO, 11, 101, conclusion, ago(1), ago(1))
    sync(engine, org, WorkflowRunsSource(fake.client(), MONO, github(org), lambda: NOW))
    assert [v[1] for v in stored(engine).values()] == ["failure"]


def test_with_deploy_job_the_deploy_job_decides_each_run(
    engine: Engine, org: OrgConfig, fake: FakeGitHubRest
) -> None:
    """With ``deploy_job`` a run is its deploy job's: a success is the deploy; a deploy job
    that failed in a run that succeeded was allowed to fail (continue-on-error) and is no
    deploy; a skipped, cancelled or missing deploy job makes none; a failed run's failed job
    is a failed attempt."""
    fake.add_workflow(MONO, 11, "Deploy web")
    done = ago(1) + timedelta(minutes=9)
    runs = {
        101: ("success", (("build", "success"), ("deploy-prod", "success"))),
        102: ("success", (("build", "success"), ("deploy-prod", "failure"))),
        103: ("failure", (("build", "success"), ("deploy-prod", "failure"))),
        104: ("success", (("build", "success"), ("deploy-prod", "skipped"))),
        105: ("success", (("build", "success"),)),
        106: ("cancelled", (("deploy-prod", "cancelled"),)),
        107: ("success", (("deploy-prod", "cancelled"), ("deploy-prod", "success"))),
    }
    for ident, (conclusion, jobs) in runs.items():
        fake.add_run(MONO, 11, ident, conclusion, ago(1), done, jobs=jobs)
    cfg = github(org).model_copy(update={"deploy_job": "^deploy-prod$"})
    sync(engine, org, WorkflowRunsSource(fake.client(), MONO, cfg, lambda: NOW))
    assert {k: v[1] for k, v in stored(engine).items()} == {
        "github-workflow-run:acme/mono:101": "success",
        "github-workflow-run:acme/mono:103": "failure",
        "github-workflow-run:acme/mono:107": "success",
    }
    rule = FoundBy(DeployRule.GITHUB_WORKFLOW, "Deploy web", "^deploy", "deploy-prod")
    assert set(found_by(engine).values()) == {rule}
    # The cancelled run is judged by its conclusion: its jobs are never asked for.
    assert not fake.requests_to(r"/actions/runs/106/jobs")


def test_refused_token_is_one_sentence(engine: Engine, org: OrgConfig) -> None:
    """A token GitHub refuses ends the source with one sentence naming GITHUB_TOKEN."""
    with FakeGitHubRest(tokens=("another-token",)) as fake:
        client = fake.client(TokenAuth("test-token"))
        sources = deploy_sources(client, org, now=lambda: NOW)
        summaries = run_sources(engine, org, sources[:1])
    error = summaries[0].error
    assert error is not None
    assert error.startswith("GitHub refused the credentials (401)")
    assert "GITHUB_TOKEN" in error
    assert error.count(". ") == 0
    assert error.endswith(".")


def test_malformed_answers(engine: Engine, org: OrgConfig, fake: FakeGitHubRest) -> None:
    """A bad deployment is skipped with a log line; an answer that is not JSON is one sentence."""
    fake.add_deployment(SHOP, 1, "production", ago(1), statuses=(("success", ago(1)),))
    fake.add_deployment(SHOP, 2, "production", ago(1), statuses=(("success", ago(1)),))
    del fake.deployments[SHOP][1]["environment"]
    with capture_logs() as logs:
        run = sync(engine, org, deployments(fake, org, SHOP))
    assert set(stored(engine)) == {"github-deployment:acme/shop:1"}
    assert run.tally.skipped == 1
    assert any("environment" in str(e.get("reason")) for e in logs)

    fake.server.fail_next("/repos/acme/mono/deployments", Answer(200, raw=b"<html>oops</html>"))
    summaries = run_sources(engine, org, [deployments(fake, org, MONO)])
    assert summaries[0].error == (
        "GitHub's answer from /repos/acme/mono/deployments is not valid JSON; "
        "the next sync retries."
    )
    fake.server.fail_next("/repos/acme/mono/deployments", Answer(200, {"message": "hi"}))
    summaries = run_sources(engine, org, [deployments(fake, org, MONO)])
    assert summaries[0].error == (
        "GitHub's answer from /repos/acme/mono/deployments is not a list of deployments; "
        "check GITHUB_API_URL points at GitHub's REST API."
    )


def test_deploy_sources_follow_the_config(org: OrgConfig) -> None:
    """Each repository gets deployments, plus releases and workflow runs when configured."""
    with FakeGitHubRest() as fake:
        names = [s.name for s in deploy_sources(fake.client(), org)]
        plain = GitHubSourceConfig()
        only = [s.name for s in deploy_sources(fake.client(), org, plain)]
    assert names == [
        "github deployments acme/shop",
        "github releases acme/shop",
        "github workflow runs acme/shop",
        "github deployments acme/mono",
        "github releases acme/mono",
        "github workflow runs acme/mono",
    ]
    assert only == ["github deployments acme/shop", "github deployments acme/mono"]


def test_etags_are_kept_only_for_the_recheck_window(
    engine: Engine, org: OrgConfig, fake: FakeGitHubRest
) -> None:
    """Statuses ETags are kept for deployments of the last 7 days only, and dropped as they age."""
    fake.add_deployment(SHOP, 1, "production", ago(2), statuses=(("success", ago(2)),))
    fake.add_deployment(SHOP, 2, "production", ago(20), statuses=(("success", ago(20)),))

    def kept() -> set[str]:
        with Session(engine) as session:
            rows = session.exec(select(SyncState).where(col(SyncState.source) == ETAG_SOURCE))
            return {r.scope.split("?")[0].removeprefix(fake.url) for r in rows}

    sync(engine, org, deployments(fake, org, SHOP))
    assert kept() == {"/repos/acme/shop/deployments", "/repos/acme/shop/deployments/1/statuses"}
    later = DeploymentsSource(fake.client(), SHOP, github(org), lambda: NOW + timedelta(days=6))
    sync(engine, org, later)
    assert kept() == {"/repos/acme/shop/deployments"}
    assert set(stored(engine)) == {
        "github-deployment:acme/shop:1",
        "github-deployment:acme/shop:2",
    }
