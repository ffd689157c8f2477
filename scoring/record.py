"""The scorer's record on an organisation's own history: of the changes that later went
wrong, how many it had flagged, beside what lines added alone would have flagged.

A score is only worth reading if it beats "big changes are risky". The record puts the
two side by side on the same changes: the score flags its high and very-high changes;
lines added alone is given the same number of flags (its largest changes by lines
added, ties broken by key so the count is reproducible) and is credited with the
changes that went wrong among them. Which changes went wrong is the caller's to say
(linked incidents, reverts, SZZ from later fixes): this module only counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from scoring.band import Band

__all__ = ["MIN_OUTCOMES", "RECORD_DAYS", "RecordRow", "ScorerRecord", "scorer_record"]

# The window a record covers: a quarter is long enough for fixes to land and short
# enough to describe the scorer as it is now.
RECORD_DAYS = 90
# Below this many changes that went wrong, a rate of flags is mostly chance; the reader
# is told so rather than spared the figure.
MIN_OUTCOMES = 30


@dataclass(frozen=True, slots=True)
class RecordRow:
    """One scored change in the record's window: its band, its lines added and its fate."""

    key: str
    band: Band
    lines_added: int
    went_wrong: bool


@dataclass(frozen=True, slots=True)
class ScorerRecord:
    """How the score's flags and lines added alone's did on the same changes."""

    days: int
    changes: int
    # Changes flagged high or very high by the score, whatever their fate.
    flagged: int
    went_wrong: int
    # Of those that went wrong: flagged by the score, and among as many of the largest
    # changes by lines added.
    caught: int
    caught_by_lines_added: int

    @property
    def small_sample(self) -> bool:
        """Too few changes went wrong for the rates to say much."""
        return self.went_wrong < MIN_OUTCOMES


def scorer_record(rows: Iterable[RecordRow], days: int = RECORD_DAYS) -> ScorerRecord:
    """Count the score's catches and lines added alone's on ``rows``, one window's changes."""
    ordered = sorted(rows, key=lambda r: r.key)
    flagged = sum(r.band.high_risk for r in ordered)
    largest = sorted(ordered, key=lambda r: -r.lines_added)[:flagged]
    return ScorerRecord(
        days=days,
        changes=len(ordered),
        flagged=flagged,
        went_wrong=sum(r.went_wrong for r in ordered),
        caught=sum(r.went_wrong and r.band.high_risk for r in ordered),
        caught_by_lines_added=sum(r.went_wrong for r in largest),
    )
