"""AI-agent activity in a scope and week: changes by agent, human review, bands against humans'.

Read from the changes the scope's briefing counts (``data.store.scope_rows``: the whole
organisation's include those in code no service holds); each change is a person's, an
agent's or a bot's by the one rule every reader counts by (``scoring.makers``).

``AgentActivity.outcomes`` is what became of agents' changes over the weeks up to it
(``records.agent_outcomes``).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from pydantic import Field
from sqlmodel import Session

from bot.answers.access import Access
from bot.answers.asked import asked_week, chosen_week, narrowed
from bot.answers.lookups import version_of
from bot.answers.records.agent_outcomes import (
    CO_AUTHORED,
    OUTCOME_WEEKS,
    AgentOutcomes,
    agent_outcomes,
)
from bot.answers.records.models import BandCounts, ChangeRow, DataEnds, RecordBase
from bot.answers.records.service import change_row
from bot.answers.records.trend import weeks_ending
from data.clock import utcnow
from data.config import OrgConfig
from data.store.reads.changes import scored_merged_rows
from data.store.reads.org import agent_logins
from data.store.scope_rows import scope_rows
from data.store.work_kinds import change_work_kinds
from evaluation.change_outcomes import change_outcomes
from scoring.authorship import AuthorKind
from scoring.band import Band
from scoring.weekly import Distribution, WeekChange, makers
from scoring.work_kind import WorkKind

__all__ = [
    "AgentActivity",
    "AgentRow",
    "AgentWeek",
    "KindCount",
    "agent_activity",
    "agent_weeks",
]


class KindCount(RecordBase):
    """Agent changes of one kind of work, beside people's changes of that kind."""

    kind: str = Field(
        description="feature, fix, refactor, chore, docs, test or unknown (scoring.work_kind)."
    )
    changes: int = Field(description="The agent's (or all agents') changes of this kind.")
    human_changes: int = Field(description="People's changes of this kind in the same week.")


class AgentRow(RecordBase):
    """One AI coding agent's changes in the week."""

    agent: str = Field(description="The agent's login, or co-author when a human authored it.")
    changes: int
    human_reviewed: int
    not_reviewed: int
    review_unknown: int
    high_risk: int
    mean_score: float
    kinds: list[KindCount] = Field(
        default_factory=list,
        description="The agent's changes by kind of work, each beside people's of that kind.",
    )


class AgentActivity(DataEnds):
    """AI-agent changes in a scope and week, against the humans' changes."""

    scope: str
    week: str
    changes: int = Field(
        description="Every change the scope's week counts, as its briefing does: people's, "
        "agents' and bots' add up to it (for the whole organisation, changes in code no "
        "service holds too)."
    )
    agent_changes: int = Field(
        description="Changes an AI agent authored or co-authored (a bot's account or not)."
    )
    human_changes: int = Field(description="Changes people made, with no agent taking part.")
    bot_changes: int = Field(
        description="Changes bots authored (dependency updates, release notes) with no agent "
        "taking part: counted apart from people's."
    )
    reviewed_share: float | None = Field(
        description="Per cent of agent changes with a known review that a human approved."
    )
    agents: list[AgentRow]
    agent_bands: BandCounts
    human_bands: BandCounts
    agent_high_risk_share: float | None
    human_high_risk_share: float | None
    unreviewed_changes: list[ChangeRow] = Field(description="Agent changes no human approved.")
    agent_kinds: list[KindCount] = Field(
        default_factory=list,
        description="All agents' changes by kind of work, each beside people's of that kind.",
    )
    outcomes: AgentOutcomes | None = Field(
        default=None,
        description="Over the weeks up to this one: what became of agents' changes, per kind "
        "of work, beside people's.",
    )


class AgentWeek(RecordBase):
    """One week of AI-agent changes in a scope: how many, how reviewed, how risky, how they went."""

    week: str
    changes: int = Field(description="All changes in scope that week.")
    agent_changes: int
    agent_unreviewed: int = Field(description="Agent changes no human approved.")
    agent_high_risk: int
    agent_went_wrong: int = Field(
        description="Agent changes later reverted, or shipped in a deploy an incident followed."
    )


def _share(d: Distribution) -> float | None:
    return round(d.high_risk_share, 1) if d.total else None


def _kinds(
    changes: Sequence[WeekChange], kinds: dict[str, WorkKind], human: dict[WorkKind, int]
) -> list[KindCount]:
    """The kinds of ``changes`` in ``WorkKind``'s order, each with people's count beside it."""
    counts: dict[WorkKind, int] = defaultdict(int)
    for c in changes:
        counts[kinds.get(c.key, WorkKind.UNKNOWN)] += 1
    return [
        KindCount(kind=k.value, changes=counts[k], human_changes=human.get(k, 0))
        for k in WorkKind
        if counts[k]
    ]


def _row(
    agent: str, changes: list[WeekChange], kinds: dict[str, WorkKind], human: dict[WorkKind, int]
) -> AgentRow:
    return AgentRow(
        agent=agent,
        changes=len(changes),
        human_reviewed=sum(1 for c in changes if c.human_reviewed is True),
        not_reviewed=sum(1 for c in changes if c.human_reviewed is False),
        review_unknown=sum(1 for c in changes if c.human_reviewed is None),
        high_risk=sum(1 for c in changes if c.high_risk),
        mean_score=round(sum(c.score for c in changes) / len(changes), 1),
        kinds=_kinds(changes, kinds, human),
    )


