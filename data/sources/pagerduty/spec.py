"""PagerDuty declared to the app once: ``[sources.pagerduty]``, ``PAGERDUTY_TOKEN``, its sync.

The spec lives apart from ``data.sources.pagerduty.source`` (the client and the windowed
pass, which import httpx and the store), so that reading the registry loads
neither; the settings model is ``pagerduty_settings``, which ``data.config`` reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from data.config.sources.pagerduty import (
    DEFAULT_PAGERDUTY_URL,
    PagerDutySourceConfig,
)
from data.sources.spec import EnvVar, SourceContext, SourceSpec
from scoring.errors import ConfigError

if TYPE_CHECKING:
    from data.handoff import Source

__all__ = ["DEFAULT_PAGERDUTY_URL", "PAGERDUTY", "PagerDutySourceConfig"]


def _sources(settings: PagerDutySourceConfig, context: SourceContext) -> Sequence[Source]:
    from data.sources.pagerduty.source import PagerDutySource

    token = context.value("PAGERDUTY_TOKEN")
    if token is None:
        raise ConfigError(
            "riskbrief.toml has [sources.pagerduty] but PAGERDUTY_TOKEN is not set; "
            "set it to a PagerDuty REST API key."
        )
    return [
        PagerDutySource(settings, token, context.url("PAGERDUTY_API_URL", DEFAULT_PAGERDUTY_URL))
    ]


PAGERDUTY = SourceSpec(
    key="pagerduty",
    title="PagerDuty",
    settings=PagerDutySourceConfig,
    env=(
        EnvVar("PAGERDUTY_TOKEN", "a PagerDuty REST API key (read-only is enough)", secret=True),
        EnvVar(
            "PAGERDUTY_API_URL",
            "PagerDuty's REST API base URL; another one only for a fake",
            default=f"`{DEFAULT_PAGERDUTY_URL}`",
        ),
    ),
    sources=_sources,
)
