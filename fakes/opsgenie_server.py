"""A fake of Opsgenie's Incident API, over real HTTP on 127.0.0.1.

It answers ``GET /v1/incidents`` (a ``query`` of ``createdAt > ms`` and
``createdAt < ms`` terms, ``offset``/``limit`` up to 100, ``sort=createdAt``,
``order``) with ``{"data", "paging", "took", "requestId"}`` and
``GET /v1/incidents/{id}?identifierType=id`` with ``{"data", "took",
"requestId"}``; incident objects have the field set Opsgenie's answers carry.
A missing or wrong ``Authorization: GenieKey …`` is answered 401 as Opsgenie does.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from fakes.http import Answer, Request
from fakes.incidents import FakeIncidents

__all__ = ["FakeOpsgenie", "og_incident", "og_time"]

_TERM = re.compile(r"createdAt\s*(?P<op>[<>]=?)\s*(?P<ms>\d+)")


def og_time(value: datetime) -> str:
    """A time as Opsgenie writes it: ``2026-11-20T15:35:00.000Z``."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{value.microsecond // 1000:03d}Z"
    )


def og_incident(
    ident: str,
    tiny_id: int,
    created_at: datetime,
    *,
    message: str = "Checkout latency above SLO",
    status: str = "open",
    impacted_services: tuple[str, ...] = (),
    tags: tuple[str, ...] = (),
    priority: str = "P3",
    resolved_at: datetime | None = None,
) -> dict[str, Any]:
    """An incident object with the fields Opsgenie's ``GET /v1/incidents`` answers carry."""
    done = status in ("resolved", "closed")
    end = resolved_at if done and resolved_at else None
    return {
        "id": ident,
        "tinyId": str(tiny_id),
        "message": message,
        "status": status,
        "isSeen": True,
        "tags": list(tags),
        "createdAt": og_time(created_at),
        "updatedAt": og_time(end or created_at),
        "source": "riskbrief-tests",
        "owner": "",
        "priority": priority,
        "responders": [{"type": "team", "id": "8418d193-2dab-4490-b331-8c02cdd196b7"}],
        "ownerTeam": "",
        "extraProperties": {},
        "impactedServices": list(impacted_services),
        "impactStartDate": og_time(created_at),
        **({"impactEndDate": og_time(end)} if end else {}),
        "links": {
            "web": f"https://acme.app.opsgenie.com/incident/detail/{ident}",
            "api": f"https://api.opsgenie.com/v1/incidents/{ident}",
        },
        "actions": [],
    }


def _created_ms(incident: dict[str, Any]) -> int | None:
    try:
        when = datetime.fromisoformat(incident["createdAt"])
    except (KeyError, TypeError, ValueError):
        return None
    return int(when.timestamp() * 1000)


def _matches(query: str, created: int | None) -> bool:
    if created is None:
        # A record a test broke on purpose is listed in every window.
        return True
    for term in _TERM.finditer(query):
        bound = int(term["ms"])
        ok = {
            ">": created > bound,
            ">=": created >= bound,
            "<": created < bound,
            "<=": created <= bound,
        }[term["op"]]
        if not ok:
            return False
    return True


class FakeOpsgenie(FakeIncidents):
    """Opsgenie's Incident API; ``incidents`` is the account's data, changeable between syncs.

    ``url`` is the base URL to give the source (``OPSGENIE_API_URL``).
    """

    def __init__(self, api_key: str = "og-test-key") -> None:
        self.api_key = api_key
        super().__init__(r"/v1/incidents", r"[A-Za-z0-9-]+")

    def resolve(self, ident: str, at: datetime, *, close: bool = False) -> None:
        """Resolve (and optionally close) an incident at ``at``."""
        for incident in self.incidents:
            if incident["id"] == ident:
                incident.update(
                    status="closed" if close else "resolved",
                    impactEndDate=og_time(at),
                    updatedAt=og_time(at),
                )

    @staticmethod
    def _envelope(body: dict[str, Any]) -> dict[str, Any]:
        return {**body, "took": 0.012, "requestId": str(uuid.uuid4())}

    def _refused(self, request: Request) -> Answer | None:
        if request.headers.get("authorization") != f"GenieKey {self.api_key}":
            return Answer(401, self._envelope({"message": "Could not authenticate"}))
        return None

    def _list(self, request: Request, match: re.Match[str]) -> Answer:
        q = request.query
        offset = int(q.get("offset", "0"))
        queued = self._page_failures.take(offset)
        if queued:
            return queued
        limit = int(q.get("limit", "20"))
        if not 0 < limit <= 100:
            return Answer(422, self._envelope({"message": "Limit should be between 1 and 100"}))
        query = q.get("query", "")
        chosen = [i for i in self.incidents if _matches(query, _created_ms(i))]
        chosen.sort(
            key=lambda i: _created_ms(i) or 0,
            reverse=q.get("order", "desc") == "desc",
        )
        page = chosen[offset : offset + limit]
        base = f"{self.url}/v1/incidents?"
        args = {k: v for k, v in q.items() if k != "offset"}
        paging: dict[str, str] = {
            "first": base + urlencode({**args, "offset": 0}),
            "last": base + urlencode({**args, "offset": max(0, len(chosen) - limit)}),
        }
        if offset + limit < len(chosen):
            paging["next"] = base + urlencode({**args, "offset": offset + limit})
        return Answer(200, self._envelope({"data": page, "paging": paging}))

    def _found(self, incident: dict[str, Any]) -> Answer:
        return Answer(200, self._envelope({"data": incident}))

    def _missing(self, ident: str) -> Answer:
        message = f"Could not find incident with id: {ident}"
        return Answer(404, self._envelope({"message": message}))
