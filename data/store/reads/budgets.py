"""Each service's samples of its error budget left over a span, as the briefing reads them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from data.store.tables import BudgetSampleRow, Service
from scoring.budget_burn import BudgetPoint

__all__ = ["BudgetSeries", "budget_series"]


@dataclass(frozen=True, slots=True)
class BudgetSeries:
    """One service's samples from one source, in time order, over its SLO window's days."""

    service: str
    source: str
    window_days: int
    points: tuple[BudgetPoint, ...]


def budget_series(
    session: Session, since: datetime, until: datetime, services: Collection[str] | None = None
) -> list[BudgetSeries]:
    """Per service (of ``services``; every one when ``None``), the samples at ``since`` to
    ``until`` of the source that has most of them there (ties by its name), by service key."""
    query = (
        select(BudgetSampleRow, Service.key)
        .where(col(BudgetSampleRow.service_id) == col(Service.id))
        .where(col(BudgetSampleRow.at) >= since, col(BudgetSampleRow.at) <= until)
        .order_by(col(BudgetSampleRow.at))
    )
    if services is not None:
        query = query.where(col(Service.key).in_(list(services)))
    found: dict[str, dict[str, list[BudgetSampleRow]]] = defaultdict(lambda: defaultdict(list))
    for row, key in session.exec(query):
        found[key][row.source].append(row)
    out: list[BudgetSeries] = []
    for key in sorted(found):
        source, rows = min(found[key].items(), key=lambda item: (-len(item[1]), item[0]))
        out.append(
            BudgetSeries(
                service=key,
                source=source,
                # A window said differently over time: the latest sample's is the SLO's now.
                window_days=rows[-1].window_days,
                points=tuple(BudgetPoint(r.at, r.remaining) for r in rows),
            )
        )
    return out
