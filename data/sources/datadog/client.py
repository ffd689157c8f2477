"""Datadog's SLO history (``GET /api/v1/slo/{slo_id}/history``) over httpx, with the
``DD-API-KEY`` and ``DD-APPLICATION-KEY`` headers, every refusal one sentence.

The history of ``from_ts`` to ``to_ts`` (Unix seconds) answers ``{"data": {"overall":
{"error_budget_remaining": {"<timeframe>": <percent>}, "sli_value": ...}, "thresholds":
{...}, ...}, "errors": [...]}``: the budget left, in percent of the SLO's, over that
window, for each of the SLO's threshold timeframes. A refusal is ``{"errors": [...]}``
with a 403 (a key refused), 404 (no such SLO) or 400.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Unpack

import httpx

from data.http.rest import ApiError, RestClient, Transport

__all__ = ["DatadogClient", "DatadogError", "budget_left"]

_TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class DatadogError(ApiError):
    """Datadog refused a request or answered something that is not its API's JSON."""


def _said(response: httpx.Response) -> str:
    """Datadog's own reason, from its ``errors`` list, in one line."""
    try:
        body = response.json()
    except ValueError:
        return ""
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, list) and errors:
        return " ".join(" ".join(str(e) for e in errors).split())[:200]
    return ""


def budget_left(body: Any, timeframe: str) -> float | None:
    """The remaining budget (percent) of ``timeframe`` in a history answer; ``None`` if none."""
    data = body.get("data") if isinstance(body, dict) else None
    overall = data.get("overall") if isinstance(data, dict) else None
    remaining = overall.get("error_budget_remaining") if isinstance(overall, dict) else None
    if not isinstance(remaining, dict):
        return None
    value = remaining.get(timeframe)
    if value is None and len(remaining) == 1:
        # An SLO with one threshold of another timeframe (or ``custom``): its only budget.
        (value,) = remaining.values()
    return float(value) if isinstance(value, int | float) else None


class DatadogClient(RestClient):
    """Requests to one Datadog site's API with an API key and an application key."""

    error = DatadogError
    follow_redirects = False
    timed_out = unreachable = (
        "cannot reach Datadog at {base_url} ({exc}); check url in [sources.datadog] and the "
        "network."
    )
    rate_limited = (
        "Datadog kept answering 429 Too Many Requests; the next sync resumes from the last "
        "checkpoint."
    )
    failed = "Datadog answered {status} to {what}; the next sync retries."
    not_json = (
        "Datadog's answer to {what} is not JSON; check url in [sources.datadog] (the API's "
        "address, e.g. https://api.datadoghq.com)."
    )

    def __init__(
        self,
        base_url: str,
        api_key: str,
        app_key: str,
        *,
        api_key_env: str = "DD_API_KEY",
        app_key_env: str = "DD_APP_KEY",
        **transport: Unpack[Transport],
    ) -> None:
        base = base_url.rstrip("/")
        transport.setdefault("timeout", _TIMEOUT)
        super().__init__(
            "Datadog",
            base,
            base,
            api_key,
            where="url in [sources.datadog]",
            token_env=api_key_env,
            **transport,
        )
        self._app_key = app_key
        self._app_key_env = app_key_env

    def _headers(self) -> dict[str, str]:
        return {
            "DD-API-KEY": self._token,
            "DD-APPLICATION-KEY": self._app_key,
            "Accept": "application/json",
            "User-Agent": "riskbrief",
        }

    def _limit_wait(self, response: httpx.Response) -> float | None:
        # Datadog says how long its rate limit lasts in X-RateLimit-Reset (seconds).
        reset = response.headers.get("x-ratelimit-reset")
        if reset and reset.isdigit():
            return float(reset)
        return super()._limit_wait(response)

    def _refusal(self, response: httpx.Response, url: str) -> DatadogError:
        status = response.status_code
        said = _said(response)
        if status in (401, 403):
            return DatadogError(
                f"Datadog refused the keys in {self._token_env} and {self._app_key_env} "
                f"({status}{': ' + said if said else ''}); set them to an API key and an "
                "application key with the slos_read scope.",
                status,
            )
        if status == 404:
            slo = url.split("/slo/")[-1].split("/")[0]
            return DatadogError(
                f"Datadog has no SLO {slo} (404); check slos in [sources.datadog] and the "
                "site in url.",
                404,
            )
        return DatadogError(
            f"Datadog refused {self._named(url)} ({status}{': ' + said if said else ''}).",
            status,
        )

    def history(self, slo_id: str, start: datetime, end: datetime) -> Any:
        """The SLO's history from ``start`` to ``end``, as Datadog answers it."""
        params = {"from_ts": int(start.timestamp()), "to_ts": int(end.timestamp())}
        return self.json(f"/api/v1/slo/{slo_id}/history", params)
