"""The payload's sections (cards, changes, services, deploys, incidents…), each from the week."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields

from briefing.card_words import card_title
from briefing.incidents import incident_url
from briefing.payload import (
    AgentView,
    CardView,
    ChangeView,
    Counts,
    DeployView,
    DriverView,
    IncidentView,
    Metrics,
    ServiceView,
    SignalView,
    UnknownView,
)
from data.config import OrgConfig
from scoring.card_terms import Card, EvidenceKind
from scoring.change_key import ChangeKey
from scoring.config import ScoringConfig
from scoring.risk import Band
from scoring.scored import ScoredChange
from scoring.weekly import Distribution, WeekAggregate, WeekChange

__all__ = [
    "agents",
    "card_view",
    "counts",
    "drivers",
    "incidents",
    "metrics",
    "risky_deploys",
    "rounded",
    "services",
    "top_change_picks",
    "top_changes",
    "unknown",
]


# A briefing is a 90-second read: a handful of changes is what a manager opens.
_TOP_CHANGES = 5
_MAX_CHANGES = 10
# High-risk deploys named in a briefing; more are in `/risk deploy`.
_RISKY_DEPLOYS = 3
_VERY_HIGH_DEPLOYS = 5
# The gate of a deploy finished while its service had spent its error budget.
_SPENT_BUDGET = "error_budget"


def counts(d: Distribution) -> Counts:
    return Counts.model_validate(d, from_attributes=True)


def rounded(x: float | None) -> float | None:
    return None if x is None else round(x, 1)


def card_view(card: Card, names: Mapping[str, str] | None = None) -> CardView:
    """The payload's view of a card the scoring rules made, titled in the briefing's words.

    ``names`` gives services' and teams' display names by key: a reader sees those.
    """
    # CardView and FactView declare the card's fields with its types (enums included),
    # so pydantic reads them off the card: no hand-kept copy of each field to fall behind.
    read = {f.name: getattr(card, f.name) for f in fields(card)}
    return CardView.model_validate({**read, "title": card_title(card, names)}, from_attributes=True)


def _signals(scored: ScoredChange) -> tuple[SignalView, ...]:
    return tuple(
        SignalView(name=s.name, points=round(s.points), explanation=s.explanation)
        for s in scored.top_signals
    )


def top_change_picks(this: WeekAggregate, cards: Sequence[Card]) -> list[WeekChange]:
    """The week's changes a briefing lists, riskiest first: every change a gate put at very high
    risk (a manager hears of it in any week, whether or not a card tells it), the riskiest few
    very-high-risk ones and every change a card cites (so a narrative may name them), then the
    riskiest high-risk ones, at most ``_MAX_CHANGES`` in all.

    The very-high ones come before a card's: a week with a very-high-risk change names it
    (README), and a concentration card citing a dozen changes of its service would otherwise
    take every place from the week's riskiest change, merged in code no service holds."""
    by_key = {c.key: c for c in this.changes}
    ranked = sorted(this.changes, key=lambda c: (-c.score, c.key))
    must = [c.key for c in ranked if c.gated_very_high]
    must += [c.key for c in ranked if c.band is Band.CRITICAL][:_TOP_CHANGES]
    for card in cards:
        # A revert incident's key names the reverting change, which the card then links.
        must += [e.key for e in card.evidence_of(EvidenceKind.CHANGE, EvidenceKind.REVERT)]
    wanted = list(dict.fromkeys(k for k in must if k in by_key))[:_MAX_CHANGES]
    for c in [c for c in ranked if c.high_risk][:_TOP_CHANGES]:
        if len(wanted) < _MAX_CHANGES and c.key not in wanted:
            wanted.append(c.key)
    return sorted((by_key[k] for k in wanted), key=lambda c: (-c.score, c.key))


def top_changes(
    chosen: Sequence[WeekChange],
    details: Mapping[str, ScoredChange],
    name_people: bool,
) -> tuple[ChangeView, ...]:
    """The ``top_change_picks`` a briefing lists, each with its stored explanation."""
    out: list[ChangeView] = []
    for c in chosen:
        detail = details[c.key]
        out.append(
            ChangeView(
                id=c.key,
                title=c.title,
                url=c.url,
                service=c.service,
                score=c.score,
                band=c.band.value,
                signals=_signals(detail),
                gates=tuple(g.explanation for g in detail.gates),
                agent=c.agent_involved,
                human_reviewed=c.human_reviewed,
                author=c.author if name_people else None,
            )
        )
    return tuple(out)


def services(org: OrgConfig, this: WeekAggregate, last: WeekAggregate) -> tuple[ServiceView, ...]:
    names = {s.key: s.display_name for s in org.services}
    out: list[ServiceView] = []
    for key in sorted(set(this.by_service) | set(last.by_service)):
        now = this.by_service.get(key)
        before = last.by_service.get(key)
        d = now.distribution if now else Distribution()
        driver = now.top_driver if now else None
        out.append(
            ServiceView(
                id=key,
                name=names.get(key, key),
                team=org.team_of_service(key),
                changes=d.total,
                high_risk=d.high_risk,
                high_risk_share=round(d.high_risk_share, 1),
                high_risk_share_last_week=round(
                    before.distribution.high_risk_share if before else 0.0, 1
                ),
                top_driver=driver[0] if driver else None,
            )
        )
    return tuple(sorted(out, key=lambda s: (-s.high_risk_share, s.id)))


