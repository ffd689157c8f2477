"""Incidents, services and deploys as a reader knows them, and a list as a sentence says it."""

from __future__ import annotations

from briefing.incidents import incident_reference, source_keyed
from briefing.payload import BriefingPayload, DeployView
from briefing.week import week_local_time
from scoring.card_terms import Evidence, EvidenceKind

__all__ = ["and_list", "deploy_named", "incident_name", "incident_words", "payload_service_name"]


def incident_words(incident_id: str) -> str:
    """An incident's key as a reader says it: a revert incident is ``"revert owner/repo#N"``."""
    incident = Evidence.parse(incident_id, EvidenceKind.INCIDENT)
    return f"revert {incident.key}" if incident.kind is EvidenceKind.REVERT else incident_id


def incident_name(payload: BriefingPayload, incident_id: str) -> str:
    """An incident as a reader knows it: a revert as ``"revert owner/repo#N"``, one a source
    keys internally (``gitlab-incident:group/p#50``) by its title and the source's own
    reference (``"Checkout 500s (group/p#50)"``), any other by its id (``"INC-1039"``)."""
    if not source_keyed(incident_id):
        return incident_words(incident_id)
    reference = incident_reference(incident_id)
    incident = next((i for i in payload.incidents if i.id == incident_id), None)
    title = " ".join(incident.title.split()) if incident else ""
    return f"{title} ({reference})" if title else reference


def payload_service_name(payload: BriefingPayload, key: str | None) -> str:
    """A service by its display name, by its key when the payload does not list it."""
    return next((s.name for s in payload.services if s.id == key), key or "a service")


def deploy_named(payload: BriefingPayload, deploy: DeployView) -> str:
    """A deploy as a reader knows it: ``"the deploy of Checkout, Fri 10:35 EST"``, and a release
    by its tag too: ``"the deploy of Checkout v2.1.0, Fri 10:35 EST"``."""
    when = week_local_time(deploy.finished_at, payload.week.timezone, payload.week)
    tag = f" {deploy.tag}" if deploy.tag else ""
    return f"the deploy of {payload_service_name(payload, deploy.service)}{tag}, {when}"


def and_list(items: list[str]) -> str:
    """``"a"``, ``"a and b"``, ``"a, b and c"``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
