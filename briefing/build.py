"""Build one subscriber's briefing payload for one week from the store."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from briefing.card_words import card_title
from briefing.incidents import incident_url
from briefing.payload import (
    AgentView,
    BriefingPayload,
    CardView,
    ChangeView,
    Counts,
    DeployView,
    DriverView,
    IncidentView,
    Metrics,
    ScopeView,
    ServiceView,
    SeverityCounts,
    SignalView,
    StoredView,
    TeamView,
    UnknownView,
    WeekView,
)
from briefing.week import IsoWeek
from data.config import OrgConfig
from data.scope import Scope
from data.store.scores import load_scores
from data.store.tables import IS_MERGED, Change, Deploy, Incident, RiskScoreRow, Service, Subscriber
from data.store.window import WeekRows, load_window
from scoring import (
    Card,
    Distribution,
    ScoringConfig,
    Severity,
    WeekAggregate,
    aggregate,
    build_cards,
    severity_counts,
)
from scoring.card_terms import EvidenceKind
from scoring.change_key import ChangeKey
from scoring.risk import Band
from scoring.scored import ScoredChange

__all__ = ["Recipient", "build_payload", "build_payloads", "card_view"]

# A briefing is a 90-second read: a handful of changes is what a manager opens.
_TOP_CHANGES = 5
_MAX_CHANGES = 10
# High-risk deploys named in a briefing; more are in `/risk deploy`.
_RISKY_DEPLOYS = 3
_VERY_HIGH_DEPLOYS = 5


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who a briefing is for (``key``, ``name``), what it covers and the time zone of its week."""

    key: str
    name: str
    timezone: str
    scope: Scope = field(default_factory=Scope)

    @staticmethod
    def of(row: Subscriber) -> Recipient:
        """The recipient a stored subscriber is."""
        return Recipient(row.key, row.name, row.timezone, Scope.of(row.teams, row.services))


def _counts(d: Distribution) -> Counts:
    return Counts.model_validate(d, from_attributes=True)


def _r(x: float | None) -> float | None:
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


def _top_changes(
    session: Session,
    version: str,
    this: WeekAggregate,
    cards: Sequence[Card],
    name_people: bool,
) -> tuple[ChangeView, ...]:
    high_risk = sorted((c for c in this.changes if c.high_risk), key=lambda c: (-c.score, c.key))
    wanted = [c.key for c in high_risk[:_TOP_CHANGES]]
    # Changes a card cites are kept too, so a narrative may name them.
    by_key = {c.key: c for c in this.changes}
    for card in cards:
        # A revert incident's key names the reverting change, which the card then links.
        wanted += [e.key for e in card.evidence_of(EvidenceKind.CHANGE, EvidenceKind.REVERT)]
    wanted = [k for k in wanted if k in by_key]
    chosen = sorted({by_key[k] for k in wanted}, key=lambda c: (-c.score, c.key))[:_MAX_CHANGES]
    details = load_scores(session, "change", version, [c.key for c in chosen])
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


def _services(org: OrgConfig, this: WeekAggregate, last: WeekAggregate) -> tuple[ServiceView, ...]:
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


def _risky_deploys(this: WeekAggregate) -> tuple[DeployView, ...]:
    """The week's high and critical deploys, riskiest first, with the incidents linked to them."""
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
        for d in risky[:shown]
    )


def _incidents(this: WeekAggregate, org: OrgConfig) -> tuple[IncidentView, ...]:
    return tuple(
        IncidentView(
            id=i.key,
            service=i.service,
            title=i.title,
            opened_at=i.opened_at,
            resolved_at=i.resolved_at,
            minutes_to_resolve=_r(i.minutes_to_resolve),
            deploy=i.deploy_key,
            deploy_band=i.deploy_band.value if i.deploy_band else None,
            after_high_risk_deploy=bool(i.deploy_band and i.deploy_band.high_risk),
            deploy_finished_at=i.deploy_finished_at,
            url=incident_url(i.key, org.sources),
        )
        for i in this.incidents
    )


def _agents(this: WeekAggregate) -> AgentView:
    agent = this.agent_changes
    total = len(this.changes)
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
        bot_changes=len(this.bot_changes),
    )


def _unknown(this: WeekAggregate, cfg: ScoringConfig) -> UnknownView:
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


def _drivers(this: WeekAggregate, last: WeekAggregate) -> tuple[DriverView, ...]:
    now, before = dict(this.drivers), dict(last.drivers)
    names = sorted(set(now) | set(before), key=lambda n: (-now.get(n, 0), n))
    return tuple(
        DriverView(signal=n, this_week=now.get(n, 0), last_week=before.get(n, 0)) for n in names
    )


