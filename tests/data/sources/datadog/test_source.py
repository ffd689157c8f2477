"""Datadog as a source of spent error budgets, against the fake Datadog SLO API: spans found,
the cursor respected, each failure one sentence, and the doctor's findings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from data.config import parse_org_config
from data.config.sources.datadog import DatadogSourceConfig
from data.sources.datadog.client import DatadogClient
from data.sources.datadog.doctor import datadog_findings
from data.sources.datadog.source import DatadogSource
from data.sources.spec import SourceContext
from data.store.tables import BudgetSampleRow, ErrorBudget
from data.sync import SourceSummary, run_sources
from fakes.datadog_server import FakeDatadog, FakeSlo
from scoring.errors import ConfigError
from tests.clock import THURSDAY, pinned_clock
from tests.data.rows import base

pytestmark = pytest.mark.client_cases

ORG = parse_org_config('[[services]]\nkey = "payments"\n[sources]\nfirst_sync_days = 10\n')
SLO = "abc123def456"
# The six hours the pinned clock is in: the samples fall every six hours from there.
SIX = THURSDAY.replace(minute=0)
SPENT_FROM = SIX - timedelta(days=6)
SPENT_UNTIL = SIX - timedelta(days=5)
SPENT_AGAIN = SIX - timedelta(hours=12)
RESTORED = SIX + timedelta(hours=6)


def _left(_start: int, end: int) -> float | None:
    """The budget left over the 30 days ending at ``end``: spent for a day six days back,
    and from twelve hours back until six hours past the pinned time; no data four days back."""
    at = datetime.fromtimestamp(end, UTC)
    if at == SIX - timedelta(days=4):
        return None
    if SPENT_FROM <= at < SPENT_UNTIL or SPENT_AGAIN <= at < RESTORED:
        return -12.5
    return 40.0


@pytest.fixture
def datadog() -> Iterator[FakeDatadog]:
    """The fake Datadog with the payments SLO."""
    with FakeDatadog() as fake:
        fake.slos[SLO] = FakeSlo("Payments availability", _left)
        yield fake


@pytest.fixture
def store(engine: Engine) -> Engine:
    """A store that knows the payments service."""
    with Session(engine) as session:
        base(session)
        session.commit()
    return engine


def _settings(fake: FakeDatadog, **extra: Any) -> DatadogSourceConfig:
    return DatadogSourceConfig.model_validate({"url": fake.url, "slos": {"payments": SLO}, **extra})


def _source(fake: FakeDatadog, api_key: str = "dd-api-key", **extra: Any) -> DatadogSource:
    settings = _settings(fake, **extra)
    client = DatadogClient(fake.url, api_key, "dd-app-key", max_wait=0.0)
    return DatadogSource(settings, client, settings.slos)


def _sync(engine: Engine, source: DatadogSource) -> SourceSummary:
    (summary,) = run_sources(engine, ORG, [source])
    return summary


def _spans(engine: Engine) -> list[tuple[datetime, datetime | None]]:
    with Session(engine) as session:
        rows = session.exec(select(ErrorBudget).order_by(col(ErrorBudget.exhausted_at))).all()
        return [
            (
                r.exhausted_at.replace(tzinfo=UTC),
                r.restored_at.replace(tzinfo=UTC) if r.restored_at else None,
            )
            for r in rows
        ]


@pytest.mark.store_decides
def test_spent_spans_are_stored(store: Engine, datadog: FakeDatadog) -> None:
    """Every six hours of ten days the 30-day budget is read: the day spent six days back is
    one span, the budget spent since twelve hours back an open one."""
    with pinned_clock(THURSDAY):
        summary = _sync(store, _source(datadog))
    assert summary.error is None, summary.error
    assert summary.line() == "datadog: 40 budget samples and 2 error budgets added, 0 updated"
    assert _spans(store) == [(SPENT_FROM, SPENT_UNTIL), (SPENT_AGAIN, None)]
    # Each sample with a budget is kept as a ratio of the 30-day window's budget.
    with Session(store) as session:
        samples = {
            r.at: (r.remaining, r.window_days) for r in session.exec(select(BudgetSampleRow))
        }
    assert len(samples) == 40
    assert samples[SPENT_FROM] == (-0.125, 30)
    assert samples[SPENT_UNTIL] == (0.4, 30)
    assert SIX - timedelta(days=4) not in samples
    asked = datadog.server.requests_to(f"/api/v1/slo/{SLO}/history")
    assert len(asked) == 10 * 4 + 1
    first = asked[0]
    assert first.headers["dd-api-key"] == "dd-api-key"
    assert first.headers["dd-application-key"] == "dd-app-key"
    start = SIX - timedelta(days=10)
    assert int(first.query["to_ts"]) == int(start.timestamp())
    assert int(first.query["from_ts"]) == int((start - timedelta(days=30)).timestamp())


@pytest.mark.store_decides
def test_a_second_sync_reads_from_the_cursor_and_closes_the_open_span(
    store: Engine, datadog: FakeDatadog
) -> None:
    """Twelve hours later only the two new samples are asked for, and the budget restored six
    hours past closes the span left open, under the same key."""
    with pinned_clock(THURSDAY):
        _sync(store, _source(datadog))
    before = len(datadog.server.requests)
    with pinned_clock(THURSDAY + timedelta(hours=12)):
        again = _sync(store, _source(datadog))
    assert again.line() == "datadog: 2 budget samples added, 1 updated"
    asked = datadog.server.requests[before:]
    assert [int(r.query["to_ts"]) for r in asked] == [
        int((SIX + timedelta(hours=h)).timestamp()) for h in (6, 12)
    ]
    assert _spans(store)[-1] == (SPENT_AGAIN, RESTORED)


def test_a_refused_key_is_one_sentence(store: Engine, datadog: FakeDatadog) -> None:
    """A refused key ends the source in one sentence naming both variables; nothing stored."""
    with pinned_clock(THURSDAY):
        summary = _sync(store, _source(datadog, api_key="wrong"))
    assert summary.error == (
        "Datadog refused the keys in DD_API_KEY and DD_APP_KEY (403: Forbidden); set them to "
        "an API key and an application key with the slos_read scope."
    )
    assert _spans(store) == []


def test_an_unknown_slo_is_one_sentence(store: Engine, datadog: FakeDatadog) -> None:
    """An SLO id Datadog does not know is one sentence naming it and the setting to check."""
    with pinned_clock(THURSDAY):
        summary = _sync(store, _source(datadog, slos={"payments": "nope"}))
    assert summary.error == (
        "Datadog has no SLO nope (404); check slos in [sources.datadog] and the site in url."
    )


def test_an_unreachable_site_is_one_sentence(store: Engine) -> None:
    """A site that is not there is one sentence naming the address to check."""
    with FakeDatadog() as gone:
        url = gone.url
    settings = DatadogSourceConfig(url=url, slos={"payments": SLO})
    client = DatadogClient(url, "k", "a", max_wait=0.0)
    summary = _sync(store, DatadogSource(settings, client, settings.slos))
    assert summary.error == (
        f"cannot reach Datadog at {url} (ConnectError); check url in [sources.datadog] and "
        "the network."
    )


def test_a_missing_key_is_one_sentence_through_the_seam() -> None:
    """Built through the spec, an unset key is one sentence naming the variable, and an SLO
    mapped to no service of riskbrief.toml one naming the key."""
    from data.sources.datadog.spec import DATADOG

    settings = DatadogSourceConfig(slos={"payments": SLO})
    context = SourceContext(ORG, {"DD_API_KEY": "k"})
    with pytest.raises(ConfigError, match="DD_APP_KEY is not set"):
        DATADOG.sources(settings, context)
    elsewhere = DatadogSourceConfig(slos={"paymnets": SLO})
    with pytest.raises(ConfigError, match="names 'paymnets', which is no \\[\\[services\\]\\] key"):
        DATADOG.sources(elsewhere, SourceContext(ORG, {"DD_API_KEY": "k", "DD_APP_KEY": "a"}))


def test_doctor_names_the_services_whose_slo_gives_nothing(datadog: FakeDatadog) -> None:
    """The doctor passes the SLO with a budget, names one without data and an unknown one,
    and stops at a refused key."""
    datadog.slos["empty"] = FakeSlo("Search latency", lambda _s, _e: None)
    settings = _settings(datadog, slos={"payments": SLO, "search": "empty", "web": "nope"})
    client = DatadogClient(datadog.url, "dd-api-key", "dd-app-key", max_wait=0.0)
    with pinned_clock(THURSDAY):
        found = datadog_findings(client, settings, settings.slos)
        refused = datadog_findings(
            DatadogClient(datadog.url, "bad", "dd-app-key", max_wait=0.0),
            settings,
            settings.slos,
        )
    assert [(f.ok, f.message) for f in found] == [
        (True, "Datadog gives a remaining error budget for payments"),
        (
            False,
            "Datadog's SLO history returns no 30d budget for search, web (Datadog has no SLO "
            "nope (404); check slos in [sources.datadog] and the site in url.)",
        ),
    ]
    assert [f.ok for f in refused] == [False]
    assert "refused the keys in DD_API_KEY and DD_APP_KEY" in refused[0].message
