"""What the PagerDuty and Opsgenie sources share: the key, the client, the service map."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar

import structlog

from data.sources.incident_api.json_api import JsonApi
from data.sources.incident_api.passes import IncidentPage, Seen, WindowedSync
from data.sync import SyncRun
from scoring.errors import ConfigError, SourceError

__all__ = ["WindowedIncidentSource", "day_start", "parse_items"]

log = structlog.get_logger(__name__)


def day_start(day: date) -> datetime:
    """Midnight UTC at the start of ``day``."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def parse_items(
    items: Any, parse: Callable[[Any], Seen], api: str, path: str
) -> tuple[tuple[Seen, ...], int]:
    """Parse a page's items; a malformed one is logged and counted, never fatal."""
    if not isinstance(items, list):
        raise SourceError(f"{api}'s answer to {path} has no list of incidents; see the log.")
    seen: list[Seen] = []
    malformed = 0
    for raw in items:
        try:
            seen.append(parse(raw))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            malformed += 1
            ident = raw.get("id") if isinstance(raw, dict) else None
            log.warning("incident_skipped", api=api, id=ident, reason=str(exc))
    return tuple(seen), malformed


class WindowedIncidentSource:
    """An incident API read by ``WindowedSync``: what PagerDuty and Opsgenie sources share.

    A subclass names its API (``name``, ``max_offset``, the two sentences for a
    missing key and an empty service map) and answers ``list_window`` and
    ``fetch_one``; this class holds the key, the client, the service map and
    the first-sync start.
    """

    missing_key: ClassVar[str]
    missing_services: ClassVar[str]

    def __init__(
        self,
        key: str | None,
        api: JsonApi,
        services: Mapping[str, str],
        since: date | None,
        *,
        clock: Callable[[], datetime],
        page_size: int,
    ) -> None:
        self._key = key or ""
        self.api = api
        self._services = services
        self._since = since
        self._clock = clock
        self._page_size = page_size

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.api.base_url!r}, key=***)"

    @property
    def name(self) -> str:
        """The source's name on its summary line."""
        raise NotImplementedError

    @property
    def max_offset(self) -> int:
        """How deep the API pages before ``WindowedSync`` restarts the window."""
        raise NotImplementedError

    def list_window(
        self, since: datetime, until: datetime, offset: int, limit: int
    ) -> IncidentPage:
        """One page of the incidents created in ``[since, until)``."""
        raise NotImplementedError

    def fetch_one(self, incident_id: str) -> IncidentPage:
        """One incident by id (open since before this pass's window)."""
        raise NotImplementedError

    def close(self) -> None:
        """Close the HTTP connection pool (the composition root calls this after the sync)."""
        self.api.close()

    def sync(self, run: SyncRun) -> None:
        """Read incidents created since the last pass, and re-read those still open."""
        if not self._key:
            raise ConfigError(self.missing_key)
        if not self._services:
            raise ConfigError(self.missing_services)
        days = run.org.sources.first_sync_days
        since = self._since

        def first_start(now: datetime) -> datetime:
            return day_start(since) if since else now - timedelta(days=days)

        WindowedSync(self.name, first_start, self._clock, self._page_size).run(run, self)
