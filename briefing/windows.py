"""The store's rows of the weeks briefed, read once and sliced per scope and week."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlmodel import Session

from briefing.week import IsoWeek
from data.scope import Scope
from data.store.scope_rows import counted_rows
from data.store.window import WindowRows, load_window

__all__ = ["PayloadKey", "Windows", "weeks_before"]


@dataclass(frozen=True, slots=True)
class PayloadKey:
    """What makes two recipients' payloads equal but for who they are addressed to."""

    scope: Scope
    timezone: str
    week: IsoWeek


class Windows:
    """Loads one window covering every week asked for, once, and slices it per scope."""

    def __init__(
        self,
        session: Session,
        version: str,
        scopes: Iterable[PayloadKey],
        baseline_weeks: int,
        later_fixed: Mapping[str, frozenset[str]] | None = None,
    ) -> None:
        """``later_fixed`` (a repository's name to the changes SZZ blamed in it) gives the
        agent card its changes' later fixes where SZZ ran."""
        keys = tuple(scopes)
        # Each week and the weeks of its baseline before it (last week among them).
        bounds = [
            b
            for s in keys
            for w in (s.week, weeks_before(s.week, max(1, int(baseline_weeks))))
            for b in w.bounds(s.timezone)
        ]
        # The weeks briefed (not their baselines) carry their incidents' likeliest culprits.
        briefed = [s.week.bounds(s.timezone)[0] for s in keys]
        self._window = (
            load_window(
                session,
                min(bounds),
                max(bounds),
                version,
                culprits_since=min(briefed),
                later_fixed=later_fixed,
            )
            if bounds
            else None
        )

    def rows(
        self,
        shared: PayloadKey,
        week: IsoWeek,
        services: Sequence[str],
        since: IsoWeek | None = None,
    ) -> WindowRows:
        """``services``' rows of ``week``, or of ``since`` up to and including ``week``; for the
        whole organisation, its changes in code no service holds too."""
        assert self._window is not None
        start = (since or week).bounds(shared.timezone)[0]
        end = week.bounds(shared.timezone)[1]
        return counted_rows(self._window, start, end, services, shared.scope.whole)


def weeks_before(week: IsoWeek, n: int) -> IsoWeek:
    """The week ``n`` weeks before ``week``."""
    for _ in range(n):
        week = week.previous()
    return week
