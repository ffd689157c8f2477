"""Opsgenie incidents as a source.

Opsgenie's Incident API (``GET /v1/incidents``) takes a search ``query``,
``offset``/``limit`` (at most 100), ``sort`` and ``order``, and answers
``{"data": [...], "paging": {"next": …}}``; a page is followed while
``paging.next`` is present. Each sync lists incidents created in a window
(``query=createdAt > … AND createdAt < …`` in epoch milliseconds, oldest
first) exactly as ``data.sources.incident_api.WindowedSync`` does for
PagerDuty: per-page checkpoints, incidents still open re-read on the next
sync, long-open ones fetched by id (``GET /v1/incidents/{id}?identifierType=id``).

Resolution time: an incident listed ``resolved`` or ``closed`` carries
``impactEndDate``, the end of its impact, which Opsgenie sets when the
incident is resolved. That is read straight from the list answer: the
cheapest correct option, with no per-incident request for the timeline (which
costs one call per incident and only repeats the same moment). ``updatedAt``
stands in when ``impactEndDate`` is absent, an upper bound of the resolution.

Service: the first of ``impactedServices`` (Opsgenie service ids) found in
``[sources.opsgenie] services``, else the first of ``tags`` found there;
incidents matching neither belong to services riskbrief does not track and
are skipped silently (counted in a debug log line).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from data.config.sources.opsgenie import DEFAULT_OPSGENIE_URL
from data.source_values import SourceIncident
from data.sources.incident_api import (
    ApiNames,
    IncidentPage,
    Seen,
    WindowedIncidentSource,
)
from data.sources.times import parse_time

__all__ = ["DEFAULT_OPSGENIE_URL", "OpsgenieSource", "opsgenie_query", "parse_opsgenie_incident"]

_OPEN = "open"
_DONE = ("resolved", "closed")
_PRIORITIES = ("P1", "P2", "P3", "P4", "P5")
# How deep an offset is asked for before WindowedSync restarts the window at the
# last incident read: a conservative depth (no ceiling for the incident list is
# relied on), and 30-day windows stay far below it anyway.
_OG_MAX_OFFSET = 20_000


def _ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)


def opsgenie_query(since: datetime, until: datetime) -> str:
    """The search query for incidents created in ``[since, until)``, in epoch milliseconds."""
    return f"createdAt > {_ms(since) - 1} AND createdAt < {_ms(until)}"


def _service_of(raw: Mapping[str, Any], services: Mapping[str, str]) -> str | None:
    for field_name in ("impactedServices", "tags"):
        values = raw.get(field_name) or []
        if not isinstance(values, list):
            raise ValueError(f"{field_name} is not a list")
        for value in values:
            if isinstance(value, str) and value in services:
                return services[value]
    return None


def parse_opsgenie_incident(raw: Any, services: Mapping[str, str]) -> Seen:
    """One Opsgenie incident object as a ``Seen``; a ValueError saying what is wrong otherwise."""
    if not isinstance(raw, dict):
        raise ValueError("the incident is not a JSON object")
    incident_id = raw.get("id")
    if not isinstance(incident_id, str) or not incident_id:
        raise ValueError("id is missing")
    opened = parse_time(raw.get("createdAt"), "createdAt")
    status = raw.get("status")
    if status != _OPEN and status not in _DONE:
        raise ValueError(f"status {status!r} is not open, resolved or closed")
    is_open = status == _OPEN
    key = _service_of(raw, services)
    if key is None:
        return Seen(incident_id, opened, is_open, None)
    resolved = None
    if not is_open:
        resolved = parse_time(raw.get("impactEndDate") or raw.get("updatedAt"), "impactEndDate")
    priority = raw.get("priority")
    record = SourceIncident(
        key=f"opsgenie:{incident_id}",
        service=key,
        opened_at=opened,
        title=str(raw.get("message") or ""),
        resolved_at=resolved,
        severity=priority if priority in _PRIORITIES else None,
        source="opsgenie",
    )
    return Seen(incident_id, opened, is_open, record)


class OpsgenieSource(WindowedIncidentSource):
    """Incidents of the mapped Opsgenie services and tags, read incrementally.

    Made with its ``[sources.opsgenie]`` settings, ``OPSGENIE_API_KEY`` (an API
    integration's key with read access) and ``OPSGENIE_API_URL`` (EU accounts:
    ``https://api.eu.opsgenie.com``).
    """

    missing_key = (
        "OPSGENIE_API_KEY is not set; create an API integration in Opsgenie "
        "(Settings → Integrations → API) and set its key, or remove [sources.opsgenie]."
    )
    missing_services = (
        "riskbrief.toml: sources.opsgenie.services is empty; map each Opsgenie service "
        'id or tag to a [[services]] key, e.g. services = { "checkout-api" = "checkout" }.'
    )

    names = ApiNames(
        product="Opsgenie",
        key_var="OPSGENIE_API_KEY",
        url_var="OPSGENIE_API_URL",
        key_hint="the key of an Opsgenie API integration with read access",
        region_hint=" (EU accounts use https://api.eu.opsgenie.com)",
    )
    default_url = DEFAULT_OPSGENIE_URL
    # The Incident API's ``limit`` is at most 100.
    max_page_size = 100

    @classmethod
    def headers(cls, key: str) -> dict[str, str]:
        """The key as ``GenieKey``, JSON asked for."""
        return {"Authorization": f"GenieKey {key}", "Accept": "application/json"}

    @property
    def name(self) -> str:
        """``opsgenie``."""
        return "opsgenie"

    @property
    def max_offset(self) -> int:
        """Opsgenie's paging ceiling."""
        return _OG_MAX_OFFSET

    def _parse(self, raw: Any) -> Seen:
        return parse_opsgenie_incident(raw, self._services)

    def list_window(
        self, since: datetime, until: datetime, offset: int, limit: int
    ) -> IncidentPage:
        """``GET /v1/incidents`` for incidents created in ``[since, until)``, oldest first."""
        params = {
            "query": opsgenie_query(since, until),
            "offset": offset,
            "limit": limit,
            "sort": "createdAt",
            "order": "asc",
        }
        path = "/v1/incidents"
        body = self.api.json_object(path, params)
        assert body is not None
        paging = body.get("paging")
        more = isinstance(paging, dict) and bool(paging.get("next"))
        return self.page_of(body.get("data"), path, more=more)

    def fetch_one(self, incident_id: str) -> IncidentPage:
        """``GET /v1/incidents/{id}``: an incident open since before this pass's window."""
        path = f"/v1/incidents/{incident_id}"
        body = self.api.json_object(path, {"identifierType": "id"}, missing_ok=True)
        if body is None:
            return IncidentPage()
        return self.page_of([body.get("data")], path)
