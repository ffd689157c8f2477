"""What the PagerDuty and Opsgenie sources share: the key, the client, the service map."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import partial
from typing import Any, ClassVar, Protocol

import httpx
import structlog

from data.clock import utcnow
from data.handoff import Handoff
from data.sources.first_sync import first_sync_start
from data.sources.incident_api.json_api import ApiNames, JsonApi
from data.sources.incident_api.passes import IncidentPage, Seen, WindowedSync
from scoring.errors import ConfigError, SourceError

__all__ = ["IncidentToolSettings", "WindowedIncidentSource", "parse_items"]

log = structlog.get_logger(__name__)


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


class IncidentToolSettings(Protocol):
    """What a ``[sources.<tool>]`` table of an incident API says: its service map and start."""

    @property
    def services(self) -> Mapping[str, str]:
        """The tool's service id (or tag) -> a riskbrief service key."""
        ...

    @property
    def since(self) -> date | None:
        """How far back the first sync reads (else ``first_sync_days``)."""
        ...


class WindowedIncidentSource:
    """An incident API read by ``WindowedSync``: what PagerDuty and Opsgenie sources share.

    A subclass names its API (``name``, ``max_offset``, ``names``, its default URL, how
    its key is sent, the two sentences for a missing key and an empty service map) and
    answers ``list_window`` and ``fetch_one``; this class holds the key, the client, the
    service map and the first-sync start. ``http``, ``sleep`` and ``clock`` are seams for
    tests.
    """

    missing_key: ClassVar[str]
    missing_services: ClassVar[str]
    names: ClassVar[ApiNames]
    default_url: ClassVar[str]
    # The most incidents a page may ask for; None leaves ``page_size`` as given.
    max_page_size: ClassVar[int | None] = None

    def __init__(
        self,
        settings: IncidentToolSettings,
        key: str | None,
        base_url: str | None = None,
        *,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = utcnow,
        page_size: int = 100,
        timeout: float = 30.0,
    ) -> None:
        self._key = key or ""
        self.api = JsonApi(
            self.names,
            self.default_url if base_url is None else base_url,
            self.headers(key or ""),
            http=http,
            sleep=sleep,
            timeout=timeout,
        )
        self._services = settings.services
        self._since = settings.since
        self._clock = clock
        cap = self.max_page_size
        self._page_size = page_size if cap is None else min(page_size, cap)

    @classmethod
    def headers(cls, key: str) -> dict[str, str]:
        """The headers every request sends: the key as the API takes it, the answer asked for."""
        raise NotImplementedError

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

    def _parse(self, raw: Any) -> Seen:
        """One of the API's incident objects; a ValueError saying what is wrong otherwise."""
        raise NotImplementedError

    def page_of(self, items: Any, path: str, *, more: bool = False) -> IncidentPage:
        """The incident objects an answer to ``path`` listed, parsed; a malformed one is
        counted and logged, never fatal."""
        seen, malformed = parse_items(items, self._parse, self.names.product, path)
        return IncidentPage(seen, malformed, more, len(seen) + malformed)

    def close(self) -> None:
        """Close the HTTP connection pool (the composition root calls this after the sync)."""
        self.api.close()

    def sync(self, run: Handoff) -> None:
        """Read incidents created since the last pass, and re-read those still open."""
        if not self._key:
            raise ConfigError(self.missing_key)
        if not self._services:
            raise ConfigError(self.missing_services)
        first_start = partial(first_sync_start, run.org, self._since)
        WindowedSync(self.name, first_start, self._clock, self._page_size).run(run, self)
