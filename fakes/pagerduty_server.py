"""A fake of PagerDuty's REST API v2 incidents endpoints, over real HTTP on 127.0.0.1.

It answers ``GET /incidents`` (``since``/``until`` on ``created_at``, at most
six months apart; ``sort_by=created_at:asc``; ``offset``/``limit`` paging with
``more``) and ``GET /incidents/{id}``, with incident objects of the field set
PagerDuty's answers carry. A missing or wrong ``Authorization: Token token=…``
is answered 401 as PagerDuty does.

``FakeServer`` keeps one value per query key, so the repeated ``statuses[]``
and ``service_ids[]`` are not filtered on here: the fake lists every
service's incidents and the source's own service map decides (which the tests
rely on to check that unmapped services are skipped).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from fakes.http import Answer, Request
from fakes.incidents import FakeIncidents

__all__ = ["FakePagerDuty", "pd_incident", "pd_time"]

_MAX_RANGE = timedelta(days=183)
_SUBDOMAIN = "https://acme.pagerduty.com"
_API = "https://api.pagerduty.com"


def pd_time(value: datetime) -> str:
    """A time as PagerDuty writes it with ``time_zone=UTC``: ``2026-11-20T15:35:00Z``."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


def _created(incident: dict[str, Any]) -> datetime | None:
    """When an incident opened; ``None`` for one a test broke on purpose."""
    try:
        return _parse(incident["created_at"])
    except (KeyError, TypeError, ValueError):
        return None


def _ref(kind: str, ident: str, summary: str, path: str) -> dict[str, Any]:
    return {
        "id": ident,
        "type": f"{kind}_reference",
        "summary": summary,
        "self": f"{_API}/{path}/{ident}",
        "html_url": f"{_SUBDOMAIN}/{path}/{ident}",
    }


def pd_incident(
    ident: str,
    number: int,
    service_id: str,
    created_at: datetime,
    *,
    title: str = "Checkout latency above SLO",
    status: str = "triggered",
    resolved_at: datetime | None = None,
    urgency: str = "high",
    priority: str | None = None,
) -> dict[str, Any]:
    """An incident object with the fields PagerDuty's ``GET /incidents`` answers carry."""
    changed = resolved_at if status == "resolved" and resolved_at else created_at
    return {
        "id": ident,
        "type": "incident",
        "summary": f"[#{number}] {title}",
        "self": f"{_API}/incidents/{ident}",
        "html_url": f"{_SUBDOMAIN}/incidents/{ident}",
        "incident_number": number,
        "title": title,
        "description": title,
        "created_at": pd_time(created_at),
        "updated_at": pd_time(changed),
        "status": status,
        "incident_key": f"{ident.lower()}-dedup-key",
        "service": _ref("service", service_id, f"service {service_id}", "services"),
        "assignments": []
        if status == "resolved"
        else [
            {
                "at": pd_time(created_at),
                "assignee": _ref("user", "PXPGF42", "Earline Greenholt", "users"),
            }
        ],
        "assigned_via": "escalation_policy",
        "acknowledgements": [],
        "last_status_change_at": pd_time(changed),
        "last_status_change_by": _ref("service", service_id, f"service {service_id}", "services"),
        "resolved_at": pd_time(resolved_at) if status == "resolved" and resolved_at else None,
        "first_trigger_log_entry": {
            "id": f"Q{number:013d}",
            "type": "trigger_log_entry_reference",
            "summary": "Triggered through the API",
            "self": f"{_API}/log_entries/Q{number:013d}?incident_id={ident}",
            "html_url": f"{_SUBDOMAIN}/incidents/{ident}/log_entries/Q{number:013d}",
        },
        "alert_counts": {
            "all": 1,
            "triggered": 0 if status == "resolved" else 1,
            "resolved": 1 if status == "resolved" else 0,
        },
        "is_mergeable": True,
        "escalation_policy": _ref("escalation_policy", "PT20YPA", "Primary", "escalation_policies"),
        "teams": [_ref("team", "PQ9K7I8", "Engineering", "teams")],
        "pending_actions": [],
        "priority": None
        if priority is None
        else {
            "id": f"P{priority}ZZH5",
            "type": "priority_reference",
            "summary": priority,
            "self": f"{_API}/priorities/P{priority}ZZH5",
            "html_url": None,
        },
        "resolve_reason": None,
        "incidents_responders": [],
        "responder_requests": [],
        "subscriber_requests": [],
        "urgency": urgency,
    }


class FakePagerDuty(FakeIncidents):
    """PagerDuty's incidents API; ``incidents`` is the account's data, changeable between syncs.

    ``url`` is the base URL to give the source (``PAGERDUTY_API_URL``).
    """

    def __init__(self, token: str = "pd-test-token") -> None:
        self.token = token
        super().__init__(r"/incidents", r"[A-Za-z0-9]+")

    def resolve(self, ident: str, at: datetime) -> None:
        """Resolve an incident at ``at``, as a responder would."""
        for incident in self.incidents:
            if incident["id"] == ident:
                incident.update(
                    status="resolved",
                    resolved_at=pd_time(at),
                    last_status_change_at=pd_time(at),
                    updated_at=pd_time(at),
                    assignments=[],
                    alert_counts={"all": 1, "triggered": 0, "resolved": 1},
                )

    def _refused(self, request: Request) -> Answer | None:
        if request.headers.get("authorization") != f"Token token={self.token}":
            return Answer(401, {"error": {"message": "Unauthorized"}})
        return None

    def _list(self, request: Request, match: re.Match[str]) -> Answer:
        q = request.query
        since = _parse(q["since"]) if "since" in q else datetime.now(UTC) - timedelta(days=30)
        until = _parse(q["until"]) if "until" in q else datetime.now(UTC)
        if until - since > _MAX_RANGE:
            return Answer(
                400,
                {
                    "error": {
                        "message": "Invalid Input Provided",
                        "code": 2001,
                        "errors": ["Date range cannot exceed 6 months."],
                    }
                },
            )
        offset = int(q.get("offset", "0"))
        queued = self._page_failures.take(offset)
        if queued:
            return queued
        limit = min(int(q.get("limit", "25")), 100)
        # A record a test broke on purpose is listed in every window, first.
        chosen = [i for i in self.incidents if (c := _created(i)) is None or since <= c < until]
        chosen.sort(key=lambda i: (_created(i) or since, i["incident_number"]))
        page = chosen[offset : offset + limit]
        return Answer(
            200,
            {
                "incidents": page,
                "limit": limit,
                "offset": offset,
                "total": None,
                "more": offset + limit < len(chosen),
            },
        )

    def _found(self, incident: dict[str, Any]) -> Answer:
        return Answer(200, {"incident": incident})

    def _missing(self, ident: str) -> Answer:
        return Answer(404, {"error": {"message": "Not Found"}})
