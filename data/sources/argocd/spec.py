"""Argo CD declared to the app once: ``[sources.argocd]``, its token variable, sync and doctor.

Like every spec module it imports nothing heavy: the client and the source are imported
inside the functions that run them, so reading the registry loads neither (``data.config``
validates ``[sources.argocd]`` with ``settings`` alone).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from data.config.sources.argocd import TOKEN_ENV, ArgoCDSourceConfig
from data.sources.spec import EnvVar, Finding, SourceContext, SourceSpec
from scoring.errors import ConfigError

if TYPE_CHECKING:
    from data.handoff import Source

__all__ = ["ARGOCD"]

_FIX = "an API token of an Argo CD account (`argocd account generate-token`)"


def _check_services(settings: ArgoCDSourceConfig, context: SourceContext) -> None:
    """Each application's service is a ``[[services]]`` key; a ConfigError sentence if not."""
    keys = {s.key for s in context.org.services}
    for i, app in enumerate(settings.applications):
        if app.service not in keys:
            raise ConfigError(
                f"riskbrief.toml: sources.argocd.applications[{i}].service {app.service!r} is "
                "not a [[services]] key; name the service the application deploys"
            )


def _sources(settings: ArgoCDSourceConfig, context: SourceContext) -> Sequence[Source]:
    from data.sources.argocd.client import ArgoCDClient
    from data.sources.argocd.source import ArgoCDSource
    from data.sources.shared_client import close_with_last

    token = context.value(settings.token_env)
    if token is None:
        raise ConfigError(
            f"riskbrief.toml has [sources.argocd] but {settings.token_env} is not set; "
            f"set it to {_FIX}."
        )
    _check_services(settings, context)
    client = ArgoCDClient(settings.url, token, token_env=settings.token_env)
    out: list[Source] = [ArgoCDSource(client, app) for app in settings.applications]
    # One client for all: the last source closes it once every one has run.
    close_with_last(out, client)
    return out


def _findings(settings: ArgoCDSourceConfig, context: SourceContext) -> Sequence[Finding]:
    from data.sources.argocd.client import ArgoCDClient
    from data.sources.argocd.doctor import argocd_findings

    # A service riskbrief.toml does not have is the one sentence a sync would end in.
    _check_services(settings, context)
    token = context.value(settings.token_env)
    if token is None:
        return [
            Finding(
                False,
                f"[sources.argocd] is configured but {settings.token_env} is not set",
                f"set {settings.token_env} to {_FIX}.",
            )
        ]
    # The doctor answers now: a 5xx or a refused connection is a finding, never a wait.
    client = ArgoCDClient(settings.url, token, token_env=settings.token_env, max_wait=0.0)
    try:
        return argocd_findings(client, settings.applications, settings.token_env)
    finally:
        client.close()


ARGOCD = SourceSpec(
    key="argocd",
    title="Argo CD",
    settings=ArgoCDSourceConfig,
    env=(
        EnvVar(
            TOKEN_ENV,
            "an Argo CD API token (Bearer) whose account may get the applications",
            secret=True,
            setting="token_env",
        ),
    ),
    sources=_sources,
    findings=_findings,
)
