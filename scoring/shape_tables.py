"""A fitted shape's points kept by the value its feature is read from: the scorer's look-ups.

``ShapeTable`` keeps a shape's points at the whole counts most changes repeat, ``RankTable``
at the running ranks (``scoring.running_rank``) a window repeats; each gives the very float
``Shape.points`` would (``scoring.model_features.FittedShares`` reads them).
"""

from __future__ import annotations

import math
from bisect import bisect_right

from scoring.model import Shape

__all__ = ["RankTable", "ShapeTable"]


# A shape's points are kept for whole feature values below this: lines, files, changes and
# fixes of most changes are small counts that repeat, and the table stays small (a few
# hundred kB a shape at most: a larger one, read at random, is slower than the logarithm).
# Larger or fractional values are worked out each time.
_TABLE_BELOW = 4096


def _first_count_past(knot: float) -> float:
    """A count from which on ``log_count`` is past ``knot`` for any count, whole or not: one
    more than the least whole count whose ``log1p`` reaches it (a step of one count moves
    ``log1p`` by far more than its rounding)."""
    if knot > 700.0:
        return math.inf
    n = max(0, math.floor(math.expm1(knot)) - 2)
    while math.log1p(n) < knot:
        n += 1
    return float(n + 1)


class ShapeTable(dict[float, float]):
    """One shape's points by the value its feature is read from (a count, before ``log_count``).

    ``table[n]`` is ``shape.points(log_count(n))`` for a count (``counts``), else
    ``shape.points(n)``: the very float ``ChangeModel.share`` adds up, a dictionary look-up
    instead of a logarithm and a bisection for the whole values below ``_TABLE_BELOW`` seen
    before, each worked out on first use and kept. Any other value is worked out each time
    and not kept, so the table never grows past that many entries.
    """

    __slots__ = ("_counts", "_flat", "_knots", "_past", "_values")

    def __init__(self, shape: Shape, counts: bool) -> None:
        super().__init__()
        self._counts = counts
        self._knots = shape.knots
        self._values = values = shape.values
        # A count's shape that earns the same everywhere (the fit gave its feature nothing)
        # gives that value for any count: between knots it adds 0.0, which leaves any value
        # but -0.0 as it was, and a count that is not above 0 reads as 0, at the first knot.
        first = values[0]
        same = all(repr(v) == repr(first) for v in values) and repr(first) != "-0.0"
        self._flat = first if counts and same else None
        # From this count on the feature is past the last knot: the last value. The counts
        # that grow with a history (the author's changes, in the subsystems too) get there.
        self._past = _first_count_past(shape.knots[-1]) if counts else math.inf

    def points(self, n: float) -> float:
        """The points at ``n``, worked out and not kept: for a feature that is a fraction on
        nearly every change (entropy, days, recency-weighted changes)."""
        # ``log_count`` and ``Shape.points`` written out.
        if self._flat is not None:
            return self._flat
        if n >= self._past:
            return self._values[-1]
        x = (math.log1p(n) if n > 0.0 else 0.0) if self._counts else n
        knots, values = self._knots, self._values
        if x <= knots[0]:
            return values[0]
        if x >= knots[-1]:
            return values[-1]
        i = bisect_right(knots, x)
        x0, v0 = knots[i - 1], values[i - 1]
        return v0 + (values[i] - v0) * (x - x0) / (knots[i] - x0)

    def __missing__(self, n: float) -> float:
        # The counts that grow with a history (lines the files held) miss the table until
        # their value was seen once.
        points = self.points(n)
        # ``0.0 <= n`` first: it is False for NaN, which ``int`` would refuse.
        if 0.0 <= n < _TABLE_BELOW and n == int(n):
            self[n] = points
        return points


# Ranks kept at most by a ``RankTable``; past it the table starts again. A full window's ranks
# are its 2,001 halves of a count; a young window's are more, once each.
_RANKS_KEPT = 1 << 14


class RankTable(ShapeTable):
    """``ShapeTable`` of a rank (0–1, ``scoring.running_rank``), read as it is: every rank
    above 0 is kept, not only whole values. A rank is one of a window's few thousand
    fractions, repeated change after change, where each reading cost a bisection."""

    __slots__ = ()

    def __init__(self, shape: Shape) -> None:
        super().__init__(shape, counts=False)

    def __missing__(self, n: float) -> float:
        points = self.points(n)
        # Not 0: 0.0 and -0.0 are one key. False for NaN too.
        if 0.0 < n <= 1.0:
            if len(self) >= _RANKS_KEPT:
                self.clear()
            self[n] = points
        return points
