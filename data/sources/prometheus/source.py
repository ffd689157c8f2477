"""Each service's spent error budget, read from Prometheus by range queries since the last sync.

Per service (the cursor's scope) the pass reads ``[since, now]`` in windows of at most
``MAX_POINTS`` steps (Prometheus refuses longer ones), the first sync from the
organisation's first-sync start. A query may give several series (one per SLO of the
service): at each time the lowest of their latest values counts, so a service has spent
its budget while any of its SLOs has. Each window's spans go to the sync with the cursor (its end as
the watermark, a span still open as the cursor) in one checkpoint, with its samples (at most
one an hour, ``data.sources.budget_samples``) for the weekly burn rate, read against a
30-day SLO window (Sloth's default period; the ratio's query says none).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from data.config.sources.prometheus import PrometheusSourceConfig, budget_query
from data.handoff import Cursor, Handoff
from data.sources.budget_samples import kept_samples
from data.sources.budget_spans import BudgetSample, SpentSpans, open_since
from data.sources.first_sync import first_sync_start
from data.sources.prometheus.client import MAX_POINTS, PrometheusClient, Series

__all__ = ["WINDOW_DAYS", "PrometheusSource", "lowest", "on_step", "services_read"]

NAME = "prometheus"
# The SLO window a burn rate is read against: Sloth's default period (a query says none).
WINDOW_DAYS = 30


def on_step(at: datetime, step: timedelta) -> datetime:
    """``at`` floored to a whole number of ``step`` since the Unix epoch, so that every sync
    asks for the same times (and a span's ends fall on round ones)."""
    seconds = int(step.total_seconds())
    return datetime.fromtimestamp(int(at.timestamp()) // seconds * seconds, UTC)


def lowest(series: Sequence[Series]) -> list[BudgetSample]:
    """One sample per time: the lowest of the series' latest values then, in time order.

    A series without a sample at a time (a gap, or a NaN dropped) keeps its last value, so
    that another SLO of the service, still fine then, does not read as the budget restored.
    """
    times = sorted({sample.at for one in series for sample in one.samples})
    at = [{sample.at: sample.remaining for sample in one.samples} for one in series]
    latest: list[float | None] = [None] * len(series)
    out: list[BudgetSample] = []
    for t in times:
        for i, values in enumerate(at):
            if t in values:
                latest[i] = values[t]
        known = [v for v in latest if v is not None]
        out.append(BudgetSample(t, min(known)))
    return out


def services_read(settings: PrometheusSourceConfig, keys: Sequence[str]) -> tuple[str, ...]:
    """The services whose budget is read: those named (and those with a query), else all."""
    named = list(settings.services or keys)
    named += [key for key in settings.queries if key not in named]
    return tuple(named)


class PrometheusSource:
    """Spent error budgets of the configured services, from one Prometheus."""

    def __init__(
        self,
        settings: PrometheusSourceConfig,
        client: PrometheusClient,
        services: Sequence[str],
    ) -> None:
        self._settings = settings
        self._client = client
        self._services = tuple(services)
        self._step = timedelta(minutes=settings.step_minutes)

    @property
    def name(self) -> str:
        """``prometheus``."""
        return NAME

    @property
    def services(self) -> tuple[str, ...]:
        """The services whose budget it reads, in order."""
        return self._services

    def close(self) -> None:
        """Close the client's connections."""
        self._client.close()

    def sync(self, run: Handoff) -> None:
        """Each service's windows since its cursor; which services gave nothing, as a note."""
        now = on_step(datetime.now(UTC), self._step)
        # A service none of whose windows gave a number (``None``: no window was due yet).
        silent = [s for s in self._services if self._sync_service(run, s, now) is False]
        if silent:
            run.note(
                f"no budget series for {', '.join(silent)}; check their queries in "
                "[sources.prometheus]"
            )

    def _sync_service(self, run: Handoff, service: str, now: datetime) -> bool | None:
        """One service's windows up to ``now``; whether any gave a number (``None``: none read)."""
        saved = run.cursor(NAME, service)
        if saved.watermark is not None:
            # A store that keeps no zone (SQLite) gives the UTC time it was handed back naive.
            mark = saved.watermark
            start = (mark if mark.tzinfo else mark.replace(tzinfo=UTC)) + self._step
        else:
            start = on_step(first_sync_start(run.org, self._settings.since, now), self._step)
        spans = SpentSpans(NAME, service, open_since(saved.cursor))
        query = budget_query(self._settings, service)
        seconds = int(self._step.total_seconds())
        found: bool | None = None
        while start <= now:
            end = min(start + self._step * (MAX_POINTS - 1), now)
            samples = lowest(self._client.query_range(query, start, end, seconds, service))
            found = bool(found) or bool(samples)
            records = spans.read(samples)
            # The last time asked for, not the last sample: a window with no data is read.
            last = start + self._step * int((end - start) / self._step)
            run.checkpoint(
                NAME,
                service,
                cursor=Cursor(spans.cursor, last),
                error_budgets=records,
                budget_samples=kept_samples(NAME, service, samples, WINDOW_DAYS),
            )
            run.progress.advance(NAME, len(samples), "samples")
            start = last + self._step
        return found
