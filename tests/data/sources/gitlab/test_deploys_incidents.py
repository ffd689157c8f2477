"""GitLab deploys (deployments, pipelines, tags) and incidents synced over real HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from data.config.sources.gitlab import DeploySource, GitLabSourceConfig, IncidentFrom
from data.deploy_rule import DeployRule, FoundBy
from data.sources.gitlab.deploys import DeploymentsSource, PipelinesSource, TagsSource
from data.sources.gitlab.incidents import IncidentsSource, severity_of_labels
from data.store.tables import Deploy, Incident, Service
from fakes.http import Answer, Request
from scoring.errors import SourceError
from tests.data.sources.gitlab.world import NOW, PROJECT, World, at

# Cases of the client against its fake; on PostgreSQL only where the store decides.
pytestmark = pytest.mark.client_cases


def deploys(world: World) -> dict[str, Deploy]:
    """Stored deploys by key."""
    with Session(world.engine) as session:
        rows = session.exec(select(Deploy)).all()
        for row in rows:
            session.expunge(row)
        return {r.key: r for r in rows}


def service_key(world: World, service_id: int) -> str:
    """A service's key."""
    with Session(world.engine) as session:
        service = session.get(Service, service_id)
        assert service is not None
        return service.key


@pytest.mark.store_decides
def test_finished_production_deployments_are_deploys_of_their_service(world: World) -> None:
    """Success and failed deployments to production are stored; others and staging are not."""
    fake = world.fake
    fake.add_deployment(PROJECT, 1, "checkout-production", "success", at(10), sha="1" * 40)
    fake.add_deployment(PROJECT, 2, "search/production", "failed", at(9), finished_at=at(8.5))
    fake.add_deployment(PROJECT, 3, "staging", "success", at(8))
    fake.add_deployment(PROJECT, 4, "checkout-production", "running", at(7))
    fake.add_deployment(PROJECT, 5, "checkout-production", "canceled", at(6))
    config = world.config.model_copy(update={"production_environment": r"production$"})
    DeploymentsSource(world.client(), PROJECT, config, lambda: NOW).sync(world.run())
    stored = deploys(world)
    assert set(stored) == {
        f"gitlab-deployment:{PROJECT}:1",
        f"gitlab-deployment:{PROJECT}:2",
    }
    one, two = stored[f"gitlab-deployment:{PROJECT}:1"], stored[f"gitlab-deployment:{PROJECT}:2"]
    assert (service_key(world, one.service_id), one.status, one.sha) == (
        "checkout",
        "success",
        "1" * 40,
    )
    assert (service_key(world, two.service_id), two.status, two.finished_at) == (
        "search",
        "failure",
        at(8.5),
    )

    # The running one finishes later: its update brings it into the next sync.
    fake.add_deployment(PROJECT, 4, "checkout-production", "success", at(1))
    DeploymentsSource(world.client(), PROJECT, config, lambda: NOW).sync(world.run())
    assert f"gitlab-deployment:{PROJECT}:4" in deploys(world)


def test_pipelines_on_the_deploy_ref_are_deploys_when_configured(world: World) -> None:
    """With ``deploys_from = "pipelines"`` finished pipelines on main are deploys."""
    fake = world.fake
    fake.add_pipeline(PROJECT, 11, "main", "success", at(5))
    fake.add_pipeline(PROJECT, 12, "feature/x", "success", at(4))
    fake.add_pipeline(PROJECT, 13, "main", "failed", at(3))
    fake.add_pipeline(PROJECT, 14, "main", "running", at(2))
    config = world.config.model_copy(
        update={"deploys_from": DeploySource.PIPELINES, "services": {"main": "checkout"}}
    )
    PipelinesSource(world.client(), PROJECT, config, lambda: NOW).sync(world.run())
    stored = deploys(world)
    assert {k: d.status for k, d in stored.items()} == {
        f"gitlab-pipeline:{PROJECT}:11": "success",
        f"gitlab-pipeline:{PROJECT}:13": "failure",
    }


def test_release_tags_are_deploys_when_configured(world: World) -> None:
    """With ``deploys_from = "tags"`` a matching tag is a successful deploy at its time."""
    fake = world.fake
    fake.add_tag(PROJECT, "v1.2.0", at(30))
    fake.add_tag(PROJECT, "nightly", at(20))
    fake.add_tag(PROJECT, "v1.3.0", at(10))
    config = world.config.model_copy(
        update={"deploys_from": DeploySource.TAGS, "services": {"v1.2.0": "checkout"}}
    )
    # The project has two services: an unmapped tag has none and is not stored.
    TagsSource(world.client(), PROJECT, config, lambda: NOW).sync(world.run())
    stored = deploys(world)
    assert list(stored) == [f"gitlab-tag:{PROJECT}:v1.2.0"]
    assert stored[f"gitlab-tag:{PROJECT}:v1.2.0"].finished_at == at(30)


