"""Samples of each service's error budget left, written once per (source, service, time) and
pruned past what a weekly reading needs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import delete, insert
from sqlmodel import Session, col, select

from data.source_values import SourceBudgetSample
from data.store.tables import BudgetSampleRow, Service
from data.tally import Tally

__all__ = ["KEPT", "save_budget_samples"]

log = structlog.get_logger(__name__)

# How long samples are kept before the newest a source wrote for the service: weeks of
# briefings built again later still find theirs, and a 5-minute source's rows stay bounded.
KEPT = timedelta(days=120)
_KIND = "budget_sample"


def _problem(record: SourceBudgetSample, service_id: int | None) -> str | None:
    """Why a sample cannot be stored, or ``None``."""
    if service_id is None:
        return f"service {record.service!r} is not in riskbrief.toml"
    if record.at.tzinfo is None:
        return "its time has no time zone"
    if record.remaining != record.remaining:
        return "its budget is not a number"
    return None


def save_budget_samples(session: Session, records: Iterable[SourceBudgetSample]) -> Tally:
    """Upsert samples by (source, service, time), then drop each series' samples older than
    ``KEPT`` before its newest; a sample of a service riskbrief.toml lacks is skipped."""
    tally = Tally()
    ids = {s.key: s.id for s in session.exec(select(Service)) if s.id is not None}
    series: dict[tuple[str, int], dict[datetime, SourceBudgetSample]] = defaultdict(dict)
    for r in records:
        service_id = ids.get(r.service)
        problem = _problem(r, service_id)
        if problem is not None or service_id is None:
            tally.skipped += 1
            log.warning("record_skipped", kind=_KIND, key=f"{r.source}:{r.service}", reason=problem)
            continue
        # A time met twice in one batch keeps its last sample, as two checkpoints would.
        series[(r.source, service_id)][r.at] = r
    for (source, service_id), by_time in series.items():
        _upsert(session, source, service_id, by_time, tally)
    session.flush()
    for (source, service_id), by_time in series.items():
        session.execute(
            delete(BudgetSampleRow).where(
                col(BudgetSampleRow.source) == source,
                col(BudgetSampleRow.service_id) == service_id,
                col(BudgetSampleRow.at) < max(by_time) - KEPT,
            )
        )
    return tally


def _upsert(
    session: Session,
    source: str,
    service_id: int,
    by_time: dict[datetime, SourceBudgetSample],
    tally: Tally,
) -> None:
    """One series' samples, the stored ones in the batch's span loaded with one query."""
    stored = {
        row.at: row
        for row in session.exec(
            select(BudgetSampleRow).where(
                col(BudgetSampleRow.source) == source,
                col(BudgetSampleRow.service_id) == service_id,
                col(BudgetSampleRow.at) >= min(by_time),
                col(BudgetSampleRow.at) <= max(by_time),
            )
        )
    }
    new: list[dict[str, Any]] = []
    for at, r in sorted(by_time.items()):
        row = stored.get(at)
        if row is None:
            new.append(
                {
                    "source": source,
                    "service_id": service_id,
                    "at": at,
                    "remaining": r.remaining,
                    "window_days": r.window_days,
                }
            )
            tally.add(_KIND)
        elif (row.remaining, row.window_days) != (r.remaining, r.window_days):
            row.remaining, row.window_days = r.remaining, r.window_days
            session.add(row)
            tally.updated += 1
    if new:
        # One executemany: a first sync hands thousands (90 days hourly), and an ORM object
        # per row cost most of the sync's time.
        session.execute(insert(BudgetSampleRow), new)
