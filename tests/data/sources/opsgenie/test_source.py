"""Opsgenie source: real httpx against a fake Opsgenie on 127.0.0.1, rows in a real store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine

from data.config import OrgConfig
from data.sources.opsgenie.source import OpsgenieSource, opsgenie_query
from data.sources.opsgenie.spec import OPSGENIE
from data.sources.pagerduty.source import PassState
from data.sync import SourceSummary, SyncRun, run_sources
from fakes.http import Answer
from fakes.opsgenie_server import FakeOpsgenie, og_incident
from tests.data.sources.pagerduty.test_source import (
    IncidentRow,
    Sleeps,
    at,
    incident_rows,
    store_org,
)

# Cases of the client against its fake; on PostgreSQL only where the store decides.
pytestmark = pytest.mark.client_cases

NOW = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
CHECKOUT_SERVICE = "0ab5d7f2-7c4e-4f1e-9a53-2f1f3c7b9e11"
SEARCH_SERVICE = "9d1e0c44-1b6a-4a53-8a8e-5c0d2b6f7a21"

ORG = f"""
[[services]]
key = "checkout"
[[services]]
key = "payments"
[[services]]
key = "search"

[sources.opsgenie]
since = 2026-11-01
services = {{ "{CHECKOUT_SERVICE}" = "checkout", "payments" = "payments" }}
"""


@pytest.fixture
def opsgenie() -> Iterator[FakeOpsgenie]:
    """A fake Opsgenie account with five incidents: by service id, by tag, and unmapped."""
    with FakeOpsgenie() as fake:
        fake.incidents = [
            og_incident(
                "4f8a2c1e-0001-4b7e-9f00-aa0000000001",
                11,
                at(3, 9),
                message="Checkout 5xx spike",
                status="closed",
                impacted_services=(CHECKOUT_SERVICE,),
                priority="P1",
                resolved_at=at(3, 10, 15),
            ),
            og_incident(
                "4f8a2c1e-0002-4b7e-9f00-aa0000000002",
                12,
                at(10),
                message="Card auth timeouts",
                tags=("team:payments", "payments"),
                priority="P2",
            ),
            og_incident(
                "4f8a2c1e-0003-4b7e-9f00-aa0000000003",
                13,
                at(15),
                message="Slow cart",
                impacted_services=(CHECKOUT_SERVICE,),
            ),
            og_incident(
                "4f8a2c1e-0004-4b7e-9f00-aa0000000004",
                14,
                at(18),
                message="Search index lag",
                impacted_services=(SEARCH_SERVICE,),
            ),
            og_incident(
                "4f8a2c1e-0005-4b7e-9f00-aa0000000005",
                15,
                at(20),
                message="Refund queue stuck",
                status="resolved",
                tags=("payments",),
                priority="P4",
                resolved_at=at(21, 8),
            ),
        ]
        yield fake


def key(n: int) -> str:
    """The store key of the fixture's n-th incident."""
    return f"opsgenie:4f8a2c1e-000{n}-4b7e-9f00-aa000000000{n}"


def make_source(
    fake: FakeOpsgenie,
    org: OrgConfig,
    *,
    now: datetime = NOW,
    page_size: int = 100,
    api_key: str | None = None,
    base_url: str | None = None,
    sleep: Sleeps | None = None,
) -> OpsgenieSource:
    """The source as the CLI builds it, pointed at the fake with a fixed clock."""
    config = OPSGENIE.settings_of(org)
    assert config is not None
    return OpsgenieSource(
        config,
        fake.api_key if api_key is None else api_key,
        base_url or fake.url,
        sleep=sleep if sleep is not None else Sleeps(),
        clock=lambda: now,
        page_size=page_size,
    )


def sync(engine: Engine, org: OrgConfig, source: OpsgenieSource) -> SourceSummary:
    """One ``riskbrief sync`` of this source alone."""
    (summary,) = run_sources(engine, org, [source])
    return summary


