"""The budget samples a budget source keeps for the weekly burn rate: ratios, at most hourly.

A source reads the budget left as its vendor says it (Prometheus's recording rules: a
ratio; Datadog's SLO history: a percentage) at its own step (5 minutes by default for
Prometheus). The store keeps a ratio, and at most one sample an hour: a week's burn rate
needs no finer grain, and a 5-minute series would be twelve times the rows. The hours are
counted per checkpoint: an hour that a Prometheus window (10,000 steps) ends in keeps one
sample from each side of it, two rows in 35 days at 5-minute steps.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from data.source_values import SourceBudgetSample
from data.sources.budget_spans import BudgetSample

__all__ = ["KEPT_EVERY", "kept_samples", "ratio"]

# The finest grain kept: the first sample of each hour (since the Unix epoch) stands for it.
KEPT_EVERY = timedelta(hours=1)


def ratio(remaining: float, *, percent: bool) -> float:
    """The budget left as a ratio (1: untouched, 0 or below: spent) from what a source said."""
    return remaining / 100.0 if percent else remaining


def kept_samples(
    source: str,
    service: str,
    samples: Iterable[BudgetSample],
    window_days: int,
    *,
    percent: bool = False,
) -> list[SourceBudgetSample]:
    """The first of ``samples`` (in time order) in each hour, as ratios, to hand the sync."""
    every = int(KEPT_EVERY.total_seconds())
    seen: set[int] = set()
    out: list[SourceBudgetSample] = []
    for sample in sorted(samples, key=lambda s: s.at):
        hour = int(sample.at.timestamp()) // every
        if hour in seen:
            continue
        seen.add(hour)
        out.append(
            SourceBudgetSample(
                service=service,
                at=sample.at,
                remaining=ratio(sample.remaining, percent=percent),
                source=source,
                window_days=window_days,
            )
        )
    return out
