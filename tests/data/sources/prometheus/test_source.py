"""Prometheus as a source of spent error budgets, against the fake Prometheus: spans found,
the cursor respected, each failure one sentence, and the doctor's findings."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from data.config import parse_org_config
from data.config.sources.prometheus import PrometheusSourceConfig, budget_query
from data.sources.prometheus.client import PrometheusClient
from data.sources.prometheus.doctor import prometheus_findings
from data.sources.prometheus.source import PrometheusSource
from data.store.tables import BudgetSampleRow, ErrorBudget
from data.sync import SourceSummary, run_sources
from fakes.prometheus_server import FakePrometheus, FakeSeries
from tests.clock import THURSDAY, pinned_clock
from tests.data.rows import base

pytestmark = pytest.mark.client_cases

ORG = parse_org_config("[sources]\nfirst_sync_days = 30\n")
TOKEN = "prom-test-token"
# The hour the pinned clock is in: the hourly samples fall on whole hours.
HOUR = THURSDAY.replace(minute=0)
SPENT_FROM = HOUR - timedelta(days=10)
SPENT_UNTIL = HOUR - timedelta(days=8)
SPENT_AGAIN = HOUR - timedelta(days=2)
RESTORED = HOUR + timedelta(hours=2)


def _settings(**extra: object) -> PrometheusSourceConfig:
    return PrometheusSourceConfig.model_validate({"url": "http://x", "step_minutes": 60, **extra})


def _payments(ts: float) -> float | None:
    """Payments' budget left: spent for two days, then spent again two days ago until
    two hours past the pinned hour; no sample at all a week back, NaN inside the first span."""
    at = datetime.fromtimestamp(ts, UTC)
    if at == HOUR - timedelta(days=7):
        return None
    if at == SPENT_FROM + timedelta(days=1):
        # No traffic to judge by: Prometheus answers "NaN", which must not end the span.
        return math.nan
    if SPENT_FROM <= at < SPENT_UNTIL or SPENT_AGAIN <= at < RESTORED:
        return -0.25
    return 0.5


@pytest.fixture
def prometheus() -> Iterator[FakePrometheus]:
    """The fake Prometheus with Sloth's budget series for payments (two SLOs, one never spent)."""
    with FakePrometheus(TOKEN) as fake:
        fake.series[budget_query(_settings(), "payments")] = [
            FakeSeries({"sloth_service": "payments", "sloth_slo": "availability"}, _payments),
            FakeSeries({"sloth_service": "payments", "sloth_slo": "latency"}, lambda _: 0.9),
        ]
        yield fake


@pytest.fixture
def store(engine: Engine) -> Engine:
    """A store that knows the payments service."""
    with Session(engine) as session:
        base(session)
        session.commit()
    return engine


def _source(
    fake: FakePrometheus,
    token: str | None = TOKEN,
    services: tuple[str, ...] = ("payments",),
    **extra: Any,
) -> PrometheusSource:
    settings = _settings(url=fake.url, **extra)
    client = PrometheusClient(fake.url, token, max_wait=0.0)
    return PrometheusSource(settings, client, services)


def _sync(engine: Engine, source: PrometheusSource) -> SourceSummary:
    (summary,) = run_sources(engine, ORG, [source])
    return summary


def _spans(engine: Engine) -> list[tuple[datetime, datetime | None, str]]:
    with Session(engine) as session:
        rows = session.exec(select(ErrorBudget).order_by(col(ErrorBudget.exhausted_at))).all()
        return [
            (
                r.exhausted_at.replace(tzinfo=UTC),
                r.restored_at.replace(tzinfo=UTC) if r.restored_at else None,
                r.source,
            )
            for r in rows
        ]


def _samples(engine: Engine) -> dict[datetime, tuple[float, int]]:
    """The budget samples stored, by time: the ratio left and the SLO window's days."""
    with Session(engine) as session:
        rows = session.exec(select(BudgetSampleRow)).all()
        return {r.at: (r.remaining, r.window_days) for r in rows}


