"""What is larger than a service makes: a change's size against its service's own sizes.

A change's lines of code spread about a factor of *e* or more around its service's median:
sizes are close to log-normal. So a service's sizes over the baseline weeks are read as the
mean and spread of their logarithms, and a change is larger than its service makes when one
more change of that service reaches its size less often than ``SIZE_CHANCE``: the upper bound
of the predictive interval for one more draw (Student's *t*, the spread being known only from
those changes). The largest change alone was the yardstick before: of a few dozen changes it
wanders by a factor of two from one service's eight weeks to another's (168 lines in one, 371
in the next), so "twice the largest" called a 400-line change unusual where the service's own
sizes make one in a few hundred that large.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from statistics import NormalDist, fmean, stdev

from scoring.weekly import WeekChange

__all__ = [
    "LARGE_CHANGE_GATE",
    "SIZE_CHANCE",
    "SIZE_MIN_CHANGES",
    "SizeNorm",
    "larger_than_usual",
    "own_sizes",
    "t_quantile",
]

# The gate of a change larger than one review takes in (``scoring.risk``).
LARGE_CHANGE_GATE = "large_change"
# How rarely one more change of a service may reach a size for it to be larger than the service
# makes: once in a thousand changes. A deploy ships a few changes and a steady incident follows
# one deploy in a few dozen, so an incident after such a change is a coincidence once in
# thousands of deploys.
SIZE_CHANCE = 0.001
# How many changes of known size a service needs over the baseline weeks before a size is
# judged against them: fewer say too little of its spread (the bound would be the *t* law's
# tail, not the service's sizes).
SIZE_MIN_CHANGES = 10


def t_quantile(p: float, dof: int) -> float:
    """The ``p`` quantile of Student's *t* with ``dof`` degrees of freedom (``dof`` ≥ 1), by Hill's
    expansion of the normal quantile (exact to 0.01 from 9 degrees of freedom at p = 0.999)."""
    z = NormalDist().inv_cdf(p)
    n = float(dof)
    return (
        z
        + (z**3 + z) / (4 * n)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * n**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * n**3)
    )


@dataclass(frozen=True, slots=True)
class SizeNorm:
    """A service's change sizes over the baseline weeks, as a log-normal: how many changes, and
    the mean and spread (sample standard deviation) of the logarithm of their lines of code."""

    changes: int
    mean: float
    spread: float

    @staticmethod
    def of(lines: Iterable[int]) -> SizeNorm | None:
        """The norm of these sizes; ``None`` with fewer than ``SIZE_MIN_CHANGES`` of them."""
        logs = [math.log(max(1, n)) for n in lines]
        if len(logs) < SIZE_MIN_CHANGES:
            return None
        return SizeNorm(len(logs), fmean(logs), stdev(logs))

    @property
    def bound(self) -> float:
        """The lines of code one more change of the service reaches less often than
        ``SIZE_CHANCE``: the upper predictive bound of its log-normal."""
        n = self.changes
        t = t_quantile(1 - SIZE_CHANCE, n - 1)
        return math.exp(self.mean + t * self.spread * math.sqrt(1 + 1 / n))


def own_sizes(changes: Iterable[WeekChange]) -> dict[str | None, SizeNorm]:
    """Each service's size norm over ``changes`` (the baseline weeks'), among those whose size is
    known; services with fewer than ``SIZE_MIN_CHANGES`` of them have none."""
    lines: dict[str | None, list[int]] = {}
    for c in changes:
        if c.source_lines is not None:
            lines.setdefault(c.service, []).append(c.source_lines)
    norms = {s: SizeNorm.of(v) for s, v in lines.items()}
    return {s: norm for s, norm in norms.items() if norm is not None}


def larger_than_usual(c: WeekChange, sizes: Mapping[str | None, SizeNorm]) -> bool:
    """Whether ``c`` went through the large-change gate at a size its service's own changes over
    the baseline weeks (``own_sizes``) reach less often than ``SIZE_CHANCE``: a 1,500-line
    release where the service's changes are a few dozen lines is unusual for it, though a
    400-line change a month earlier took the same gate. Unknown sizes, and services without
    enough changes to judge by, say no."""
    if LARGE_CHANGE_GATE not in c.gates or c.source_lines is None or c.service not in sizes:
        return False
    return c.source_lines >= sizes[c.service].bound
