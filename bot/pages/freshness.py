"""Where a scope's data ends, so that a store nobody synced lately reads as stale, not broken.

A page of weeks up to today over a store whose newest change is months old would show
months of zeros and say nothing; instead its weeks end where the data does, and one line
says when that was and what to run. The newest change, deploy or incident in scope is
read as the briefing reads it (``briefing.stored.Stored``), in the viewer's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.answers.access import Access
from bot.pages.page import PageContext
from briefing.default_week import day_words
from briefing.stored import Stored
from briefing.week import IsoWeek

__all__ = ["DataEnd", "data_end", "last_complete", "this_week"]

_SYNC = "run `riskbrief sync` to read newer changes (`git pull` a clone first)"


@dataclass(frozen=True, slots=True)
class DataEnd:
    """The newest day with data in a scope (``None``: nothing at all) against today's weeks."""

    day: date | None
    # The last complete week where the viewer is: the week a Monday briefing speaks of.
    complete: IsoWeek

    @property
    def week(self) -> IsoWeek | None:
        """The week of the newest data, if any."""
        return None if self.day is None else IsoWeek.of(self.day)

    @property
    def stale(self) -> bool:
        """Nothing in scope, or nothing since before the last complete week began."""
        return self.week is None or self.week < self.complete

    def last_week(self, wanted: IsoWeek) -> IsoWeek:
        """``wanted``, or the week the data ends in when that is earlier: no weeks of zeros."""
        week = self.week
        return week if week is not None and self.stale and week < wanted else wanted

    def values(self) -> dict[str, str | None]:
        """What a page hands its template: the note (``stale``) and the week to open instead
        (``stale_week``), both ``None`` for a fresh scope."""
        week = self.week
        return {"stale": self.note(), "stale_week": week.id if week and self.stale else None}

    def note(self) -> str | None:
        """One line for a stale scope (when its data ends and what to run); ``None`` if fresh."""
        if not self.stale:
            return None
        if self.day is None:
            return f"No data in this scope yet: {_SYNC}."
        return (
            f"The data ends on {day_words(self.day)} (week {IsoWeek.of(self.day).id}), before "
            f"the last complete week ({self.complete.id}): {_SYNC}."
        )


def last_complete(ctx: PageContext, access: Access | None = None) -> IsoWeek:
    """The last complete week in the viewer's time zone: the week a briefing speaks of."""
    return IsoWeek.last_complete(ctx.now, (access or ctx.access).timezone)


def this_week(ctx: PageContext, access: Access | None = None) -> IsoWeek:
    """The week in progress in the viewer's time zone."""
    return last_complete(ctx, access).next()


def data_end(
    ctx: PageContext, access: Access | None = None, newest: datetime | None = None
) -> DataEnd:
    """Where the data of ``access`` (default the viewer's scope) ends; ``newest`` when the
    caller has read it already (a briefing's ``stored.newest_in_scope``)."""
    scope = access or ctx.access
    if newest is None:
        newest = Stored.load(ctx.session).view(scope.visible(ctx.org), scope.whole).newest_in_scope
    if newest is not None and newest.tzinfo is None:
        newest = newest.replace(tzinfo=UTC)
    day = None if newest is None else newest.astimezone(ZoneInfo(scope.timezone)).date()
    return DataEnd(day, last_complete(ctx, scope))
