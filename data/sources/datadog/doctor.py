"""What ``riskbrief doctor`` checks of Datadog: the keys, and a budget from each service's SLO.

Each SLO's history over its ``timeframe`` up to now is asked for; a service whose SLO
gives no remaining budget of that timeframe is named, since its budget would never be read.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from data.config.sources.datadog import DatadogSourceConfig
from data.sources.datadog.client import DatadogClient, DatadogError, budget_left
from data.sources.datadog.source import TIMEFRAMES
from data.sources.spec import Finding

__all__ = ["datadog_findings"]


def datadog_findings(
    client: DatadogClient, settings: DatadogSourceConfig, slos: Mapping[str, str]
) -> list[Finding]:
    """Whether each service's SLO gives a number; a refused key ends the checks."""
    if not slos:
        return [
            Finding(
                False,
                "[sources.datadog] maps no service to an SLO",
                'add slos = { <service> = "<SLO id>" } to [sources.datadog]',
            )
        ]
    now = datetime.now(UTC)
    numbered: list[str] = []
    silent: list[str] = []
    for service, slo in slos.items():
        try:
            body = client.history(slo, now - TIMEFRAMES[settings.timeframe], now)
        except DatadogError as exc:
            if exc.status in (401, 403):
                return [Finding(False, str(exc), "check the keys' variables in [sources.datadog]")]
            silent.append(f"{service} ({exc})")
            continue
        left = budget_left(body, settings.timeframe)
        (numbered if left is not None else silent).append(service)
    found: list[Finding] = []
    if numbered:
        found.append(
            Finding(True, f"Datadog gives a remaining error budget for {', '.join(numbered)}")
        )
    if silent:
        found.append(
            Finding(
                False,
                f"Datadog's SLO history returns no {settings.timeframe} budget for "
                f"{', '.join(silent)}",
                "check each SLO id in slos and that the SLO has a threshold of timeframe in "
                "[sources.datadog]",
            )
        )
    return found
