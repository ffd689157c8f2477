"""A scope's weekly briefing as a record: the facts the Monday briefing is written from.

The same ``briefing.build.build_payload`` the briefing uses, so every card, fact and
piece of evidence is the briefing's own, told with the briefing's words for facts and
evidence; the narrative is left out (an agent reads the facts, and a tool call must
not wait on an LLM).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session

from bot.answers.access import Access
from bot.answers.asked import asked_week, narrowed
from bot.answers.records.models import (
    BandCounts,
    BriefingFacts,
    CardRow,
    ChangeSignals,
    EvidenceRow,
    FactRow,
    IncidentRow,
    SignalPoints,
    band_words,
)
from briefing.build import Recipient, build_payload
from briefing.payload import BriefingPayload, CardView, Counts
from briefing.render.text import evidence_words, fact_text
from data.clock import utcnow
from data.config import OrgConfig
from scoring import Distribution

__all__ = ["scope_briefing"]


def _bands(c: Counts) -> BandCounts:
    return BandCounts.of(Distribution(c.safe, c.moderate, c.high, c.critical))


def _share(c: Counts) -> float:
    return round(100.0 * c.high_risk / c.total, 1) if c.total else 0.0


def _card(payload: BriefingPayload, card: CardView) -> CardRow:
    evidence = []
    for item in card.evidence:
        change = payload.change(item.key)
        evidence.append(
            EvidenceRow(
                kind=item.kind.value,
                key=item.key,
                words=evidence_words(card, payload, item),
                title=change.title if change else None,
                url=change.url if change else None,
                score=change.score if change else None,
                band=band_words(change.band) if change else None,
            )
        )
    return CardRow(
        id=card.id,
        kind=card.kind.value,
        severity=card.severity.value,
        title=card.title,
        subject=card.subject,
        facts=[
            FactRow(key=f.key.value, value=f.value, unit=f.unit, signal=f.signal, text=fact_text(f))
            for f in card.facts
        ],
        evidence=evidence,
    )


def facts_of(payload: BriefingPayload) -> BriefingFacts:
    """The payload's facts as the tool answers them."""
    m = payload.metrics
    return BriefingFacts(
        organisation=payload.organisation,
        scope=payload.scope.label,
        services=list(payload.scope.services),
        week=payload.week.id,
        start=payload.week.start.isoformat(),
        end=payload.week.end.isoformat(),
        timezone=payload.week.timezone,
        severity_counts=payload.severity_counts.model_dump(),
        bands=_bands(payload.distribution),
        bands_last_week=_bands(payload.distribution_last_week),
        high_risk_share=_share(payload.distribution),
        high_risk_share_last_week=_share(payload.distribution_last_week),
        drivers={d.signal: [d.this_week, d.last_week] for d in payload.drivers},
        mttr_minutes=m.mttr_minutes,
        mttr_minutes_last_week=m.mttr_minutes_last_week,
        change_failure_rate=m.change_failure_rate,
        change_failure_rate_last_week=m.change_failure_rate_last_week,
        deploys=m.deploys,
        incidents=[
            IncidentRow(
                key=i.id,
                service=i.service,
                title=i.title,
                opened_at=i.opened_at,
                resolved_at=i.resolved_at,
                minutes_to_resolve=i.minutes_to_resolve,
            )
            for i in payload.incidents
        ],
        agent_changes=payload.agents.changes,
        agent_changes_unreviewed=payload.agents.unreviewed,
        cards=[_card(payload, c) for c in payload.cards],
        top_changes=[
            ChangeSignals(
                key=c.id,
                title=c.title,
                url=c.url,
                service=c.service,
                score=c.score,
                band=band_words(c.band),
                signals=[
                    SignalPoints(name=s.name, points=s.points, explanation=s.explanation)
                    for s in c.signals
                ],
                gates=list(c.gates),
                agent=c.agent,
                human_reviewed=c.human_reviewed,
            )
            for c in payload.top_changes
        ],
    )


def scope_briefing(
    session: Session,
    org: OrgConfig,
    access: Access,
    names: Sequence[str] | None,
    week_text: str | None,
    now: datetime | None = None,
) -> BriefingFacts:
    """The briefing facts of ``names`` (default the caller's scope) for a week."""
    access = narrowed(org, access, names)
    week = asked_week(week_text, access, now or utcnow(), current=False)
    asker = Recipient(access.subscriber or "mcp", access.label, access.timezone, access.scope)
    return facts_of(build_payload(session, org, asker, week))
