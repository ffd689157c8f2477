"""The ``[sources.gitlab]`` settings: which GitLab and projects, how deploys and incidents show.

The token itself is never here: ``token_env`` names the environment variable
that holds it (``RISKBRIEF_GITLAB_TOKEN`` by default). Patterns are Python
regular expressions matched case-insensitively with ``re.search``, checked when
the file is read, as ``data.config.sources`` does for the other sources.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from urllib.parse import urlsplit

from pydantic import ConfigDict, Field, field_validator

from data.config.sources.checks import CheckSettings

__all__ = [
    "DEFAULT_BASE_URL",
    "TOKEN_ENV",
    "DeploySource",
    "GitLabSourceConfig",
    "IncidentFrom",
    "check_pattern",
]

DEFAULT_BASE_URL = "https://gitlab.com"
TOKEN_ENV = "RISKBRIEF_GITLAB_TOKEN"

# group/sub/project: GitLab's path characters, at least one group.
_PROJECT = re.compile(r"^[A-Za-z0-9_.][A-Za-z0-9_.\-]*(?:/[A-Za-z0-9_.][A-Za-z0-9_.\-]*)+$")
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")


def check_pattern(value: str) -> str:
    """``value`` when it compiles as a regular expression; a ValueError saying why otherwise.

    The same check as ``data.config.sources``', repeated so that this module imports
    nothing of the project (but ``data.config.sources.checks``, which imports nothing
    either) and ``data.config`` can import it.
    """
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"is not a valid regular expression ({exc})") from None
    return value


class DeploySource(StrEnum):
    """Where an organisation's deploys show: GitLab environments, pipelines on a ref, or tags."""

    DEPLOYMENTS = "deployments"
    PIPELINES = "pipelines"
    TAGS = "tags"


class IncidentFrom(StrEnum):
    """Which issues are incidents: GitLab's incident issue type, or issues with a label."""

    TYPE = "type"
    LABEL = "label"


class GitLabSourceConfig(CheckSettings):
    """GitLab.com or a self-managed GitLab: merge requests, CODEOWNERS, deploys and incidents.

    ``base_url`` is where GitLab's web pages are (``https://git.example.com/gitlab``
    for one under a path); the API is ``{base_url}/api/v4`` and
    ``{base_url}/api/graphql``. ``projects`` are full paths (``group/sub/project``),
    each also a ``[[repositories]]`` name the services point at.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    base_url: str = Field(
        default=DEFAULT_BASE_URL,
        description="GitLab's web address; a self-managed one may sit under a path "
        "(`https://git.example.com/gitlab`)",
    )
    projects: tuple[str, ...] = Field(
        default=(),
        description="full project paths (`group/sub/project`), each a `[[repositories]]` name",
    )
    since: date | None = Field(
        default=None, description="how far back the first sync reads (else `first_sync_days`)"
    )
    lag_minutes: int = Field(
        default=10,
        ge=0,
        le=1440,
        description="re-read this much before the saved watermark, for merge requests "
        "updated while the last sync ran",
    )
    production_environment: str = Field(
        default=r"^prod(uction)?$",
        description="environments matching this pattern are production",
    )
    deploys_from: DeploySource = Field(
        default=DeploySource.DEPLOYMENTS,
        description="where deploys show: `deployments` (to environments), `pipelines` or `tags`",
    )
    pipeline_ref: str = Field(
        default=r"^(main|master)$",
        description="with `pipelines`: finished pipelines on a ref matching this are deploys",
    )
    deploy_tags: str = Field(
        default=r"^v?\d+(\.\d+)*$",
        description="with `tags`: tags matching this are successful deploys",
    )
    incidents_from: IncidentFrom | None = Field(
        default=None,
        description="incidents from issues of type incident (`type`) or with a label "
        "(`label`); unset: none",
    )
    incident_label: str = Field(
        default="incident",
        description='with `incidents_from = "label"`: the label an incident issue carries',
    )
    services: dict[str, str] = Field(
        default_factory=dict,
        description="environment, pipeline ref or tag name -> service key, when the name "
        "alone does not say",
    )
    token_env: str = Field(
        default=TOKEN_ENV, description="the environment variable that holds the token"
    )
    concurrency: int = Field(
        default=4,
        ge=1,
        le=16,
        description="requests in flight at once for one page's merge requests",
    )
    _patterns = field_validator("production_environment", "pipeline_ref", "deploy_tags")(
        check_pattern
    )

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("is not a URL such as https://gitlab.com or https://git.example.com")
        if parts.query or parts.fragment:
            raise ValueError("must be GitLab's address without a query or fragment")
        # The API hangs below the web address; a pasted API URL is taken back to it.
        path = parts.path.rstrip("/")
        for suffix in ("/api/v4", "/api/graphql"):
            if path.endswith(suffix):
                path = path[: -len(suffix)]
        return f"{parts.scheme}://{parts.netloc}{path}"

    @field_validator("projects")
    @classmethod
    def _projects(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for project in value:
            if not _PROJECT.match(project) or project.endswith((".git", ".atom")):
                raise ValueError(
                    f"{project!r} is not a GitLab project path; write its full path, "
                    "e.g. group/subgroup/project"
                )
        if len(set(value)) != len(value):
            raise ValueError("names a project twice")
        return value

    @field_validator("token_env")
    @classmethod
    def _token_env(cls, value: str) -> str:
        if not _ENV_NAME.match(value):
            raise ValueError("is not an environment variable name such as RISKBRIEF_GITLAB_TOKEN")
        return value

    @property
    def api_url(self) -> str:
        """The REST API's root, ``{base_url}/api/v4``."""
        return f"{self.base_url}/api/v4"

    @property
    def graphql_url(self) -> str:
        """The GraphQL endpoint, ``{base_url}/api/graphql``."""
        return f"{self.base_url}/api/graphql"

    def is_production(self, environment: str) -> bool:
        """True when ``environment`` matches ``production_environment``."""
        return re.search(self.production_environment, environment, re.IGNORECASE) is not None

    def repositories_read(self) -> tuple[str, ...]:
        """Its ``projects``: no other source reads them."""
        return self.projects

    def reports_incidents(self) -> bool:
        """Whether these settings read incidents, so that a service without one had none."""
        return self.incidents_from is not None
