"""What the card rules share: their signature and how a number meets a threshold."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from scoring.card_terms import Card, CardFact, FactKey, Severity
from scoring.card_thresholds import CardRules
from scoring.weekly import WeekAggregate

__all__ = ["CardRule", "compared", "driven_by", "reaches", "severity_for", "tenth", "versus"]

# A rule sees both weeks, the thresholds and the cards of the rules run before it.
CardRule = Callable[[WeekAggregate, WeekAggregate, CardRules, tuple[Card, ...]], Iterator[Card]]

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


def compared(
    this: WeekAggregate, last: WeekAggregate, enough: Callable[[WeekAggregate], bool]
) -> WeekAggregate | None:
    """What this week is compared with: last week, or the baseline when last week is too thin.

    ``enough`` says whether an aggregate holds enough to compare with; ``None``
    when neither last week nor the baseline (the weeks before, pooled) does.
    """
    if enough(last):
        return last
    if this.baseline is not None and enough(this.baseline):
        return this.baseline
    return None


def versus(
    before: WeekAggregate, value: float, unit: str, last_week: FactKey, baseline: FactKey
) -> tuple[CardFact, ...]:
    """The fact of what ``value`` was before: last week's, or the baseline's with its weeks."""
    if before.weeks == 1:
        return (CardFact(last_week, tenth(value), unit),)
    # The weeks the store holds, where fewer than the baseline's: "over the 3 weeks before",
    # not 8, in a store three weeks old.
    held = before.weeks if before.held_weeks is None else before.held_weeks
    return (
        CardFact(baseline, tenth(value), unit),
        CardFact(FactKey.BASELINE_WEEKS, held),
    )


def tenth(x: float) -> float:
    """``x`` to one decimal, as a card shows it."""
    return round(x, 1)


def driven_by(signal: str, changes: int) -> CardFact:
    """The fact that ``changes`` high-risk changes carried ``signal`` among their drivers."""
    return CardFact(FactKey.DRIVEN_BY, changes, signal=signal)