def risky_deploys(this: WeekAggregate) -> tuple[DeployView, ...]:
    """The week's high and critical deploys, riskiest first, with the incidents linked to them;
    those shipped on a spent error budget take their places first."""
    linked: dict[str, list[str]] = {}
    for i in this.incidents:
        if i.deploy_key:
            linked.setdefault(i.deploy_key, []).append(i.key)
    risky = sorted(
        (d for d in this.deploys if d.band.high_risk), key=lambda d: (-d.score, d.finished_at)
    )
    # Very-high-risk deploys come first and a few more of them are named (a week with one
    # is never quiet); the metrics count them all.
    very_high = sum(1 for d in risky if d.band is Band.CRITICAL)
    shown = min(max(_RISKY_DEPLOYS, very_high), _VERY_HIGH_DEPLOYS)
    # A deploy shipped on a spent error budget is named first, as a gated change is: the card
    # that tells it names it from here. The riskiest others fill the places left.
    spent = [d for d in risky if _SPENT_BUDGET in d.gates][:shown]
    others = [d for d in risky if _SPENT_BUDGET not in d.gates][: shown - len(spent)]
    named = {d.key for d in (*spent, *others)}
    risky = [d for d in risky if d.key in named]
    return tuple(
        DeployView(
            id=d.key,
            service=d.service,
            finished_at=d.finished_at,
            score=d.score,
            band=d.band.value,
            succeeded=d.succeeded,
            incidents=tuple(linked.get(d.key, ())),
        )
        for d in risky
    )


def incidents(this: WeekAggregate, org: OrgConfig) -> tuple[IncidentView, ...]:
    return tuple(
        IncidentView(
            id=i.key,
            service=i.service,
            title=i.title,
            opened_at=i.opened_at,
            resolved_at=i.resolved_at,
            minutes_to_resolve=rounded(i.minutes_to_resolve),
            deploy=i.deploy_key,
            deploy_band=i.deploy_band.value if i.deploy_band else None,
            after_high_risk_deploy=bool(i.deploy_band and i.deploy_band.high_risk),
            deploy_finished_at=i.deploy_finished_at,
            url=incident_url(i.key, org.sources),
        )
        for i in this.incidents
    )


def agents(this: WeekAggregate) -> AgentView:
    """The week's AI-agent changes, and its changes counted by who made them: people's,
    agents' and bots' by the rule every reader counts by (``scoring.makers``)."""
    agent = this.agent_changes
    made = this.makers
    total = made.total
    return AgentView(
        changes=len(agent),
        share_of_changes=round(100.0 * len(agent) / total, 1) if total else 0.0,
        unreviewed=len(this.agent_unreviewed),
        high_risk=sum(1 for c in agent if c.high_risk),
        mean_score=round(sum(c.score for c in agent) / len(agent), 1) if agent else None,
        unreviewed_share=round(100.0 * len(this.agent_unreviewed) / len(agent), 1)
        if agent
        else 0.0,
        review_unknown=sum(1 for c in agent if c.human_reviewed is None),
        bot_changes=made.bots,
        human_changes=made.people,
    )


def unknown(this: WeekAggregate, cfg: ScoringConfig) -> UnknownView:
    unknown = [c for c in this.changes if c.human_reviewed is None]
    return UnknownView(
        changes=len(this.changes),
        review=len(unknown),
        review_approvals_unread=sum(1 for c in unknown if _merge_request(c.key)),
        codeowners=sum(1 for c in this.changes if not c.files_with_owner_data),
        incidents=not cfg.incidents_known,
    )


def _merge_request(key: str) -> bool:
    """Whether ``key`` is a GitLab merge request's (``group/project!12``)."""
    parsed = ChangeKey.parse(key)
    return parsed is not None and parsed.mark == "!"


def drivers(this: WeekAggregate, last: WeekAggregate) -> tuple[DriverView, ...]:
    now, before = dict(this.drivers), dict(last.drivers)
    names = sorted(set(now) | set(before), key=lambda n: (-now.get(n, 0), n))
    return tuple(
        DriverView(signal=n, this_week=now.get(n, 0), last_week=before.get(n, 0)) for n in names
    )


def metrics(this: WeekAggregate, last: WeekAggregate) -> Metrics:
    """The week's delivery numbers beside last week's: MTTR, change failure rate, deploys."""
    return Metrics(
        mttr_minutes=rounded(this.mttr_minutes),
        mttr_minutes_last_week=rounded(last.mttr_minutes),
        change_failure_rate=rounded(this.change_failure_rate),
        change_failure_rate_last_week=rounded(last.change_failure_rate),
        deploys=len(this.deploys),
        deploys_last_week=len(last.deploys),
        incidents=len(this.incidents),
        incidents_last_week=len(last.incidents),
        codeowners_coverage=rounded(this.owner_coverage),
        codeowners_coverage_last_week=rounded(last.owner_coverage),
        deploys_very_high=sum(1 for d in this.deploys if d.band is Band.CRITICAL),
    )
