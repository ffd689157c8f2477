"""The fixed instants a test travels to when its outcome would depend on the day it runs.

A test whose data is dated relative to "now", or which runs a command that reads the
clock (``brief`` briefs the last complete week, a first ``sync`` reads 90 days back,
``quickstart`` briefs the week before today), pins the wall clock with ``pinned_clock``
and dates its data from the same instant: it then gives the same result on every day
and hour it runs. Commands the test starts as new processes keep the real clock, so
their data is dated from the real one instead. ``make clock-check`` runs the tests that
touch dates under libfaketime at a Sunday night to prove none of them still reads it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import time_machine

__all__ = ["THURSDAY", "pinned_clock"]

# The day and hour the suite first failed (issue 39): data dated three days back then fell
# in the running week, not the last complete one.
THURSDAY = datetime(2026, 11, 26, 0, 5, tzinfo=UTC)


@contextmanager
def pinned_clock(at: datetime = THURSDAY) -> Iterator[datetime]:
    """The process's wall clock at ``at`` and ticking from there, for the ``with`` block."""
    with time_machine.travel(at, tick=True):
        yield at
