"""The ``[sources]`` section of ``riskbrief.toml``: what to sync and how to map it onto services.

Tokens and URLs are not here: they come from the environment (see the README).
Patterns are Python regular expressions, matched case-insensitively with
``re.search``; each is checked when the file is read, so a bad one is one
sentence naming its key.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from data.config.sources.argocd import ArgoCDSourceConfig
from data.config.sources.bitbucket import BitbucketCloudConfig, BitbucketDataCenterConfig
from data.config.sources.checks import CheckSettings
from data.config.sources.codecov import CodecovSourceConfig
from data.config.sources.gitlab import GitLabSourceConfig
from data.config.sources.gitlab import reports_incidents as gitlab_incidents
from data.config.sources.jira import JiraSourceConfig
from data.config.sources.jira import reports_incidents as jira_incidents
from data.config.sources.linear import LinearSourceConfig
from data.config.sources.linear import reports_incidents as linear_incidents
from data.config.sources.opsgenie import OpsgenieSourceConfig
from data.config.sources.opsgenie import reports_incidents as opsgenie_incidents
from data.config.sources.pagerduty import PagerDutySourceConfig
from data.config.sources.pagerduty import reports_incidents as pagerduty_incidents

__all__ = [
    "BitbucketCloudConfig",
    "BitbucketDataCenterConfig",
    "CodecovSourceConfig",
    "FileImportConfig",
    "GitHubSourceConfig",
    "GitLabSourceConfig",
    "GitSourceConfig",
    "JiraSourceConfig",
    "LinearSourceConfig",
    "OpsgenieSourceConfig",
    "PagerDutySourceConfig",
    "SourcesConfig",
    "check_pattern",
]


def check_pattern(value: str | None) -> str | None:
    """``value`` when it compiles as a regular expression; a ValueError saying why otherwise."""
    if value is None:
        return None
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"is not a valid regular expression ({exc})") from None
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GitHubSourceConfig(CheckSettings):
    """GitHub: merged PRs, deployments, releases, workflow runs, CODEOWNERS and labelled issues.

    ``repositories`` empty means every ``[[repositories]]`` entry without a
    local ``path``. A deploy's service is, in order: the ``services`` entry for
    its environment or workflow name; a service whose key appears as a word in
    that name (``checkout-production``); the only service of its repository.
    A deploy that matches none is skipped with a log line.
    """

    repositories: tuple[str, ...] = ()
    # How far back the first sync reads.
    since: date | None = None
    # Re-read this much before the saved watermark, for PRs updated while the last sync ran.
    lag_minutes: int = Field(default=10, ge=0, le=1440)
    production_environment: str = r"^prod(uction)?$"
    deploy_workflow: str | None = None
    # Judge a deploy workflow's run by its jobs whose name matches (docs/sources.md).
    deploy_job: str | None = None
    release_tags: str | None = None
    incident_label: str | None = None
    # Issues with one of these labels are bugs: a change referencing one fixes a bug
    # (data.sources.github.bugs); none read while empty.
    bug_labels: tuple[str, ...] = ()
    services: dict[str, str] = Field(default_factory=dict)
    # The `riskbrief` check run's conclusion when it blocks (check_enforce and
    # check_threshold are every code host's: CheckSettings).
    check_conclusion: Literal["action_required", "failure"] = "action_required"
    # Where the check's "details" link goes, `{key}` replaced by the PR's key (URL-quoted);
    # the pull request itself when unset.
    check_details_url: str | None = Field(default=None, pattern=r"^https?://\S+$")

    _patterns = field_validator(
        "production_environment", "deploy_workflow", "deploy_job", "release_tags"
    )(check_pattern)


class GitSourceConfig(_Strict):
    """Local clones (``[[repositories]]`` with a ``path``): commits as changes, tags as deploys.

    A tag matching ``deploy_tags`` is a successful production deploy of every
    service whose files changed since the previous such tag; ``branch`` is the
    branch mined (default: the repository's ``default_branch``).
    """

    deploy_tags: str | None = r"^v?\d+(\.\d+)*$"
    branch: str | None = None

    _patterns = field_validator("deploy_tags")(check_pattern)


class FileImportConfig(_Strict):
    """Incidents, deploys or spent error budgets kept in a CSV or JSON file, re-read every sync."""

    path: str = Field(min_length=1)
    kind: str = Field(default="incidents", pattern=r"^(incidents|deploys|error_budgets)$")


class SourcesConfig(_Strict):
    """Every source ``riskbrief sync`` runs; an absent table is a source that is off.

    The sources declared through the seam (``data.sources.registry.SOURCES``)
    are written out here too, each ``[sources.<key>]`` typed by its spec's own
    settings model (imported from the source's ``settings`` module, which imports
    nothing of the project, so reading riskbrief.toml never loads a source's code);
    a test fails when these fields and the registry disagree.
    """

    github: GitHubSourceConfig | None = None
    git: GitSourceConfig = Field(default_factory=GitSourceConfig)
    files: tuple[FileImportConfig, ...] = ()
    # A revert of a known change is an incident of its service: opened when the
    # reverted change merged, resolved when the revert merged.
    reverts_as_incidents: bool = True
    # How far back a first sync reads when a source has no `since` of its own.
    first_sync_days: int = Field(default=90, ge=1, le=3650)
    # The registered sources, in the registry's order.
    gitlab: GitLabSourceConfig | None = None
    bitbucket: BitbucketCloudConfig | None = None
    bitbucket_dc: BitbucketDataCenterConfig | None = None
    codecov: CodecovSourceConfig | None = None
    pagerduty: PagerDutySourceConfig | None = None
    opsgenie: OpsgenieSourceConfig | None = None
    jira: JiraSourceConfig | None = None
    linear: LinearSourceConfig | None = None
    argocd: ArgoCDSourceConfig | None = None

    @property
    def incidents_known(self) -> bool:
        """Whether any configured source reports incidents, so that none means none."""
        # Each registered source's rule is its settings module's ``reports_incidents``,
        # the function its spec declares as ``incidents_known``.
        return (
            self.reverts_as_incidents
            or (self.github is not None and bool(self.github.incident_label))
            or any(f.kind == "incidents" for f in self.files)
            or (self.gitlab is not None and gitlab_incidents(self.gitlab))
            or (self.pagerduty is not None and pagerduty_incidents(self.pagerduty))
            or (self.opsgenie is not None and opsgenie_incidents(self.opsgenie))
            or (self.jira is not None and jira_incidents(self.jira))
            or (self.linear is not None and linear_incidents(self.linear))
        )
