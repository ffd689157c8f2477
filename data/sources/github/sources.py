"""What ``riskbrief sync`` runs for ``[sources.github]``: PRs with CODEOWNERS, deploys, issues.

Built by the GitHub spec (``data.sources.github.spec``) from its settings and the
environment's credentials; one client is shared by all of them and closed after
the last.
"""

from __future__ import annotations

from data.config import OrgConfig
from data.config.sources import GitHubSourceConfig
from data.handoff import Handoff, Source
from data.sources.github.bugs import GitHubBugsConfig, github_bug_sources
from data.sources.github.client import GitHubClient
from data.sources.github.codeowners import load_codeowners_history
from data.sources.github.credentials import GitHubCredentials
from data.sources.github.deploys import deploy_sources, github_repositories
from data.sources.github.issues import incident_sources
from data.sources.github.pulls import GitHubPullsSource
from data.sources.shared_client import close_with_last

__all__ = ["github_sources"]


class _PullsWithOwners:
    """Merged PRs of one repository, with CODEOWNERS as of each merge read first."""

    def __init__(self, client: GitHubClient, pulls: GitHubPullsSource) -> None:
        self._client = client
        self._pulls = pulls

    @property
    def name(self) -> str:
        """The PR source's name."""
        return self._pulls.name

    def sync(self, run: Handoff) -> None:
        """Load the CODEOWNERS history (conditional GETs), then sync PRs with it."""
        history = load_codeowners_history(self._client, run, self._pulls.repository)
        self._pulls.owners_of = history.owners_of
        self._pulls.sync(run)


def github_sources(
    config: GitHubSourceConfig, credentials: GitHubCredentials, org: OrgConfig
) -> list[Source]:
    """PRs (with CODEOWNERS), deploys and labelled issues of every GitHub repository."""
    client = GitHubClient(credentials.api_url, credentials.auth())
    out: list[Source] = [
        _PullsWithOwners(
            client, GitHubPullsSource(client, repo, config, org.sources.first_sync_days)
        )
        for repo in github_repositories(org, config)
    ]
    out.extend(deploy_sources(client, org, config))
    out.extend(incident_sources(client, org, config))
    if config.bug_labels:
        bugs = GitHubBugsConfig(
            bug_labels=config.bug_labels, repositories=tuple(github_repositories(org, config))
        )
        out.extend(github_bug_sources(client, org, bugs))
    close_with_last(out, client)
    return out
