"""PagerDuty incidents as a source.

PagerDuty's REST API v2 (``GET /incidents``) lists incidents *created* in a
``since``/``until`` range of at most six months, sorted here by ``created_at``
ascending and paged with ``offset``/``limit`` until ``more`` is false, through
the windowed, checkpointed pass of ``data.sources.incident_api``; incidents
still open are re-read until they resolve (``GET /incidents/{id}`` for old ones).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import structlog

from data.config.sources.pagerduty import DEFAULT_PAGERDUTY_URL
from data.source_values import SourceIncident
from data.sources.incident_api import (
    ApiNames,
    IncidentPage,
    PassState,
    Seen,
    WindowedIncidentSource,
    iso,
)
from data.sources.times import parse_time

__all__ = [
    "DEFAULT_PAGERDUTY_URL",
    "PagerDutySource",
    "PassState",
    "parse_pagerduty_incident",
]

log = structlog.get_logger(__name__)

_PD_ACCEPT = "application/vnd.pagerduty+json;version=2"
_PD_STATUSES = ("triggered", "acknowledged", "resolved")
# PagerDuty's classic pagination refuses offset + limit beyond 10,000.
_PD_MAX_OFFSET = 10_000


# -- PagerDuty ----------------------------------------------------------------


def parse_pagerduty_incident(raw: Any, services: Mapping[str, str]) -> Seen:
    """One PagerDuty incident object as a ``Seen``; a ValueError saying what is wrong otherwise."""
    if not isinstance(raw, dict):
        raise ValueError("the incident is not a JSON object")
    incident_id = raw.get("id")
    if not isinstance(incident_id, str) or not incident_id:
        raise ValueError("id is missing")
    opened = parse_time(raw.get("created_at"), "created_at")
    status = raw.get("status")
    if status not in _PD_STATUSES:
        raise ValueError(f"status {status!r} is not triggered, acknowledged or resolved")
    is_open = status != "resolved"
    service = raw.get("service")
    service_id = service.get("id") if isinstance(service, dict) else None
    key = services.get(service_id) if isinstance(service_id, str) else None
    if key is None:
        return Seen(incident_id, opened, is_open, None)
    resolved = None
    if not is_open:
        # Newer answers carry resolved_at; older ones only the time of the last
        # status change, which for a resolved incident is its resolution.
        stamp = raw.get("resolved_at") or raw.get("last_status_change_at")
        resolved = parse_time(stamp, "resolved_at")
    priority = raw.get("priority")
    severity = priority.get("summary") if isinstance(priority, dict) else None
    severity = severity or raw.get("urgency") or None
    title = raw.get("title") or raw.get("summary") or ""
    record = SourceIncident(
        key=f"pagerduty:{incident_id}",
        service=key,
        opened_at=opened,
        title=str(title),
        resolved_at=resolved,
        severity=str(severity) if severity else None,
        source="pagerduty",
    )
    return Seen(incident_id, opened, is_open, record)


class PagerDutySource(WindowedIncidentSource):
    """Incidents of the mapped PagerDuty services, read incrementally (see the module docstring).

    Made with its ``[sources.pagerduty]`` settings, ``PAGERDUTY_TOKEN`` (a REST API
    key; read-only is enough) and ``PAGERDUTY_API_URL``.
    """

    missing_key = (
        "PAGERDUTY_TOKEN is not set; create a read-only REST API key in PagerDuty "
        "(Integrations → API Access Keys) and set it, or remove [sources.pagerduty]."
    )
    missing_services = (
        "riskbrief.toml: sources.pagerduty.services is empty; map each PagerDuty "
        'service id to a [[services]] key, e.g. services = { PXXXXXX = "checkout" }.'
    )

    names = ApiNames(
        product="PagerDuty",
        key_var="PAGERDUTY_TOKEN",
        url_var="PAGERDUTY_API_URL",
        key_hint="a PagerDuty REST API key (read-only is enough)",
    )
    default_url = DEFAULT_PAGERDUTY_URL

    @classmethod
    def headers(cls, key: str) -> dict[str, str]:
        """The key as ``Token token=``, REST API v2's JSON asked for."""
        return {"Authorization": f"Token token={key}", "Accept": _PD_ACCEPT}

    @property
    def name(self) -> str:
        """``pagerduty``."""
        return "pagerduty"

    @property
    def max_offset(self) -> int:
        """PagerDuty's classic-pagination ceiling."""
        return _PD_MAX_OFFSET

    def _parse(self, raw: Any) -> Seen:
        return parse_pagerduty_incident(raw, self._services)

    def list_window(
        self, since: datetime, until: datetime, offset: int, limit: int
    ) -> IncidentPage:
        """``GET /incidents`` for the mapped services, created in ``[since, until)``."""
        params: list[tuple[str, str | int]] = [
            ("since", iso(since)),
            ("until", iso(until)),
            ("offset", offset),
            ("limit", limit),
            ("sort_by", "created_at:asc"),
            ("time_zone", "UTC"),
        ]
        params += [("statuses[]", s) for s in _PD_STATUSES]
        params += [("service_ids[]", s) for s in sorted(self._services)]
        body = self.api.json_object("/incidents", params)
        assert body is not None
        return self.page_of(body.get("incidents"), "/incidents", more=bool(body.get("more")))

    def fetch_one(self, incident_id: str) -> IncidentPage:
        """``GET /incidents/{id}``: an incident open since before this pass's window."""
        path = f"/incidents/{incident_id}"
        body = self.api.json_object(path, {"time_zone": "UTC"}, missing_ok=True)
        if body is None:
            return IncidentPage()
        return self.page_of([body.get("incident")], path)
