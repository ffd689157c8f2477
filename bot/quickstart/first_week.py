"""The week quickstart's first briefing covers, where the clone's data ends, and what shipped.

A clone's newest commit is often a version bump, made the week a release was tagged;
the briefing of last week may have nothing in it (a clone not pulled lately), and
the week of the newest commit alone ("1 change") says nothing of the release. So
the first briefing is of the last complete week with activity, a change merged in a
service or a deploy, in the reader's zone; and quickstart says, beside it, where the
data ends (the newest commit) and what that week shipped: each release with the
changes it shipped and its deploy's score, or the newest release before it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from briefing.default_week import DefaultWeek, default_week
from briefing.week import IsoWeek
from data.store.reads.changes import newest_merge
from data.store.reads.deploys import (
    changes_per_deploy,
    deploy_count,
    deploy_scores,
    deploys_finished,
)
from data.store.reads.subscribers import first_active_subscriber
from data.store.tables import Deploy
from scoring.band import Band

__all__ = ["FirstWeek", "Release", "first_week", "reader_zone"]

# Releases a line names by name; more are counted, not listed.
_LISTED = 5


@dataclass(frozen=True, slots=True)
class ReleasePart:
    """What one release shipped to one service: its changes and its deploy's score."""

    service: str
    changes: int
    score: int | None = None
    band: str | None = None

    def words(self, named: bool) -> str:
        """``27 changes; deploy score 63, high``, with ``api: `` first when ``named``."""
        text = f"{self.changes} {'change' if self.changes == 1 else 'changes'}"
        if self.score is not None:
            label = Band(self.band).label if self.band in set(Band) else self.band
            text += f"; deploy score {self.score}, {label}"
        return f"{self.service}: {text}" if named else text


@dataclass(frozen=True, slots=True)
class Release:
    """One release (a tag, else a deploy) and what it shipped to each service it released."""

    name: str
    finished_at: datetime
    parts: tuple[ReleasePart, ...]

    def words(self, zone: str) -> str:
        """``v2.0 on 27 Oct 2026 (27 changes; deploy score 63, high)``."""
        day = _day(self.finished_at, zone)
        named = len(self.parts) > 1
        return f"{self.name} on {day} ({'; '.join(p.words(named) for p in self.parts)})"


@dataclass(frozen=True, slots=True)
class FirstWeek:
    """The week to brief first and what quickstart says beside it.

    ``week`` is the last complete week (``last``) or an earlier one with activity;
    ``None`` when no complete week has any. ``newest`` is the newest commit's time
    (where the data ends), ``shipped`` the week's releases and ``before`` the newest
    release before the week when it shipped none.
    """

    zone: str
    last: IsoWeek
    running: IsoWeek
    week: IsoWeek | None
    newest: datetime | None
    shipped: tuple[Release, ...] = ()
    before: Release | None = None
    releases: int = 0

    @property
    def newest_week(self) -> IsoWeek | None:
        """The week of the newest commit in the reader's zone."""
        return None if self.newest is None else IsoWeek.of(_local(self.newest, self.zone))

    def lines(self) -> list[str]:
        """What quickstart says before the briefing: where the data ends, which week it
        briefs and why, and what that week shipped."""
        newest, at = self.newest_week, self.newest
        if newest is None or at is None:
            return []
        # ISO, as bench.repos reads it back against git's newest commit.
        day = _local(at, self.zone).isoformat()
        if self.week is None and newest == self.running:
            # Activity only in the week still running: the last complete week is briefed.
            return [
                f"The clone's newest change merged on {day}, in {newest.id}, which is not over "
                "yet; `riskbrief brief` briefs that week once it is."
            ]
        if self.week is None:
            return [
                f"The clone's data ends on {day}, its newest commit; no complete week has a "
                f"change in a service, a deploy or an incident, so this briefs the last one, "
                f"{self.last.id}."
            ]
        ends = f"The clone's data ends on {day}, its newest commit"
        if newest == self.running:
            ends += f", in {newest.id}, which is not over yet"
        if self.week == self.last:
            out = [f"{ends}; this is the briefing of the last complete week, {self.week.id}."]
        else:
            after = self.week.next()
            empty = (
                f"{self.last.id} has"
                if after == self.last
                else f"{after.id} to {self.last.id} have"
            )
            out = [
                f"{ends}; {empty} no change in a service, no deploy and no incident, so this is "
                f"the briefing of {self.week.id}, the last complete week that has."
                + (" `git pull` the clone to brief the weeks since." if newest < self.last else "")
            ]
        out.append(self.shipped_line())
        return [line for line in out if line]

    def shipped_line(self) -> str:
        """``Shipped in 2026-W44: v2.0 on …``; a week without a release names the newest
        before it; empty when the store holds no deploy at all."""
        if self.week is None or not self.releases:
            return ""
        if not self.shipped:
            if self.before is None:
                return f"Shipped in {self.week.id}: no release."
            return (
                f"Shipped in {self.week.id}: no release (the newest before it: "
                f"{self.before.words(self.zone)})."
            )
        named = [r.words(self.zone) for r in self.shipped[:_LISTED]]
        more = len(self.shipped) - _LISTED
        if more > 0:
            named.append(f"{more} more")
        return f"Shipped in {self.week.id}: {', '.join(named)}."