class _Stored:
    """What the store holds at all: whether anything, and the newest time per service.

    Deploys and incidents are few: their newest per service is read at once. Changes are
    many, so each service's newest change is read when a scope asks for it, by walking
    merged changes newest first and stopping once every service asked for is found: a
    grouped maximum over every merged change read the whole history for every briefing
    and web page (issue 42's big store). A change's service is what it was scored as, as
    in the week's window.
    """

    _BATCH = 500

    def __init__(self, session: Session) -> None:
        self._conn = session.connection()
        keys: dict[int | None, str] = dict(
            self._conn.execute(sa.select(col(Service.id), col(Service.key))).all()
        )
        self._others: dict[str, datetime] = {}
        for table, when in ((Deploy, Deploy.finished_at), (Incident, Incident.opened_at)):
            for service_id, at in self._conn.execute(
                sa.select(col(table.service_id), sa.func.max(col(when))).group_by(
                    col(table.service_id)
                )
            ):
                service = keys.get(service_id)
                if service is not None and at is not None:
                    self._others[service] = max(at, self._others.get(service, at))
        self._changes: dict[str, datetime] = {}
        self._searched: set[str] = set()
        self._latest: datetime | None = None
        self._latest_read = False
        self.anything = bool(self._others) or any(
            self._conn.execute(sa.select(col(t.id)).limit(1)).first() is not None
            for t in (Change, Deploy, Incident)
        )

    @staticmethod
    def load(session: Session) -> _Stored:
        """The store as ``session`` sees it."""
        return _Stored(session)

    def _has_merged(self, service: str) -> bool:
        """Whether any merged change was scored as ``service``: the walk below would read
        the whole history looking for a service that has none."""
        found = self._conn.execute(
            sa.select(col(Change.id))
            .join(
                RiskScoreRow,
                sa.and_(
                    col(RiskScoreRow.subject_kind) == "change",
                    col(RiskScoreRow.subject_key) == col(Change.key),
                ),
            )
            .where(IS_MERGED, col(RiskScoreRow.service) == service)
            .limit(1)
        ).first()
        return found is not None

    def _walk(self, wanted: set[str] | None) -> None:
        """Read merged changes newest first until each of ``wanted`` (``None``: any service)
        has its newest scored change, or the history ends."""
        # A page at a time by keyset (newest first, then by key), not one streamed query:
        # PostgreSQL's driver would fetch every merged change before the first was read.
        after: tuple[datetime, str] | None = None
        while True:
            query = sa.select(col(Change.key), col(Change.merged_at)).where(
                IS_MERGED, col(Change.merged_at).is_not(None)
            )
            if after is not None:
                query = query.where(
                    sa.tuple_(col(Change.merged_at), col(Change.key)) < sa.tuple_(*after)
                )
            batch = self._conn.execute(
                query.order_by(col(Change.merged_at).desc(), col(Change.key).desc()).limit(
                    self._BATCH
                )
            ).all()
            if not batch:
                return
            scored = dict(
                self._conn.execute(
                    sa.select(col(RiskScoreRow.subject_key), col(RiskScoreRow.service)).where(
                        col(RiskScoreRow.subject_kind) == "change",
                        col(RiskScoreRow.subject_key).in_([k for k, _ in batch]),
                    )
                ).all()
            )
            for key, at in batch:
                if key not in scored or at is None:
                    continue
                if self._latest is None:
                    self._latest = at
                service = scored[key]
                if service is not None and service not in self._changes:
                    self._changes[service] = at
            if wanted is None and self._latest is not None:
                return
            if wanted is not None and wanted <= self._changes.keys():
                return
            last_key, last_at = batch[-1]
            if last_at is None:
                return
            after = (last_at, last_key)

    def view(self, services: Sequence[str], whole_organisation: bool) -> StoredView:
        """What the store holds for a scope of ``services``."""
        if whole_organisation:
            if not self._latest_read:
                self._walk(None)
                self._latest_read = True
            times = list(self._others.values())
            if self._latest is not None:
                times.append(self._latest)
        else:
            missing = set(services) - self._searched - self._changes.keys()
            self._searched |= missing
            missing = {m for m in missing if self._has_merged(m)}
            if missing:
                self._walk(missing)
            times = [t for s in services for t in (self._changes.get(s), self._others.get(s)) if t]
        in_scope = bool(times) or (whole_organisation and self.anything)
        return StoredView(
            anything=self.anything, in_scope=in_scope, newest_in_scope=max(times, default=None)
        )


@dataclass(frozen=True, slots=True)
class _Shared:
    """What makes two recipients' payloads equal but for who they are addressed to."""

    scope: Scope
    timezone: str
    week: IsoWeek


class _Windows:
    """Loads one window covering every week asked for, once, and slices it per scope."""

    def __init__(
        self, session: Session, version: str, scopes: Iterable[_Shared], baseline_weeks: int
    ) -> None:
        # Each week and the weeks of its baseline before it (last week among them).
        bounds = [
            b
            for s in scopes
            for w in (s.week, _weeks_before(s.week, max(1, int(baseline_weeks))))
            for b in w.bounds(s.timezone)
        ]
        self._window = load_window(session, min(bounds), max(bounds), version) if bounds else None

    def rows(
        self, shared: _Shared, week: IsoWeek, services: Sequence[str], since: IsoWeek | None = None
    ) -> WeekRows:
        """``services``' rows of ``week``, or of ``since`` up to and including ``week``."""
        assert self._window is not None
        start = (since or week).bounds(shared.timezone)[0]
        return self._window.slice(start, week.bounds(shared.timezone)[1], services)


