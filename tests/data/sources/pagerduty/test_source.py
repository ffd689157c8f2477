"""PagerDuty source: real httpx against a fake PagerDuty on 127.0.0.1, rows in a real store."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from data.config import OrgConfig, parse_org_config
from data.sources.pagerduty.source import PagerDutySource, PassState
from data.sources.pagerduty.spec import PAGERDUTY
from data.store.engine import session_scope
from data.store.org import sync_org
from data.store.tables import Incident, Service
from data.sync import SourceSummary, SyncRun, run_sources
from fakes.http import Answer
from fakes.pagerduty_server import FakePagerDuty, pd_incident

# Cases of the client against its fake; on PostgreSQL only where the store decides.
pytestmark = pytest.mark.client_cases

__all__ = ["IncidentRow", "incident_rows", "store_org"]

NOW = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)

ORG = """
[[services]]
key = "checkout"
[[services]]
key = "payments"
[[services]]
key = "search"

[sources.pagerduty]
since = 2026-11-01
services = { PCHK001 = "checkout", PPAY002 = "payments" }
"""


@dataclass(frozen=True, slots=True)
class IncidentRow:
    """An incident as the store holds it, with its service's key."""

    key: str
    service: str
    title: str
    opened_at: datetime
    resolved_at: datetime | None
    severity: str | None
    source: str


def store_org(engine: Engine, toml: str) -> OrgConfig:
    """Parse ``toml`` and put its services into the store, as ``riskbrief sync`` does first."""
    org = parse_org_config(toml)
    with session_scope(engine) as session:
        sync_org(session, org)
    return org


def incident_rows(engine: Engine) -> dict[str, IncidentRow]:
    """Every stored incident by key."""
    with Session(engine) as session:
        pairs = session.exec(
            select(Incident, Service).where(col(Incident.service_id) == col(Service.id))
        ).all()
        return {
            i.key: IncidentRow(
                i.key, s.key, i.title, i.opened_at, i.resolved_at, i.severity, i.source
            )
            for i, s in pairs
        }


