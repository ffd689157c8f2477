"""The Linear source against a fake Linear GraphQL API: labels, attachments, cursor, limits."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from data.config import OrgConfig
from data.config.sources.linear import LinearSourceConfig
from data.http.retry import RetryPolicy
from data.source_values import SourceChange
from data.sources.linear.client import LinearClient
from data.sources.linear.doctor import linear_findings
from data.sources.linear.source import linear_key, linear_sources
from data.store.bug_issues import known_bug_issues
from data.store.facts import load_changes
from data.store.tables import Incident
from data.sync import SyncRun, run_sources
from fakes.http import Answer
from fakes.linear_server import FakeLinear, FakeLinearIssue, ratelimited
from scoring.errors import ConfigError
from tests.data.sources.tracker.world import NOW, at, org_store, stored_issues

# Cases of the client against its fake; on PostgreSQL only where the store decides.
pytestmark = pytest.mark.client_cases


@dataclass
class LinearWorld:
    """The fake Linear, the store and the settings."""

    fake: FakeLinear
    engine: Engine
    org: OrgConfig
    config: LinearSourceConfig
    sleeps: list[float] = field(default_factory=list)

    def client(self, key: str = "lin_api_test") -> LinearClient:
        """A client of the fake whose waits are recorded, not slept."""
        return LinearClient(
            self.fake.api_url, key, sleep=self.sleeps.append, clock=lambda: NOW.timestamp()
        )

    def sync(self, key: str = "lin_api_test") -> list[str | None]:
        """Run the Linear source once; each source's error."""
        sources = linear_sources(self.config, self.org, client=self.client(key), clock=lambda: NOW)
        return [s.error for s in run_sources(self.engine, self.org, sources)]


@pytest.fixture
def linear(engine: Engine) -> Iterator[LinearWorld]:
    """A workspace with teams ENG and OPS, two issues a page."""
    org = org_store(engine)
    with FakeLinear(teams=("ENG", "OPS")) as fake:
        config = LinearSourceConfig(api_url=fake.api_url, teams=("ENG",), page_size=2)
        yield LinearWorld(fake, engine, org, config)


def _issues_requests(linear: LinearWorld) -> list[dict[str, object]]:
    bodies = [r.json() for r in linear.fake.server.requests]
    return [b["variables"] for b in bodies if "RiskbriefIssues" in b["query"]]


@pytest.mark.store_decides
def test_issues_with_labels_states_and_pr_attachments_are_stored(linear: LinearWorld) -> None:
    """A bug label makes a bug; its GitHub PR attachment is a linked change; OPS is not read."""
    linear.fake.add_issue(
        FakeLinearIssue(
            "ENG-1",
            at(30),
            title="Cart total wrong",
            labels=("Bug",),
            state="Done",
            state_type="completed",
            completed=at(29),
            attachments=("https://github.com/acme/shop/pull/12", "https://sentry.io/issues/1"),
            history=((at(31), "Todo", "In Progress"), (at(29), "In Progress", "Done")),
        )
    )
    linear.fake.add_issue(FakeLinearIssue("ENG-2", at(20), labels=("Feature",)))
    linear.fake.add_issue(
        FakeLinearIssue("ENG-3", at(10), labels=("Incident", "checkout"), priority=1)
    )
    linear.fake.add_issue(FakeLinearIssue("OPS-1", at(5), labels=("Bug",)))

    assert linear.sync() == [None]

    issues = stored_issues(linear.engine)
    assert set(issues) == {"ENG-1", "ENG-2", "ENG-3"}
    bug = issues["ENG-1"]
    assert (bug.is_bug, bug.linked_changes, bug.resolution) == (True, ["acme/shop#12"], "completed")
    assert bug.status_changes[-1] == [at(29).isoformat(), "In Progress", "Done"]
    assert not issues["ENG-2"].is_bug
    with Session(linear.engine) as session:
        incident = session.exec(select(Incident)).one()
    assert (incident.key, incident.severity) == ("linear-incident:ENG-3", "sev1")
    assert len(_issues_requests(linear)) == 2


def test_a_resync_asks_from_the_watermark_and_reads_what_changed(linear: LinearWorld) -> None:
    """The second pass filters on the newest updatedAt less the lag."""
    linear.fake.add_issue(FakeLinearIssue("ENG-1", at(30), labels=("Bug",)))
    assert linear.sync() == [None]
    linear.fake.add_issue(FakeLinearIssue("ENG-2", at(1), labels=("Bug",)))
    assert linear.sync() == [None]
    last = _issues_requests(linear)[-1]
    assert last["filter"] == {
        "updatedAt": {"gte": "2026-03-01T05:55:00Z"},
        "team": {"key": {"in": ["ENG"]}},
    }
    assert set(stored_issues(linear.engine)) == {"ENG-1", "ENG-2"}


