"""A window of scored changes, deploys and incidents, loaded once and sliced many times.

Briefings for many subscribers read the same weeks: one load of the whole
window (aggregated in SQL, not row by row) serves every scope and time zone.
"""

from __future__ import annotations

import bisect
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, col

from data.store.agent_outcomes import change_outcome_facts
from data.store.among import among
from data.store.culprits import culprit_traces
from data.store.scores import score_join, top_signal_names
from data.store.tables import (
    IS_MERGED,
    Change,
    Deploy,
    DeployChange,
    Incident,
    Person,
    RiskScoreRow,
    Service,
    Team,
    merged_time,
)
from data.store.work_kinds import StoredWork, kept_work
from scoring.agent_outcomes import ChangeOutcome
from scoring.risk import Band
from scoring.weekly import ScoredDeploy, WeekChange, WeekIncident

__all__ = ["Window", "WindowRows", "load_window", "window_rows"]

T = TypeVar("T")

_ELEVATED = (Band.HIGH.value, Band.CRITICAL.value)

# The environment sources store production deploys under, whatever the deploy
# tool calls it. Only production deploys count towards the week's deploys and
# change failure rate, as for the scorer's service history and the outcome labels.
PRODUCTION = "production"


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


def _text(column: Any) -> Any:
    """A JSON column read as its text: a week's window parses only the lists that are not
    empty, itself (SQLAlchemy's JSON type parsed two per change, a third of a page's time)."""
    return sa.type_coerce(col(column), sa.Text)


def _json_list(value: str | list[Any] | None) -> list[Any]:
    """The list a JSON column holds: its text on SQLite (``[]`` not parsed at all), already a
    list where the driver parses JSON itself (psycopg on PostgreSQL)."""
    if isinstance(value, list):
        return value
    if not value or value == "[]":
        return []
    found = json.loads(value)
    return found if isinstance(found, list) else []


