"""Linear declared to the app once: ``[sources.linear]``, its API key, its sync and doctor.

Like every spec module it imports only the settings model; the client, the
source and the doctor checks are imported inside the functions that run them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from data.config.sources.linear import TOKEN_ENV, LinearSourceConfig
from data.sources.spec import EnvVar, Finding, SourceContext, SourceSpec

if TYPE_CHECKING:
    from data.handoff import Source

__all__ = ["LINEAR"]

_DOCTOR_TIMEOUT = 10.0


def _sources(settings: LinearSourceConfig, context: SourceContext) -> Sequence[Source]:
    from data.sources.linear.source import linear_sources

    return linear_sources(settings, context.org, context.environ)


def _findings(settings: LinearSourceConfig, context: SourceContext) -> Sequence[Finding]:
    from data.sources.linear.client import LinearClient
    from data.sources.linear.doctor import linear_findings

    key = context.value(settings.token_env)
    if key is None:
        return [
            Finding(
                False,
                f"[sources.linear] is configured but {settings.token_env} is not set",
                f"set {settings.token_env} to a personal API key (Linear, Settings, "
                "Security & access)",
            )
        ]
    client = LinearClient(
        settings.api_url,
        key,
        token_env=settings.token_env,
        timeout=_DOCTOR_TIMEOUT,
        max_wait=0.0,
    )
    try:
        return linear_findings(client, settings.teams, settings.token_env)
    finally:
        client.close()


LINEAR = SourceSpec(
    key="linear",
    title="Linear",
    settings=LinearSourceConfig,
    env=(
        EnvVar(
            TOKEN_ENV,
            "a Linear personal API key (Settings, Security & access)",
            secret=True,
            setting="token_env",
        ),
    ),
    sources=_sources,
    findings=_findings,
)
