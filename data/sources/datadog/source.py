"""Each service's spent error budget, sampled from Datadog's SLO history since the last sync.

Datadog's history answers the budget left over one window, so the pass samples it:
every ``step_hours`` since the cursor (the first sync from the organisation's
first-sync start) it asks for the SLO's ``timeframe`` ending then, and reads the
budget left (percent; 0 or below is spent). Samples go to the sync a day's worth at a
time, with the cursor (the last time sampled as the watermark, a span still open as
the cursor), and are kept as ratios for the weekly burn rate, read against the
``timeframe`` (the SLO's window).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from data.config.sources.datadog import DatadogSourceConfig
from data.handoff import Cursor, Handoff
from data.sources.budget_samples import kept_samples
from data.sources.budget_spans import BudgetSample, SpentSpans, open_since
from data.sources.datadog.client import DatadogClient, budget_left
from data.sources.first_sync import first_sync_start

__all__ = ["TIMEFRAMES", "DatadogSource", "on_step"]

NAME = "datadog"
TIMEFRAMES = {"7d": timedelta(days=7), "30d": timedelta(days=30), "90d": timedelta(days=90)}
# Samples handed to the sync in one checkpoint.
_BATCH = 24


def on_step(at: datetime, step: timedelta) -> datetime:
    """``at`` floored to a whole number of ``step`` since the Unix epoch."""
    seconds = int(step.total_seconds())
    return datetime.fromtimestamp(int(at.timestamp()) // seconds * seconds, UTC)


class DatadogSource:
    """Spent error budgets of the services mapped to Datadog SLOs."""

    def __init__(
        self, settings: DatadogSourceConfig, client: DatadogClient, slos: Mapping[str, str]
    ) -> None:
        self._settings = settings
        self._client = client
        self._slos = dict(slos)
        self._step = timedelta(hours=settings.step_hours)
        self._window = TIMEFRAMES[settings.timeframe]

    @property
    def name(self) -> str:
        """``datadog``."""
        return NAME

    def close(self) -> None:
        """Close the client's connections."""
        self._client.close()

    def sync(self, run: Handoff) -> None:
        """Each service's samples since its cursor; which SLOs gave no budget, as a note."""
        now = on_step(datetime.now(UTC), self._step)
        silent = [s for s in self._slos if self._sync_service(run, s, now) is False]
        if silent:
            run.note(
                f"no {self._settings.timeframe} error budget in the SLOs of "
                f"{', '.join(silent)}; check slos and timeframe in [sources.datadog]"
            )

    def _sync_service(self, run: Handoff, service: str, now: datetime) -> bool | None:
        """One service's samples up to ``now``; whether any had a budget (``None``: none due)."""
        saved = run.cursor(NAME, service)
        if saved.watermark is not None:
            mark = saved.watermark
            at = (mark if mark.tzinfo else mark.replace(tzinfo=UTC)) + self._step
        else:
            at = on_step(first_sync_start(run.org, self._settings.since, now), self._step)
        spans = SpentSpans(NAME, service, open_since(saved.cursor))
        found: bool | None = None
        batch: list[BudgetSample] = []
        while at <= now:
            body = self._client.history(self._slos[service], at - self._window, at)
            left = budget_left(body, self._settings.timeframe)
            found = bool(found) or left is not None
            if left is not None:
                batch.append(BudgetSample(at, left))
            last, at = at, at + self._step
            if len(batch) >= _BATCH or at > now:
                records = spans.read(batch)
                run.checkpoint(
                    NAME,
                    service,
                    cursor=Cursor(spans.cursor, last),
                    error_budgets=records,
                    budget_samples=kept_samples(
                        NAME, service, batch, self._window.days, percent=True
                    ),
                )
                run.progress.advance(NAME, len(batch), "samples")
                batch = []
        return found
