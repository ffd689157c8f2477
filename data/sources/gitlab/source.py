"""Every GitLab source of an organisation, built from ``[sources.gitlab]`` and the token.

The one call a composition root makes: ``gitlab_sources(config, token, org)``
gives, per project, its merge requests (with CODEOWNERS as of each merge), its
deploys (``deploys_from``) and, when ``incidents_from`` is set, its incidents,
in that order: a deploy ships changes already stored. All share one client,
closed when the last has run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import datetime

from data.clock import utcnow
from data.config import OrgConfig
from data.config.sources.gitlab import GitLabSourceConfig
from data.handoff import Handoff, Source
from data.sources.gitlab.client import GitLabClient
from data.sources.gitlab.codeowners import load_gitlab_codeowners_history
from data.sources.gitlab.deploys import deploy_source
from data.sources.gitlab.incidents import IncidentsSource
from data.sources.gitlab.merge_requests import MergeRequestsSource
from data.sources.shared_client import close_with_last
from scoring.errors import ConfigError

__all__ = ["MergeRequestsWithOwners", "gitlab_client", "gitlab_sources", "gitlab_token"]


def gitlab_token(config: GitLabSourceConfig, environ: Mapping[str, str] | None = None) -> str:
    """The token from the variable ``token_env`` names; a ``ConfigError`` sentence when unset."""
    value = (os.environ if environ is None else environ).get(config.token_env, "").strip()
    if not value:
        raise ConfigError(
            f"riskbrief.toml has [sources.gitlab] but {config.token_env} is not set; set it to "
            "a personal, group or project access token with the read_api scope."
        )
    return value


def gitlab_client(config: GitLabSourceConfig, token: str) -> GitLabClient:
    """The client every GitLab source of ``config`` shares."""
    return GitLabClient(config.base_url, token, token_env=config.token_env)


class MergeRequestsWithOwners:
    """A project's merge requests, with its CODEOWNERS history read first."""

    def __init__(self, client: GitLabClient, source: MergeRequestsSource) -> None:
        self._client = client
        self.source = source

    @property
    def name(self) -> str:
        """The merge request source's name."""
        return self.source.name

    def sync(self, run: Handoff) -> None:
        """Load the CODEOWNERS history, then sync merge requests with it."""
        history = load_gitlab_codeowners_history(self._client, run, self.source.project)
        self.source.owners_of = history.owners_of
        self.source.sync(run)


def gitlab_sources(
    config: GitLabSourceConfig,
    token: str,
    org: OrgConfig,
    *,
    client: GitLabClient | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> list[Source]:
    """Merge requests (with CODEOWNERS), deploys and incidents of every configured project."""
    shared = client or gitlab_client(config, token)
    out: list[Source] = []
    for project in config.projects:
        mrs = MergeRequestsSource(shared, project, config, org.sources.first_sync_days, clock=clock)
        out.append(MergeRequestsWithOwners(shared, mrs))
    out.extend(deploy_source(shared, p, config, clock) for p in config.projects)
    if config.incidents_from is not None:
        out.extend(IncidentsSource(shared, p, config, clock) for p in config.projects)
    if not close_with_last(out, shared) and client is None:
        # No project: nothing will run to close the pool made here.
        shared.close()
    return out