def test_each_deploy_stores_the_rule_that_found_it(world: World) -> None:
    """A deployment keeps its environment, pattern and job; a pipeline its ref; a tag its name."""
    fake = world.fake
    fake.add_deployment(PROJECT, 1, "checkout-production", "success", at(10), job="ship prod")
    fake.add_pipeline(PROJECT, 11, "main", "success", at(5))
    fake.add_tag(PROJECT, "v1.2.0", at(30))
    config = world.config.model_copy(
        update={"production_environment": r"production$", "services": {"main": "checkout"}}
    )
    DeploymentsSource(world.client(), PROJECT, config, lambda: NOW).sync(world.run())
    PipelinesSource(world.client(), PROJECT, config, lambda: NOW).sync(world.run())
    tags = config.model_copy(update={"services": {"v1.2.0": "checkout"}})
    TagsSource(world.client(), PROJECT, tags, lambda: NOW).sync(world.run())
    assert {k: FoundBy.decode(d.found_by) for k, d in deploys(world).items()} == {
        f"gitlab-deployment:{PROJECT}:1": FoundBy(
            DeployRule.GITLAB_DEPLOYMENT, "checkout-production", r"production$", "ship prod"
        ),
        f"gitlab-pipeline:{PROJECT}:11": FoundBy(
            DeployRule.GITLAB_PIPELINE, "main", config.pipeline_ref
        ),
        f"gitlab-tag:{PROJECT}:v1.2.0": FoundBy(DeployRule.TAG, "v1.2.0", config.deploy_tags),
    }


@pytest.mark.parametrize("status", ["success", "failed"])
def test_a_deployment_by_a_job_allowed_to_fail_is_never_a_deploy(world: World, status: str) -> None:
    """A deployment whose job has ``allow_failure: true`` is no deploy, succeeded or failed."""
    world.fake.add_deployment(PROJECT, 1, "checkout-production", status, at(10), allow_failure=True)
    config = world.config.model_copy(update={"production_environment": r"production$"})
    DeploymentsSource(world.client(), PROJECT, config, lambda: NOW).sync(world.run())
    assert deploys(world) == {}


@pytest.mark.parametrize("status", ["skipped", "canceled", "created", "running", "blocked"])
def test_a_deployment_not_finished_is_never_a_deploy(world: World, status: str) -> None:
    """A deployment skipped, cancelled, not started, running or blocked is no deploy."""
    world.fake.add_deployment(PROJECT, 1, "checkout-production", status, at(10))
    config = world.config.model_copy(update={"production_environment": r"production$"})
    DeploymentsSource(world.client(), PROJECT, config, lambda: NOW).sync(world.run())
    assert deploys(world) == {}


@pytest.mark.parametrize("job_status", ["skipped", "canceled", "manual", "created", "pending"])
def test_a_deployment_whose_job_did_not_run_is_never_a_deploy(
    world: World, job_status: str
) -> None:
    """A deployment reported a success while its job was skipped, cancelled, waits for a hand
    (manual) or has not run is no deploy."""
    world.fake.add_deployment(
        PROJECT, 2, "checkout-production", "success", at(9), job_status=job_status
    )
    config = world.config.model_copy(update={"production_environment": r"production$"})
    DeploymentsSource(world.client(), PROJECT, config, lambda: NOW).sync(world.run())
    assert deploys(world) == {}


@pytest.mark.parametrize("status", ["skipped", "canceled", "manual", "running", "created"])
def test_a_pipeline_not_finished_is_never_a_deploy(world: World, status: str) -> None:
    """A pipeline on the deploy ref that was skipped, cancelled, is manual or still going is no
    deploy."""
    world.fake.add_pipeline(PROJECT, 11, "main", status, at(5))
    config = world.config.model_copy(
        update={"deploys_from": DeploySource.PIPELINES, "services": {"main": "checkout"}}
    )
    PipelinesSource(world.client(), PROJECT, config, lambda: NOW).sync(world.run())
    assert deploys(world) == {}


@pytest.mark.store_decides
def test_incident_issues_carry_service_severity_and_resolution(world: World) -> None:
    """Incident-type issues become incidents; severity from a label, else GraphQL's severity."""
    fake = world.fake
    fake.add_issue(
        PROJECT,
        1,
        at(30),
        title="Checkout down",
        closed_at=at(28),
        labels=("service::checkout", "severity::1"),
    )
    fake.add_issue(PROJECT, 2, at(5), title="Search slow", labels=("search",), severity="HIGH")
    fake.add_issue(PROJECT, 3, at(4), labels=("checkout",), incident=False)
    fake.add_issue(PROJECT, 4, at(3), title="Which service?", labels=("oops",))
    config = world.config.model_copy(update={"incidents_from": IncidentFrom.TYPE})
    run = world.run()
    IncidentsSource(world.client(), PROJECT, config, lambda: NOW).sync(run)
    with Session(world.engine) as session:
        rows = {i.key: i for i in session.exec(select(Incident).order_by(col(Incident.key)))}
        got = {
            k: (service_key(world, i.service_id), i.severity, i.resolved_at)
            for k, i in rows.items()
        }
    assert got == {
        f"gitlab-incident:{PROJECT}#1": ("checkout", "sev1", at(28)),
        f"gitlab-incident:{PROJECT}#2": ("search", "high", None),
    }
    assert run.tally.skipped == 1


