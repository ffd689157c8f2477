"""A window of scored changes, deploys and incidents, loaded once and sliced many times.

Briefings for many subscribers read the same weeks: one load of the whole
window (aggregated in SQL, not row by row) serves every scope and time zone.
Its reads are ``data.store.window_changes``, ``window_deploys`` and ``window_incidents``.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, col

from data.store.tables import Deploy, Incident, Person, RiskScoreRow, Service, Team
from data.store.window_changes import (
    change_rows,
    week_changes,
    window_outcomes,
    with_signal_sums,
)
from data.store.window_deploys import production_deploys
from data.store.window_incidents import week_incidents
from scoring.weekly import ScoredDeploy, WeekChange, WeekIncident

__all__ = ["Window", "WindowRows", "load_window", "window_rows"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class WindowRows:
    """One scope's scored changes, deploys and incidents in one ``[since, until)``."""

    changes: tuple[WeekChange, ...]
    deploys: tuple[ScoredDeploy, ...]
    incidents: tuple[WeekIncident, ...]


class _Timeline(Generic[T]):
    """Items of one service in time order, for cutting out ``[since, until)`` by bisection."""

    __slots__ = ("items", "times")

    def __init__(self) -> None:
        self.items: list[T] = []
        self.times: list[datetime] = []

    def add(self, at: datetime, item: T) -> None:
        self.items.append(item)
        self.times.append(at)

    def between(self, since: datetime, until: datetime) -> list[T]:
        lo = bisect.bisect_left(self.times, since)
        return self.items[lo : bisect.bisect_left(self.times, until, lo)]


def _index(
    items: Iterable[T], service: Callable[[T], str | None], at: Callable[[T], datetime]
) -> dict[str, _Timeline[T]]:
    out: dict[str, _Timeline[T]] = defaultdict(_Timeline)
    for item in items:
        name = service(item)
        if name is not None:
            out[name].add(at(item), item)
    return dict(out)


@dataclass(frozen=True)
class Window:
    """Everything scored in ``[since, until)``, sorted by time, for slicing by scope.

    ``services`` is what was loaded when only some services were (``None``: all of them).
    """

    since: datetime
    until: datetime
    changes: tuple[WeekChange, ...]
    deploys: tuple[ScoredDeploy, ...]
    incidents: tuple[WeekIncident, ...]
    services: frozenset[str] | None = None

    @cached_property
    def _changes(self) -> dict[str, _Timeline[WeekChange]]:
        return _index(self.changes, lambda c: c.service, lambda c: c.merged_at)

    @cached_property
    def _unowned(self) -> _Timeline[WeekChange]:
        """Changes in code no service holds, in merge order: the organisation's still."""
        out: _Timeline[WeekChange] = _Timeline()
        for c in self.changes:
            if c.service is None:
                out.add(c.merged_at, c)
        return out

    @cached_property
    def _deploys(self) -> dict[str, _Timeline[ScoredDeploy]]:
        return _index(self.deploys, lambda d: d.service, lambda d: d.finished_at)

    @cached_property
    def _incidents(self) -> dict[str, _Timeline[WeekIncident]]:
        return _index(self.incidents, lambda i: i.service, lambda i: i.opened_at)

    def slice(
        self, since: datetime, until: datetime, services: Iterable[str], unowned: bool = False
    ) -> WindowRows:
        """The rows of ``services`` in ``[since, until)``, which must lie inside the window.

        ``unowned`` adds the changes in code no service holds: the whole organisation's
        week holds them (a very-high change there is the organisation's, whatever no
        service's paths say), a team's or a service's does not.
        """
        if since < self.since or until > self.until:
            raise ValueError("the slice asked for lies outside the loaded window")
        wanted = sorted(set(services))
        if self.services is not None and not self.services.issuperset(wanted):
            raise ValueError("the slice asks for services the window did not load")
        changes = tuple(
            c for s in wanted if s in self._changes for c in self._changes[s].between(since, until)
        )
        if unowned:
            if self.services is not None:
                raise ValueError("a window of some services holds no changes outside them")
            changes += tuple(self._unowned.between(since, until))
        return WindowRows(
            changes=changes,
            deploys=tuple(
                d
                for s in wanted
                if s in self._deploys
                for d in self._deploys[s].between(since, until)
            ),
            incidents=tuple(
                i
                for s in wanted
                if s in self._incidents
                for i in self._incidents[s].between(since, until)
            ),
        )