def at(day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A time in November 2026, UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def pagerduty() -> Iterator[FakePagerDuty]:
    """A fake PagerDuty account with five incidents on three services."""
    with FakePagerDuty() as fake:
        fake.incidents = [
            pd_incident(
                "PR1X0A1",
                101,
                "PCHK001",
                at(3, 9),
                title="Checkout 5xx spike",
                status="resolved",
                resolved_at=at(3, 10, 15),
                priority="P1",
            ),
            pd_incident("PR1X0A2", 102, "PPAY002", at(10), title="Card auth timeouts"),
            pd_incident(
                "PR1X0A3",
                103,
                "PCHK001",
                at(15),
                title="Slow cart",
                status="acknowledged",
                urgency="low",
            ),
            pd_incident("PR1X0A4", 104, "PSRCH99", at(18), title="Search index lag"),
            pd_incident(
                "PR1X0A5",
                105,
                "PPAY002",
                at(20),
                title="Refund queue stuck",
                status="resolved",
                resolved_at=at(21, 8),
            ),
        ]
        yield fake


class Sleeps(list[float]):
    """A fake ``sleep`` that records how long it was asked to wait."""

    def __call__(self, seconds: float) -> None:
        """Record the wait instead of sleeping."""
        self.append(seconds)


def make_source(
    fake: FakePagerDuty,
    org: OrgConfig,
    *,
    now: datetime = NOW,
    page_size: int = 100,
    token: str | None = None,
    base_url: str | None = None,
    sleep: Sleeps | None = None,
) -> PagerDutySource:
    """The source as the CLI builds it, pointed at the fake with a fixed clock."""
    config = PAGERDUTY.settings_of(org)
    assert config is not None
    return PagerDutySource(
        config,
        fake.token if token is None else token,
        base_url or fake.url,
        sleep=sleep if sleep is not None else Sleeps(),
        clock=lambda: now,
        page_size=page_size,
    )


def sync(engine: Engine, org: OrgConfig, source: PagerDutySource) -> SourceSummary:
    """One ``riskbrief sync`` of this source alone."""
    (summary,) = run_sources(engine, org, [source])
    return summary


@pytest.mark.store_decides
def test_first_sync_reads_every_mapped_incident(engine: Engine, pagerduty: FakePagerDuty) -> None:
    """A first sync stores each mapped incident with its service, times, severity and title."""
    org = store_org(engine, ORG)
    summary = sync(engine, org, make_source(pagerduty, org))

    assert summary == SourceSummary("pagerduty", 4, 0, 0)
    assert incident_rows(engine) == {
        "pagerduty:PR1X0A1": IncidentRow(
            "pagerduty:PR1X0A1",
            "checkout",
            "Checkout 5xx spike",
            at(3, 9),
            at(3, 10, 15),
            "P1",
            "pagerduty",
        ),
        "pagerduty:PR1X0A2": IncidentRow(
            "pagerduty:PR1X0A2", "payments", "Card auth timeouts", at(10), None, "high", "pagerduty"
        ),
        "pagerduty:PR1X0A3": IncidentRow(
            "pagerduty:PR1X0A3", "checkout", "Slow cart", at(15), None, "low", "pagerduty"
        ),
        "pagerduty:PR1X0A5": IncidentRow(
            "pagerduty:PR1X0A5",
            "payments",
            "Refund queue stuck",
            at(20),
            at(21, 8),
            "high",
            "pagerduty",
        ),
    }


def test_requests_speak_pagerduty_rest_v2(engine: Engine, pagerduty: FakePagerDuty) -> None:
    """Each list request carries the token, the v2 Accept header, the window and UTC times."""
    org = store_org(engine, ORG)
    sync(engine, org, make_source(pagerduty, org))

    (request,) = pagerduty.list_requests()
    assert request.headers["authorization"] == "Token token=pd-test-token"
    assert request.headers["accept"] == "application/vnd.pagerduty+json;version=2"
    assert request.query["since"] == "2026-11-01T00:00:00Z"
    assert request.query["until"] == "2026-11-23T00:00:00Z"
    assert request.query["time_zone"] == "UTC"
    assert request.query["sort_by"] == "created_at:asc"
    assert request.query["offset"] == "0"
    # FakeServer keeps the last value of a repeated key.
    assert request.query["statuses[]"] == "resolved"
    assert request.query["service_ids[]"] in {"PCHK001", "PPAY002"}


def test_long_first_sync_reads_in_windows_within_six_months(
    engine: Engine, pagerduty: FakePagerDuty
) -> None:
    """A first sync over a year is read in windows PagerDuty accepts, one after another."""
    org = store_org(engine, ORG.replace("since = 2026-11-01", "since = 2025-11-01"))
    summary = sync(engine, org, make_source(pagerduty, org))

    assert summary.error is None
    assert summary.added == 4
    windows = [(r.query["since"], r.query["until"]) for r in pagerduty.list_requests()]
    assert windows[0][0] == "2025-11-01T00:00:00Z"
    assert windows[-1][1] == "2026-11-23T00:00:00Z"
    for (_, end), (start, _) in pairwise(windows):
        assert end == start
    for start, end in windows:
        span = datetime.fromisoformat(end) - datetime.fromisoformat(start)
        assert span <= timedelta(days=30)


@pytest.mark.store_decides
def test_incremental_sync_picks_up_a_resolution(engine: Engine, pagerduty: FakePagerDuty) -> None:
    """A later sync re-reads incidents still open and stores their resolution, plus new ones."""
    org = store_org(engine, ORG)
    sync(engine, org, make_source(pagerduty, org))
    pagerduty.resolve("PR1X0A2", at(24, 6))
    pagerduty.incidents.append(pd_incident("PR1X0A6", 106, "PCHK001", at(24, 1), priority="P2"))

    summary = sync(engine, org, make_source(pagerduty, org, now=at(25, 0)))

    assert summary == SourceSummary("pagerduty", 1, 1, 0)
    rows = incident_rows(engine)
    assert rows["pagerduty:PR1X0A2"].resolved_at == at(24, 6)
    assert rows["pagerduty:PR1X0A6"].severity == "P2"
    assert rows["pagerduty:PR1X0A3"].resolved_at is None
    # The pass starts at the oldest incident still open, not at the first sync's start.
    second = pagerduty.list_requests()[-1]
    assert second.query["since"] == "2026-11-10T12:00:00Z"
    assert second.query["until"] == "2026-11-25T00:00:00Z"


def test_an_incident_open_for_long_is_fetched_by_id(
    engine: Engine, pagerduty: FakePagerDuty
) -> None:
    """Incidents open since before the recheck window are read one by one, not by months of list."""
    org = store_org(engine, ORG)
    sync(engine, org, make_source(pagerduty, org))
    pagerduty.resolve("PR1X0A3", datetime(2026, 12, 28, tzinfo=UTC))

    summary = sync(engine, org, make_source(pagerduty, org, now=datetime(2027, 1, 10, tzinfo=UTC)))

    assert summary.error is None
    assert summary.updated == 1
    fetched = {r.path for r in pagerduty.server.requests_to(r"/incidents/[A-Z0-9]+")}
    assert fetched == {"/incidents/PR1X0A2", "/incidents/PR1X0A3"}
    rows = incident_rows(engine)
    assert rows["pagerduty:PR1X0A3"].resolved_at == datetime(2026, 12, 28, tzinfo=UTC)
    assert rows["pagerduty:PR1X0A2"].resolved_at is None
    cursor = SyncRun(engine, org).cursor("pagerduty")
    assert set(PassState.load(cursor.cursor).open) == {"PR1X0A2"}
    assert cursor.watermark == datetime(2027, 1, 10, tzinfo=UTC)


def test_pages_are_followed_while_more_is_true(engine: Engine, pagerduty: FakePagerDuty) -> None:
    """With two incidents a page, the source follows offset 0, 2, 4 until ``more`` is false."""
    org = store_org(engine, ORG)
    summary = sync(engine, org, make_source(pagerduty, org, page_size=2))

    assert summary.added == 4
    assert [r.query["offset"] for r in pagerduty.list_requests()] == ["0", "2", "4"]
    assert all(r.query["limit"] == "2" for r in pagerduty.list_requests())


class ShallowPagerDuty(PagerDutySource):
    """A PagerDuty whose offset ceiling is two pages of two, to reach it with five incidents."""

    @property
    def max_offset(self) -> int:
        """Four: ``offset + limit`` may not pass it."""
        return 4


def test_the_offset_ceiling_restarts_the_window_at_the_last_incident(
    engine: Engine, pagerduty: FakePagerDuty
) -> None:
    """Near the API's offset ceiling the window restarts at the last incident read, losing none."""
    org = store_org(engine, ORG)
    config = PAGERDUTY.settings_of(org)
    assert config is not None
    source = ShallowPagerDuty(
        config, pagerduty.token, pagerduty.url, clock=lambda: NOW, page_size=2
    )

    summary = sync(engine, org, source)

    assert summary.added == 4
    assert all(int(r.query["offset"]) + 2 <= 4 for r in pagerduty.list_requests())
    assert [(r.query["since"], r.query["offset"]) for r in pagerduty.list_requests()] == [
        ("2026-11-01T00:00:00Z", "0"),
        ("2026-11-01T00:00:00Z", "2"),
        ("2026-11-18T12:00:00Z", "0"),
    ]


@pytest.mark.store_decides
def test_crash_on_page_two_resumes_without_duplicates(
    engine: Engine, pagerduty: FakePagerDuty
) -> None:
    """A sync that dies on page 2 keeps page 1; the next resumes at page 2 and loses nothing."""
    org = store_org(engine, ORG)
    down = Answer(500, {"error": {"message": "Internal Server Error"}})
    pagerduty.fail_page(offset=2, answer=down, times=5)

    failed = sync(engine, org, make_source(pagerduty, org, page_size=2))

    assert failed.added == 2
    assert failed.error == (
        "PagerDuty kept answering 500 for /incidents; "
        "the next sync resumes from the last checkpoint."
    )
    assert set(incident_rows(engine)) == {"pagerduty:PR1X0A1", "pagerduty:PR1X0A2"}

    resumed = sync(engine, org, make_source(pagerduty, org, page_size=2, now=at(23, 1)))

    assert resumed == SourceSummary("pagerduty", 2, 0, 0)
    assert len(incident_rows(engine)) == 4
    # The resumed sync started at page 2 of the interrupted pass, not from scratch.
    first_after = pagerduty.list_requests()[1 + 5]
    assert first_after.query["offset"] == "2"
    assert first_after.query["until"] == "2026-11-23T00:00:00Z"


def test_a_500_is_retried_then_the_sync_succeeds(engine: Engine, pagerduty: FakePagerDuty) -> None:
    """One 500 answer is retried after a backoff and the sync completes."""
    org = store_org(engine, ORG)
    sleeps = Sleeps()
    pagerduty.server.fail_next("/incidents", Answer(500, {"error": {"message": "oops"}}))

    summary = sync(engine, org, make_source(pagerduty, org, sleep=sleeps))

    assert summary == SourceSummary("pagerduty", 4, 0, 0)
    assert len(sleeps) == 1
    assert 0 < sleeps[0] <= 60


@pytest.mark.parametrize(
    ("retry_after", "waited"),
    [("7", 7.0), ("0", 0.0), (None, 1.0)],
)
def test_429_waits_retry_after(
    engine: Engine, pagerduty: FakePagerDuty, retry_after: str | None, waited: float
) -> None:
    """A 429 waits as long as Retry-After says (or backs off without it), then goes on."""
    org = store_org(engine, ORG)
    sleeps = Sleeps()
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    limited = Answer(429, {"error": {"message": "Rate Limit Exceeded"}}, headers=headers)
    pagerduty.server.fail_next("/incidents", limited)

    summary = sync(engine, org, make_source(pagerduty, org, sleep=sleeps))

    assert summary.added == 4
    assert sleeps == [waited]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (
            Answer(401, {"error": {"message": "Unauthorized"}}),
            "PagerDuty refused the key (401); check PAGERDUTY_TOKEN: it must be a PagerDuty "
            "REST API key (read-only is enough).",
        ),
        (
            Answer(403, {"error": {"message": "Forbidden"}}),
            "PagerDuty denied access (403); check PAGERDUTY_TOKEN: it must be a PagerDuty "
            "REST API key (read-only is enough).",
        ),
        (
            Answer(400, {"error": {"message": "Invalid Input Provided", "errors": ["bad"]}}),
            "PagerDuty answered 400 for /incidents: Invalid Input Provided: bad; see the log.",
        ),
        (
            Answer(200, raw=b"<html>maintenance</html>"),
            "PagerDuty's answer to /incidents is not a JSON object; the next sync retries.",
        ),
    ],
)
def test_refusals_are_one_sentence(
    engine: Engine, pagerduty: FakePagerDuty, answer: Answer, expected: str
) -> None:
    """A refused key, a bad request or a non-JSON answer ends the sync with one sentence."""
    org = store_org(engine, ORG)
    pagerduty.server.fail_next("/incidents", answer)

    summary = sync(engine, org, make_source(pagerduty, org))

    assert summary.error == expected
    assert incident_rows(engine) == {}


