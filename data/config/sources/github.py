"""The ``[sources.github]`` settings: which repositories, how deploys, incidents and bugs show.

Its credentials are never here: they come from the environment (``GITHUB_TOKEN``
or the ``GITHUB_APP_*`` variables, ``data.sources.github.credentials``). Below the
source (``data.sources.github``: its spec, client and sync) and importing nothing of
the project but the other settings modules, so ``data.config`` reads it alone.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, field_validator

from data.config.sources.checks import CheckSettings
from data.config.sources.patterns import check_pattern

__all__ = ["GitHubSourceConfig"]


class GitHubSourceConfig(CheckSettings):
    """GitHub: merged PRs, deployments, releases, workflow runs, CODEOWNERS and labelled issues.

    ``repositories`` empty means every ``[[repositories]]`` entry without a
    local ``path`` that no other code host reads. A deploy's service is, in
    order: the ``services`` entry for its environment or workflow name; a service
    whose key appears as a word in that name (``checkout-production``); the only
    service of its repository. A deploy that matches none is skipped with a log line.
    """

    repositories: tuple[str, ...] = Field(
        default=(),
        description="`owner/name` of each repository; empty: every `[[repositories]]` entry "
        "without a `path` that no other code host reads",
    )
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
    production_environment: str = Field(
        default=r"^prod(uction)?$",
        description="deployments to environments matching this pattern are production",
    )
    deploy_workflow: str | None = Field(
        default=None,
        description="successful runs of workflows named to match this are deploys; unset: none",
    )
    deploy_job: str | None = Field(
        default=None,
        description="a deploy workflow's run is judged by its jobs named to match this: a job "
        "that failed, was skipped or cancelled makes no deploy; unset: the run's conclusion",
    )
    release_tags: str | None = Field(
        default=None, description="releases tagged to match this are deploys; unset: none"
    )
    incident_label: str | None = Field(
        default=None, description="issues with this label are incidents; unset: none"
    )
    bug_labels: tuple[str, ...] = Field(
        default=(),
        description="issues with one of these labels are bugs, and a change referencing one "
        "fixes a bug; empty: none read",
    )
    services: dict[str, str] = Field(
        default_factory=dict,
        description="environment or workflow name -> service key, when the name alone does not say",
    )
    check_conclusion: Literal["action_required", "failure"] = Field(
        default="action_required",
        description="the `riskbrief` check run's conclusion when it blocks",
    )
    check_details_url: str | None = Field(
        default=None,
        pattern=r"^https?://\S+$",
        description="where the check's details link goes, `{key}` replaced by the pull "
        "request's key (URL-quoted); unset: the pull request itself",
    )

    _patterns = field_validator(
        "production_environment", "deploy_workflow", "deploy_job", "release_tags"
    )(check_pattern)

    def reports_incidents(self) -> bool:
        """Whether labelled issues are read as incidents."""
        return bool(self.incident_label)