def _local(at: datetime, zone: str) -> date:
    return _aware(at).astimezone(ZoneInfo(zone)).date()


def _day(at: datetime, zone: str) -> str:
    return _local(at, zone).isoformat()


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def reader_zone(session: Session, default: str = "UTC") -> str:
    """The time zone of the first active subscriber (the first briefing's reader)."""
    first = first_active_subscriber(session)
    return first.timezone if first is not None else default


def first_week(
    session: Session, zone: str, now: datetime, default: DefaultWeek | None = None
) -> FirstWeek:
    """The week quickstart briefs first, in ``zone``, as of ``now``: the reader's default week
    (``default``, else the whole organisation's: ``briefing.default_week``'s one rule, the
    last complete week holding data), with what it shipped."""
    last = IsoWeek.last_complete(now, zone)
    running = last.next()
    newest = newest_merge(session)
    releases = deploy_count(session)
    default = default or default_week(session, None, zone, now)
    if not default.holds:
        return FirstWeek(zone, last, running, None, newest, releases=releases)
    week = default.week
    start, stop = week.bounds(zone)
    shipped = _releases(session, start, stop)
    before = None
    if not shipped:
        earlier = _releases(session, None, start, newest_only=True)
        before = earlier[0] if earlier else None
    return FirstWeek(zone, last, running, week, newest, shipped, before, releases)


def _releases(
    session: Session, start: datetime | None, stop: datetime, *, newest_only: bool = False
) -> tuple[Release, ...]:
    """The deploys finished in ``[start, stop)`` as releases, oldest first; with
    ``newest_only``, only the newest release's deploys."""
    rows = deploys_finished(session, start, stop)
    if newest_only and rows:
        name = _name(rows[-1][0])
        rows = [(d, s) for d, s in rows if _name(d) == name]
    if not rows:
        return ()
    ids = [d.id for d, _ in rows if d.id is not None]
    counts = changes_per_deploy(session, ids)
    scores = deploy_scores(session, [d.key for d, _ in rows])
    parts: dict[str, list[ReleasePart]] = defaultdict(list)
    finished: dict[str, datetime] = {}
    for deploy, service in rows:
        name = _name(deploy)
        score, band = scores.get(deploy.key, (None, None))
        parts[name].append(ReleasePart(service, counts.get(deploy.id or 0, 0), score, band))
        finished[name] = max(finished.get(name, deploy.finished_at), deploy.finished_at)
    return tuple(
        Release(name, finished[name], tuple(parts[name]))
        for name in sorted(parts, key=lambda n: (finished[n], n))
    )


def _name(deploy: Deploy) -> str:
    """A release's name: the tag of a ``git-tag:{repository}:{tag}:{service}`` deploy, else
    the deploy's key."""
    if deploy.key.startswith("git-tag:"):
        rest = deploy.key.split(":", 2)[2]
        tag = rest.rsplit(":", 1)[0] if ":" in rest else ""
        if tag:
            return tag
    return deploy.key
