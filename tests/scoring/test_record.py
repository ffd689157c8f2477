"""The scorer's record: its flags against lines added alone's on the same changes."""

from __future__ import annotations

from scoring.band import Band
from scoring.record import MIN_OUTCOMES, RecordRow, scorer_record


def _row(key: str, band: Band, added: int, bad: bool) -> RecordRow:
    return RecordRow(key=key, band=band, lines_added=added, went_wrong=bad)


def test_the_record_counts_what_the_score_flagged_and_what_lines_added_would_have() -> None:
    """Two flags by the score catch one of two bad changes; the two largest catch the other."""
    rows = [
        _row("a", Band.CRITICAL, 10, True),  # flagged, small, went wrong
        _row("b", Band.HIGH, 20, False),  # flagged, small
        _row("c", Band.MODERATE, 900, True),  # largest, went wrong
        _row("d", Band.SAFE, 800, False),  # second largest
        _row("e", Band.SAFE, 5, False),
    ]
    record = scorer_record(rows, days=90)
    assert (record.changes, record.flagged, record.went_wrong) == (5, 2, 2)
    assert record.caught == 1
    assert record.caught_by_lines_added == 1
    assert record.days == 90


def test_lines_added_gets_exactly_as_many_flags_as_the_score() -> None:
    """With no high change the baseline flags none either, so neither catches anything."""
    rows = [_row(k, Band.MODERATE, n, True) for k, n in (("a", 5), ("b", 500))]
    record = scorer_record(rows)
    assert (record.flagged, record.caught, record.caught_by_lines_added) == (0, 0, 0)


def test_ties_in_lines_added_are_broken_by_key_whatever_the_order_given() -> None:
    """Equal sizes at the cut are taken in key order, so the count does not hang on row order."""
    rows = [
        _row("z", Band.SAFE, 100, True),
        _row("a", Band.SAFE, 100, False),
        _row("m", Band.HIGH, 1, False),
    ]
    forward = scorer_record(rows)
    backward = scorer_record(list(reversed(rows)))
    assert forward == backward
    assert forward.caught_by_lines_added == 0  # "a" wins the tie for the one flag


def test_fewer_outcomes_than_the_minimum_is_a_small_sample() -> None:
    """Below MIN_OUTCOMES changes that went wrong the record is marked a small sample."""
    few = [_row(f"k{i}", Band.HIGH, i, True) for i in range(MIN_OUTCOMES - 1)]
    enough = [*few, _row("last", Band.HIGH, 1, True)]
    assert scorer_record(few).small_sample
    assert not scorer_record(enough).small_sample