def test_labelled_issues_are_incidents_when_the_label_is_the_rule(world: World) -> None:
    """With ``incidents_from = "label"`` an issue with the label is an incident, of any type."""
    world.fake.add_issue(PROJECT, 7, at(6), labels=("outage", "checkout"), incident=False)
    world.fake.add_issue(PROJECT, 8, at(6), labels=("checkout",), incident=False)
    config = world.config.model_copy(
        update={"incidents_from": IncidentFrom.LABEL, "incident_label": "outage"}
    )
    IncidentsSource(world.client(), PROJECT, config, lambda: NOW).sync(world.run())
    assert world.count(Incident) == 1
    assert not world.fake.requests_to("/api/graphql")


def test_severity_labels_in_gitlabs_and_common_spellings() -> None:
    """``severity::2``, ``severity::critical``, ``S1`` and ``sev3`` are severities; others not."""
    assert severity_of_labels(["severity::2"]) == "sev2"
    assert severity_of_labels(["bug", "severity::critical"]) == "critical"
    assert severity_of_labels(["S1"]) == "sev1"
    assert severity_of_labels(["sev3"]) == "sev3"
    assert severity_of_labels(["security", "search"]) is None


def test_a_word_after_a_bare_s_is_not_a_severity() -> None:
    """``slow`` and ``Shigh`` are not ``low`` and ``high``: a bare ``S`` prefixes a digit only."""
    assert severity_of_labels(["slow"]) is None
    assert severity_of_labels(["Shigh", "smedium"]) is None
    assert severity_of_labels(["slow", "S2"]) == "sev2"
    assert severity_of_labels(["sevhigh"]) == "high"


def test_an_item_updated_between_pages_skips_no_other(world: World) -> None:
    """A deployment updated mid-sync moves to the list's end; the one after page 1 is still read."""
    fake = world.fake
    for ident in range(1, 151):
        fake.add_deployment(PROJECT, ident, "checkout-production", "success", at(200 - ident))
    lists: list[Request] = []

    def update_one_read(request: Request) -> None:
        lists.append(request)
        if len(lists) == 2:
            # Read on page 1, updated now: offset page 2 would start one item late.
            fake.add_deployment(PROJECT, 50, "checkout-production", "success", at(1))

    fake.before_list = update_one_read
    config = world.config.model_copy(update={"production_environment": r"production$"})
    DeploymentsSource(world.client(), PROJECT, config, lambda: NOW).sync(world.run())
    assert len(lists) >= 2
    assert set(deploys(world)) == {f"gitlab-deployment:{PROJECT}:{i}" for i in range(1, 151)}


def test_lists_are_read_from_the_watermark_minus_the_lag(world: World) -> None:
    """A second sync asks from the newest update read, less ``lag_minutes``."""
    world.fake.add_deployment(PROJECT, 1, "production", "success", at(10))
    config = GitLabSourceConfig(base_url=world.fake.base_url, projects=(PROJECT,), lag_minutes=5)
    source = DeploymentsSource(world.client(), PROJECT, config, lambda: NOW)
    source.sync(world.run())
    source.sync(world.run())
    asked = world.fake.requests_to(r"/api/v4/projects/[^/]+/deployments")
    expected = (at(10) - timedelta(minutes=5)).isoformat(timespec="milliseconds")
    assert asked[-1].query["updated_after"] == expected.replace("+00:00", "Z")


@pytest.mark.store_decides
def test_an_interrupted_deployment_pass_resumes_from_its_last_page(world: World) -> None:
    """A failure on page 2 keeps page 1's deploys and watermark; the next sync adds the rest."""
    for n in range(1, 151):
        world.fake.add_deployment(PROJECT, n, "production", "success", at(200 - n))
    config = world.config.model_copy(update={"services": {"production": "checkout"}})
    source = DeploymentsSource(world.client(), PROJECT, config, lambda: NOW)
    calls = 0
    original = world.fake.server._answer

    def fail_second_page(request: Request) -> Answer:
        nonlocal calls
        if request.path.endswith("/deployments"):
            calls += 1
            if calls == 2:
                return Answer(404, {"message": "404 Not found"})
        return original(request)

    world.fake.server._answer = fail_second_page  # type: ignore[method-assign]
    with pytest.raises(SourceError):
        source.sync(world.run())
    assert world.count(Deploy) == 100
    world.fake.server._answer = original  # type: ignore[method-assign]
    run = world.run()
    source.sync(run)
    assert world.count(Deploy) == 150
    assert run.tally.added == 50
