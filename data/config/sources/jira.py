"""The ``[sources.jira]`` settings: which Jira and projects, what counts as a bug or incident.

Jira Cloud (``deployment = "cloud"``, ``https://acme.atlassian.net``) is read
through REST v3 with an account's email and an API token (HTTP Basic);
Data Center and Server (``deployment = "server"``) through REST v2 with a
personal access token (``Authorization: Bearer``). The secrets are never here:
``token_env`` (and ``email_env`` on Cloud) name the environment variables that
hold them. This module imports nothing of the project, so ``data.config`` can
hold it.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "DEFAULT_SEVERITIES",
    "EMAIL_ENV",
    "TOKEN_ENV",
    "JiraDeployment",
    "JiraSourceConfig",
]

TOKEN_ENV = "RISKBRIEF_JIRA_TOKEN"
EMAIL_ENV = "RISKBRIEF_JIRA_EMAIL"
_PROJECT = re.compile(r"^[A-Z][A-Z0-9_]+$")
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
# Jira's default priority schemes (Cloud's Highest…Lowest, Server's Blocker…Trivial)
# as the severities incident sources use.
DEFAULT_SEVERITIES: dict[str, str] = {
    "highest": "sev1",
    "blocker": "sev1",
    "critical": "sev1",
    "high": "sev2",
    "major": "sev2",
    "medium": "sev3",
    "normal": "sev3",
    "low": "sev4",
    "minor": "sev4",
    "lowest": "sev5",
    "trivial": "sev5",
}


class JiraDeployment(StrEnum):
    """Jira Cloud (REST v3, email + API token) or Data Center/Server (REST v2, PAT)."""

    CLOUD = "cloud"
    SERVER = "server"


def _lowered(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.strip().casefold() for v in values if v.strip())


class JiraSourceConfig(BaseModel):
    """A Jira site and the projects whose issues say which changes fix bugs and what broke.

    An issue is a bug when its type is one of ``bug_types`` or it carries one of
    ``bug_labels``; an incident when its type is one of ``incident_types`` or it
    carries one of ``incident_labels``. An incident's service is a component or
    label naming a ``[[services]]`` key, else ``services[project key]``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Required; an empty default so that a missing one is told in the validator's words.
    base_url: str = Field(
        default="",
        validate_default=True,
        description="the Jira site, `https://acme.atlassian.net` or a Data Center address "
        "(required)",
    )
    deployment: JiraDeployment = Field(
        default=JiraDeployment.CLOUD,
        description="`cloud` (REST v3, email + API token) or `server` (Data Center/Server, "
        "REST v2, personal access token)",
    )
    projects: tuple[str, ...] = Field(default=(), description='project keys, e.g. `["SHOP"]`')
    since: date | None = Field(
        default=None, description="how far back the first sync reads (else `first_sync_days`)"
    )
    lag_minutes: int = Field(
        default=5,
        ge=1,
        le=1440,
        description="re-read this much before the saved watermark (JQL compares to the minute)",
    )
    bug_types: tuple[str, ...] = Field(
        default=("Bug",), description="issue types that are bugs (any case)"
    )
    bug_labels: tuple[str, ...] = Field(default=(), description="labels that make an issue a bug")
    incident_types: tuple[str, ...] = Field(
        default=("Incident",), description="issue types that are incidents"
    )
    incident_labels: tuple[str, ...] = Field(
        default=("incident",), description="labels that make an issue an incident"
    )
    severities: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_SEVERITIES),
        description="an incident's priority (any case) -> severity; an unmapped one keeps its name",
    )
    services: dict[str, str] = Field(
        default_factory=dict,
        description="project key -> service key, for incidents no component or label places",
    )
    remote_links: bool = Field(
        default=False,
        description="read each bug's remote links (a request per bug) for the pull requests "
        "they name",
    )
    page_size: int = Field(default=100, ge=1, le=5000, description="issues per search page")
    token_env: str = Field(
        default=TOKEN_ENV, description="the variable holding the API token or personal token"
    )
    email_env: str = Field(
        default=EMAIL_ENV, description="the variable holding the Jira Cloud account's email"
    )

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must be set to the Jira site, e.g. https://acme.atlassian.net")
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("is not a URL such as https://acme.atlassian.net")
        if parts.query or parts.fragment:
            raise ValueError("must be Jira's address without a query or fragment")
        path = parts.path.rstrip("/")
        # A pasted API or browse URL is taken back to the site's address.
        for marker in ("/rest/api/", "/browse/", "/jira/software/"):
            if marker in f"{path}/":
                path = path[: f"{path}/".index(marker)]
        return f"{parts.scheme}://{parts.netloc}{path}"

    @field_validator("projects")
    @classmethod
    def _projects(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for project in value:
            if not _PROJECT.match(project):
                raise ValueError(
                    f"{project!r} is not a Jira project key; write the key issues start "
                    "with, in capitals, e.g. PROJ"
                )
        if len(set(value)) != len(value):
            raise ValueError("names a project twice")
        return value

    @field_validator("token_env", "email_env")
    @classmethod
    def _env(cls, value: str) -> str:
        if not _ENV_NAME.match(value):
            raise ValueError("is not an environment variable name such as RISKBRIEF_JIRA_TOKEN")
        return value

    @field_validator("severities")
    @classmethod
    def _severities(cls, value: dict[str, str]) -> dict[str, str]:
        return {k.strip().casefold(): v for k, v in value.items()}

    @property
    def api_url(self) -> str:
        """REST v3 on Cloud, v2 on Data Center/Server."""
        version = 3 if self.deployment is JiraDeployment.CLOUD else 2
        return f"{self.base_url}/rest/api/{version}"

    def is_bug(self, issue_type: str | None, labels: tuple[str, ...]) -> bool:
        """Whether an issue of ``issue_type`` with ``labels`` is a bug by these settings."""
        return _matches(issue_type, labels, self.bug_types, self.bug_labels)

    def is_incident(self, issue_type: str | None, labels: tuple[str, ...]) -> bool:
        """Whether an issue of ``issue_type`` with ``labels`` is an incident by these settings."""
        return _matches(issue_type, labels, self.incident_types, self.incident_labels)

    def severity(self, priority: str | None) -> str | None:
        """The severity ``priority`` maps to; the priority's own name when unmapped."""
        if not priority:
            return None
        return self.severities.get(priority.strip().casefold(), priority.strip().lower())

    def reports_incidents(self) -> bool:
        """Whether these settings read incidents, so that a service without one had none."""
        return bool(self.incident_types or self.incident_labels)


def _matches(
    issue_type: str | None,
    labels: tuple[str, ...],
    types: tuple[str, ...],
    wanted: tuple[str, ...],
) -> bool:
    if issue_type and issue_type.strip().casefold() in _lowered(types):
        return True
    return bool(set(_lowered(labels)) & set(_lowered(wanted)))
