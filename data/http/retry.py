"""The one retry policy of every HTTP client, on tenacity: what is retried, how long, when to stop.

A client's ``send`` makes one try and raises ``Retryable`` when the try is worth
repeating: the server rate-limited it (``limited``, with the wait it asked for,
read from the vendor's headers by the client: the only part a client writes),
answered 5xx, or did not answer (a timeout, a refused or dropped connection).
``RetryPolicy.run`` repeats it:

- a rate limit waits as long as asked, else a backoff (``backoff``, 1 s unless set, doubling,
  at most 60 s), at most ``limit_waits`` times;
- a failure waits the backoff (or a ``Retry-After`` a 503 carries) and is tried at
  most ``attempts`` times, then its own sentence is raised;
- every wait of one request together stays within ``budget``: a rate limit asking
  for more ends the request at once in one sentence naming the host and when to
  try again, instead of holding a sync (or the doctor) past it.

A wait before a request (``pause``: a quota the last answer said is spent) keeps
to the same budget.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

import httpx
import structlog
import tenacity

__all__ = [
    "DEFAULT_BUDGET",
    "RetryPolicy",
    "Retryable",
    "host_of",
    "over_budget",
    "retry_after",
    "span",
]

log = structlog.get_logger(__name__)

T = TypeVar("T")

# An hour, the longest window a vendor documents (GitHub's and GitLab's primary limits),
# and a minute for their rounding: a reset due within it is waited for in full.
DEFAULT_BUDGET = 3660.0
_BACKOFF_MAX = 60.0


class Retryable(Exception):
    """One try worth repeating; ``sentence`` is what the user reads if the retries run out.

    ``limited``: the server rate-limited the request; ``wait`` is the seconds it
    asked for (``None``: it did not say, so the backoff). ``status`` is the HTTP
    status, ``None`` when no answer came.
    """

    def __init__(
        self,
        sentence: str,
        *,
        limited: bool = False,
        wait: float | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(sentence)
        self.sentence = sentence
        self.limited = limited
        self.wait = wait
        self.status = status


def retry_after(value: str | None, now: float) -> float | None:
    """Seconds a ``Retry-After`` header asks for: a number of seconds or an HTTP date."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


def host_of(url: str) -> str:
    """The host (and a port that is not the scheme's) a sentence names: ``api.github.com``."""
    parsed = httpx.URL(url)
    return f"{parsed.host}:{parsed.port}" if parsed.port else parsed.host


def span(seconds: float) -> str:
    """A wait as a reader says it: ``45 s``, ``12 min``, ``1 h 5 min``."""
    whole = round(seconds)
    if whole < 120:
        return f"{whole} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min" if minutes % 60 else f"{minutes // 60} h"


def over_budget(host: str, wait: float, budget: float, now: float) -> str:
    """The sentence a request ends in when a rate limit asks for more than its budget."""
    resume = datetime.fromtimestamp(now + wait, UTC).strftime("%H:%M")
    return (
        f"{host} is rate limiting riskbrief and asks it to wait {span(wait)}, past the "
        f"{span(budget)} one request may wait; try again after {resume} UTC, or let the "
        "next sync resume from the last checkpoint."
    )


def _backoff(first: float, count: int) -> float:
    # tenacity's own exponential wait, on the count of this kind of retry rather than of all.
    return min(_BACKOFF_MAX, first * 2.0 ** (count - 1))


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How every HTTP client retries; ``sleep`` and ``clock`` are seams for tests.

    ``budget`` is the most one request waits in all, ``attempts`` the tries of a
    request that gets no usable answer, ``limit_waits`` the rate limits waited
    out for one request, ``backoff`` the first wait of each kind when the server names
    none. ``on_wait`` hears of each wait before it is taken.
    """

    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time
    budget: float = DEFAULT_BUDGET
    attempts: int = 5
    limit_waits: int = 6
    backoff: float = 1.0
    on_wait: Callable[[float, Retryable], None] | None = field(default=None, compare=False)

    def run(self, url: str, send: Callable[[], T]) -> T:
        """``send()``'s answer, repeated while it raises ``Retryable`` as the policy allows.

        Raises the last ``Retryable`` when the tries run out; a rate limit past the
        budget raises one whose sentence is ``over_budget``'s.
        """
        counts = {True: 0, False: 0}

        def wait(state: tenacity.RetryCallState) -> float:
            exc = _retryable(state)
            counts[exc.limited] += 1
            if exc.wait is not None:
                return max(0.0, exc.wait)
            return _backoff(self.backoff, counts[exc.limited])

        def stop(state: tenacity.RetryCallState) -> bool:
            exc = _retryable(state)
            if exc.limited and counts[True] > self.limit_waits:
                return True
            if not exc.limited and counts[False] >= self.attempts:
                return True
            return state.idle_for + state.upcoming_sleep > self.budget

        def give_up(state: tenacity.RetryCallState) -> T:
            exc = _retryable(state)
            asked = state.upcoming_sleep
            if exc.limited and counts[True] <= self.limit_waits and asked > 0:
                raise Retryable(
                    over_budget(host_of(url), asked, self.budget, self.clock()),
                    limited=True,
                    wait=asked,
                    status=exc.status,
                ) from None
            raise exc

        def before_sleep(state: tenacity.RetryCallState) -> None:
            exc = _retryable(state)
            log.info(
                "http_retry",
                host=host_of(url),
                limited=exc.limited,
                status=exc.status,
                wait_seconds=round(state.upcoming_sleep, 1),
            )
            if self.on_wait is not None:
                self.on_wait(state.upcoming_sleep, exc)

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(Retryable),
            wait=wait,
            stop=stop,
            sleep=self.sleep,
            before_sleep=before_sleep,
            retry_error_callback=give_up,
        )
        return retrying(send)

    def pause(self, url: str, seconds: float, why: Retryable) -> None:
        """Wait ``seconds`` before a request (a quota spent), or end it when past the budget."""
        if seconds <= 0:
            return
        if seconds > self.budget:
            raise Retryable(
                over_budget(host_of(url), seconds, self.budget, self.clock()),
                limited=True,
                wait=seconds,
                status=why.status,
            )
        log.info("http_pause", host=host_of(url), wait_seconds=round(seconds, 1))
        if self.on_wait is not None:
            self.on_wait(seconds, why)
        self.sleep(seconds)


def _retryable(state: tenacity.RetryCallState) -> Retryable:
    exc = state.outcome.exception() if state.outcome is not None else None
    assert isinstance(exc, Retryable)
    return exc