def load_window(
    session: Session,
    since: datetime,
    until: datetime,
    version: str,
    services: Iterable[str] | None = None,
    outcomes: bool = True,
    culprits_since: datetime | None = None,
    changes_only: bool = False,
    later_fixed: Mapping[str, frozenset[str]] | None = None,
) -> Window:
    """Every change, production deploy and incident of ``[since, until)`` scored as ``version``.

    ``outcomes`` reads each change's kind of work, lines of code and outcomes when the window
    holds an agent change (``WeekChange.outcome``, for the agent card); a reader of many weeks
    that shows none of it (a scope's trend) leaves it off.

    Deploys to other environments are left out: a staging deploy that failed is
    not a failed change for the change failure rate. Given ``services``, only theirs
    are read (by the same service a slice goes by), and only they may be sliced: a
    year of one service is a few thousand rows, of the whole organisation tens of
    thousands. Given ``culprits_since``, each incident opened from then on that followed a
    deploy carries what ranking its likeliest culprits reads (``WeekIncident.culprits``), for
    its briefing card: a few incidents a week, each a handful of reads, so only the weeks
    briefed ask for it, not the baseline weeks nor a trend's. ``changes_only`` reads no deploy
    nor incident (the agents' outcomes over many weeks read changes alone). ``later_fixed``
    (a repository's name to the changes SZZ blamed in it) sets the outcomes' later fixes for
    the repositories SZZ ran over; the others' stay unknown.
    """
    conn = session.connection()
    names = _store_names(conn)
    only = None if services is None else frozenset(services)
    filters = _row_filters(names.service_key, only)
    rows = change_rows(conn, since, until, version, filters.changes)
    # Read before the changes are made, so each is made once with its outcome.
    facts = window_outcomes(session, rows, names.bots, later_fixed) if outcomes else {}
    changes = week_changes(rows, names.team_of, names.logins, names.bots, facts)
    changes = with_signal_sums(conn, changes, version)
    if changes_only:
        return Window(since, until, tuple(changes), (), (), only)
    deploys = production_deploys(conn, since, until, version, filters.deploys, names.service_key)
    incidents = week_incidents(
        session, since, until, version, filters.incidents, names.service_key, culprits_since
    )
    return Window(since, until, tuple(changes), tuple(deploys), tuple(incidents), only)


@dataclass(frozen=True, slots=True)
class _StoreNames:
    """The store's ids by what a window's rows name them: services, teams, people, bots."""

    service_key: Mapping[int | None, str]
    team_of: Mapping[str, str | None]
    logins: Mapping[int, str]
    bots: set[int | None]


def _store_names(conn: Any) -> _StoreNames:
    # Core rows here too: building an ORM object per person cost a page more than its query.
    services_rows = conn.execute(
        sa.select(col(Service.id), col(Service.key), col(Service.team_id))
    ).all()
    service_key = {i: key for i, key, _ in services_rows}
    team_key = dict(conn.execute(sa.select(col(Team.id), col(Team.key))).all())
    team_of = {key: team_key.get(team) if team else None for _, key, team in services_rows}
    people = conn.execute(sa.select(col(Person.id), col(Person.login), col(Person.kind))).all()
    logins = {i: login for i, login, _ in people}
    bots = {i for i, _, kind in people if kind == "bot"}
    return _StoreNames(service_key, team_of, logins, bots)


@dataclass(frozen=True, slots=True)
class _RowFilters:
    """Each kind of row's filter, on the very column the slice later goes by."""

    changes: Any
    deploys: Any
    incidents: Any


def _row_filters(service_key: Mapping[int | None, str], only: frozenset[str] | None) -> _RowFilters:
    service_ids = sorted(
        i for i, k in service_key.items() if i is not None and (only is None or k in only)
    )
    return _RowFilters(
        changes=sa.true() if only is None else col(RiskScoreRow.service).in_(sorted(only)),
        deploys=sa.true() if only is None else col(Deploy.service_id).in_(service_ids),
        incidents=sa.true() if only is None else col(Incident.service_id).in_(service_ids),
    )


def window_rows(
    session: Session,
    since: datetime,
    until: datetime,
    services: Iterable[str],
    version: str,
) -> WindowRows:
    """Scored changes, production deploys and incidents of ``services`` in ``[since, until)``.

    A change belongs to the service with most of its changed lines; changes
    without a service in scope are left out. Only what has a score of
    ``version`` counts, so stale scores never mix with fresh ones.
    """
    wanted = list(services)
    return load_window(session, since, until, version, wanted).slice(since, until, wanted)
