"""Where a count stands among the same count of a history's latest changes, as a share 0–1.

A history's counts grow as it ages: an author's earlier changes, a file's earlier
changes and developers, the fixes on its files. Read raw, a change ten years into a
repository looks unlike one in its first year for no reason of its own. Read as a
rank among the latest changes of the same history, a count says how it compares with
what the history does *now*, so the same change is as risky in year one as in year ten.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import deque

__all__ = ["RANK_WINDOW", "RunningRank"]

# How many of the history's latest counts a count is ranked among: enough that a rank is
# steady (a step of 1/1000), few enough that it follows a history as it changes in a year or two.
RANK_WINDOW = 1000


class RunningRank:
    """The mid-rank of each count among the last ``window`` counts seen before it."""

    __slots__ = ("_ring", "_sorted", "_window")

    def __init__(self, window: int = RANK_WINDOW) -> None:
        if window < 1:
            raise ValueError("a rank needs a window of one count at least")
        self._window = window
        # The window's counts in the order seen (the oldest first), and the same counts sorted.
        self._ring: deque[float] = deque(maxlen=window)
        self._sorted: list[float] = []

    def __len__(self) -> int:
        return len(self._sorted)

    def rank(self, value: float, add: bool = False) -> float:
        """The share of the window below ``value``, ties counted half; 0.5 with nothing seen.

        With ``add``, ``value`` then joins the window (the oldest count leaves a full one), in
        the same pass: the history ranks and keeps each count of a change it records.
        """
        seen = self._sorted
        n = len(seen)
        if n:
            below = bisect_left(seen, value)
            # Most counts tie with none in the window: one comparison says so, where a second
            # bisection cost as much as the first. ``value < seen[below]`` rather than ``!=``,
            # so that a value no comparison holds for (NaN) is bisected as before.
            above = below if below == n or value < seen[below] else bisect_right(seen, value, below)
            # (below + (above - below) / 2) / n, the same float: both are one rounding of
            # the same fraction.
            rank = (below + above) / (n + n)
        else:
            above = 0
            rank = 0.5
        if add:
            if n == self._window:
                old = self._ring[0]
                # A count equal to the one leaving leaves the sorted counts as they were:
                # neither the insertion nor the removal moves anything a rank reads.
                if old != value:
                    seen.insert(above, value)
                    del seen[bisect_left(seen, old)]
            else:
                seen.insert(above, value)
            # A full ring drops its oldest count as it takes this one.
            self._ring.append(value)
        return rank

    def add(self, value: float) -> None:
        """Take ``value`` into the window, dropping the oldest count once the window is full."""
        self.rank(value, add=True)
