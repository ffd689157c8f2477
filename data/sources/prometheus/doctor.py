"""What ``riskbrief doctor`` checks of Prometheus: that it answers, and a number per service.

Each service's query is run over the last hour; a service whose query gives no number
there (no series, or only NaN) is named, since its budget would never be read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from data.config.sources.prometheus import PrometheusSourceConfig, budget_query
from data.sources.prometheus.client import PrometheusClient, PrometheusError
from data.sources.spec import Finding

__all__ = ["prometheus_findings"]

_LOOKBACK = timedelta(hours=1)


def prometheus_findings(
    client: PrometheusClient, settings: PrometheusSourceConfig, services: Sequence[str]
) -> list[Finding]:
    """Whether each service's query returns a number; the first refusal ends the checks."""
    if not services:
        return [
            Finding(
                False,
                "[sources.prometheus] reads no service",
                "add [[services]] to riskbrief.toml, or name them in services or queries",
            )
        ]
    now = datetime.now(UTC)
    step = settings.step_minutes * 60
    numbered: list[str] = []
    silent: list[str] = []
    for service in services:
        try:
            series = client.query_range(
                budget_query(settings, service), now - _LOOKBACK, now, step, service
            )
        except PrometheusError as exc:
            return [
                Finding(
                    False,
                    str(exc).rstrip("."),
                    "check url, token_env and the query in [sources.prometheus]",
                )
            ]
        (numbered if any(s.samples for s in series) else silent).append(service)
    found: list[Finding] = []
    if numbered:
        found.append(
            Finding(
                True,
                f"Prometheus at {client.base_url} gives a remaining error budget for "
                f"{', '.join(numbered)}",
            )
        )
    if silent:
        found.append(
            Finding(
                False,
                f"Prometheus's budget query returns nothing for {', '.join(silent)}",
                f"check that the {settings.convention} recording rules are loaded, or give "
                "these services their own queries in [sources.prometheus]",
            )
        )
    return found