@pytest.mark.store_decides
def test_first_sync_maps_services_and_tags(engine: Engine, opsgenie: FakeOpsgenie) -> None:
    """A first sync stores incidents mapped by impacted service or tag, with resolution times."""
    org = store_org(engine, ORG)

    summary = sync(engine, org, make_source(opsgenie, org))

    assert summary == SourceSummary("opsgenie", 4, 0, 0)
    assert incident_rows(engine) == {
        key(1): IncidentRow(
            key(1), "checkout", "Checkout 5xx spike", at(3, 9), at(3, 10, 15), "P1", "opsgenie"
        ),
        key(2): IncidentRow(
            key(2), "payments", "Card auth timeouts", at(10), None, "P2", "opsgenie"
        ),
        key(3): IncidentRow(key(3), "checkout", "Slow cart", at(15), None, "P3", "opsgenie"),
        key(5): IncidentRow(
            key(5), "payments", "Refund queue stuck", at(20), at(21, 8), "P4", "opsgenie"
        ),
    }


def test_requests_speak_the_incident_api(engine: Engine, opsgenie: FakeOpsgenie) -> None:
    """A list request carries the GenieKey, the created-at query and oldest-first sorting."""
    org = store_org(engine, ORG)
    sync(engine, org, make_source(opsgenie, org))

    (request,) = opsgenie.list_requests()
    assert request.headers["authorization"] == "GenieKey og-test-key"
    assert request.query == {
        "query": opsgenie_query(at(1, 0), NOW),
        "offset": "0",
        "limit": "100",
        "sort": "createdAt",
        "order": "asc",
    }
    assert request.query["query"] == "createdAt > 1793491199999 AND createdAt < 1795392000000"


def test_pages_are_followed_while_paging_has_next(engine: Engine, opsgenie: FakeOpsgenie) -> None:
    """With two incidents a page, the source reads offsets 0, 2, 4 and stops without ``next``."""
    org = store_org(engine, ORG)

    summary = sync(engine, org, make_source(opsgenie, org, page_size=2))

    assert summary.added == 4
    assert [r.query["offset"] for r in opsgenie.list_requests()] == ["0", "2", "4"]


@pytest.mark.store_decides
def test_incremental_sync_picks_up_a_resolution(engine: Engine, opsgenie: FakeOpsgenie) -> None:
    """A later sync re-reads incidents still open and stores when they were resolved."""
    org = store_org(engine, ORG)
    sync(engine, org, make_source(opsgenie, org))
    opsgenie.resolve("4f8a2c1e-0002-4b7e-9f00-aa0000000002", at(24, 6))

    summary = sync(engine, org, make_source(opsgenie, org, now=at(25, 0)))

    assert summary == SourceSummary("opsgenie", 0, 1, 0)
    assert incident_rows(engine)[key(2)].resolved_at == at(24, 6)
    assert opsgenie.list_requests()[-1].query["query"] == opsgenie_query(at(10), at(25, 0))


def test_a_long_open_incident_is_fetched_by_id(engine: Engine, opsgenie: FakeOpsgenie) -> None:
    """An incident open for longer than the recheck window is read with a GET by id."""
    org = store_org(engine, ORG)
    sync(engine, org, make_source(opsgenie, org))
    opsgenie.resolve("4f8a2c1e-0003-4b7e-9f00-aa0000000003", at(30, 9), close=True)

    later = datetime(2027, 1, 10, tzinfo=UTC)
    summary = sync(engine, org, make_source(opsgenie, org, now=later))

    assert summary == SourceSummary("opsgenie", 0, 1, 0)
    fetched = [r for r in opsgenie.server.requests if r.path.count("/") == 3]
    assert {r.path for r in fetched} == {
        "/v1/incidents/4f8a2c1e-0002-4b7e-9f00-aa0000000002",
        "/v1/incidents/4f8a2c1e-0003-4b7e-9f00-aa0000000003",
    }
    assert all(r.query == {"identifierType": "id"} for r in fetched)
    assert incident_rows(engine)[key(3)].resolved_at == at(30, 9)
    cursor = SyncRun(engine, org).cursor("opsgenie")
    assert set(PassState.load(cursor.cursor).open) == {"4f8a2c1e-0002-4b7e-9f00-aa0000000002"}


