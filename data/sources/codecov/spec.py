"""Codecov declared to the app once: ``[sources.codecov]``, its token variable, sync and doctor.

Like every spec module it imports nothing heavy: the client and the source are
imported inside the functions that run them, so reading the registry loads neither
(``data.config`` validates ``[sources.codecov]`` with ``settings`` alone).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from data.config.sources.codecov import TOKEN_ENV, CodecovSourceConfig
from data.sources.spec import EnvVar, Finding, SourceContext, SourceSpec
from scoring.errors import ConfigError

if TYPE_CHECKING:
    from data.config import OrgConfig
    from data.handoff import Source

__all__ = ["CODECOV"]

_FIX = "an API access token from Codecov's Settings > Access"


def _names(settings: CodecovSourceConfig, org: OrgConfig) -> tuple[str, ...]:
    """The repositories read: the configured ones, else every ``owner/name`` repository."""
    return settings.repositories or tuple(r.name for r in org.repositories if "/" in r.name)


def _sources(settings: CodecovSourceConfig, context: SourceContext) -> Sequence[Source]:
    from data.sources.codecov.client import CodecovClient
    from data.sources.codecov.source import CodecovSource

    token = context.value(settings.token_env)
    if token is None:
        raise ConfigError(
            f"riskbrief.toml has [sources.codecov] but {settings.token_env} is not set; "
            f"set it to {_FIX}."
        )
    client = CodecovClient(settings.base_url, token, settings.service, token_env=settings.token_env)
    branches = {r.name: r.default_branch for r in context.org.repositories}
    names = _names(settings, context.org)
    return [
        # The last one closes the client they share once it has run.
        CodecovSource(client, name, settings.branch or branches.get(name, "main"), i == len(names))
        for i, name in enumerate(names, start=1)
    ]


def _findings(settings: CodecovSourceConfig, context: SourceContext) -> Sequence[Finding]:
    from data.sources.codecov.client import CodecovClient
    from data.sources.codecov.doctor import codecov_findings

    token = context.value(settings.token_env)
    if token is None:
        return [
            Finding(
                False,
                f"[sources.codecov] is configured but {settings.token_env} is not set",
                f"set {settings.token_env} to {_FIX}.",
            )
        ]
    # The doctor answers now: a 5xx or a rate limit is a finding, never a wait.
    client = CodecovClient(
        settings.base_url, token, settings.service, token_env=settings.token_env, max_wait=0.0
    )
    try:
        return codecov_findings(client, _names(settings, context.org), settings.token_env)
    finally:
        client.close()


CODECOV = SourceSpec(
    key="codecov",
    title="Codecov",
    settings=CodecovSourceConfig,
    env=(
        EnvVar(
            TOKEN_ENV,
            "a Codecov API access token (Settings > Access), for commit totals and pull "
            "requests' patch coverage",
            secret=True,
            setting="token_env",
        ),
    ),
    sources=_sources,
    findings=_findings,
)
