"""Prometheus declared to the app once: ``[sources.prometheus]``, its token variable, sync
and doctor.

Like every spec module it imports nothing heavy: the client and the source are imported
inside the functions that run them, so reading the registry loads neither.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from data.config.sources.prometheus import PROMETHEUS_TOKEN_ENV, PrometheusSourceConfig
from data.sources.spec import EnvVar, Finding, SourceContext, SourceSpec
from scoring.errors import ConfigError

if TYPE_CHECKING:
    from data.handoff import Source

__all__ = ["PROMETHEUS"]


def _services(settings: PrometheusSourceConfig, context: SourceContext) -> tuple[str, ...]:
    """The services read; a ``ConfigError`` naming one that riskbrief.toml does not define."""
    from data.sources.prometheus.source import services_read

    keys = [s.key for s in context.org.services]
    unknown = [k for k in (*settings.services, *settings.queries) if k not in keys]
    if unknown:
        raise ConfigError(
            f"riskbrief.toml: [sources.prometheus] names {unknown[0]!r}, which is no "
            "[[services]] key; use a service's key in services and queries."
        )
    return services_read(settings, keys)


def _sources(settings: PrometheusSourceConfig, context: SourceContext) -> Sequence[Source]:
    from data.sources.prometheus.client import PrometheusClient
    from data.sources.prometheus.source import PrometheusSource

    client = PrometheusClient(
        settings.url, context.value(settings.token_env), token_env=settings.token_env
    )
    return [PrometheusSource(settings, client, _services(settings, context))]


def _findings(settings: PrometheusSourceConfig, context: SourceContext) -> Sequence[Finding]:
    from data.sources.prometheus.client import PrometheusClient
    from data.sources.prometheus.doctor import prometheus_findings

    # The doctor answers now: a 5xx is a finding, never a wait.
    client = PrometheusClient(
        settings.url,
        context.value(settings.token_env),
        token_env=settings.token_env,
        max_wait=0.0,
    )
    try:
        return prometheus_findings(client, settings, _services(settings, context))
    finally:
        client.close()


PROMETHEUS = SourceSpec(
    key="prometheus",
    title="Prometheus",
    settings=PrometheusSourceConfig,
    env=(
        EnvVar(
            PROMETHEUS_TOKEN_ENV,
            "an access token the Prometheus server (or the proxy in front of it) takes, sent "
            "in the Authorization header; unset: none is sent",
            secret=True,
            setting="token_env",
        ),
    ),
    sources=_sources,
    findings=_findings,
)
