"""AI-agent activity in a scope and week: changes by agent, human review, bands against humans'.

Read from the same window of scored changes as the briefing's agent card
(``data.store.window``); a change counts as an agent's when an agent authored or
co-authored it (``WeekChange.agent_involved``), and bots are counted apart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from bot.answers.access import Access
from bot.answers.asked import asked_week, narrowed
from bot.answers.lookups import version_of
from bot.answers.records.models import AgentActivity, AgentRow, BandCounts
from bot.answers.records.service import change_row
from data.clock import utcnow
from data.config import OrgConfig
from data.store.tables import Person
from data.store.window import load_window
from scoring import Distribution
from scoring.weekly import WeekChange

__all__ = ["CO_AUTHORED", "agent_activity"]

# The agent of a change a human authored with an agent as co-author.
CO_AUTHORED = "co-authored by an agent"


def _share(d: Distribution) -> float | None:
    return round(d.high_risk_share, 1) if d.total else None


def _row(agent: str, changes: list[WeekChange]) -> AgentRow:
    return AgentRow(
        agent=agent,
        changes=len(changes),
        human_reviewed=sum(1 for c in changes if c.human_reviewed is True),
        not_reviewed=sum(1 for c in changes if c.human_reviewed is False),
        review_unknown=sum(1 for c in changes if c.human_reviewed is None),
        high_risk=sum(1 for c in changes if c.high_risk),
        mean_score=round(sum(c.score for c in changes) / len(changes), 1),
    )


def agent_activity(
    session: Session,
    org: OrgConfig,
    access: Access,
    names: Sequence[str] | None,
    week_text: str | None,
    now: datetime | None = None,
) -> AgentActivity:
    """The AI-agent changes of ``names`` (default the caller's scope) in a week."""
    scope = narrowed(org, access, names)
    week = asked_week(week_text, scope, now or utcnow(), current=False)
    since, until = week.bounds(scope.timezone)
    services = list(scope.visible(org))
    rows = load_window(session, since, until, version_of(org), services).slice(
        since, until, services
    )
    agents = set(session.exec(select(Person.login).where(col(Person.kind) == "agent")))
    agent_changes = [c for c in rows.changes if c.agent_involved]
    humans = [c for c in rows.changes if not c.agent_involved and not c.bot]
    by_agent: dict[str, list[WeekChange]] = defaultdict(list)
    for c in agent_changes:
        by_agent[c.author if c.author in agents else CO_AUTHORED].append(c)
    known = [c for c in agent_changes if c.human_reviewed is not None]
    agent_d = Distribution.of(c.band for c in agent_changes)
    human_d = Distribution.of(c.band for c in humans)
    unreviewed = sorted(
        (c for c in agent_changes if c.human_reviewed is False), key=lambda c: (-c.score, c.key)
    )
    return AgentActivity(
        scope=scope.label,
        week=week.id,
        agent_changes=len(agent_changes),
        human_changes=len(humans),
        bot_changes=sum(1 for c in rows.changes if c.bot and not c.agent_involved),
        reviewed_share=(
            round(100.0 * sum(1 for c in known if c.human_reviewed) / len(known), 1)
            if known
            else None
        ),
        agents=[
            _row(name, changes)
            for name, changes in sorted(by_agent.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        ],
        agent_bands=BandCounts.of(agent_d),
        human_bands=BandCounts.of(human_d),
        agent_high_risk_share=_share(agent_d),
        human_high_risk_share=_share(human_d),
        unreviewed_changes=[change_row(c) for c in unreviewed],
    )
