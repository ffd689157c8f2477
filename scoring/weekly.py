"""A week of scored changes, deploys and incidents, reduced to the numbers cards are judged on."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from scoring.agent_outcomes import ChangeOutcome
from scoring.authorship import AuthorKind
from scoring.culprits import REVERT_INCIDENT, CulpritTrace
from scoring.makers import ChangeMakers, maker
from scoring.risk import Band

__all__ = [
    "Distribution",
    "GroupWeek",
    "ScoredDeploy",
    "WeekAggregate",
    "WeekChange",
    "WeekIncident",
    "aggregate",
    "grouped",
    "makers",
]


@dataclass(frozen=True, slots=True)
class WeekChange:
    """A change with its score, reduced to what weekly aggregates need."""

    key: str
    title: str
    service: str | None
    team: str | None
    score: int
    band: Band
    merged_at: datetime
    agent_involved: bool = False
    # None when the review is unknown (a git history only reported the change).
    human_reviewed: bool | None = True
    drivers: tuple[str, ...] = ()
    files_with_owner_data: int = 0
    files_with_owner: int = 0
    url: str | None = None
    author: str | None = None
    # Authored by a bot: never in a team's share; counted as a bot's change unless an agent
    # took part (``maker``).
    bot: bool = False
    # The gates that alone put the change in its band (their floor is its band): a
    # schema migration is very high risk whatever its signals say.
    gates: tuple[str, ...] = ()
    # The touched files' line coverage change (points) and the service's line coverage (%)
    # at the change's head, when a coverage report exists there.
    line_coverage_delta: float | None = None
    service_line_coverage: float | None = None
    # For a gated change, the score its signals alone made before a gate lifted it
    # (``None`` when not gated or not known).
    ungated_score: int | None = None
    # Its lines of code added and deleted, as scored (``ChangeFiles.source_lines``; ``None``
    # when not known): how large it was beside its service's other changes.
    source_lines: int | None = None
    # The points that signals reading what it lands in, not the change (a service's recent
    # incidents; ``scoring.signals.exposure.CONTEXT_SIGNALS``), added to its number
    # (``ScoredChange.context_points``): the rules that ask whether the changes themselves got
    # riskier judge them without these (``own_score``). ``None`` until known (a score stored
    # before they were kept, before its reader adds them up).
    context_points: float | None = 0.0
    # Its kind of work, lines of code and what became of it (reverted, an incident), read
    # only for a window holding an agent change (``data.store.window``): ``None`` otherwise.
    outcome: ChangeOutcome | None = None
    # Kept as a plain field: weekly aggregates ask it millions of times for large orgs.
    high_risk: bool = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "high_risk", self.band.high_risk)

    @property
    def maker(self) -> AuthorKind:
        """Who made it, the one way every reader counts it (``scoring.makers``)."""
        return maker(agent_involved=self.agent_involved, bot=self.bot)

    @property
    def own_score(self) -> float:
        """Its score without the points of what it lands in (``context_points``): how risky the
        change itself is."""
        return max(0.0, self.score - (self.context_points or 0.0))

    @property
    def gated_very_high(self) -> bool:
        """Very high risk by a hard rule: a manager hears of it in any week, quiet or not."""
        return self.band is Band.CRITICAL and bool(self.gates)


@dataclass(frozen=True, slots=True)
class ScoredDeploy:
    """A deploy with its score."""

    key: str
    service: str
    finished_at: datetime
    score: int
    band: Band
    succeeded: bool = True
    # The gates that alone put the deploy in its band (an incident of its service was
    # active when it finished): such a deploy is no riskier for what it shipped.
    gates: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class WeekIncident:
    """An incident and the deploy it is linked to, if any."""

    key: str
    service: str
    title: str
    opened_at: datetime
    resolved_at: datetime | None
    deploy_key: str | None = None
    deploy_band: Band | None = None
    deploy_finished_at: datetime | None = None
    # The linked deploy's score, the gates that alone put it in its band, and the changes
    # it shipped (as scored, in whatever week they merged).
    deploy_score: int | None = None
    deploy_gates: tuple[str, ...] = ()
    shipped: tuple[WeekChange, ...] = ()
    # What ranking its likeliest culprits reads, when the week was read with it (a briefing's
    # week is; a trend's weeks are not).
    culprits: CulpritTrace | None = None

    @property
    def is_revert(self) -> bool:
        """Whether a revert made this incident (``data.rules.revert_incidents``): a change that
        failed in production, counted in the change failure rate, with no outage to time."""
        return self.key.startswith(REVERT_INCIDENT)

    @property
    def minutes_to_resolve(self) -> float | None:
        """Open to resolved, in minutes; ``None`` while open, and for a revert, whose "resolved"
        is only when the revert merged, not the end of an outage."""
        if self.resolved_at is None or self.is_revert:
            return None
        return (self.resolved_at - self.opened_at).total_seconds() / 60


@dataclass(frozen=True, slots=True)
class Distribution:
    """How many changes fell in each band."""

    safe: int = 0
    moderate: int = 0
    high: int = 0
    critical: int = 0

    @property
    def total(self) -> int:
        """All changes."""
        return self.safe + self.moderate + self.high + self.critical

    @property
    def high_risk(self) -> int:
        """High plus critical."""
        return self.high + self.critical

    @property
    def high_risk_share(self) -> float:
        """Percentage of changes in high or critical (0 for no changes)."""
        return 100.0 * self.high_risk / self.total if self.total else 0.0

    @staticmethod
    def of(bands: Iterable[Band]) -> Distribution:
        """Count bands."""
        c = Counter(bands)
        return Distribution(c[Band.SAFE], c[Band.MODERATE], c[Band.HIGH], c[Band.CRITICAL])


@dataclass(frozen=True, slots=True)
class GroupWeek:
    """A service's or team's week: its distribution and what drove its high-risk changes."""

    name: str
    distribution: Distribution
    drivers: tuple[tuple[str, int], ...]

    @property
    def top_driver(self) -> tuple[str, int] | None:
        """The signal that drove most high-risk changes, if any."""
        return self.drivers[0] if self.drivers else None


def _drivers(changes: Iterable[WeekChange]) -> tuple[tuple[str, int], ...]:
    counts = Counter(d for c in changes if c.high_risk for d in c.drivers)
    return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def grouped(changes: Iterable[WeekChange], key: str) -> dict[str, list[WeekChange]]:
    """``changes`` by their ``key`` (``"service"`` or ``"team"``), in order; those of none left
    out."""
    buckets: dict[str, list[WeekChange]] = {}
    for c in changes:
        name = getattr(c, key)
        if name is not None:
            buckets.setdefault(name, []).append(c)
    return buckets


def _groups(changes: list[WeekChange], key: str) -> tuple[GroupWeek, ...]:
    buckets = grouped(changes, key)
    return tuple(
        GroupWeek(name, Distribution.of(c.band for c in group), _drivers(group))
        for name, group in sorted(buckets.items())
    )


@dataclass(frozen=True, slots=True)
class WeekAggregate:
    """One scope's week, everything the card rules compare against the week before."""

    changes: tuple[WeekChange, ...]
    deploys: tuple[ScoredDeploy, ...]
    incidents: tuple[WeekIncident, ...]
    distribution: Distribution
    services: tuple[GroupWeek, ...]
    teams: tuple[GroupWeek, ...]
    drivers: tuple[tuple[str, int], ...]
    files_with_owner_data: int
    files_with_owner: int
    by_service: Mapping[str, GroupWeek] = field(default_factory=dict)
    by_team: Mapping[str, GroupWeek] = field(default_factory=dict)
    # How many weeks the aggregate pools: 1 for a week, more for a baseline.
    weeks: int = 1
    # How many of a baseline's weeks the store holds anything of, when fewer than ``weeks``:
    # a store a few weeks old compares with those and says so (``card_rules.measure.versus``).
    held_weeks: int | None = None
    # This week's baseline: the weeks before it (last week included), pooled, for the
    # rate and time cards to compare with when last week alone is too thin.
    baseline: WeekAggregate | None = None
    # Each service's line coverage at the week's last change of it with a report.
    line_coverage_by_service: Mapping[str, float] = field(default_factory=dict)

    @property
    def mttr_minutes(self) -> float | None:
        """Median open-to-resolved minutes of the week's resolved incidents, reverts left out
        (they have no outage to resolve; they count in the change failure rate).

        The median, as DORA reports it: one incident left open over a weekend
        must not make a week of quick recoveries look slow.
        """
        minutes = [m for i in self.incidents if (m := i.minutes_to_resolve) is not None]
        return statistics.median(minutes) if minutes else None

    @property
    def resolved_incidents(self) -> int:
        """Incidents of the week that are resolved, reverts left out: the ones its MTTR is the
        median of."""
        return sum(1 for i in self.incidents if i.resolved_at is not None and not i.is_revert)

    @property
    def failed_deploys(self) -> int:
        """Deploys that failed or were followed by a linked incident."""
        linked = {i.deploy_key for i in self.incidents if i.deploy_key}
        return sum(1 for d in self.deploys if not d.succeeded or d.key in linked)

    @property
    def change_failure_rate(self) -> float | None:
        """Percentage of deploys that failed or caused an incident; ``None`` without deploys."""
        return 100.0 * self.failed_deploys / len(self.deploys) if self.deploys else None

    @property
    def owner_coverage(self) -> float | None:
        """Owner coverage: the % of touched files with CODEOWNERS data that have an owner."""
        if not self.files_with_owner_data:
            return None
        return 100.0 * self.files_with_owner / self.files_with_owner_data

    @property
    def agent_changes(self) -> tuple[WeekChange, ...]:
        """Changes an AI agent authored or co-authored."""
        return tuple(c for c in self.changes if c.agent_involved)

    @property
    def bot_changes(self) -> tuple[WeekChange, ...]:
        """Changes bots made (dependency updates, CI) with no agent taking part: neither
        people's nor agents' work (``scoring.makers``)."""
        return tuple(c for c in self.changes if c.maker is AuthorKind.BOT)

    @property
    def makers(self) -> ChangeMakers:
        """The week's changes counted by who made them: people, agents and bots."""
        return makers(self.changes)

    @property
    def agent_unreviewed(self) -> tuple[WeekChange, ...]:
        """Agent changes merged without a human approval."""
        return tuple(c for c in self.agent_changes if c.human_reviewed is False)


