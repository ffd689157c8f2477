"""A fake Prometheus HTTP API (``GET /api/v1/query_range``) over real HTTP on 127.0.0.1.

It knows series by their query's text (``series[query]``: each a label set and a
function of time giving the value, ``None`` for no sample) and answers as Prometheus
documents: ``start``/``end`` as Unix seconds or RFC 3339, ``step`` as seconds or a
duration (``5m``); evaluation at ``start + k*step`` up to ``end``; more than 11,000
points per series is a 400 ``bad_data``; values as strings (``"NaN"`` included); a
query it does not know parses as PromQL would not (``bad_data``) when it has ``!!``,
and otherwise has no series (an empty matrix). ``token`` set, a request without
``Authorization: Bearer <token>`` gets the 401 a proxy in front of Prometheus answers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fakes.http import Answer, FakeServer, FakeService, Request

__all__ = ["FakePrometheus", "FakeSeries"]

_MAX_POINTS = 11_000
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}


@dataclass
class FakeSeries:
    """One series: its labels and its value at a Unix time (``None``: no sample then)."""

    labels: Mapping[str, str]
    value: Callable[[float], float | None]


def _error(status: int, kind: str, message: str) -> Answer:
    return Answer(status, {"status": "error", "errorType": kind, "error": message})


def _time(raw: str | None, name: str) -> float:
    if raw is None:
        raise ValueError(f'invalid parameter "{name}": cannot parse "" to a valid timestamp')
    try:
        return float(raw)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise ValueError(
            f'invalid parameter "{name}": cannot parse "{raw}" to a valid timestamp'
        ) from None


def _step(raw: str | None) -> float:
    if raw is None:
        raise ValueError('invalid parameter "step": cannot parse "" to a valid duration')
    try:
        return float(raw)
    except ValueError:
        pass
    parts = re.findall(r"(\d+)(ms|s|m|h|d|w|y)", raw)
    if not parts or "".join(n + u for n, u in parts) != raw:
        raise ValueError(f'invalid parameter "step": cannot parse "{raw}" to a valid duration')
    return sum(int(n) * _UNITS[u] for n, u in parts)


def _number(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(value) if value != int(value) else str(int(value))


class FakePrometheus(FakeService):
    """Prometheus's query API over the series it is given; use it as a context manager."""

    def __init__(self, token: str | None = None) -> None:
        self.token = token
        self.series: dict[str, list[FakeSeries]] = {}
        self.server = FakeServer()
        self.server.add("GET", r"/api/v1/query_range", self._query_range)
        self.server.add("POST", r"/api/v1/query_range", self._query_range)

    def _refused(self, request: Request) -> Answer | None:
        if self.token is None:
            return None
        if request.headers.get("authorization") != f"Bearer {self.token}":
            # What an authenticating proxy answers, as text: it is not Prometheus's JSON.
            return Answer(401, raw=b"Unauthorized\n", headers={"Content-Type": "text/plain"})
        return None

    def _query_range(self, request: Request, _match: re.Match[str]) -> Answer:
        if refused := self._refused(request):
            return refused
        query = request.query.get("query")
        if not query:
            return _error(400, "bad_data", 'invalid parameter "query": parse error: no expression')
        try:
            start = _time(request.query.get("start"), "start")
            end = _time(request.query.get("end"), "end")
            step = _step(request.query.get("step"))
        except ValueError as exc:
            return _error(400, "bad_data", str(exc))
        if end < start:
            return _error(400, "bad_data", "end timestamp must not be before start time")
        if step <= 0:
            return _error(
                400,
                "bad_data",
                "zero or negative query resolution step widths are not accepted. "
                "Try a positive integer",
            )
        if (end - start) / step > _MAX_POINTS:
            return _error(
                400,
                "bad_data",
                "exceeded maximum resolution of 11,000 points per timeseries. "
                "Try decreasing the query resolution (?step=XX)",
            )
        if "!!" in query:
            return _error(400, "bad_data", f'invalid parameter "query": 1:1: parse error: {query}')
        times: list[float] = []
        t = start
        while t <= end:
            times.append(t)
            t += step
        result: list[dict[str, Any]] = []
        for series in self.series.get(query, []):
            values = [[ts, _number(v)] for ts in times if (v := series.value(ts)) is not None]
            if values:
                result.append({"metric": dict(series.labels), "values": values})
        return Answer(
            200, {"status": "success", "data": {"resultType": "matrix", "result": result}}
        )
