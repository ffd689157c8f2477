"""GitHub's rate limits: how long each asks to wait, and the waits taken.

- Primary limit: a 403/429 with ``x-ratelimit-remaining: 0`` waits until
  ``x-ratelimit-reset``; so does a GraphQL answer whose ``rateLimit.remaining``
  is 0 (``RateLimits.note``).
- Secondary limits: a 403/429 with ``retry-after`` waits that long; without
  it, 60 s doubling on each repeat (GitHub asks for at least a minute), until an
  answer settles the streak.

This module only reads how long each limit asks for; the waits are taken by the
one retry policy (``data.http.retry``), within its budget.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import httpx

from data.http.retry import retry_after
from data.sources.times import TimeFormatError, parse_time

__all__ = ["LimitHit", "RateLimits"]

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
    """The limits one client has met: how long each asks for, and the secondary streak.

    ``clock`` is a seam for tests.
    """

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._secondary_streak = 0
        # Waits taken for limits, for tests and the sync log.
        self.waits: list[tuple[str, float]] = []

    def secondary(self, after: str | None) -> LimitHit:
        """A secondary limit: ``retry-after`` when given, else a wait doubling on each repeat."""
        seconds = retry_after(after, self._clock())
        if seconds is None:
            seconds = _SECONDARY_BASE_WAIT * 2**self._secondary_streak
        self._secondary_streak += 1
        return LimitHit(seconds, "secondary")

    def settle(self) -> None:
        """An answer got through: the next secondary limit starts from the base wait."""
        self._secondary_streak = 0

    def note(self, rate_limit: Mapping[str, Any] | None) -> LimitHit | None:
        """The wait for the reset when a GraphQL ``rateLimit`` says nothing remains."""
        if not rate_limit or rate_limit.get("remaining", 1) > 0:
            return None
        reset_at = rate_limit.get("resetAt")
        try:
            reset = parse_time(reset_at, "resetAt", naive_is_utc=True)
        except TimeFormatError:
            return None
        return LimitHit(max(1.0, reset.timestamp() - self._clock() + 1), "primary")

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
