"""The wall clock: the one place riskbrief reads the time of day.

``scoring`` never reads a clock (time is passed in). Commands, servers and the
scheduler read ``utcnow`` once per run or request and hand the time down, and a
long-lived part (a source, an endpoint, the Slack app) takes a ``Clock`` whose
default is ``utcnow``, so a test can give it another. Stdlib only: the command
line imports it before it knows whether the store is needed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

__all__ = ["Clock", "utcnow"]

# Where "now" comes from, for the parts that take it as a seam.
Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)
