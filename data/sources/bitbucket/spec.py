"""Bitbucket Cloud and Data Center declared to the app: two specs, one package.

``BITBUCKET`` (``[sources.bitbucket]``) and ``BITBUCKET_DC``
(``[sources.bitbucket_dc]``) are what ``data.sources.registry`` lists. Two
specs rather than one with an edition setting: the editions' settings, tokens,
deploys, URLs and doctor checks differ, and an organisation moving from Data
Center to Cloud runs both at once. This module imports only the settings and
the key parsers; the client, the sync and the doctor are imported inside the
functions that run them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from data.config.sources.bitbucket import (
    CLOUD_TOKEN_ENV,
    DC_TOKEN_ENV,
    BitbucketCloudConfig,
    BitbucketDataCenterConfig,
    CloudDeploys,
)
from data.sources.bitbucket.keys import parse_cloud_pull, parse_dc_pull
from data.sources.spec import EnvVar, Finding, SourceContext, SourceSpec
from scoring.change_key import ChangeKey

if TYPE_CHECKING:
    from data.handoff import Source

__all__ = ["BITBUCKET", "BITBUCKET_DC"]

# Doctor asks once and says what it saw; a sync waits out Bitbucket's limits instead.
_DOCTOR_TIMEOUT = 10.0
_CLOUD_TOKEN = (
    "a workspace, project or repository access token (or an API token with email set) "
    "with read access to repositories, pull requests and pipelines"
)
_DC_TOKEN = "an HTTP access token with repository read permission"


def _cloud_sources(settings: BitbucketCloudConfig, context: SourceContext) -> Sequence[Source]:
    from data.sources.bitbucket.source import cloud_sources, token_of

    token = token_of("[sources.bitbucket]", settings.token_env, _CLOUD_TOKEN, context.environ)
    return cloud_sources(settings, token)


def _dc_sources(settings: BitbucketDataCenterConfig, context: SourceContext) -> Sequence[Source]:
    from data.sources.bitbucket.source import dc_sources, token_of

    token = token_of("[sources.bitbucket_dc]", settings.token_env, _DC_TOKEN, context.environ)
    return dc_sources(settings, token)


def _cloud_findings(settings: BitbucketCloudConfig, context: SourceContext) -> Sequence[Finding]:
    from data.sources.bitbucket.client import BitbucketClient
    from data.sources.bitbucket.doctor import cloud_findings

    token = context.environ.get(settings.token_env, "").strip()
    if not token:
        return [Finding(False, f"{settings.token_env} is not set", f"set it to {_CLOUD_TOKEN}")]
    client = BitbucketClient(
        "cloud",
        settings.api_url,
        token,
        email=settings.email,
        timeout=_DOCTOR_TIMEOUT,
        max_wait=0.0,
        token_env=settings.token_env,
    )
    try:
        pipelines = settings.deploys_from is CloudDeploys.DEPLOYMENTS
        return cloud_findings(client, settings.repositories, settings.token_env, pipelines)
    finally:
        client.close()


def _dc_findings(settings: BitbucketDataCenterConfig, context: SourceContext) -> Sequence[Finding]:
    from data.sources.bitbucket.client import BitbucketClient
    from data.sources.bitbucket.doctor import dc_findings

    token = context.environ.get(settings.token_env, "").strip()
    if not token:
        return [Finding(False, f"{settings.token_env} is not set", f"set it to {_DC_TOKEN}")]
    client = BitbucketClient(
        "dc",
        settings.base_url,
        token,
        timeout=_DOCTOR_TIMEOUT,
        max_wait=0.0,
        token_env=settings.token_env,
    )
    try:
        return dc_findings(client, settings.repositories, settings.token_env)
    finally:
        client.close()


def _cloud_change(text: str, _settings: BitbucketCloudConfig | None) -> ChangeKey | None:
    return parse_cloud_pull(text)


def _dc_change(text: str, settings: BitbucketDataCenterConfig | None) -> ChangeKey | None:
    # Without [sources.bitbucket_dc], any server's pull request URL still reads: its path
    # (/projects/P/repos/r/pull-requests/N) is no other code host's.
    return parse_dc_pull(text, settings.base_url if settings is not None else None)


BITBUCKET = SourceSpec(
    key="bitbucket",
    title="Bitbucket Cloud",
    settings=BitbucketCloudConfig,
    env=(
        EnvVar(
            CLOUD_TOKEN_ENV,
            "a Bitbucket Cloud workspace, project or repository access token, or an Atlassian "
            "API token (with `email` set), with read access to repositories, pull requests "
            "and pipelines; `token_env` in `[sources.bitbucket]` names another variable",
            secret=True,
            setting="token_env",
        ),
    ),
    sources=_cloud_sources,
    findings=_cloud_findings,
    read_change=_cloud_change,
)

BITBUCKET_DC = SourceSpec(
    key="bitbucket_dc",
    title="Bitbucket Data Center",
    settings=BitbucketDataCenterConfig,
    env=(
        EnvVar(
            DC_TOKEN_ENV,
            "a Bitbucket Data Center HTTP access token with repository read permission; "
            "`token_env` in `[sources.bitbucket_dc]` names another variable",
            secret=True,
            setting="token_env",
        ),
    ),
    sources=_dc_sources,
    findings=_dc_findings,
    read_change=_dc_change,
)
