"""Build one subscriber's briefing payload for one week from the store."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from briefing import sections
from briefing.budget_burns import BurnView, burn_views
from briefing.payload import (
    BriefingPayload,
    PlanView,
    ScopeView,
    SeverityCounts,
    TeamView,
    WeekView,
)
from briefing.stored import Stored
from briefing.track_record import RecordView
from briefing.week import IsoWeek
from briefing.windows import PayloadKey, Windows, weeks_before
from data.config import OrgConfig
from data.scope import Scope
from data.store.bug_issues import known_bug_issues
from data.store.engine import session_engine
from data.store.facts import first_event_at
from data.store.history import HistoryCache, StoredHistory
from data.store.reads.budgets import budget_series
from data.store.scores import load_scores
from data.store.tables import Subscriber
from data.store.track_record import store_record
from data.store.week_plan import stored_plan
from scoring.budget_burn import BASELINE_GAP
from scoring.card_terms import Severity
from scoring.cards import build_cards, severity_counts
from scoring.config import ScoringConfig
from scoring.weekly import aggregate

__all__ = ["Recipient", "build_payload", "build_payloads"]


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


class _History:
    """The store's history, read once for every payload of a build and only if a plan needs
    it (each plan item's action is scored again against it)."""

    def __init__(self, session: Session, org: OrgConfig) -> None:
        self._session, self._org = session, org
        self._read: StoredHistory | None = None

    def get(self) -> StoredHistory:
        if self._read is None:
            # The process's cache of this store: a long-running server (the week page, MCP,
            # /risk brief) reads the history once per change to the store, not per payload.
            cache = HistoryCache.of(session_engine(self._session))
            self._read = cache.history(self._session, self._org)
        return self._read


def _plan(
    session: Session, org: OrgConfig, cfg: ScoringConfig, shared: PayloadKey, history: _History
) -> PlanView:
    """The week's review plan in the payload's scope.

    The changes open at the week's end (Monday 00:00 after it, in the subscriber's zone) and
    those merged in the week: what a manager would have been handed that Monday, and what
    building the week's briefing again later still weighs (``data.store.plan_changes``), cut
    against the typical score as it stood then (``data.store.week_plan.typical_before``). Only
    each item's one action is scored again against the history as read now, as ``riskbrief
    check`` would score it: what would lower a change is asked of today's scorer.
    """
    since, until = shared.week.bounds(shared.timezone)
    services = None if shared.scope.whole else shared.scope.covered(org)
    bugs = known_bug_issues(session, org)
    plan = stored_plan(session, history.get(), cfg.version, since, until, bugs, services)
    return PlanView.of(plan)


def _weeks_held(first: datetime | None, shared: PayloadKey, n: int) -> int | None:
    """How many of the ``n`` weeks before ``shared.week`` the store holds anything of (from the
    week its first change, deploy or incident fell in, in the subscriber's zone), when fewer
    than ``n`` and at least one; ``None`` otherwise."""
    if first is None:
        return None
    start = IsoWeek.of(first.astimezone(ZoneInfo(shared.timezone)).date())
    held = (shared.week.monday - start.monday).days // 7
    return held if 0 < held < n else None


def _burns(session: Session, org: OrgConfig, shared: PayloadKey) -> tuple[BurnView, ...]:
    """The services in scope that burned their error budget fastest in the week (in the
    subscriber's zone), from the samples a budget source kept."""
    since, until = shared.week.bounds(shared.timezone)
    # The day before the week too: its last sample is the budget left when the week began.
    series = budget_series(session, since - BASELINE_GAP, until, shared.scope.covered(org))
    names = {s.key: s.display_name for s in org.services}
    return burn_views(series, names, since, until)


def _scope_payload(
    session: Session,
    org: OrgConfig,
    cfg: ScoringConfig,
    windows: Windows,
    shared: PayloadKey,
    stored: Stored,
    history: _History,
    first: datetime | None,
    went_wrong: Collection[str] | None = None,
    later_fixes: bool = False,
) -> BriefingPayload:
    services = shared.scope.covered(org)
    rows = windows.rows(shared, shared.week, services)
    before = windows.rows(shared, shared.week.previous(), services)
    # A [scoring.rules] number may come as a float; no baseline below one week.
    n = max(0, int(cfg.rules.baseline_weeks))
    pooled = windows.rows(shared, shared.week.previous(), services, weeks_before(shared.week, n))
    held = _weeks_held(first, shared, n)
    baseline = (
        aggregate(pooled.changes, pooled.deploys, pooled.incidents, weeks=n, held_weeks=held)
        if n
        else None
    )
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
    # Every read of the store first, then the payload shaped from what they returned.
    picks = sections.top_change_picks(this, cards)
    details = load_scores(session, "change", cfg.version, [c.key for c in picks])
    record = _record(session, cfg, shared, services, went_wrong, later_fixes)
    plan = _plan(session, org, cfg, shared, history)
    burns = _burns(session, org, shared)
    return BriefingPayload(
        organisation=org.organisation.name,
        subscriber="",
        subscriber_name="",
        scope=ScopeView.of(shared.scope, org),
        week=WeekView(id=week.id, start=week.monday, end=week.sunday, timezone=shared.timezone),
        distribution=sections.counts(this.distribution),
        distribution_last_week=sections.counts(last.distribution),
        severity_counts=SeverityCounts(
            critical=counts[Severity.CRITICAL],
            warning=counts[Severity.WARNING],
            info=counts[Severity.INFO],
        ),
        services=sections.services(org, this, last),
        teams=teams,
        drivers=sections.drivers(this, last),
        metrics=sections.metrics(this, last),
        incidents=sections.incidents(this, org),
        agents=sections.agents(this),
        cards=tuple(sections.card_view(c, names) for c in cards),
        top_changes=sections.top_changes(picks, details, name_people),
        risky_deploys=sections.risky_deploys(this),
        name_people=name_people,
        unknown=sections.unknown(this, cfg),
        stored=stored.view(services, shared.scope.whole),
        record=record,
        plan=plan,
        budget_burns=burns,
    )


def _record(
    session: Session,
    cfg: ScoringConfig,
    shared: PayloadKey,
    services: Sequence[str],
    went_wrong: Collection[str] | None,
    later_fixes: bool,
) -> RecordView | None:
    """The scorer's record over the days up to the week's end, in the payload's scope."""
    if went_wrong is None:
        return None
    # The record's window is counted in whole days of UTC: a few hours of time zone do
    # not move a quarter's count, and every scope of the week then shares one window.
    until = datetime.combine(shared.week.sunday + timedelta(days=1), time(), UTC)
    record = store_record(
        session, cfg.version, until, went_wrong, None if shared.scope.whole else services
    )
    return RecordView.of(record, shared.week.sunday, later_fixes)


def build_payloads(
    session: Session,
    org: OrgConfig,
    requests: Sequence[tuple[Recipient, IsoWeek]],
    config: ScoringConfig | None = None,
    went_wrong: Collection[str] | None = None,
    later_fixes: bool = False,
    blamed: Mapping[str, frozenset[str]] | None = None,
) -> list[BriefingPayload]:
    """Payloads for many subscribers and weeks, each compared with the week before.

    The store is read once for all of them, and recipients that share a scope,
    a time zone and a week share the work. Only scores of the current scorer
    version count; run the scorer first. ``went_wrong`` (the keys of changes that later
    went wrong; ``later_fixes`` when SZZ's were among them) gives each payload the
    scorer's record; without it there is none. ``blamed`` (a repository's name to the
    changes SZZ blamed in it) counts later fixes among the agent card's outcomes there.
    """
    cfg = config or org.scoring_config()
    shared = [PayloadKey(r.scope, r.timezone, week) for r, week in requests]
    windows = Windows(session, cfg.version, shared, cfg.rules.baseline_weeks, blamed)
    stored = Stored.load(session)
    history = _History(session, org)
    first = first_event_at(session)
    done: dict[PayloadKey, BriefingPayload] = {}
    out: list[BriefingPayload] = []
    for (recipient, _), one in zip(requests, shared, strict=True):
        if one not in done:
            done[one] = _scope_payload(
                session, org, cfg, windows, one, stored, history, first, went_wrong, later_fixes
            )
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