def _band_gates(stored: Iterable[Any] | None, band: str) -> tuple[str, ...]:
    """The names of the stored gates whose floor is ``band``: those that alone put a score there."""
    if not stored:
        # Most changes have no gate: no generator to set up for each of them.
        return ()
    # A gate stored without a floor is one from before floors were kept: they were all critical.
    return tuple(
        str(g["name"]) for g in stored or () if g.get("floor", Band.CRITICAL.value) == band
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
    # Core rows here too: building an ORM object per person cost a page more than its query.
    conn = session.connection()
    services_rows = conn.execute(
        sa.select(col(Service.id), col(Service.key), col(Service.team_id))
    ).all()
    service_key = {i: key for i, key, _ in services_rows}
    team_key = dict(conn.execute(sa.select(col(Team.id), col(Team.key))).all())
    team_of = {key: team_key.get(team) if team else None for _, key, team in services_rows}
    people = conn.execute(sa.select(col(Person.id), col(Person.login), col(Person.kind))).all()
    logins = {i: login for i, login, _ in people}
    bots = {i for i, _, kind in people if kind == "bot"}
    only = None if services is None else frozenset(services)
    # Each kind of row filtered on the very column the slice later goes by.
    change_scope = sa.true() if only is None else col(RiskScoreRow.service).in_(sorted(only))
    service_ids = sorted(
        i for i, k in service_key.items() if i is not None and (only is None or k in only)
    )
    deploy_scope = sa.true() if only is None else col(Deploy.service_id).in_(service_ids)
    incident_scope = sa.true() if only is None else col(Incident.service_id).in_(service_ids)
    # Core rows, not ORM objects, and one row per change: a week can hold a hundred
    # thousand changes, and the scorer stored what each was scored as.
    rows = conn.execute(
        sa.select(
            col(Change.key),
            col(Change.title),
            col(Change.url),
            col(Change.author_id),
            col(Change.merged_at),
            col(RiskScoreRow.score),
            col(RiskScoreRow.band),
            col(RiskScoreRow.service),
            _text(RiskScoreRow.top_signals),
            col(RiskScoreRow.owner_files_known),
            col(RiskScoreRow.owner_files_covered),
            col(RiskScoreRow.agent_involved),
            col(RiskScoreRow.human_reviewed),
            _text(RiskScoreRow.gates),
            col(Change.line_coverage_delta),
            col(Change.service_coverage),
            col(RiskScoreRow.work_kind),
            col(RiskScoreRow.source_lines),
        )
        .join(RiskScoreRow, score_join("change", col(Change.key), version))
        .where(
            IS_MERGED,
            col(Change.merged_at) >= since,
            col(Change.merged_at) < until,
            change_scope,
        )
        .order_by(col(Change.merged_at), col(Change.key))
    ).all()
    # Read before the changes are made, so each is made once with its outcome.
    facts = _outcomes(session, rows, bots, later_fixed) if outcomes else {}
    changes = [
        WeekChange(
            key=key,
            title=title,
            service=service,
            team=team_of.get(service) if service else None,
            score=score,
            band=Band(band),
            merged_at=merged_time(merged_at, key),
            agent_involved=agent_involved,
            human_reviewed=human_reviewed,
            drivers=top_signal_names(_json_list(top_signals)),
            files_with_owner_data=known,
            files_with_owner=covered,
            url=url,
            author=logins.get(author_id),
            bot=author_id in bots,
            gates=_band_gates(_json_list(gates), band),
            line_coverage_delta=line_coverage_delta,
            service_line_coverage=service_coverage,
            outcome=facts.get(key),
        )
        for (
            key,
            title,
            url,
            author_id,
            merged_at,
            score,
            band,
            service,
            top_signals,
            known,
            covered,
            agent_involved,
            human_reviewed,
            gates,
            line_coverage_delta,
            service_coverage,
            _work_kind,
            _source_lines,
        ) in rows
    ]
    changes = _with_ungated_scores(conn, changes, version)
    if changes_only:
        return Window(since, until, tuple(changes), (), (), only)
    deploys = [
        ScoredDeploy(
            key=key,
            service=service_key[service_id],
            finished_at=finished,
            score=score,
            band=Band(band),
            succeeded=status == "success",
            gates=_band_gates(_json_list(gates), band),
        )
        for key, service_id, finished, status, score, band, gates in conn.execute(
            sa.select(
                col(Deploy.key),
                col(Deploy.service_id),
                col(Deploy.finished_at),
                col(Deploy.status),
                col(RiskScoreRow.score),
                col(RiskScoreRow.band),
                _text(RiskScoreRow.gates),
            )
            .join(RiskScoreRow, score_join("deploy", col(Deploy.key), version))
            .where(
                col(Deploy.environment) == PRODUCTION,
                col(Deploy.finished_at) >= since,
                col(Deploy.finished_at) < until,
                deploy_scope,
            )
            .order_by(col(Deploy.finished_at), col(Deploy.key))
        )
    ]
    incident_rows = _incident_rows(conn, since, until, version, incident_scope)
    shipped = _shipped(conn, {row[5] for row in incident_rows if row[5] is not None}, version)
    # An incident card needs the deploy it followed: no other incident is traced.
    traces = (
        culprit_traces(
            session,
            [row[0] for row in incident_rows if row[5] is not None and row[3] >= culprits_since],
            version,
        )
        if culprits_since is not None
        else {}
    )
    incidents = [
        WeekIncident(
            key=key,
            service=service_key[service_id],
            title=title,
            opened_at=opened,
            resolved_at=resolved,
            deploy_key=deploy_key,
            deploy_band=Band(deploy_band) if deploy_band else None,
            deploy_finished_at=deploy_finished,
            deploy_score=deploy_score,
            deploy_gates=_band_gates(_json_list(deploy_gates), deploy_band) if deploy_band else (),
            shipped=shipped.get(deploy_id, ()) if deploy_id is not None else (),
            culprits=traces.get(key),
        )
        for (
            key,
            service_id,
            title,
            opened,
            resolved,
            deploy_id,
            deploy_key,
            deploy_finished,
            deploy_band,
            deploy_score,
            deploy_gates,
        ) in incident_rows
    ]
    return Window(since, until, tuple(changes), tuple(deploys), tuple(incidents), only)


def _incident_rows(
    conn: Any, since: datetime, until: datetime, version: str, scope: Any
) -> list[Any]:
    """The incidents of ``[since, until)`` in ``scope``, each with its linked deploy's id, key,
    finish, band, score and gates (all ``None`` for an incident linked to no deploy)."""
    linked = sa.orm.aliased(Deploy)
    linked_score = sa.orm.aliased(RiskScoreRow)
    return list(
        conn.execute(
            sa.select(
                col(Incident.key),
                col(Incident.service_id),
                col(Incident.title),
                col(Incident.opened_at),
                col(Incident.resolved_at),
                col(linked.id),
                col(linked.key),
                col(linked.finished_at),
                col(linked_score.band),
                col(linked_score.score),
                _text(linked_score.gates),
            )
            .outerjoin(linked, col(linked.id) == col(Incident.deploy_id))
            .outerjoin(linked_score, score_join("deploy", col(linked.key), version, linked_score))
            .where(
                col(Incident.opened_at) >= since,
                col(Incident.opened_at) < until,
                scope,
            )
            .order_by(col(Incident.opened_at), col(Incident.key))
        ).all()
    )


def _shipped(conn: Any, deploy_ids: set[int], version: str) -> dict[int, tuple[WeekChange, ...]]:
    """The scored changes each of ``deploy_ids`` shipped (in whatever week they merged), for
    the incident rule: whether a deploy an incident followed shipped an unusually risky one.

    Read for the deploys incidents are linked to only: a few a week.
    """
    out: dict[int, list[WeekChange]] = {}
    # Which changes first, then those changes: joined in one query, SQLite without
    # statistics walks every change's score by its kind (0.3 s on 100,000 changes).
    deploys_of: dict[int, list[int]] = {}
    ids = sorted(deploy_ids)
    for start in range(0, len(ids), 500):
        for deploy_id, change_id in conn.execute(
            sa.select(col(DeployChange.deploy_id), col(DeployChange.change_id)).where(
                among(conn, col(DeployChange.deploy_id), ids[start : start + 500])
            )
        ):
            deploys_of.setdefault(change_id, []).append(deploy_id)
    change_ids = sorted(deploys_of)
    for start in range(0, len(change_ids), 500):
        rows = conn.execute(
            sa.select(
                col(Change.id),
                col(Change.key),
                col(Change.title),
                col(Change.merged_at),
                col(RiskScoreRow.score),
                col(RiskScoreRow.band),
                col(RiskScoreRow.service),
                col(RiskScoreRow.agent_involved),
                col(RiskScoreRow.human_reviewed),
                _text(RiskScoreRow.gates),
            )
            .join(RiskScoreRow, score_join("change", col(Change.key), version))
            .where(among(conn, col(Change.id), change_ids[start : start + 500]))
        )
        for change_id, key, title, merged_at, score, band, service, agent, reviewed, gates in rows:
            change = WeekChange(
                key=key,
                title=title,
                service=service,
                team=None,
                score=score,
                band=Band(band),
                merged_at=merged_time(merged_at, key),
                agent_involved=agent,
                human_reviewed=reviewed,
                gates=_band_gates(_json_list(gates), band),
            )
            for deploy_id in deploys_of[change_id]:
                out.setdefault(deploy_id, []).append(change)
    return {
        deploy_id: tuple(
            _with_ungated_scores(conn, sorted(changes, key=lambda c: (c.merged_at, c.key)), version)
        )
        for deploy_id, changes in out.items()
    }


def _with_ungated_scores(conn: Any, changes: list[WeekChange], version: str) -> list[WeekChange]:
    """``changes``, each gated one with the score its signals made before the gate lifted it.

    Read for the gated changes only (a few a week): the card rule asks whether a gated
    change carried other risk besides its gate.
    """
    gated = [c.key for c in changes if c.gates]
    if not gated:
        return changes
    ungated: dict[str, int] = {}
    for start in range(0, len(gated), 500):
        for key, signals in conn.execute(
            sa.select(col(RiskScoreRow.subject_key), col(RiskScoreRow.signals)).where(
                col(RiskScoreRow.subject_kind) == "change",
                col(RiskScoreRow.scorer_version) == version,
                among(conn, col(RiskScoreRow.subject_key), gated[start : start + 500]),
            )
        ):
            total = sum(float(s.get("points", 0.0)) for s in signals or ())
            ungated[key] = round(min(100.0, total))
    return [replace(c, ungated_score=ungated[c.key]) if c.key in ungated else c for c in changes]


def _outcomes(
    session: Session,
    rows: Sequence[Any],
    bots: set[int | None],
    later_fixed: Mapping[str, frozenset[str]] | None,
) -> dict[str, ChangeOutcome]:
    """Each change's kind of work, lines of code and outcomes, when any of ``rows`` (the
    window's, as read above) is an agent's: the agent card sets agents' outcomes beside
    people's of the same kind. A window without an agent change reads none of it (a bot's
    change is counted apart, not read)."""
    if not any(row.agent_involved for row in rows):
        return {}
    wanted = [row for row in rows if row.agent_involved or row.author_id not in bots]
    # What the scorer kept with each score, read above with it; the others are classified.
    kept: dict[str, StoredWork] = {}
    for row in wanted:
        work = kept_work(row.work_kind, row.source_lines)
        if work is not None:
            kept[row.key] = work
    return change_outcome_facts(session, [row.key for row in wanted], later_fixed, work=kept)


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
