"""What a budget source keeps of its samples: ratios whatever the vendor says, at most hourly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from data.sources.budget_samples import kept_samples, ratio
from data.sources.budget_spans import BudgetSample

HOUR = datetime(2026, 11, 19, 10, tzinfo=UTC)


def test_a_percentage_is_kept_as_a_ratio_and_a_ratio_as_it_is() -> None:
    """Datadog's 38.5 (percent) and Prometheus's 0.385 (ratio) are the same budget left."""
    assert ratio(38.5, percent=True) == ratio(0.385, percent=False) == 0.385
    assert ratio(-12.5, percent=True) == -0.125


def test_five_minute_samples_are_kept_once_an_hour() -> None:
    """Of two hours of 5-minute samples, handed out of order, the first of each hour is kept,
    as a ratio of the window named."""
    samples = [BudgetSample(HOUR + timedelta(minutes=5 * k), 50.0 - k) for k in range(24)]
    kept = kept_samples("datadog", "search", reversed(samples), 7, percent=True)
    assert [(s.at, s.remaining) for s in kept] == [
        (HOUR, 0.5),
        (HOUR + timedelta(hours=1), 0.38),
    ]
    assert {(s.source, s.service, s.window_days) for s in kept} == {("datadog", "search", 7)}
