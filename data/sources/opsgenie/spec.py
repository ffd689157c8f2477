"""Opsgenie declared to the app once: ``[sources.opsgenie]``, ``OPSGENIE_API_KEY``, its sync.

Apart from ``data.sources.opsgenie.source`` (the client and the pass) for the same
reason as ``pagerduty_spec``; the settings model is ``opsgenie_settings``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from data.config.sources.opsgenie import (
    DEFAULT_OPSGENIE_URL,
    OpsgenieSourceConfig,
)
from data.sources.spec import EnvVar, SourceContext, SourceSpec
from scoring.errors import ConfigError

if TYPE_CHECKING:
    from data.handoff import Source

__all__ = ["DEFAULT_OPSGENIE_URL", "OPSGENIE", "OpsgenieSourceConfig"]


def _sources(settings: OpsgenieSourceConfig, context: SourceContext) -> Sequence[Source]:
    from data.sources.opsgenie.source import OpsgenieSource

    key = context.value("OPSGENIE_API_KEY")
    if key is None:
        raise ConfigError(
            "riskbrief.toml has [sources.opsgenie] but OPSGENIE_API_KEY is not set; "
            "set it to an Opsgenie API key with read access."
        )
    return [OpsgenieSource(settings, key, context.url("OPSGENIE_API_URL", DEFAULT_OPSGENIE_URL))]


OPSGENIE = SourceSpec(
    key="opsgenie",
    title="Opsgenie",
    settings=OpsgenieSourceConfig,
    env=(
        EnvVar("OPSGENIE_API_KEY", "an Opsgenie API key with read access", secret=True),
        EnvVar(
            "OPSGENIE_API_URL",
            "Opsgenie's API base URL; EU accounts use `https://api.eu.opsgenie.com`",
            default=f"`{DEFAULT_OPSGENIE_URL}`",
        ),
    ),
    sources=_sources,
)