def makers(changes: Iterable[WeekChange]) -> ChangeMakers:
    """``changes`` counted by who made them, as every reader counts them (``scoring.makers``)."""
    return ChangeMakers.of(c.maker for c in changes)


def aggregate(
    changes: Iterable[WeekChange],
    deploys: Iterable[ScoredDeploy] = (),
    incidents: Iterable[WeekIncident] = (),
    *,
    weeks: int = 1,
    baseline: WeekAggregate | None = None,
    held_weeks: int | None = None,
) -> WeekAggregate:
    """Reduce one scope's week (or ``weeks`` weeks pooled) to its aggregates.

    ``baseline`` is the aggregate of the weeks before, kept on the week for the
    card rules to fall back on (``WeekAggregate.baseline``); ``held_weeks``, how many of
    ``weeks`` the store holds anything of when it holds fewer.
    """
    cs = tuple(sorted(changes, key=lambda c: (c.merged_at, c.key)))
    services = _groups(list(cs), "service")
    # A bot's dependency bump says nothing about how a team works.
    teams = _groups([c for c in cs if not c.bot], "team")
    return WeekAggregate(
        changes=cs,
        deploys=tuple(sorted(deploys, key=lambda d: (d.finished_at, d.key))),
        incidents=tuple(sorted(incidents, key=lambda i: (i.opened_at, i.key))),
        distribution=Distribution.of(c.band for c in cs),
        services=services,
        teams=teams,
        drivers=_drivers(cs),
        files_with_owner_data=sum(c.files_with_owner_data for c in cs),
        files_with_owner=sum(c.files_with_owner for c in cs),
        by_service={g.name: g for g in services},
        by_team={g.name: g for g in teams},
        weeks=weeks,
        held_weeks=held_weeks,
        baseline=baseline,
        # In merge order, so the last change with a report of each service wins.
        line_coverage_by_service={
            c.service: c.service_line_coverage
            for c in cs
            if c.service is not None and c.service_line_coverage is not None
        },
    )
