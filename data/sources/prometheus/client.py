"""Prometheus's HTTP API over httpx: ``/api/v1/query_range``, an optional bearer token, and
every failure one sentence: a ``RestClient`` (``data.http.rest``) with Prometheus's answers.

Prometheus answers ``{"status": "success", "data": {"resultType": "matrix", "result":
[{"metric": {...}, "values": [[<unix time>, "<value>"], ...]}]}}``; a query it cannot
run is ``{"status": "error", "errorType": ..., "error": ...}`` with a 400 (bad query),
422 (cannot be executed) or 503 (timed out). Prometheus itself asks for no token; the
proxies in front of it (and Grafana Cloud, Mimir, Thanos behind a gateway) answer a
missing or wrong one with 401 or 403.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Unpack

import httpx

from data.http.rest import ApiError, RestClient, Transport
from data.sources.budget_spans import BudgetSample

__all__ = ["PrometheusClient", "PrometheusError", "Series"]

_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
# Prometheus refuses a range query of more than 11,000 points per series.
MAX_POINTS = 10_000


class PrometheusError(ApiError):
    """Prometheus refused a query, failed it, or answered something that is not its API."""


@dataclass(frozen=True, slots=True)
class Series:
    """One series of a range query's matrix: its labels and its samples in time order."""

    labels: Mapping[str, str]
    samples: tuple[BudgetSample, ...]


def _value(raw: Any) -> float | None:
    """A sample's value (a string, as Prometheus sends it); ``None`` for NaN or not a number."""
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    # NaN is "no traffic to judge by" (a ratio of nothing); it neither spends nor restores.
    return None if math.isnan(value) else value


def _series(raw: Any) -> Series | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("values"), list):
        return None
    metric = raw.get("metric")
    labels: dict[Any, Any] = metric if isinstance(metric, dict) else {}
    samples: list[BudgetSample] = []
    for pair in raw["values"]:
        if not isinstance(pair, list) or len(pair) != 2:
            continue
        stamp, value = pair[0], _value(pair[1])
        if not isinstance(stamp, int | float) or value is None:
            continue
        samples.append(BudgetSample(datetime.fromtimestamp(stamp, UTC), value))
    return Series({str(k): str(v) for k, v in labels.items()}, tuple(samples))


class PrometheusClient(RestClient):
    """Range queries to one Prometheus, with a bearer token when there is one."""

    error = PrometheusError
    # A 3xx is read, not followed: an address that redirects to a login page is not the API.
    follow_redirects = False
    timed_out = unreachable = (
        "cannot reach Prometheus at {base_url} ({exc}); check url in [sources.prometheus] "
        "and the network."
    )
    rate_limited = failed = (
        "Prometheus at {base_url} answered {status} to a range query; the next sync retries."
    )
    not_json = (
        "Prometheus's answer at {base_url} is not JSON; check url in [sources.prometheus] "
        "(the server's address, without /api/v1)."
    )

    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        token_env: str = "PROMETHEUS_TOKEN",
        **transport: Unpack[Transport],
    ) -> None:
        base = base_url.rstrip("/")
        transport.setdefault("timeout", _TIMEOUT)
        super().__init__(
            "Prometheus",
            base,
            base,
            token or "",
            where="url in [sources.prometheus]",
            token_env=token_env,
            **transport,
        )

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": "riskbrief"}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        return headers

    def _refusal(self, response: httpx.Response, url: str) -> PrometheusError:
        status = response.status_code
        if status in (401, 403):
            if not self._token:
                return PrometheusError(
                    f"Prometheus at {self.base_url} asks for a token ({status}); set "
                    f"{self._token_env} to an access token it takes.",
                    status,
                )
            return PrometheusError(
                f"Prometheus at {self.base_url} refused the token in {self._token_env} "
                f"({status}); set it to an access token the server takes.",
                status,
            )
        if status == 404:
            return PrometheusError(
                f"Prometheus at {self.base_url} has no /api/v1/query_range (404); check url "
                "in [sources.prometheus] (the server's address, without /api/v1).",
                404,
            )
        return PrometheusError(self._refused_query(response), status)

    def _refused_query(self, response: httpx.Response) -> str:
        """The sentence for a query Prometheus would not run, with its own reason."""
        try:
            body = response.json()
        except ValueError:
            body = None
        return self._error_sentence(body, response.status_code)

    @staticmethod
    def _error_sentence(body: Any, status: int) -> str:
        kind = reason = None
        if isinstance(body, dict):
            kind, reason = body.get("errorType"), body.get("error")
        said = f"{kind}: {reason}" if kind and reason else str(reason or kind or status)
        # Prometheus's reasons are one line; a very long one is cut so the sentence stays one.
        said = " ".join(said.split())[:300]
        return f"Prometheus refused the query ({said})"

    def query_range(
        self, query: str, start: datetime, end: datetime, step_seconds: int, service: str
    ) -> list[Series]:
        """The series ``query`` gives from ``start`` to ``end``, every ``step_seconds``."""
        params = {
            "query": query,
            "start": f"{start.timestamp():.3f}",
            "end": f"{end.timestamp():.3f}",
            "step": str(step_seconds),
        }
        try:
            body = self.json("/api/v1/query_range", params)
        except PrometheusError as exc:
            if exc.status in (400, 422):
                raise PrometheusError(
                    f"{exc} for {service}; check its query in [sources.prometheus].", exc.status
                ) from None
            raise
        if not isinstance(body, dict) or body.get("status") != "success":
            # A 200 saying "error" comes from proxies that keep Prometheus's body.
            raise PrometheusError(
                f"{self._error_sentence(body, 200)} for {service}; check its query in "
                "[sources.prometheus]."
            )
        data = body.get("data")
        if not isinstance(data, dict) or data.get("resultType") != "matrix":
            kind = data.get("resultType") if isinstance(data, dict) else None
            raise PrometheusError(
                f"Prometheus answered the query for {service} with a {kind or 'malformed'} "
                "result, not a matrix; check url in [sources.prometheus]."
            )
        result = data.get("result")
        return [s for s in (_series(r) for r in (result or [])) if s is not None]
