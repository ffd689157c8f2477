"""The scorer's record in the briefing's words."""

from __future__ import annotations

from datetime import date

from briefing.track_record import RecordView, record_line, short_record_line
from scoring.record import ScorerRecord


def _view(
    went_wrong: int, later_fixes: bool = True, caught: int = 7, by_lines: int = 5
) -> RecordView:
    record = ScorerRecord(
        days=90,
        changes=400,
        flagged=40,
        went_wrong=went_wrong,
        caught=caught,
        caught_by_lines_added=by_lines,
    )
    return RecordView.of(record, date(2026, 11, 22), later_fixes)


def test_the_record_line_puts_the_score_beside_lines_added_alone() -> None:
    """The sentence gives the window's end, the catches of both and how many were flagged."""
    line = record_line(_view(40))
    assert line == (
        "Record, the 90 days to 22 Nov 2026: 7 of the 40 changes that later went wrong (a "
        "linked incident, a revert or a later fix) had been flagged high or very high (40 "
        "flagged in all); the 40 largest by lines added would have caught 5."
    )


def test_a_small_sample_is_said_and_later_fixes_are_not_claimed_when_not_looked_for() -> None:
    """Under 30 outcomes the line says so; without SZZ it names only incidents and reverts."""
    line = record_line(_view(9, later_fixes=False))
    assert line is not None
    assert "(a linked incident or a revert)" in line
    assert line.endswith("A small sample: under 30 outcomes.")


def test_one_change_gone_wrong_is_said_as_one() -> None:
    """With one outcome the line says whether that change was flagged and whether lines added
    would have caught it, never "1 of the 1 change"."""
    assert record_line(_view(1, caught=1, by_lines=0)) == (
        "Record, the 90 days to 22 Nov 2026: the one change that later went wrong (a linked "
        "incident, a revert or a later fix) had been flagged high or very high (40 flagged in "
        "all); the 40 largest by lines added would not have caught it. A small sample: under "
        "30 outcomes."
    )
    line = record_line(_view(1, caught=0, by_lines=1))
    assert line is not None
    assert "had not been flagged high or very high" in line
    assert "would have caught it." in line


def test_no_record_or_nothing_gone_wrong_says_nothing() -> None:
    """A briefing has no room for a record with no outcome in it, nor for a missing one."""
    assert record_line(None) is None
    assert record_line(_view(0)) is None


def test_the_short_record_is_for_a_sample_large_enough_to_read() -> None:
    """Slack's and Teams' short record gives the same figures, and nothing for a small sample
    (the email and the web view keep it, with the note)."""
    assert short_record_line(_view(40)) == (
        "Record, 90 days to 22 Nov 2026: 7 of the 40 changes that went wrong had been flagged "
        "high or very high; lines added alone, 5."
    )
    assert short_record_line(_view(29)) is None
    assert short_record_line(None) is None