def agent_activity(
    session: Session,
    org: OrgConfig,
    access: Access,
    names: Sequence[str] | None,
    week_text: str | None,
    now: datetime | None = None,
    weeks: int = OUTCOME_WEEKS,
) -> AgentActivity:
    """The AI-agent changes of ``names`` (default the caller's scope) in a week (default the
    last complete week holding data in scope), and what became of them over ``weeks`` weeks up
    to it (``outcomes``), saying where the data ends."""
    scope = narrowed(org, access, names)
    week, default = chosen_week(session, org, week_text, scope, now or utcnow())
    asked = None if week_text is None or not week_text.strip() else week
    since, until = week.bounds(scope.timezone)
    services = list(scope.visible(org))
    # The week's changes alone, the ones the briefing of the scope counts (its kinds are read
    # below; outcomes come with ``outcomes``): neither its deploys nor its incidents.
    rows = scope_rows(
        session,
        since,
        until,
        version_of(org),
        services,
        scope.whole,
        outcomes=False,
        changes_only=True,
    )
    agents = agent_logins(session)
    made = makers(rows.changes)
    agent_changes = [c for c in rows.changes if c.maker is AuthorKind.AGENT]
    humans = [c for c in rows.changes if c.maker is AuthorKind.HUMAN]
    by_agent: dict[str, list[WeekChange]] = defaultdict(list)
    for c in agent_changes:
        by_agent[c.author if c.author in agents else CO_AUTHORED].append(c)
    known = [c for c in agent_changes if c.human_reviewed is not None]
    agent_d = Distribution.of(c.band for c in agent_changes)
    human_d = Distribution.of(c.band for c in humans)
    unreviewed = sorted(
        (c for c in agent_changes if c.human_reviewed is False), key=lambda c: (-c.score, c.key)
    )
    # Kinds only where there is an agent change to set beside people's.
    kinds = (
        change_work_kinds(session, [c.key for c in (*agent_changes, *humans)], version_of(org))
        if agent_changes
        else {}
    )
    human_kinds: dict[WorkKind, int] = defaultdict(int)
    for c in humans:
        human_kinds[kinds.get(c.key, WorkKind.UNKNOWN)] += 1
    return AgentActivity(
        scope=scope.label,
        week=week.id,
        changes=made.total,
        agent_changes=made.agents,
        human_changes=made.people,
        bot_changes=made.bots,
        reviewed_share=(
            round(100.0 * sum(1 for c in known if c.human_reviewed) / len(known), 1)
            if known
            else None
        ),
        agents=[
            _row(name, changes, kinds, human_kinds)
            for name, changes in sorted(by_agent.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        ],
        agent_bands=BandCounts.of(agent_d),
        human_bands=BandCounts.of(human_d),
        agent_high_risk_share=_share(agent_d),
        human_high_risk_share=_share(human_d),
        unreviewed_changes=[change_row(c) for c in unreviewed],
        agent_kinds=_kinds(agent_changes, kinds, human_kinds),
        outcomes=agent_outcomes(session, org, access, names, weeks, week.id, now),
        **DataEnds.of(default, asked),
    )


def agent_weeks(
    session: Session,
    org: OrgConfig,
    access: Access,
    names: Sequence[str] | None,
    weeks: int,
    until_text: str | None = None,
    now: datetime | None = None,
) -> list[AgentWeek]:
    """``weeks`` weeks (oldest first) of AI-agent changes up to ``until_text`` (default the
    last complete week), from the stored scores alone: a page over a year of a big
    organisation reads four columns per change, not every change's signals."""
    scope = narrowed(org, access, names)
    zone = scope.timezone
    last = asked_week(until_text, scope, now or utcnow(), current=False)
    all_weeks = weeks_ending(last, weeks)
    since, until = all_weeks[0].bounds(zone)[0], last.bounds(zone)[1]
    visible = None if scope.whole else scope.visible(org)
    rows = scored_merged_rows(session, version_of(org), since, until, visible)
    agent_keys = {key for key, _, agent, _, _ in rows if agent}
    bad = change_outcomes(session, keys=agent_keys).bad if agent_keys else frozenset()
    counts = {w.id: [0, 0, 0, 0, 0] for w in all_weeks}
    # Each week's start in the scope's zone: a change's week is found by bisecting them.
    starts = [w.bounds(zone)[0] for w in all_weeks]
    for key, merged_at, agent, reviewed, band in rows:
        n = bisect_right(starts, merged_at) - 1 if merged_at is not None else -1
        if n < 0:
            continue
        c = counts[all_weeks[n].id]
        c[0] += 1
        if agent:
            c[1] += 1
            c[2] += reviewed is False
            c[3] += Band(band).high_risk
            c[4] += key in bad
    return [
        AgentWeek(
            week=w,
            changes=c[0],
            agent_changes=c[1],
            agent_unreviewed=c[2],
            agent_high_risk=c[3],
            agent_went_wrong=c[4],
        )
        for w, c in counts.items()
    ]
