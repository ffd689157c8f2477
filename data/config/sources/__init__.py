"""The ``[sources]`` section of ``riskbrief.toml``: what to sync and how to map it onto services.

Tokens and URLs are not here: they come from the environment (see the README).
Patterns are Python regular expressions, matched case-insensitively with
``re.search``; each is checked when the file is read, so a bad one is one
sentence naming its key.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from data.config.sources.argocd import ArgoCDSourceConfig
from data.config.sources.bitbucket import BitbucketCloudConfig, BitbucketDataCenterConfig
from data.config.sources.codecov import CodecovSourceConfig
from data.config.sources.datadog import DatadogSourceConfig
from data.config.sources.files import FileImportConfig
from data.config.sources.git import GitSourceConfig
from data.config.sources.github import GitHubSourceConfig
from data.config.sources.gitlab import GitLabSourceConfig
from data.config.sources.jira import JiraSourceConfig
from data.config.sources.linear import LinearSourceConfig
from data.config.sources.opsgenie import OpsgenieSourceConfig
from data.config.sources.pagerduty import PagerDutySourceConfig
from data.config.sources.patterns import check_pattern
from data.config.sources.prometheus import PrometheusSourceConfig
from data.config.sources.roles import reports_incidents, repositories_read

__all__ = [
    "BitbucketCloudConfig",
    "BitbucketDataCenterConfig",
    "CodecovSourceConfig",
    "DatadogSourceConfig",
    "FileImportConfig",
    "GitHubSourceConfig",
    "GitLabSourceConfig",
    "GitSourceConfig",
    "JiraSourceConfig",
    "LinearSourceConfig",
    "OpsgenieSourceConfig",
    "PagerDutySourceConfig",
    "PrometheusSourceConfig",
    "SourcesConfig",
    "check_pattern",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourcesConfig(_Strict):
    """Every source ``riskbrief sync`` runs; an absent table is a source that is off.

    Each source declared through the seam (``data.sources.registry.SOURCES``)
    has its field here, ``[sources.<key>]`` typed by its spec's own settings model
    (imported from its settings module, which imports nothing of the project, so
    reading riskbrief.toml never loads a source's code); a test fails when these
    fields and the registry disagree.
    """

    # A revert of a known change is an incident of its service: opened when the
    # reverted change merged, resolved when the revert merged.
    reverts_as_incidents: bool = True
    # How far back a first sync reads when a source has no `since` of its own.
    first_sync_days: int = Field(default=90, ge=1, le=3650)
    # The registered sources, in the registry's order. Local clones' table is always
    # there (its defaults mine every entry with a `path`); files' is an array.
    git: GitSourceConfig = Field(default_factory=GitSourceConfig)
    github: GitHubSourceConfig | None = None
    gitlab: GitLabSourceConfig | None = None
    bitbucket: BitbucketCloudConfig | None = None
    bitbucket_dc: BitbucketDataCenterConfig | None = None
    codecov: CodecovSourceConfig | None = None
    pagerduty: PagerDutySourceConfig | None = None
    opsgenie: OpsgenieSourceConfig | None = None
    jira: JiraSourceConfig | None = None
    linear: LinearSourceConfig | None = None
    argocd: ArgoCDSourceConfig | None = None
    prometheus: PrometheusSourceConfig | None = None
    datadog: DatadogSourceConfig | None = None
    files: tuple[FileImportConfig, ...] = ()

    def tables(self) -> Iterator[BaseModel]:
        """Each source's settings present: a table's model, each of an array's tables."""
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, BaseModel):
                yield value
            elif isinstance(value, tuple):
                yield from (v for v in value if isinstance(v, BaseModel))

    @property
    def incidents_known(self) -> bool:
        """Whether any configured source reports incidents, so that none means none."""
        # Each table's own ``reports_incidents()`` (data.config.sources.roles): no list here.
        return self.reverts_as_incidents or any(reports_incidents(t) for t in self.tables())

    def repositories_read(self) -> frozenset[str]:
        """The ``[[repositories]]`` names a code host's table names (GitLab's ``projects``),
        which no other source reads."""
        return frozenset(name for t in self.tables() for name in repositories_read(t))