def test_a_wrong_token_names_the_variable(engine: Engine, pagerduty: FakePagerDuty) -> None:
    """The fake refuses a wrong token as PagerDuty does, and the sentence says what to fix."""
    org = store_org(engine, ORG)

    summary = sync(engine, org, make_source(pagerduty, org, token="wrong"))

    assert summary.error == (
        "PagerDuty refused the key (401); check PAGERDUTY_TOKEN: it must be a PagerDuty "
        "REST API key (read-only is enough)."
    )


def test_a_wrong_base_url_hints_at_the_setting(engine: Engine, pagerduty: FakePagerDuty) -> None:
    """A 404 for the incidents path points at PAGERDUTY_API_URL."""
    org = store_org(engine, ORG)

    summary = sync(engine, org, make_source(pagerduty, org, base_url=pagerduty.url + "/v1"))

    assert summary.error == (
        f"PagerDuty has no /incidents at {pagerduty.url}/v1 (404); check PAGERDUTY_API_URL."
    )


def test_an_unreachable_api_is_retried_then_one_sentence(
    engine: Engine, pagerduty: FakePagerDuty
) -> None:
    """A refused connection is retried with backoff, then named with the URL setting."""
    org = store_org(engine, ORG)
    sleeps = Sleeps()
    closed = "http://127.0.0.1:9"

    summary = sync(engine, org, make_source(pagerduty, org, base_url=closed, sleep=sleeps))

    assert summary.error == (
        f"PagerDuty at {closed} cannot be reached (ConnectError); "
        "check PAGERDUTY_API_URL and the network."
    )
    assert sleeps == [1.0, 2.0, 4.0, 8.0]