@pytest.mark.store_decides
def test_an_interrupted_pass_resumes_at_its_next_page(linear: LinearWorld) -> None:
    """A failure on page two keeps page one and its cursor; the next sync asks for page two."""
    for n in range(1, 6):
        linear.fake.add_issue(FakeLinearIssue(f"ENG-{n}", at(50 - n), labels=("Bug",)))
    original = linear.fake.server._answer
    calls = {"n": 0}

    def failing(request):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            return Answer(400, {"errors": [{"message": "Query too complex"}]})
        return original(request)

    linear.fake.server._answer = failing  # type: ignore[method-assign]
    errors = linear.sync()
    assert errors[0] is not None
    assert "too complex" in errors[0]
    assert len(stored_issues(linear.engine)) == 2

    assert linear.sync() == [None]
    # The refused request never reached the fake: one request before, two after.
    first, resumed, _ = _issues_requests(linear)
    assert first["after"] is None
    assert resumed["after"] is not None
    assert resumed["filter"] == first["filter"]
    assert set(stored_issues(linear.engine)) == {f"ENG-{n}" for n in range(1, 6)}


def test_ratelimited_waits_until_the_reset_and_asks_again(linear: LinearWorld) -> None:
    """Linear's RATELIMITED error waits until X-RateLimit-Requests-Reset."""
    linear.fake.add_issue(FakeLinearIssue("ENG-1", at(3), labels=("Bug",)))
    reset_ms = int((NOW.timestamp() + 42) * 1000)
    linear.fake.server.fail_next("/graphql", ratelimited(reset_ms))
    linear.fake.server.fail_next("/graphql", Answer(429, {}, headers={"Retry-After": "3"}))
    client = linear.client()
    sources = linear_sources(linear.config, linear.org, client=client, clock=lambda: NOW)
    assert [s.error for s in run_sources(linear.engine, linear.org, sources)] == [None]
    assert client.waits == [42.0, 3.0]


def test_a_wrong_key_is_one_sentence_naming_the_variable(linear: LinearWorld) -> None:
    """Linear's AUTHENTICATION_ERROR becomes the summary line with the fix."""
    [error] = linear.sync(key="wrong")
    assert error is not None
    assert "RISKBRIEF_LINEAR_API_KEY" in error
    with pytest.raises(ConfigError, match="RISKBRIEF_LINEAR_API_KEY"):
        linear_key(linear.config, {})


def test_doctor_checks_the_key_and_each_team(linear: LinearWorld) -> None:
    """The viewer is named, a known team passes, an unknown one fails with its fix."""
    findings = linear_findings(linear.client(), ("ENG", "WEB"))
    assert [f.ok for f in findings] == [True, True, False]
    assert "Risk Bot" in findings[0].message
    assert findings[2].fix is not None
    [refused] = linear_findings(linear.client("wrong"), ("ENG",))
    assert not refused.ok


def test_a_pull_request_attached_to_a_bug_is_a_fix_without_the_key(linear: LinearWorld) -> None:
    """After a sync, the PR Linear attached to a bug is scored as a fix; another is not."""
    linear.fake.add_issue(
        FakeLinearIssue(
            "ENG-9", at(5), labels=("Bug",), attachments=("https://github.com/acme/shop/pull/7",)
        )
    )
    SyncRun(linear.engine, linear.org).checkpoint(
        "code-host",
        changes=[
            SourceChange("acme/shop#7", "acme/shop", "dev", at(4), title="Tidy the totals"),
            SourceChange("acme/shop#8", "acme/shop", "dev", at(3), title="Tidy the cart"),
        ],
    )
    assert linear.sync() == [None]
    with Session(linear.engine) as session:
        bugs = known_bug_issues(session, linear.org)
        fixes = {c.key: c.is_fix for c in load_changes(session, bugs=bugs)}
    assert fixes == {"acme/shop#7": True, "acme/shop#8": False}


def test_doctor_tells_an_unreachable_linear_from_a_refused_key(linear: LinearWorld) -> None:
    """A closed port is 'cannot be reached' with a network fix, never a refused key."""
    with FakeLinear() as gone:
        url = gone.api_url
    client = LinearClient(url, "lin_api_test", sleep=linear.sleeps.append)
    [finding] = linear_findings(client, ("ENG",))
    assert not finding.ok
    assert finding.message == f"Linear at {url} cannot be reached"
    assert "refused" not in finding.message
    assert finding.fix is not None
    assert "network" in finding.fix


def test_doctor_tells_a_failing_linear_from_a_refused_key(linear: LinearWorld) -> None:
    """Linear answering 502 on every retry is a server error to wait out, not a bad key."""
    for _ in range(RetryPolicy().attempts):
        linear.fake.server.fail_next("/graphql", Answer(502, {"error": "bad gateway"}))
    [finding] = linear_findings(linear.client(), ("ENG",))
    assert finding.message == f"Linear at {linear.fake.api_url} answered 502 (a server error)"
    assert finding.fix is not None
    assert "status.linear.app" in finding.fix


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(None, id="graphql-authentication-error"),
        pytest.param(Answer(401, raw=b"<html>Unauthorized</html>"), id="401"),
        pytest.param(Answer(403, {"errors": [{"message": "Forbidden"}]}), id="403"),
    ],
)
def test_doctor_names_the_key_only_when_linear_refuses_it(
    linear: LinearWorld, answer: Answer | None
) -> None:
    """Linear's AUTHENTICATION_ERROR, a 401 or a 403 is the refused key, with the key's fix."""
    if answer is not None:
        linear.fake.server.fail_next("/graphql", answer)
    [finding] = linear_findings(linear.client("wrong" if answer is None else "lin_api_test"), ())
    assert finding.message == (
        f"Linear at {linear.fake.api_url} refused the API key in RISKBRIEF_LINEAR_API_KEY"
    )
    assert finding.fix is not None
    assert "personal API key" in finding.fix
