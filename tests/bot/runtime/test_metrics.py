"""Prometheus metrics: what the scheduler counts and what the store says at each scrape."""

from __future__ import annotations

from datetime import timedelta

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import Engine

from bot.delivery import DeliveryOutcome, DeliveryReport, OutcomeStatus
from bot.runtime.metrics import ProcessMetrics
from data.clock import utcnow
from data.store.deliveries import claim, fail
from data.store.engine import session_scope
from data.store.tables import ChannelName, Subscriber, SyncState


def _samples(metrics: ProcessMetrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = metrics.exposition().decode()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_delivery_outcomes_are_counted_by_channel_and_outcome() -> None:
    """Sent, failed and fenced attempts count apart; attempts after the first count as retries."""
    metrics = ProcessMetrics()
    metrics.record(
        DeliveryReport(
            (
                DeliveryOutcome(
                    "a", ChannelName.SLACK, "2026-W47", OutcomeStatus.SENT, "1.0", attempt=1
                ),
                DeliveryOutcome(
                    "a", ChannelName.EMAIL, "2026-W47", OutcomeStatus.FAILED, "no", attempt=2
                ),
                DeliveryOutcome(
                    "b",
                    ChannelName.SLACK,
                    "2026-W47",
                    OutcomeStatus.SKIPPED,
                    "lost the lead",
                    attempt=3,
                ),
                # Skipped before any attempt (sent before): not an attempt of this replica.
                DeliveryOutcome(
                    "c",
                    ChannelName.SLACK,
                    "2026-W47",
                    OutcomeStatus.SKIPPED,
                    "already sent",
                    attempt=0,
                ),
            )
        )
    )
    metrics.lead(True, 4)
    got = _samples(metrics)
    assert got[("riskbrief_briefings_total", (("channel", "slack"), ("outcome", "sent")))] == 1
    assert got[("riskbrief_briefings_total", (("channel", "email"), ("outcome", "failed")))] == 1
    assert got[("riskbrief_briefings_total", (("channel", "slack"), ("outcome", "fenced")))] == 1
    assert got[("riskbrief_briefings_retried_total", (("channel", "email"),))] == 1
    assert got[("riskbrief_briefings_retried_total", (("channel", "slack"),))] == 1
    assert got[("riskbrief_scheduler_leader", ())] == 1
    assert got[("riskbrief_scheduler_term", ())] == 4


def test_store_gauges_show_claims_in_flight_and_sync_age(engine: Engine) -> None:
    """A claim in flight, a failed delivery and a source's last sync appear at the scrape."""
    now = utcnow()
    with session_scope(engine) as session:
        row = Subscriber(key="lead", name="Lead", email="lead@example.com")
        session.add(row)
        session.add(
            SyncState(source="github", scope="acme/shop", updated_at=now - timedelta(hours=2))
        )
        session.flush()
        assert row.id is not None
        subscriber = row.id
    assert claim(engine, subscriber, "2026-W47", "slack", now - timedelta(minutes=5)) is not None
    failed = claim(engine, subscriber, "2026-W47", "email", now)
    assert failed is not None
    fail(engine, failed, "SMTP said no")
    got = _samples(ProcessMetrics(engine))
    assert 290 < got[("riskbrief_oldest_claim_age_seconds", ())] < 400
    assert got[("riskbrief_deliveries_unfinished", (("status", "claimed"),))] == 1
    assert got[("riskbrief_deliveries_unfinished", (("status", "failed"),))] == 1
    assert 7100 < got[("riskbrief_source_sync_age_seconds", (("source", "github"),))] < 7300
