"""The scorer's record as a briefing carries and says it: of the changes of the last 90
days that later went wrong, how many the score had flagged, beside lines added alone."""

from __future__ import annotations

from datetime import date

from briefing.views import View
from scoring.plural import many
from scoring.record import MIN_OUTCOMES, ScorerRecord

__all__ = ["RecordView", "record_line", "short_record_line"]

# What "went wrong" means, said once for every reader: later fixes are known only where
# SZZ ran over a clone.
_WENT_WRONG = {
    True: "a linked incident, a revert or a later fix",
    False: "a linked incident or a revert",
}


class RecordView(View):
    """``scoring.record.ScorerRecord`` over the days up to ``until``, as the payload holds it."""

    days: int
    until: date
    changes: int
    flagged: int
    went_wrong: int
    caught: int
    caught_by_lines_added: int
    # Whether later fixes (SZZ over a clone) were counted as going wrong.
    later_fixes: bool = False

    @staticmethod
    def of(record: ScorerRecord, until: date, later_fixes: bool) -> RecordView:
        """The view of ``record``, a window ending on ``until``."""
        return RecordView(
            days=record.days,
            until=until,
            changes=record.changes,
            flagged=record.flagged,
            went_wrong=record.went_wrong,
            caught=record.caught,
            caught_by_lines_added=record.caught_by_lines_added,
            later_fixes=later_fixes,
        )


def record_line(record: RecordView | None) -> str | None:
    """The record in a sentence, e.g. "Record, the 90 days to 22 Nov 2026: 7 of the 9
    changes that later went wrong (…) had been flagged high or very high (40 flagged in
    all); the 40 largest by lines added would have caught 5."

    ``None`` without a record or when none of the window's changes has gone wrong yet: a
    briefing has no room for a record that says nothing.
    """
    if record is None or not record.went_wrong:
        return None
    head = f"Record, the {record.days} days to {_day(record.until)}: "
    why = _WENT_WRONG[record.later_fixes]
    largest = f"the {record.flagged} largest by lines added"
    if record.went_wrong == 1:
        # "1 of the 1 change" says one thing twice: the one change, flagged or not.
        text = (
            f"{head}the one change that later went wrong ({why}) had "
            f"{'' if record.caught else 'not '}been flagged high or very high "
            f"({record.flagged} flagged in all); {largest} would "
            f"{'' if record.caught_by_lines_added else 'not '}have caught it."
        )
    else:
        text = (
            f"{head}{record.caught} of the {many(record.went_wrong, 'change')} that later went "
            f"wrong ({why}) had been flagged high or very high ({record.flagged} flagged in "
            f"all); {largest} would have caught {record.caught_by_lines_added}."
        )
    if record.went_wrong < MIN_OUTCOMES:
        text += f" A small sample: under {MIN_OUTCOMES} outcomes."
    return text


def short_record_line(record: RecordView | None) -> str | None:
    """The record for a message read in 90 seconds (Slack, Teams), e.g. "Record, 90 days to
    22 Nov 2026: 31 of the 40 changes that went wrong had been flagged high or very high;
    lines added alone, 24." ``None`` also for a small sample, whose figures are mostly
    chance: the email and the web view still give it, with the note."""
    if record is None or record.went_wrong < MIN_OUTCOMES:
        return None
    return (
        f"Record, {record.days} days to {_day(record.until)}: {record.caught} of the "
        f"{record.went_wrong} changes that went wrong had been flagged high or very high; "
        f"lines added alone, {record.caught_by_lines_added}."
    )


def _day(day: date) -> str:
    """``day`` as a reader writes it: ``"22 Nov 2026"``."""
    # %b is English: Python leaves the C locale alone unless a program sets another.
    return f"{day.day} {day.strftime('%b')} {day.year}"
