"""Every Bitbucket source of an organisation, per edition, built from its settings and token.

Per repository: its pull requests (with ``.bitbucket/CODEOWNERS`` as of each
merge) and its deploys, in that order (a deploy ships changes already stored),
all on one client, closed when the last has run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from data.clock import utcnow
from data.config.sources.bitbucket import (
    BitbucketCloudConfig,
    BitbucketDataCenterConfig,
    CloudDeploys,
)
from data.handoff import Handoff, Source
from data.sources.bitbucket import cloud, datacenter
from data.sources.bitbucket.client import BitbucketClient, Edition
from data.sources.bitbucket.codeowners import load_history
from data.sources.bitbucket.deploys import DeploysSource
from data.sources.bitbucket.pulls import PullsSource
from data.sources.shared_client import close_with_last
from scoring.errors import ConfigError

__all__ = [
    "PullsWithOwners",
    "cloud_client",
    "cloud_sources",
    "dc_client",
    "dc_sources",
    "token_of",
]


def token_of(table: str, token_env: str, what: str, environ: Mapping[str, str]) -> str:
    """The token in ``token_env``; a ``ConfigError`` sentence when it is unset."""
    value = environ.get(token_env, "").strip()
    if not value:
        raise ConfigError(
            f"riskbrief.toml has {table} but {token_env} is not set; set it to {what}."
        )
    return value


def cloud_client(config: BitbucketCloudConfig, token: str) -> BitbucketClient:
    """The client every Cloud source of ``config`` shares."""
    return BitbucketClient(
        "cloud", config.api_url, token, email=config.email, token_env=config.token_env
    )


def dc_client(config: BitbucketDataCenterConfig, token: str) -> BitbucketClient:
    """The client every Data Center source of ``config`` shares."""
    return BitbucketClient("dc", config.base_url, token, token_env=config.token_env)


class PullsWithOwners:
    """A repository's pull requests, with its CODEOWNERS history read first."""

    def __init__(self, client: BitbucketClient, source: PullsSource, edition: Edition) -> None:
        self._client = client
        self.source = source
        self._edition = edition

    @property
    def name(self) -> str:
        """The pull request source's name."""
        return self.source.name

    def sync(self, run: Handoff) -> None:
        """Load the CODEOWNERS history, then sync pull requests with it."""
        client, repo = self._client, self.source.repository
        module = cloud if self._edition == "cloud" else datacenter
        history = load_history(
            run,
            repo,
            self._edition,
            lambda: module.codeowners_commits(client, repo),
            lambda sha: module.codeowners_text(client, repo, sha),
            (lambda sha: cloud.teams_text(client, repo, sha)) if self._edition == "cloud" else None,
        )
        self.source.owners_of = history.owners_of
        self.source.sync(run)


def cloud_sources(
    config: BitbucketCloudConfig,
    token: str,
    *,
    client: BitbucketClient | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> list[Source]:
    """Pull requests (with CODEOWNERS) and deploys of every configured Cloud repository."""
    shared = client or cloud_client(config, token)
    out: list[Source] = []
    for repo in config.repositories:
        pulls = PullsSource(
            cloud.CloudReader(shared, repo),
            repo,
            label="bitbucket",
            lag_minutes=config.lag_minutes,
            since=config.since,
            concurrency=config.concurrency,
            clock=clock,
        )
        out.append(PullsWithOwners(shared, pulls, "cloud"))
    for repo in config.repositories:
        if config.deploys_from is CloudDeploys.TAGS:
            read, cursor = cloud.cloud_tags(shared, repo, config), "bitbucket-tags"
        else:
            read, cursor = cloud.cloud_deploys(shared, repo, config), "bitbucket-deployments"
        out.append(DeploysSource("bitbucket", repo, cursor, read, config.since, clock))
    if not close_with_last(out, shared) and client is None:
        shared.close()
    return out


def dc_sources(
    config: BitbucketDataCenterConfig,
    token: str,
    *,
    client: BitbucketClient | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> list[Source]:
    """Pull requests (with CODEOWNERS) and tags of every configured Data Center repository."""
    shared = client or dc_client(config, token)
    out: list[Source] = []
    for repo in config.repositories:
        pulls = PullsSource(
            datacenter.DataCenterReader(shared, repo, config.base_url),
            repo,
            label="bitbucket-dc",
            lag_minutes=config.lag_minutes,
            since=config.since,
            concurrency=config.concurrency,
            clock=clock,
        )
        out.append(PullsWithOwners(shared, pulls, "dc"))
    for repo in config.repositories:
        read = datacenter.dc_tags(shared, repo, config)
        out.append(
            DeploysSource("bitbucket-dc", repo, "bitbucket-dc-tags", read, config.since, clock)
        )
    if not close_with_last(out, shared) and client is None:
        shared.close()
    return out
