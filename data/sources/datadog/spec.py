"""Datadog declared to the app once: ``[sources.datadog]``, its keys' variables, sync and doctor.

Like every spec module it imports nothing heavy: the client and the source are imported
inside the functions that run them, so reading the registry loads neither.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from data.config.sources.datadog import API_KEY_ENV, APP_KEY_ENV, DatadogSourceConfig
from data.sources.spec import EnvVar, Finding, SourceContext, SourceSpec
from scoring.errors import ConfigError

if TYPE_CHECKING:
    from data.handoff import Source
    from data.sources.datadog.client import DatadogClient

__all__ = ["DATADOG"]


def _missing(settings: DatadogSourceConfig, context: SourceContext) -> str | None:
    """The key variables that are unset, as one phrase, else ``None``."""
    unset = [
        name for name in (settings.api_key_env, settings.app_key_env) if context.value(name) is None
    ]
    return " and ".join(unset) or None


def _client(
    settings: DatadogSourceConfig, context: SourceContext, max_wait: float | None = None
) -> DatadogClient:
    from data.http.rest import Transport
    from data.sources.datadog.client import DatadogClient

    transport: Transport = {} if max_wait is None else {"max_wait": max_wait}
    return DatadogClient(
        settings.url,
        context.value(settings.api_key_env) or "",
        context.value(settings.app_key_env) or "",
        api_key_env=settings.api_key_env,
        app_key_env=settings.app_key_env,
        **transport,
    )


def _check_services(settings: DatadogSourceConfig, context: SourceContext) -> None:
    """A ``ConfigError`` naming a key of ``slos`` that riskbrief.toml defines no service of."""
    keys = {s.key for s in context.org.services}
    unknown = [k for k in settings.slos if k not in keys]
    if unknown:
        raise ConfigError(
            f"riskbrief.toml: [sources.datadog] slos names {unknown[0]!r}, which is no "
            "[[services]] key; map each service's key to its SLO id."
        )


def _sources(settings: DatadogSourceConfig, context: SourceContext) -> Sequence[Source]:
    from data.sources.datadog.source import DatadogSource

    _check_services(settings, context)

    unset = _missing(settings, context)
    if unset is not None:
        raise ConfigError(
            f"riskbrief.toml has [sources.datadog] but {unset} is not set; set "
            f"{settings.api_key_env} to a Datadog API key and {settings.app_key_env} to an "
            "application key with the slos_read scope."
        )
    if not settings.slos:
        raise ConfigError(
            "riskbrief.toml: sources.datadog.slos is empty; map each service key to its "
            'SLO id, e.g. slos = { checkout = "<SLO id>" }.'
        )
    return [DatadogSource(settings, _client(settings, context), settings.slos)]


def _findings(settings: DatadogSourceConfig, context: SourceContext) -> Sequence[Finding]:
    from data.sources.datadog.doctor import datadog_findings

    _check_services(settings, context)
    unset = _missing(settings, context)
    if unset is not None:
        return [
            Finding(
                False,
                f"[sources.datadog] is configured but {unset} is not set",
                f"set {settings.api_key_env} to a Datadog API key and {settings.app_key_env} "
                "to an application key with the slos_read scope.",
            )
        ]
    # The doctor answers now: a 5xx is a finding, never a wait.
    client = _client(settings, context, max_wait=0.0)
    try:
        return datadog_findings(client, settings, settings.slos)
    finally:
        client.close()


DATADOG = SourceSpec(
    key="datadog",
    title="Datadog",
    settings=DatadogSourceConfig,
    env=(
        EnvVar(API_KEY_ENV, "a Datadog API key", secret=True, setting="api_key_env"),
        EnvVar(
            APP_KEY_ENV,
            "a Datadog application key with the `slos_read` scope",
            secret=True,
            setting="app_key_env",
        ),
    ),
    sources=_sources,
    findings=_findings,
)
