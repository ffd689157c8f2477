"""The ``[sources.bitbucket]`` (Cloud) and ``[sources.bitbucket_dc]`` (Data Center) settings.

Two tables, not one with an edition switch: the editions differ in everything a
user writes (Cloud has one address and workspaces, Data Center its own address
and projects; Cloud takes an access token or an API token with an e-mail, Data
Center an HTTP access token; Cloud deploys are Pipelines deployments, Data
Center has none), and an organisation moving from one to the other runs both
for a while. The token itself is never here: ``token_env`` names the variable.
This module imports nothing of the project but the ``check_*`` settings every code host
shares (``data.config.sources.checks``, which imports nothing either), so ``data.config``
can import it.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from urllib.parse import urlsplit

from pydantic import ConfigDict, Field, field_validator

from data.config.sources.checks import CheckSettings

__all__ = [
    "CLOUD_API_URL",
    "CLOUD_TOKEN_ENV",
    "DC_TOKEN_ENV",
    "BitbucketCloudConfig",
    "BitbucketDataCenterConfig",
    "CloudDeploys",
]

CLOUD_API_URL = "https://api.bitbucket.org"
CLOUD_TOKEN_ENV = "RISKBRIEF_BITBUCKET_TOKEN"
DC_TOKEN_ENV = "RISKBRIEF_BITBUCKET_DC_TOKEN"

# workspace/repo-slug and PROJECT/repo-slug: Bitbucket's slug characters.
_REPO = re.compile(r"^[A-Za-z0-9_.~\-]+/[A-Za-z0-9_.\-]+$")
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")


def _check_pattern(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"is not a valid regular expression ({exc})") from None
    return value


def _check_repositories(value: tuple[str, ...], example: str) -> tuple[str, ...]:
    for repo in value:
        if not _REPO.match(repo) or repo.endswith(".git"):
            raise ValueError(f"{repo!r} is not a Bitbucket repository; write it as {example}")
    if len(set(value)) != len(value):
        raise ValueError("names a repository twice")
    return value


def _check_env(value: str) -> str:
    if not _ENV_NAME.match(value):
        raise ValueError("is not an environment variable name such as RISKBRIEF_BITBUCKET_TOKEN")
    return value


def _check_url(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("is not a URL such as https://bitbucket.example.com")
    if parts.query or parts.fragment:
        raise ValueError("must be Bitbucket's address without a query or fragment")
    path = parts.path.rstrip("/")
    # A pasted API address is taken back to the web address the API hangs below.
    for suffix in ("/rest/api/1.0", "/rest/api/latest", "/2.0"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
    return f"{parts.scheme}://{parts.netloc}{path}"


class CloudDeploys(StrEnum):
    """Where a Cloud repository's deploys show: Pipelines deployments, or release tags."""

    DEPLOYMENTS = "deployments"
    TAGS = "tags"


class _Common(CheckSettings):
    model_config = ConfigDict(extra="forbid", frozen=True)

    since: date | None = Field(
        default=None, description="how far back the first sync reads (else `first_sync_days`)"
    )
    lag_minutes: int = Field(
        default=10,
        ge=0,
        le=1440,
        description="re-read this much before the saved watermark, for pull requests "
        "updated while the last sync ran",
    )
    deploy_tags: str = Field(
        default=r"^v?\d+(\.\d+)*$",
        description="tags matching this are successful deploys (Cloud: with "
        '`deploys_from = "tags"`)',
    )
    services: dict[str, str] = Field(
        default_factory=dict,
        description="environment or tag name -> service key, when the name alone does not say",
    )
    concurrency: int = Field(
        default=4,
        ge=1,
        le=16,
        description="requests in flight at once for one page's pull requests",
    )

    _patterns = field_validator("deploy_tags")(_check_pattern)
    _env = field_validator("token_env", check_fields=False)(_check_env)


class BitbucketCloudConfig(_Common):
    """Bitbucket Cloud (REST 2.0): pull requests, CODEOWNERS, Pipelines deployments or tags.

    ``repositories`` are ``workspace/repo-slug``, each also a ``[[repositories]]``
    name. The token is a workspace, project or repository access token (sent as
    ``Bearer``), or an Atlassian API token with ``email`` set (sent as Basic).
    """

    repositories: tuple[str, ...] = Field(
        default=(),
        description="`workspace/repo-slug` of each repository, each a `[[repositories]]` name",
    )
    api_url: str = Field(
        default=CLOUD_API_URL,
        description="Bitbucket Cloud's API address (the API's `/2.0` hangs below it)",
    )
    token_env: str = Field(
        default=CLOUD_TOKEN_ENV, description="the environment variable that holds the token"
    )
    email: str | None = Field(
        default=None,
        description="with an Atlassian API token: its account's e-mail (Basic auth); unset: "
        "the token is an access token, sent as Bearer",
    )
    deploys_from: CloudDeploys = Field(
        default=CloudDeploys.DEPLOYMENTS,
        description="where deploys show: `deployments` (Pipelines, to production) or `tags`",
    )
    production_environment: str = Field(
        default=r"^prod(uction)?$",
        description="Pipelines environments of type Production, or named to match this, "
        "are production",
    )

    _production = field_validator("production_environment")(_check_pattern)

    @field_validator("repositories")
    @classmethod
    def _repositories(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _check_repositories(value, "workspace/repo-slug")

    @field_validator("api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        return _check_url(value)

    def is_production(self, name: str) -> bool:
        """True when an environment's name matches ``production_environment``."""
        return re.search(self.production_environment, name, re.IGNORECASE) is not None

    def repositories_read(self) -> tuple[str, ...]:
        """Its ``repositories``: no other source reads them (Bitbucket reports no incidents:
        they keep coming from Jira, PagerDuty or Opsgenie)."""
        return self.repositories


class BitbucketDataCenterConfig(_Common):
    """Bitbucket Data Center (REST 1.0): pull requests, CODEOWNERS and release tags.

    ``base_url`` is the server's web address (``https://bitbucket.example.com``,
    or under a context path); ``repositories`` are ``PROJECT/repo-slug``. The
    token is an HTTP access token with repository read permission, sent as
    ``Bearer``.
    """

    base_url: str = Field(
        default="https://bitbucket.example.com",
        description="the server's web address; it may sit under a context path "
        "(`https://git.example.com/bitbucket`)",
    )
    repositories: tuple[str, ...] = Field(
        default=(),
        description="`PROJECT/repo-slug` of each repository, each a `[[repositories]]` name",
    )
    token_env: str = Field(
        default=DC_TOKEN_ENV,
        description="the environment variable that holds the HTTP access token",
    )

    @field_validator("repositories")
    @classmethod
    def _repositories(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _check_repositories(value, "PROJECT/repo-slug")

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        return _check_url(value)

    def repositories_read(self) -> tuple[str, ...]:
        """Its ``repositories``: no other source reads them."""
        return self.repositories
