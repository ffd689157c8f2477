"""A history's typical change: running means of its scores and of each signal's points.

A change's number is read against the typical change (``scoring.risk``: the history's
``TYPICAL_SIGNAL`` entry moves it by the typical change's distance from the fitted
histories'), and its drivers are the signals it earns most beyond it, so "high" means
unusual for this history while the band stays a fixed range of the number shown.
"""

from __future__ import annotations

from collections.abc import Iterable

from scoring.signal import Signal

__all__ = [
    "TYPICAL_MIN",
    "TYPICAL_SIGNAL",
    "TYPICAL_SPAN",
    "TypicalChange",
    "TypicalScore",
    "raw_points",
]

# The name of the entry that reads a change's points against its history's typical change: not
# a signal of the change, so it counts neither into the typical change nor into a driver.
TYPICAL_SIGNAL = "typical_change"

# The typical score follows about this many latest changes, once this many were scored: a
# handful already says more about a history than riskbrief's anchor does.
TYPICAL_SPAN = 500
TYPICAL_MIN = 20
# The signals' typical points are handed out as a snapshot renewed this often.
_SNAPSHOT_EVERY = 32


def raw_points(signals: Iterable[Signal]) -> float:
    """The points the change's own signals add up to, before its history's typical change is
    taken off (``TYPICAL_SIGNAL``): what the typical change is the running mean of."""
    return sum([s.points for s in signals if s.name != TYPICAL_SIGNAL])


def _rate(n: int) -> float:
    """How much the ``n``th score moves a running mean: all of it at first, the latest
    ``TYPICAL_SPAN`` weighing most later."""
    # ``max(1.0 / n, 1.0 / TYPICAL_SPAN)`` without the call: the larger is 1 / n up to the span.
    return 1.0 / n if n <= TYPICAL_SPAN else 1.0 / TYPICAL_SPAN


class TypicalScore:
    """The score of a typical change (or deploy) of a history: a running mean of its scores.

    It weighs the latest ``TYPICAL_SPAN`` scores most, so it follows the history as it
    grows, and says nothing before ``least`` (``TYPICAL_MIN``) were noted; deterministic
    for the same scores in the same order.
    """

    __slots__ = ("_least", "_mean", "_n")

    def __init__(self, least: int = TYPICAL_MIN) -> None:
        self._mean = 0.0
        self._n = 0
        self._least = least

    def note(self, score: float) -> None:
        """Count one more score in."""
        self._n += 1
        self._mean += _rate(self._n) * (score - self._mean)

    @property
    def noted(self) -> int:
        """How many scores were counted in."""
        return self._n

    @property
    def value(self) -> float | None:
        """The typical score, or ``None`` while fewer than ``least`` were noted."""
        return self._mean if self._n >= self._least else None


class TypicalChange:
    """The typical change of a history: its score and each of its signals' points."""

    __slots__ = ("_means", "_score", "_snapshot")

    def __init__(self) -> None:
        self._score = TypicalScore()
        self._means: dict[str, float] = {}
        self._snapshot: tuple[tuple[str, float], ...] | None = None

    def note(self, score: float, signals: Iterable[Signal] = ()) -> None:
        """Count a scored change's points (before gates and the cap) into the typical score, and
        each of its signals' points into that signal's typical points.

        The signals' typical points are handed to changes as a snapshot renewed every
        ``_SNAPSHOT_EVERY`` scores: a mean over hundreds of changes moves too slowly for a
        fresher copy to matter, and a copy per change would cost more than the scoring.
        """
        # ``TypicalScore.note`` and ``_rate`` written out: the same running mean, and this
        # runs for every scored change.
        typical = self._score
        noted = typical._n = typical._n + 1
        rate = 1.0 / noted if noted <= TYPICAL_SPAN else 1.0 / TYPICAL_SPAN
        typical._mean += rate * (score - typical._mean)
        means = self._means
        mean_of = means.get
        for signal in signals:
            name = signal.name
            if name == TYPICAL_SIGNAL:
                continue
            mean = mean_of(name, 0.0)
            means[name] = mean + rate * (signal.points - mean)
        if noted >= TYPICAL_MIN and (self._snapshot is None or noted % _SNAPSHOT_EVERY == 0):
            self._snapshot = tuple(means.items())

    @property
    def score(self) -> float | None:
        """The typical change's score, once ``TYPICAL_MIN`` changes were scored."""
        return self._score.value

    @property
    def points(self) -> tuple[tuple[str, float], ...] | None:
        """Each signal's typical points by name, once ``TYPICAL_MIN`` changes were scored."""
        return self._snapshot