@pytest.mark.store_decides
def test_spent_spans_are_stored(store: Engine, prometheus: FakePrometheus) -> None:
    """The spent span ten days back is stored whole, and the one still spent now stored open;
    the SLO never spent does not hide them, and neither the hour without a sample nor the NaN
    inside the span changes anything."""
    with pinned_clock(THURSDAY):
        summary = _sync(store, _source(prometheus))
    assert summary.error is None, summary.error
    assert summary.line() == "prometheus: 721 budget samples and 2 error budgets added, 0 updated"
    assert _spans(store) == [
        (SPENT_FROM, SPENT_UNTIL, "prometheus"),
        (SPENT_AGAIN, None, "prometheus"),
    ]
    # Every hour of the 30 days is kept for the burn rate, the lowest SLO's ratio as read.
    samples = _samples(store)
    assert len(samples) == 30 * 24 + 1
    assert samples[SPENT_FROM] == (-0.25, 30)
    assert samples[HOUR - timedelta(days=7)] == (0.5, 30)
    (asked,) = prometheus.server.requests_to("/api/v1/query_range")
    assert asked.headers["authorization"] == f"Bearer {TOKEN}"
    assert asked.query["step"] == "3600"
    assert float(asked.query["start"]) == (HOUR - timedelta(days=30)).timestamp()
    assert float(asked.query["end"]) == HOUR.timestamp()


@pytest.mark.store_decides
def test_a_second_sync_reads_from_the_cursor_and_closes_the_open_span(
    store: Engine, prometheus: FakePrometheus
) -> None:
    """Three hours later the next sync asks only for the hours after the last one read, and
    the budget restored two hours past closes the span it left open, under the same key."""
    with pinned_clock(THURSDAY):
        _sync(store, _source(prometheus))
    with pinned_clock(THURSDAY + timedelta(hours=3)):
        again = _sync(store, _source(prometheus))
    assert again.line() == "prometheus: 3 budget samples added, 1 updated"
    last = prometheus.server.requests_to("/api/v1/query_range")[-1]
    assert float(last.query["start"]) == (HOUR + timedelta(hours=1)).timestamp()
    assert float(last.query["end"]) == (HOUR + timedelta(hours=3)).timestamp()
    assert _spans(store)[-1] == (SPENT_AGAIN, RESTORED, "prometheus")


def test_a_long_first_sync_is_read_in_windows_prometheus_accepts(
    store: Engine, prometheus: FakePrometheus
) -> None:
    """Thirty days of five-minute steps (8,640 points) is one query; at one minute (43,200
    points, past Prometheus's 11,000) it is five, and the spans found are the same."""
    with pinned_clock(THURSDAY):
        summary = _sync(store, _source(prometheus, step_minutes=1))
    assert summary.error is None, summary.error
    assert len(prometheus.server.requests_to("/api/v1/query_range")) == 5
    assert [s[0] for s in _spans(store)] == [SPENT_FROM, SPENT_AGAIN]


def test_a_service_without_series_is_noted(store: Engine, prometheus: FakePrometheus) -> None:
    """A service whose query gives no series is named in a note, not a failure."""
    with pinned_clock(THURSDAY):
        summary = _sync(store, _source(prometheus, services=("payments", "search")))
    assert summary.error is None
    assert summary.notes == (
        "no budget series for search; check their queries in [sources.prometheus]",
    )


@pytest.mark.parametrize(
    ("token", "extra", "expected"),
    [
        (
            "wrong",
            {},
            "Prometheus at {url} refused the token in PROMETHEUS_TOKEN (401); set it to an "
            "access token the server takes.",
        ),
        (
            None,
            {},
            "Prometheus at {url} asks for a token (401); set PROMETHEUS_TOKEN to an access "
            "token it takes.",
        ),
        (
            TOKEN,
            {"queries": {"payments": "sum(rate(x[5m]) !!"}},
            'Prometheus refused the query (bad_data: invalid parameter "query": 1:1: parse '
            "error: sum(rate(x[5m]) !!) for payments; check its query in [sources.prometheus].",
        ),
    ],
    ids=["refused token", "no token", "bad query"],
)
def test_each_failure_is_one_sentence(
    store: Engine,
    prometheus: FakePrometheus,
    token: str | None,
    extra: dict[str, Any],
    expected: str,
) -> None:
    """A refused token, a missing one and a query Prometheus cannot parse each end the
    source in one sentence saying what to fix; nothing is stored."""
    with pinned_clock(THURSDAY):
        summary = _sync(store, _source(prometheus, token, **extra))
    assert summary.error == expected.format(url=prometheus.url)
    assert _spans(store) == []


