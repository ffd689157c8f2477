"""GitLab incidents: issues of type ``incident`` (or with a label), severity and resolution.

An issue opened is an incident opened; closing it resolves it. Its service is
named by a label (``service::checkout``, ``checkout``), else it is the
project's only service; otherwise it is skipped with a log line. Severity is a
``severity::1`` / ``severity::critical`` / ``S1`` / ``sev1`` label, else the
incident's own severity, read with one GraphQL query per page (``UNKNOWN``
counts as none). Read by ``updated_after``, checkpointed page by page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import structlog

from data.config.sources.gitlab import IncidentFrom
from data.handoff import Handoff
from data.source_values import SourceIncident
from data.sources.gitlab.client import GitLabError
from data.sources.gitlab.updated_lists import (
    BadItem,
    Record,
    UpdatedList,
    UpdatedListSource,
    item_time,
    service_for_names,
)

__all__ = ["SEVERITY_QUERY", "IncidentsSource", "severity_of_labels"]

log = structlog.get_logger(__name__)

# A bare ``s`` only prefixes a digit (``S1``): followed by a word it would read
# ``slow`` as ``low`` and ``Shigh`` as ``high``.
_SEVERITY = re.compile(
    r"^(?:severity\s*::\s*|sev(?:erity)?[\s:_-]*|s(?=[0-9]$))(?P<level>[0-9]|\w+)$", re.I
)
_LEVELS = frozenset({"critical", "high", "medium", "low", "0", "1", "2", "3", "4", "5"})

SEVERITY_QUERY = """
query IncidentSeverity($project: ID!, $iids: [String!]) {
  project(fullPath: $project) {
    issues(iids: $iids, types: [INCIDENT], first: 100) { nodes { iid severity } }
  }
}
""".strip()


def severity_of_labels(labels: Sequence[str]) -> str | None:
    """The severity a label gives (``severity::1`` -> ``sev1``, ``severity::high`` -> ``high``)."""
    for label in labels:
        found = _SEVERITY.match(label.strip())
        if found is None:
            continue
        level = found["level"].lower()
        if level in _LEVELS:
            return f"sev{level}" if level.isdigit() else level
    return None


@dataclass(slots=True)
class IncidentsSource(UpdatedListSource):
    """Incident issues of one project, when ``incidents_from`` is set."""

    noun = "incidents"
    path = "issues"

    def sync(self, run: Handoff) -> None:
        """Read incident issues updated since the watermark, a page per checkpoint."""
        if self.config.incidents_from is None:
            return
        # Named, not super(): a slotted dataclass is a new class that super() cannot find.
        UpdatedListSource.sync(self, run)

    def params(self) -> Mapping[str, str]:
        """Issues of type incident, or with the incident label, open or closed."""
        if self.config.incidents_from is IncidentFrom.TYPE:
            return {"issue_type": "incident", "state": "all"}
        return {"labels": self.config.incident_label, "state": "all"}

    def _severities(self, iids: Sequence[int]) -> dict[int, str]:
        """The incidents' own severities, by iid; none when GraphQL cannot say."""
        if not iids:
            return {}
        try:
            data = self.client.graphql(
                SEVERITY_QUERY, {"project": self.project, "iids": [str(i) for i in iids]}
            )
        except GitLabError as exc:
            log.info("gitlab_incident_severity_unknown", project=self.project, error=str(exc))
            return {}
        project = data.get("project")
        issues = project.get("issues") if isinstance(project, dict) else None
        nodes = issues.get("nodes") if isinstance(issues, dict) else None
        out: dict[int, str] = {}
        for node in nodes if isinstance(nodes, list) else ():
            iid = str(node.get("iid", "")) if isinstance(node, dict) else ""
            severity = node.get("severity") if isinstance(node, dict) else None
            if iid.isdigit() and isinstance(severity, str) and severity != "UNKNOWN":
                out[int(iid)] = severity.lower()
        return out

    def _read(self, run: Handoff, items: Sequence[Any], listed: UpdatedList) -> list[Record]:
        labelled = {
            int(i["iid"]): severity_of_labels(_labels(i))
            for i in items
            if isinstance(i, dict) and isinstance(i.get("iid"), int)
        }
        ask = [iid for iid, severity in labelled.items() if severity is None]
        graph = self._severities(ask) if self.config.incidents_from is IncidentFrom.TYPE else {}
        out: list[Record] = []
        for item in items:
            try:
                iid = item.get("iid")
                if not isinstance(iid, int):
                    raise BadItem("an issue without an iid")
                labels = _labels(item)
                service = service_for_names(run.org, self.config, self.project, labels)
                if service is None:
                    listed.skip(
                        run,
                        "no label names a service and the project has not exactly one",
                        issue=iid,
                    )
                    continue
                closed = item.get("state") == "closed" and item.get("closed_at")
                title = item.get("title")
                out.append(
                    SourceIncident(
                        key=f"gitlab-incident:{self.project}#{iid}",
                        service=service,
                        opened_at=item_time(item, "created_at"),
                        title=title if isinstance(title, str) else "",
                        resolved_at=item_time(item, "closed_at") if closed else None,
                        severity=labelled.get(iid) or graph.get(iid),
                        source="gitlab-incident",
                    )
                )
            except BadItem as exc:
                listed.skip(run, str(exc))
        return out


def _labels(item: Any) -> list[str]:
    labels = item.get("labels") if isinstance(item, dict) else None
    out = []
    for label in labels if isinstance(labels, list) else ():
        if isinstance(label, str):
            out.append(label)
        elif isinstance(label, dict) and isinstance(label.get("name"), str):
            out.append(label["name"])
    return out