def _weeks_before(week: IsoWeek, n: int) -> IsoWeek:
    """The week ``n`` weeks before ``week``."""
    for _ in range(n):
        week = week.previous()
    return week


def _scope_payload(
    session: Session,
    org: OrgConfig,
    cfg: ScoringConfig,
    windows: _Windows,
    shared: _Shared,
    stored: _Stored,
) -> BriefingPayload:
    services = shared.scope.covered(org)
    rows = windows.rows(shared, shared.week, services)
    before = windows.rows(shared, shared.week.previous(), services)
    # A [scoring.rules] number may come as a float; no baseline below one week.
    n = max(0, int(cfg.rules.baseline_weeks))
    pooled = windows.rows(shared, shared.week.previous(), services, _weeks_before(shared.week, n))
    baseline = aggregate(pooled.changes, pooled.deploys, pooled.incidents, weeks=n) if n else None
    this = aggregate(rows.changes, rows.deploys, rows.incidents, baseline=baseline)
    last = aggregate(before.changes, before.deploys, before.incidents)
    cards = build_cards(this, last, cfg.rules)
    counts = severity_counts(cards)
    name_people = org.organisation.name_people
    names = {t.key: t.display_name for t in org.teams} | {
        s.key: s.display_name for s in org.services
    }
    in_scope = set(services)
    teams = tuple(
        TeamView(id=t.key, name=t.display_name)
        for t in org.teams
        if t.key in shared.scope.teams or in_scope & set(t.services)
    )
    week = shared.week
    return BriefingPayload(
        organisation=org.organisation.name,
        subscriber="",
        subscriber_name="",
        scope=ScopeView.of(shared.scope, org),
        week=WeekView(id=week.id, start=week.monday, end=week.sunday, timezone=shared.timezone),
        distribution=_counts(this.distribution),
        distribution_last_week=_counts(last.distribution),
        severity_counts=SeverityCounts(
            critical=counts[Severity.CRITICAL],
            warning=counts[Severity.WARNING],
            info=counts[Severity.INFO],
        ),
        services=_services(org, this, last),
        teams=teams,
        drivers=_drivers(this, last),
        metrics=Metrics(
            mttr_minutes=_r(this.mttr_minutes),
            mttr_minutes_last_week=_r(last.mttr_minutes),
            change_failure_rate=_r(this.change_failure_rate),
            change_failure_rate_last_week=_r(last.change_failure_rate),
            deploys=len(this.deploys),
            deploys_last_week=len(last.deploys),
            incidents=len(this.incidents),
            incidents_last_week=len(last.incidents),
            codeowners_coverage=_r(this.owner_coverage),
            codeowners_coverage_last_week=_r(last.owner_coverage),
            deploys_very_high=sum(1 for d in this.deploys if d.band is Band.CRITICAL),
        ),
        incidents=_incidents(this, org),
        agents=_agents(this),
        cards=tuple(card_view(c, names) for c in cards),
        top_changes=_top_changes(session, cfg.version, this, cards, name_people),
        risky_deploys=_risky_deploys(this),
        name_people=name_people,
        unknown=_unknown(this, cfg),
        stored=stored.view(services, shared.scope.whole),
    )


def build_payloads(
    session: Session,
    org: OrgConfig,
    requests: Sequence[tuple[Recipient, IsoWeek]],
    config: ScoringConfig | None = None,
) -> list[BriefingPayload]:
    """Payloads for many subscribers and weeks, each compared with the week before.

    The store is read once for all of them, and recipients that share a scope,
    a time zone and a week share the work. Only scores of the current scorer
    version count; run the scorer first.
    """
    cfg = config or org.scoring_config()
    shared = [_Shared(r.scope, r.timezone, week) for r, week in requests]
    windows = _Windows(session, cfg.version, shared, cfg.rules.baseline_weeks)
    stored = _Stored.load(session)
    done: dict[_Shared, BriefingPayload] = {}
    out: list[BriefingPayload] = []
    for (recipient, _), one in zip(requests, shared, strict=True):
        if one not in done:
            done[one] = _scope_payload(session, org, cfg, windows, one, stored)
        out.append(
            done[one].model_copy(
                update={"subscriber": recipient.key, "subscriber_name": recipient.name}
            )
        )
    return out


def build_payload(
    session: Session,
    org: OrgConfig,
    recipient: Recipient,
    week: IsoWeek,
    config: ScoringConfig | None = None,
) -> BriefingPayload:
    """The payload of ``recipient``'s briefing for ``week``, compared with the week before."""
    return build_payloads(session, org, [(recipient, week)], config)[0]
