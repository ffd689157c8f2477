"""GitHub's rate limits: how long each asks to wait, and the waits taken.

- Primary limit: a 403/429 with ``x-ratelimit-remaining: 0`` waits until
  ``x-ratelimit-reset``; so does a GraphQL answer whose ``rateLimit.remaining``
  is 0 (``RateLimits.note``).
- Secondary limits: a 403/429 with ``retry-after`` waits that long; without
  it, 60 s doubling on each repeat, until an answer settles the streak.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import httpx
import structlog

from data.sources.times import TimeFormatError, parse_time

__all__ = ["LimitHit", "RateLimits"]

log = structlog.get_logger(__name__)

_SECONDARY_BASE_WAIT = 60.0


class LimitHit(Exception):
    """A rate limit said to wait ``seconds`` before asking again."""

    def __init__(self, seconds: float, kind: str) -> None:
        super().__init__(f"{kind} rate limit: wait {seconds:.0f} s")
        self.seconds = seconds
        self.kind = kind


def _reset_wait(headers: Mapping[str, str], now: float) -> float | None:
    reset = headers.get("x-ratelimit-reset")
    if headers.get("x-ratelimit-remaining") == "0" and reset and reset.isdigit():
        return max(1.0, int(reset) - now + 1)
    return None


class RateLimits:
    """The limits one client has met: waits them out and remembers the secondary streak.

    ``sleep`` and ``clock`` are seams for tests; ``max_wait`` caps one wait.
    """

    def __init__(
        self, sleep: Callable[[float], None], clock: Callable[[], float], max_wait: float
    ) -> None:
        self._sleep = sleep
        self._clock = clock
        self._max_wait = max_wait
        self._secondary_streak = 0
        # Waits taken for limits, for tests and the sync log.
        self.waits: list[tuple[str, float]] = []

    def wait(self, hit: LimitHit) -> None:
        """Sleep as long as ``hit`` asks, up to ``max_wait``."""
        seconds = min(hit.seconds, self._max_wait)
        log.info("github_rate_limited", kind=hit.kind, wait_seconds=round(seconds, 1))
        self.waits.append((hit.kind, seconds))
        self._sleep(seconds)

    def secondary(self, retry_after: str | None) -> LimitHit:
        """A secondary limit: ``retry-after`` when given, else a wait doubling on each repeat."""
        if retry_after and retry_after.strip().isdigit():
            seconds = float(retry_after)
        else:
            seconds = _SECONDARY_BASE_WAIT * 2**self._secondary_streak
        self._secondary_streak += 1
        return LimitHit(seconds, "secondary")

    def settle(self) -> None:
        """An answer got through: the next secondary limit starts from the base wait."""
        self._secondary_streak = 0

    def note(self, rate_limit: Mapping[str, Any] | None) -> None:
        """Wait for the reset now when a GraphQL ``rateLimit`` says nothing remains."""
        if not rate_limit or rate_limit.get("remaining", 1) > 0:
            return
        reset_at = rate_limit.get("resetAt")
        try:
            reset = parse_time(reset_at, "resetAt", naive_is_utc=True)
        except TimeFormatError:
            return
        seconds = max(1.0, reset.timestamp() - self._clock() + 1)
        self.wait(LimitHit(seconds, "primary"))

    def hit_of(self, response: httpx.Response) -> LimitHit | None:
        """The limit a 403/429 answer reports, if it is one."""
        if response.status_code not in (403, 429):
            return None
        primary = _reset_wait(response.headers, self._clock())
        if primary is not None:
            return LimitHit(primary, "primary")
        retry_after = response.headers.get("retry-after")
        text = response.text.lower()
        if retry_after or response.status_code == 429 or "secondary rate limit" in text:
            return self.secondary(retry_after)
        if "rate limit" in text:
            return LimitHit(_SECONDARY_BASE_WAIT, "primary")
        return None
