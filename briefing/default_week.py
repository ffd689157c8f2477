"""The week every reader briefs when none is asked, and where a scope's data ends.

One rule for ``quickstart``, ``brief``, ``/risk`` and ``riskbrief ask``, the MCP tools and
the web view: a reader briefs the last complete week in its own time zone (the running
week, for a reader of "this week so far") when that week holds data in its scope; when it
holds none, the last complete week that does. A clone not pulled for months is briefed at
its last busy week rather than as weeks of zeros, and every reader says where the data
ends ("the data ends on 14 Jun 2025") when that is before the week it briefs.

A week holds data when a change scored in one of the scope's services merged in it (for
the whole organisation, in any service: briefings count only changes in a service), or a
deploy finished or an incident opened in one of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from briefing.week import MONTHS, IsoWeek
from data.store.reads.stored import newest_in_scope

__all__ = ["SYNC_ADVICE", "DefaultWeek", "day_words", "default_week"]

# What to run when the data ends before the week a reader asks about.
SYNC_ADVICE = "run `riskbrief sync` to read newer changes (`git pull` a clone first)"


def day_words(day: date) -> str:
    """``14 Jun 2025``: a day as every reader's "the data ends on" sentence writes it."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True, slots=True)
class DefaultWeek:
    """The week a reader briefs by default (``week``), the one it briefs on fresh data
    (``natural``: the last complete week, or the running one), in ``zone``, the newest
    change, deploy or incident in scope (``ends``: where the data ends; ``None``: nothing),
    and whether ``week`` holds data (``holds``: false when no week up to it does)."""

    week: IsoWeek
    natural: IsoWeek
    zone: str
    ends: datetime | None
    holds: bool = True
    current: bool = False

    @property
    def last(self) -> IsoWeek:
        """The last complete week in the reader's zone."""
        return self.natural.previous() if self.current else self.natural

    @property
    def moved(self) -> bool:
        """Whether the default is an earlier week than the natural one (it held no data)."""
        return self.week != self.natural

    @property
    def ends_on(self) -> date | None:
        """The day the data ends, in the reader's zone."""
        return None if self.ends is None else self.ends.astimezone(ZoneInfo(self.zone)).date()

    def ends_before(self, week: IsoWeek) -> bool:
        """Whether the data ends before ``week`` begins (nothing at all included)."""
        day = self.ends_on
        return day is None or day < week.monday

    def note(self, asked: IsoWeek | None = None) -> str | None:
        """The sentence saying where the data ends, for the week ``asked`` (``None``: the
        default ``week``): when the default moved to an earlier week, or the data ends
        before the week asked; ``None`` when the week is covered."""
        day = self.ends_on
        if day is None:
            return f"No data in this scope yet: {SYNC_ADVICE}."
        ends = f"the data ends on {day_words(day)}"
        if asked is None and self.moved:
            if day < self.last.monday:
                return (
                    f"{ends[0].upper()}{ends[1:]}, before {self.natural.id}, so this is "
                    f"{self.week.id}, the last complete week that holds data: {SYNC_ADVICE}."
                )
            return (
                f"{self.natural.id} holds no data in this scope, so this is {self.week.id}, "
                f"the last complete week that does; {ends}."
            )
        week = asked or self.week
        if day < week.monday:
            return f"{ends[0].upper()}{ends[1:]}, before {week.id}: {SYNC_ADVICE}."
        return None


def default_week(
    session: Session,
    services: Sequence[str] | None,
    zone: str,
    now: datetime,
    *,
    current: bool = False,
) -> DefaultWeek:
    """The week a reader of ``services`` (``None``: the whole organisation) in ``zone``
    briefs by default as of ``now``: the last complete week (``current``: the running week)
    when it holds data in scope, else the last complete week that does; with no data at
    all, that natural week."""
    last = IsoWeek.last_complete(now, zone)
    natural = last.next() if current else last
    start, end = natural.bounds(zone)
    ends = newest_in_scope(session, services)
    # The newest data before the natural week's end: the newest of all, unless that is later.
    found = ends if ends is None or ends < end else newest_in_scope(session, services, end)
    if found is None or found >= start:
        week = natural
    else:
        week = IsoWeek.of(found.astimezone(ZoneInfo(zone)).date())
    return DefaultWeek(week, natural, zone, ends, found is not None, current)
