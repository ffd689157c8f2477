"""Prometheus metrics of one ``riskbrief serve`` replica, served at ``GET /metrics``.

Counters and gauges that the scheduler sets as it works (leader or not, its term,
the last tick, briefings sent, failed, retried and fenced, source sync errors), and
gauges read from the store at each scrape (the oldest claim in flight, deliveries
waiting to be retried, each source's last sync). The store's are the same on every
replica, so an alert on them may be scraped from any one.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import sqlalchemy as sa
import structlog
from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.delivery import DeliveryReport
from data.clock import utcnow
from data.store.deliveries import CLAIMED, FAILED
from data.store.tables import Delivery, SyncState

__all__ = ["CONTENT_TYPE", "ProcessMetrics"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

log = structlog.get_logger("riskbrief.metrics")


class _StoreCollector(Collector):
    """Gauges read from the store when Prometheus scrapes."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def collect(self) -> Iterator[GaugeMetricFamily]:
        claim_age = GaugeMetricFamily(
            "riskbrief_oldest_claim_age_seconds",
            "Age of the oldest delivery attempt still in flight (0 when none is).",
        )
        waiting = GaugeMetricFamily(
            "riskbrief_deliveries_unfinished",
            "Deliveries claimed or failed and not yet sent, by status.",
            labels=["status"],
        )
        sync_age = GaugeMetricFamily(
            "riskbrief_source_sync_age_seconds",
            "Seconds since each source last synced a scope (its oldest scope).",
            labels=["source"],
        )
        now = utcnow()
        try:
            with self._engine.connect() as conn:
                oldest = conn.execute(
                    sa.select(sa.func.min(col(Delivery.attempted_at))).where(
                        col(Delivery.status) == CLAIMED
                    )
                ).scalar()
                counts = dict(
                    conn.execute(
                        sa.select(col(Delivery.status), sa.func.count())
                        .where(col(Delivery.status).in_((CLAIMED, FAILED)))
                        .group_by(col(Delivery.status))
                    ).all()
                )
                synced = conn.execute(
                    select(SyncState.source, sa.func.min(col(SyncState.updated_at))).group_by(
                        col(SyncState.source)
                    )
                ).all()
        except sa.exc.SQLAlchemyError:
            # /readyz reports a store that does not answer; a scrape must not fail for it.
            log.warning("metrics.store_unreachable")
            return
        claim_age.add_metric([], _age(now, oldest))
        for status in (CLAIMED, FAILED):
            waiting.add_metric([status], float(counts.get(status, 0)))
        for source, updated in synced:
            sync_age.add_metric([source], _age(now, updated))
        yield claim_age
        yield waiting
        yield sync_age


def _age(now: datetime, then: datetime | None) -> float:
    if then is None:
        return 0.0
    # Aggregates read through SQLAlchemy core come back naive; the store keeps UTC.
    if then.tzinfo is None:
        then = then.replace(tzinfo=UTC)
    return max((now - then).total_seconds(), 0.0)


class ProcessMetrics:
    """The metrics of this process, on a registry of its own (not the global one)."""

    def __init__(self, engine: Engine | None = None) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.leader = Gauge(
            "riskbrief_scheduler_leader", "1 while this replica leads the scheduler.", registry=r
        )
        self.term = Gauge(
            "riskbrief_scheduler_term",
            "The leader term this replica leads in (0 when following).",
            registry=r,
        )
        self.last_tick = Gauge(
            "riskbrief_scheduler_last_tick_timestamp_seconds",
            "Unix time this replica last finished a delivery tick as leader.",
            registry=r,
        )
        self.last_heartbeat = Gauge(
            "riskbrief_scheduler_last_heartbeat_timestamp_seconds",
            "Unix time this replica last confirmed its lead or tried for it.",
            registry=r,
        )
        self.leadership = Counter(
            "riskbrief_scheduler_leadership_changes",
            "Times this replica took or lost the lead.",
            ["change"],
            registry=r,
        )
        self.briefings = Counter(
            "riskbrief_briefings",
            "Briefing deliveries this replica attempted, by channel and outcome "
            "(sent, found, failed, fenced).",
            ["channel", "outcome"],
            registry=r,
        )
        self.retried = Counter(
            "riskbrief_briefings_retried",
            "Delivery attempts after the first (a crash, a failure or a lost lead before).",
            ["channel"],
            registry=r,
        )
        self.sync_errors = Counter(
            "riskbrief_source_sync_errors",
            "Source syncs that ended in an error, by source.",
            ["source"],
            registry=r,
        )
        self.syncs = Counter(
            "riskbrief_source_syncs", "Source syncs run by this replica.", ["source"], registry=r
        )
        if engine is not None:
            r.register(_StoreCollector(engine))

    def lead(self, leading: bool, term: int | None) -> None:
        """Set the leader gauges."""
        self.leader.set(1 if leading else 0)
        self.term.set(term or 0)

    def record(self, report: DeliveryReport) -> None:
        """Count each attempted delivery of a tick's report."""
        for o in report.outcomes:
            if o.attempt == 0:
                continue
            outcome = "fenced" if o.status == "skipped" else o.status
            self.briefings.labels(o.channel, outcome).inc()
            if o.attempt > 1:
                self.retried.labels(o.channel).inc()

    def synced(self, source: str, error: str | None) -> None:
        """Count one source's sync."""
        self.syncs.labels(source).inc()
        if error:
            self.sync_errors.labels(source).inc()

    def exposition(self) -> bytes:
        """The metrics in Prometheus' text format."""
        return generate_latest(self.registry)