def test_an_unreachable_server_is_one_sentence(store: Engine) -> None:
    """A server that is not there is one sentence naming the address to check."""
    with FakePrometheus() as gone:
        url = gone.url
    client = PrometheusClient(url, None, max_wait=0.0)
    source = PrometheusSource(_settings(url=url), client, ("payments",))
    summary = _sync(store, source)
    assert summary.error == (
        f"cannot reach Prometheus at {url} (ConnectError); check url in [sources.prometheus] "
        "and the network."
    )


def test_an_error_status_in_a_200_is_one_sentence(
    store: Engine, prometheus: FakePrometheus
) -> None:
    """A proxy's 200 carrying Prometheus's error body still ends in its sentence."""
    from fakes.http import Answer

    prometheus.server.fail_next(
        "/api/v1/query_range",
        Answer(200, {"status": "error", "errorType": "timeout", "error": "query timed out"}),
    )
    summary = _sync(store, _source(prometheus))
    assert summary.error == (
        "Prometheus refused the query (timeout: query timed out) for payments; check its "
        "query in [sources.prometheus]."
    )


def test_doctor_names_the_services_that_return_nothing(prometheus: FakePrometheus) -> None:
    """The doctor passes the services whose query gives a number, names those it gives
    none, and stops at a refused token."""
    settings = _settings(url=prometheus.url)
    with pinned_clock(THURSDAY):
        found = prometheus_findings(
            PrometheusClient(prometheus.url, TOKEN), settings, ("payments", "search", "web")
        )
        refused = prometheus_findings(
            PrometheusClient(prometheus.url, "bad", max_wait=0.0), settings, ("payments",)
        )
    assert [(f.ok, f.message) for f in found] == [
        (True, f"Prometheus at {prometheus.url} gives a remaining error budget for payments"),
        (False, "Prometheus's budget query returns nothing for search, web"),
    ]
    assert [f.ok for f in refused] == [False]
    assert "refused the token in PROMETHEUS_TOKEN" in refused[0].message


def test_the_conventions_name_sloth_and_pyrra_series() -> None:
    """The default query reads Sloth's rule; `pyrra` reads Pyrra's generic rules; a
    service's own query wins over either."""
    assert budget_query(_settings(), "checkout") == (
        'slo:period_error_budget_remaining:ratio{sloth_service="checkout"}'
    )
    assert budget_query(_settings(convention="pyrra"), "checkout") == (
        '(pyrra_availability{slo="checkout"} - pyrra_objective{slo="checkout"})'
        ' / (1 - pyrra_objective{slo="checkout"})'
    )
    own = _settings(queries={"checkout": "my_budget"}, query='b{s="{service}"}')
    assert (budget_query(own, "checkout"), budget_query(own, "web")) == ("my_budget", 'b{s="web"}')
    with pytest.raises(ValueError, match="must name"):
        _settings(query="no_placeholder")


def test_a_service_riskbrief_toml_lacks_is_one_sentence_through_the_seam() -> None:
    """Built through the spec, the configured services are read (every one by default), and a
    key riskbrief.toml does not define is one sentence naming it."""
    from data.sources.prometheus.spec import PROMETHEUS
    from data.sources.spec import SourceContext
    from scoring.errors import ConfigError

    org = parse_org_config('[[services]]\nkey = "payments"\n[[services]]\nkey = "search"\n')
    (source,) = PROMETHEUS.sources(_settings(), SourceContext(org, {}))
    assert isinstance(source, PrometheusSource)
    assert source.services == ("payments", "search")
    source.close()
    with pytest.raises(ConfigError, match="names 'serach', which is no"):
        PROMETHEUS.sources(_settings(queries={"serach": "x"}), SourceContext(org, {}))