def test_missing_token_is_a_config_sentence(engine: Engine, pagerduty: FakePagerDuty) -> None:
    """Without PAGERDUTY_TOKEN the source asks for it and sends nothing."""
    org = store_org(engine, ORG)

    summary = sync(engine, org, make_source(pagerduty, org, token=""))

    assert summary.error is not None
    assert summary.error.startswith("PAGERDUTY_TOKEN is not set;")
    assert pagerduty.server.requests == []


def test_a_malformed_incident_is_skipped(engine: Engine, pagerduty: FakePagerDuty) -> None:
    """An incident without created_at or with an unknown status is logged and skipped."""
    org = store_org(engine, ORG)
    pagerduty.incidents[1]["created_at"] = None
    pagerduty.incidents[2]["status"] = "exploded"

    summary = sync(engine, org, make_source(pagerduty, org))

    assert summary == SourceSummary("pagerduty", 2, 0, 2)
    assert set(incident_rows(engine)) == {"pagerduty:PR1X0A1", "pagerduty:PR1X0A5"}


def test_unmapped_services_are_skipped_silently(engine: Engine, pagerduty: FakePagerDuty) -> None:
    """Incidents of services outside the map are neither stored nor counted as skipped."""
    org = store_org(engine, ORG)

    summary = sync(engine, org, make_source(pagerduty, org))

    assert summary.skipped == 0
    assert "pagerduty:PR1X0A4" not in incident_rows(engine)


@pytest.mark.store_decides
def test_a_second_sync_with_nothing_new_changes_nothing(
    engine: Engine, pagerduty: FakePagerDuty
) -> None:
    """Syncing again with no change in PagerDuty adds and updates nothing."""
    org = store_org(engine, ORG)
    sync(engine, org, make_source(pagerduty, org))

    again = sync(engine, org, make_source(pagerduty, org, now=at(23, 0, 30)))

    assert again == SourceSummary("pagerduty", 0, 0, 0)
