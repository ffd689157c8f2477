"""The ``[sources]`` section of ``riskbrief.toml``: what to sync and how to map it onto services.

Tokens and URLs are not here: they come from the environment (see the README).
Patterns are Python regular expressions, matched case-insensitively with
``re.search``; each is checked when the file is read, so a bad one is one
sentence naming its key.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator

from data.sources.opsgenie_spec import OpsgenieSourceConfig
from data.sources.pagerduty_spec import PagerDutySourceConfig
from data.sources.registry import SOURCES

__all__ = [
    "FileImportConfig",
    "GitHubSourceConfig",
    "GitSourceConfig",
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


class GitHubSourceConfig(_Strict):
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
    release_tags: str | None = None
    incident_label: str | None = None
    # Issues with one of these labels are bugs: a change referencing one fixes a bug
    # (data.sources.tracker.github_bugs); none read while empty.
    bug_labels: tuple[str, ...] = ()
    services: dict[str, str] = Field(default_factory=dict)
    # The `riskbrief` check on pull requests (docs/pr-check.md): neutral unless the
    # organisation enforces, then `check_conclusion` at or above `check_threshold`.
    check_enforce: bool = False
    check_threshold: int = Field(default=80, ge=0, le=100)
    check_conclusion: Literal["action_required", "failure"] = "action_required"
    # Where the check's "details" link goes, `{key}` replaced by the PR's key (URL-quoted);
    # the pull request itself when unset.
    check_details_url: str | None = Field(default=None, pattern=r"^https?://\S+$")

    _patterns = field_validator("production_environment", "deploy_workflow", "release_tags")(
        check_pattern
    )


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


class _SourcesCore(_Strict):
    """Every source ``riskbrief sync`` runs; an absent table is a source that is off.

    The sources declared through the seam (``data.sources.registry.SOURCES``)
    are fields too, ``[sources.<key>]`` validated by the spec's own model and
    read back with ``spec.settings_of(org)``; the ones written out here predate it.
    """

    github: GitHubSourceConfig | None = None
    git: GitSourceConfig = Field(default_factory=GitSourceConfig)
    files: tuple[FileImportConfig, ...] = ()
    # A revert of a known change is an incident of its service: opened when the
    # reverted change merged, resolved when the revert merged.
    reverts_as_incidents: bool = True
    # How far back a first sync reads when a source has no `since` of its own.
    first_sync_days: int = Field(default=90, ge=1, le=3650)

    @property
    def incidents_known(self) -> bool:
        """Whether any configured source reports incidents, so that none means none."""
        return (
            self.reverts_as_incidents
            or (self.github is not None and bool(self.github.incident_label))
            or any(f.kind == "incidents" for f in self.files)
            or any(
                spec.incidents_known(settings)
                for spec in SOURCES
                if isinstance(settings := getattr(self, spec.key, None), spec.settings)
            )
        )


def _registered_fields() -> dict[str, Any]:
    return {spec.key: (spec.settings | None, None) for spec in SOURCES}


# A registered source's table is a real field (so that a mistake in it is one sentence
# naming `sources.<key>.<setting>`, and a misspelt key gets its closest name), added from
# the registry here; mypy sees the written-out fields and reaches the rest through the spec.
if TYPE_CHECKING:
    SourcesConfig = _SourcesCore
else:
    SourcesConfig = create_model(
        "SourcesConfig",
        __base__=_SourcesCore,
        __doc__=_SourcesCore.__doc__,
        __module__=__name__,
        **_registered_fields(),
    )
