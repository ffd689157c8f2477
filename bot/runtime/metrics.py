"""Prometheus metrics of one ``riskbrief serve`` replica, served at ``GET /metrics``.

Counters and gauges that the scheduler sets as it works (leader or not, its term,
the last tick, briefings sent, failed, retried and fenced, source sync errors), and
gauges read from the store at each scrape (the oldest claim in flight, deliveries
waiting to be retried, each source's last sync). The store's are the same on every
replica, so an alert on them may be scraped from any one.

With ``serve --workers N`` and the scheduler in the process that started the workers
(``--role all``), the scheduler's metrics are written to files in a folder of its own
(``prometheus_client``'s multiprocess mode) and every worker's ``/metrics`` reads them
(``SharedMetrics``), so a scrape sees the one scheduler whichever worker answers.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Protocol

import sqlalchemy as sa
import structlog
from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest, values
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.delivery import DeliveryReport
from data.clock import utcnow
from data.store.deliveries import CLAIMED, FAILED
from data.store.reads.deliveries import oldest_claim, unfinished_counts
from data.store.reads.syncs import oldest_syncs

__all__ = [
    "CONTENT_TYPE",
    "Exposition",
    "ProcessMetrics",
    "SharedMetrics",
    "share_between_processes",
]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

log = structlog.get_logger("riskbrief.metrics")

# What a gauge of the scheduler's reads as when several processes hold files: the value the
# one process that sets it set last (workers never create these gauges).
_ONE_WRITER: Final = "mostrecent"


class Exposition(Protocol):
    """What ``GET /metrics`` answers from: a process's own metrics or the ones shared."""

    def exposition(self) -> bytes:
        """The metrics in Prometheus' text format."""
        ...


def share_between_processes(folder: Path) -> None:
    """From now on, metrics created in this process and its children are written to ``folder``.

    prometheus_client picks its multiprocess mode once, from ``PROMETHEUS_MULTIPROC_DIR`` at
    import; ``serve`` decides only at start-up whether it runs workers, so it sets both here,
    before the scheduler's metrics are created and before any worker is forked.
    """
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    values.ValueClass = values.MultiProcessValue()  # type: ignore[no-untyped-call]


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
            with Session(self._engine) as session:
                oldest = oldest_claim(session)
                counts = unfinished_counts(session)
                synced = oldest_syncs(session)
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
            "riskbrief_scheduler_leader",
            "1 while this replica leads the scheduler.",
            registry=r,
            multiprocess_mode=_ONE_WRITER,
        )
        self.term = Gauge(
            "riskbrief_scheduler_term",
            "The leader term this replica leads in (0 when following).",
            registry=r,
            multiprocess_mode=_ONE_WRITER,
        )
        self.last_tick = Gauge(
            "riskbrief_scheduler_last_tick_timestamp_seconds",
            "Unix time this replica last finished a delivery tick as leader.",
            registry=r,
            multiprocess_mode=_ONE_WRITER,
        )
        self.last_heartbeat = Gauge(
            "riskbrief_scheduler_last_heartbeat_timestamp_seconds",
            "Unix time this replica last confirmed its lead or tried for it.",
            registry=r,
            multiprocess_mode=_ONE_WRITER,
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


class SharedMetrics:
    """A worker's ``/metrics`` under ``serve --workers N --role all``: the scheduler's metrics,
    written by the process that runs it into ``folder``, and the store's gauges."""

    def __init__(self, engine: Engine, folder: Path) -> None:
        self.registry = CollectorRegistry()
        MultiProcessCollector(self.registry, path=str(folder))  # type: ignore[no-untyped-call]
        self.registry.register(_StoreCollector(engine))

    def exposition(self) -> bytes:
        """The metrics in Prometheus' text format."""
        return generate_latest(self.registry)
