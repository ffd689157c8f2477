"""What the card rules share: their signature and how a number meets a threshold."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from scoring.card_terms import Card, CardFact, CardRules, FactKey, Severity
from scoring.weekly import WeekAggregate

__all__ = ["Rule", "driven_by", "reaches", "severity_for", "tenth"]

# A rule sees both weeks, the thresholds and the cards of the rules run before it.
Rule = Callable[[WeekAggregate, WeekAggregate, CardRules, tuple[Card, ...]], Iterator[Card]]

# Shares are computed in floating point, so a rise that is exactly a threshold in
# whole numbers (5 of 6 against 7 of 12 is 25 points) can come out a hair below it.
_TOLERANCE = 1e-9


def reaches(value: float, threshold: float) -> bool:
    """Whether ``value`` is at or above ``threshold``: a threshold is on the side that fires."""
    return value >= threshold - _TOLERANCE


def severity_for(value: float, warning: float, critical: float) -> Severity | None:
    """Critical or warning by the higher threshold ``value`` reaches; None below both."""
    if reaches(value, critical):
        return Severity.CRITICAL
    if reaches(value, warning):
        return Severity.WARNING
    return None


def tenth(x: float) -> float:
    """``x`` to one decimal, as a card shows it."""
    return round(x, 1)


def driven_by(signal: str, changes: int) -> CardFact:
    """The fact that ``changes`` high-risk changes carried ``signal`` among their drivers."""
    return CardFact(FactKey.DRIVEN_BY, changes, signal=signal)
