"""The ``[sources.prometheus]`` settings: which Prometheus, and the query of each service's budget.

A service's query gives its *remaining* error budget as a ratio (1: untouched, 0 or
below: spent). Unless ``queries`` names one for it, the query is ``query`` (or the
``convention``'s template) with ``{service}`` replaced by the service's key. The
templates follow the recording rules of Sloth (``slo:period_error_budget_remaining:ratio``,
labelled ``sloth_service``) and of Pyrra's generic rules (``pyrra_availability`` and
``pyrra_objective``, labelled ``slo``). This module imports nothing of the project, so
``data.config`` can hold it.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "CONVENTIONS",
    "PROMETHEUS_TOKEN_ENV",
    "PrometheusSourceConfig",
    "budget_query",
]

PROMETHEUS_TOKEN_ENV = "PROMETHEUS_TOKEN"

# Each convention's template for a service's remaining error budget, a ratio.
CONVENTIONS: dict[str, str] = {
    # Sloth's metadata rules record the budget left over the SLO's period.
    "sloth": 'slo:period_error_budget_remaining:ratio{sloth_service="{service}"}',
    # Pyrra's generic rules (its --generic-rules flag) record availability and objective;
    # the budget left is their gap over the budget, as Pyrra's own dashboards draw it.
    "pyrra": (
        '(pyrra_availability{slo="{service}"} - pyrra_objective{slo="{service}"})'
        ' / (1 - pyrra_objective{slo="{service}"})'
    ),
}

_PLACEHOLDER = "{service}"


class PrometheusSourceConfig(BaseModel):
    """Where Prometheus is and how to ask it each service's remaining error budget."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = Field(
        default="http://localhost:9090",
        pattern=r"^https?://\S+$",
        description="the Prometheus (or Thanos, Mimir) server's address, Prometheus's own "
        "by default; the HTTP API is `<url>/api/v1/query_range`",
    )
    token_env: str = Field(
        default=PROMETHEUS_TOKEN_ENV,
        pattern=r"^[A-Z_][A-Z0-9_]*$",
        description="the environment variable holding the access token; none is sent "
        "while it is unset",
    )
    convention: Literal["sloth", "pyrra"] = Field(
        default="sloth",
        description="whose recording rules the default query reads: `sloth` "
        '(`slo:period_error_budget_remaining:ratio{sloth_service="{service}"}`) or `pyrra` '
        '(`pyrra_availability` and `pyrra_objective` of `slo="{service}"`)',
    )
    query: str | None = Field(
        default=None,
        description="a PromQL template of the remaining error budget (a ratio, 0 or below: "
        "spent), `{service}` replaced by each service's key; unset: the convention's",
    )
    queries: dict[str, str] = Field(
        default_factory=dict,
        description="service key -> its own PromQL expression, read instead of the template",
    )
    services: tuple[str, ...] = Field(
        default=(),
        description="the `[[services]]` keys read (with those in `queries`); empty: every service",
    )
    step_minutes: int = Field(
        default=5,
        ge=1,
        le=1440,
        description="the resolution of the range queries: a spent budget's start and end "
        "are known to this many minutes",
    )
    since: date | None = Field(
        default=None, description="how far back the first sync reads (else `first_sync_days`)"
    )

    @field_validator("query")
    @classmethod
    def _template(cls, value: str | None) -> str | None:
        if value is not None and _PLACEHOLDER not in value:
            raise ValueError("must name {service}, replaced by each service's key")
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return value.rstrip("/")


def budget_query(settings: PrometheusSourceConfig, service: str) -> str:
    """The PromQL of ``service``'s remaining error budget under ``settings``."""
    own = settings.queries.get(service)
    if own is not None:
        return own
    template = settings.query or CONVENTIONS[settings.convention]
    # Not str.format: PromQL's label matchers are braces too.
    return template.replace(_PLACEHOLDER, service)
