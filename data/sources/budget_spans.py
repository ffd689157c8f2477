"""Spans of a spent error budget, read from samples of the budget left, across syncs.

A budget source (Prometheus, Datadog) reads the remaining budget of a service at
times in order; a span starts at the first sample at or below zero and ends at the
next sample above it. A span still open when a window's samples run out is handed
to the sync open (``restored_at`` unset) and its start kept in the source's cursor,
so the next window's first sample above zero closes that same span (its key is its
start, so the store updates it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from data.source_values import SourceErrorBudget
from data.sources.times import TimeFormatError, parse_time

__all__ = ["BudgetSample", "SpentSpans", "open_since"]


@dataclass(frozen=True, slots=True)
class BudgetSample:
    """The budget left of one service at ``at``: a ratio or a percentage, 0 or below is spent."""

    at: datetime
    remaining: float


def open_since(cursor: str | None) -> datetime | None:
    """The start of a span still open at the last sync, from the cursor it was saved in."""
    if not cursor:
        return None
    try:
        return parse_time(cursor, "cursor")
    except TimeFormatError:
        # A cursor that is not a time is forgotten, not fatal: the span reopens when next seen.
        return None


class SpentSpans:
    """The spent spans of one ``service`` from its samples in time order, named by ``source``."""

    def __init__(self, source: str, service: str, since: datetime | None = None) -> None:
        self.source = source
        self.service = service
        # The start of the span spent at the last sample read, if it was spent.
        self.since = since

    def _span(self, start: datetime, end: datetime | None) -> SourceErrorBudget:
        return SourceErrorBudget(
            key=f"{self.source}:{self.service}@{start.isoformat()}",
            service=self.service,
            exhausted_at=start,
            restored_at=end,
            source=self.source,
        )

    def read(self, samples: Iterable[BudgetSample]) -> list[SourceErrorBudget]:
        """The spans these samples close, then the one they leave open (without its end)."""
        out: list[SourceErrorBudget] = []
        for sample in samples:
            if sample.remaining <= 0:
                if self.since is None:
                    self.since = sample.at
            elif self.since is not None:
                out.append(self._span(self.since, sample.at))
                self.since = None
        if self.since is not None:
            out.append(self._span(self.since, None))
        return out

    @property
    def cursor(self) -> str | None:
        """What the cursor keeps: the open span's start, else nothing."""
        return self.since.isoformat() if self.since is not None else None