@pytest.mark.store_decides
def test_crash_on_page_two_resumes_without_duplicates(
    engine: Engine, opsgenie: FakeOpsgenie
) -> None:
    """A sync that dies on page 2 keeps page 1; the next resumes there and loses nothing."""
    org = store_org(engine, ORG)
    opsgenie.fail_page(offset=2, answer=Answer(503, {"message": "Service Unavailable"}), times=5)

    failed = sync(engine, org, make_source(opsgenie, org, page_size=2))

    assert (failed.added, failed.error) == (
        2,
        "Opsgenie kept answering 503 for /v1/incidents; "
        "the next sync resumes from the last checkpoint.",
    )
    resumed = sync(engine, org, make_source(opsgenie, org, page_size=2, now=at(23, 1)))

    assert resumed == SourceSummary("opsgenie", 2, 0, 0)
    assert set(incident_rows(engine)) == {key(1), key(2), key(3), key(5)}
    assert opsgenie.list_requests()[1 + 5].query["offset"] == "2"


def test_429_waits_retry_after(engine: Engine, opsgenie: FakeOpsgenie) -> None:
    """A throttled request waits Retry-After seconds, then the sync completes."""
    org = store_org(engine, ORG)
    sleeps = Sleeps()
    throttled = Answer(
        429,
        {"message": "Request throttled", "took": 0.0, "requestId": "r1"},
        headers={"Retry-After": "3", "X-RateLimit-State": "THROTTLED"},
    )
    opsgenie.server.fail_next("/v1/incidents", throttled)

    summary = sync(engine, org, make_source(opsgenie, org, sleep=sleeps))

    assert summary.added == 4
    assert sleeps == [3.0]


@pytest.mark.parametrize(
    ("api_key", "base_path", "expected"),
    [
        (
            "wrong",
            "",
            "Opsgenie refused the key (401); check OPSGENIE_API_KEY: it must be the key of an "
            "Opsgenie API integration with read access (EU accounts use "
            "https://api.eu.opsgenie.com).",
        ),
        (
            None,
            "/v2",
            "Opsgenie has no /v1/incidents at {url}/v2 (404); check OPSGENIE_API_URL "
            "(EU accounts use https://api.eu.opsgenie.com).",
        ),
    ],
)
def test_refusals_name_the_setting(
    engine: Engine, opsgenie: FakeOpsgenie, api_key: str | None, base_path: str, expected: str
) -> None:
    """A refused key or a wrong base URL is one sentence naming the variable and the EU region."""
    org = store_org(engine, ORG)
    source = make_source(opsgenie, org, api_key=api_key, base_url=opsgenie.url + base_path)

    summary = sync(engine, org, source)

    assert summary.error == expected.format(url=opsgenie.url)
    assert incident_rows(engine) == {}


def test_a_malformed_incident_is_skipped(engine: Engine, opsgenie: FakeOpsgenie) -> None:
    """An incident with a broken createdAt or an unknown status is logged and skipped."""
    org = store_org(engine, ORG)
    opsgenie.incidents[1]["createdAt"] = "yesterday"
    opsgenie.incidents[2]["status"] = "snoozed"

    summary = sync(engine, org, make_source(opsgenie, org))

    assert summary == SourceSummary("opsgenie", 2, 0, 2)
    assert set(incident_rows(engine)) == {key(1), key(5)}


def test_malformed_json_is_one_sentence(engine: Engine, opsgenie: FakeOpsgenie) -> None:
    """An answer that is not JSON ends the sync with one sentence."""
    org = store_org(engine, ORG)
    opsgenie.server.fail_next("/v1/incidents", Answer(200, raw=b'{"data": ['))

    summary = sync(engine, org, make_source(opsgenie, org))

    assert summary.error == (
        "Opsgenie's answer to /v1/incidents is not a JSON object; the next sync retries."
    )
