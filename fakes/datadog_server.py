"""A fake of Datadog's SLO history API (``GET /api/v1/slo/{slo_id}/history``) over real HTTP
on 127.0.0.1.

As Datadog documents it: ``from_ts`` and ``to_ts`` (Unix seconds) are required; the
answer is ``{"data": {...}, "errors": null}`` where ``data`` holds ``from_ts``,
``to_ts``, ``type``/``type_id`` (a metric SLO), ``thresholds`` keyed by timeframe
(``target``, ``target_display``, ``timeframe``), ``overall`` (``name``, ``preview``,
``sli_value``, ``span_precision``, ``precision`` and ``error_budget_remaining``, a
mapping of timeframe to the percent of budget left) and the ``series`` of numerator and
denominator. Both ``DD-API-KEY`` and ``DD-APPLICATION-KEY`` must match or the answer is
a 403 ``{"errors": ["Forbidden"]}``; an unknown SLO is a 404 and a bad window a 400,
each ``{"errors": [...]}``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fakes.http import Answer, FakeServer, FakeService, Request

__all__ = ["FakeDatadog", "FakeSlo"]


@dataclass
class FakeSlo:
    """A metric SLO: the percent of budget left over a window (``None``: no data in it)."""

    name: str
    budget: Callable[[int, int], float | None]
    timeframe: str = "30d"
    target: float = 99.9


class FakeDatadog(FakeService):
    """Datadog's SLO history for the SLOs it is given by id; use it as a context manager."""

    def __init__(self, api_key: str = "dd-api-key", app_key: str = "dd-app-key") -> None:
        self.api_key = api_key
        self.app_key = app_key
        self.slos: dict[str, FakeSlo] = {}
        self.server = FakeServer()
        self.server.add("GET", r"/api/v1/slo/(?P<slo>[^/]+)/history", self._history)

    def _history(self, request: Request, match: re.Match[str]) -> Answer:
        if (
            request.headers.get("dd-api-key") != self.api_key
            or request.headers.get("dd-application-key") != self.app_key
        ):
            return Answer(403, {"errors": ["Forbidden"]})
        slo = self.slos.get(match["slo"])
        if slo is None:
            return Answer(404, {"errors": ["SLO not found"]})
        try:
            start, end = int(request.query["from_ts"]), int(request.query["to_ts"])
        except (KeyError, ValueError):
            return Answer(400, {"errors": ["from_ts and to_ts are required integers"]})
        if end <= start:
            return Answer(400, {"errors": ["from_ts must be before to_ts"]})
        left = slo.budget(start, end)
        overall: dict[str, Any] = {
            "name": slo.name,
            "preview": False,
            "span_precision": 2,
            "precision": {slo.timeframe: 2},
            "errors": None,
        }
        if left is not None:
            # Budget left = (SLI - target) / (100 - target), as a percent of the budget.
            overall["sli_value"] = slo.target + (100 - slo.target) * left / 100
            overall["error_budget_remaining"] = {slo.timeframe: left}
        data = {
            "from_ts": start,
            "to_ts": end,
            "type": "metric",
            "type_id": 1,
            "thresholds": {
                slo.timeframe: {
                    "target": slo.target,
                    "target_display": f"{slo.target:.3f}",
                    "timeframe": slo.timeframe,
                }
            },
            "overall": overall,
            "series": {
                "numerator": {"count": 0, "sum": 0, "values": [], "metadata": {}},
                "denominator": {"count": 0, "sum": 0, "values": [], "metadata": {}},
                "times": [],
                "interval": 3600,
                "query": "sum:requests.ok{*}.as_count() / sum:requests{*}.as_count()",
                "res_type": "time_series",
                "resp_version": 2,
            },
        }
        return Answer(200, {"data": data, "errors": None})
