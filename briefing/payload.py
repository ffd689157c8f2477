"""The briefing payload: the compact, structured facts of one subscriber's week.

Everything the narrative and the renderers may say comes from here. Every card,
service, change and person has a stable id, so a narrative can be checked
against what exists. Text from outside (PR titles, incident titles, names from
config) is carried as-is and escaped only by the renderers, at the edge.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from briefing.budget_burns import BurnView
from briefing.card_views import CardView, FactView
from briefing.plan import PlanItemView, PlanView
from briefing.track_record import RecordView
from briefing.views import (
    AgentView,
    ChangeView,
    Counts,
    DeployView,
    DriverView,
    IncidentView,
    Metrics,
    ServiceView,
    SeverityCounts,
    SignalView,
    StoredView,
    TeamView,
    UnknownView,
    View,
)

# The payload's parts are declared beside it (``briefing.views``, ``briefing.card_views``)
# and named here too: readers import every payload type from this one module.

if TYPE_CHECKING:
    from data.config import OrgConfig
    from data.scope import Scope

__all__ = [
    "PAYLOAD_VERSION",
    "AgentView",
    "BriefingPayload",
    "BurnView",
    "CardView",
    "ChangeView",
    "Counts",
    "DeployView",
    "DriverView",
    "FactView",
    "IncidentView",
    "Metrics",
    "PlanItemView",
    "PlanView",
    "RecordView",
    "ScopeView",
    "ServiceView",
    "SeverityCounts",
    "SignalView",
    "StoredView",
    "TeamView",
    "UnknownView",
    "WeekView",
    "with_web_links",
]

PAYLOAD_VERSION = 1


class ScopeView(View):
    """A ``Scope`` as the payload stores and shows it: its label, its teams and the services
    it covers (its teams' too); made from the scope only by :meth:`of`."""

    label: str
    teams: tuple[str, ...]
    services: tuple[str, ...]

    @staticmethod
    def of(scope: Scope, org: OrgConfig) -> ScopeView:
        """The view of ``scope`` in ``org``."""
        return ScopeView(label=scope.label(org), teams=scope.teams, services=scope.covered(org))


class WeekView(View):
    """The ISO week covered, Monday to Sunday in the subscriber's time zone."""

    id: str
    start: date
    end: date
    timezone: str


class BriefingPayload(View):
    """One subscriber's briefing for one week, before any words are written."""

    version: int = PAYLOAD_VERSION
    organisation: str
    subscriber: str
    subscriber_name: str
    scope: ScopeView
    week: WeekView
    distribution: Counts
    distribution_last_week: Counts
    severity_counts: SeverityCounts
    services: tuple[ServiceView, ...]
    teams: tuple[TeamView, ...] = ()
    drivers: tuple[DriverView, ...]
    metrics: Metrics
    incidents: tuple[IncidentView, ...]
    agents: AgentView
    cards: tuple[CardView, ...]
    top_changes: tuple[ChangeView, ...]
    # The week's high and critical deploys in scope, riskiest first.
    risky_deploys: tuple[DeployView, ...] = ()
    name_people: bool = False
    unknown: UnknownView = UnknownView()
    stored: StoredView = StoredView()
    # The scorer's record over the last 90 days of this scope (``briefing.track_record``);
    # None when the caller gave no outcomes to judge it by.
    record: RecordView | None = None
    # The Monday review plan of the week's changes in scope (``briefing.plan``): open at the
    # week's end or merged in it. None in a briefing stored before it, or built without one.
    plan: PlanView | None = None
    # The services that burned their error budget at 1× or faster this week, the fastest
    # three first (``briefing.budget_burns``); empty when none did or no source samples one.
    budget_burns: tuple[BurnView, ...] = ()
    # This week's page in the web view, opening in this subscriber's scope (a signed link);
    # None when the web view's address is not configured. Set by ``with_web_links``.
    details_url: str | None = None

    @property
    def no_data(self) -> bool:
        """Nothing to brief from: an empty store or scope, or nothing in scope this week or last.

        Such a week is not "quiet": nothing was measured, and the briefing says what to run.
        """
        m = self.metrics
        empty_weeks = not (
            self.distribution.total
            or self.distribution_last_week.total
            or m.deploys
            or m.deploys_last_week
            or m.incidents
            or m.incidents_last_week
        )
        return not self.stored.anything or not self.stored.in_scope or empty_weeks

    @property
    def very_high_risk(self) -> tuple[ChangeView, ...]:
        """The week's very-high-risk changes (critical band, often raised there by a gate)."""
        return tuple(c for c in self.top_changes if c.band == "critical")

    @property
    def very_high_deploys(self) -> tuple[DeployView, ...]:
        """The week's very-high-risk deploys (critical band) the payload names, riskiest first."""
        return tuple(d for d in self.risky_deploys if d.band == "critical")

    @property
    def quiet(self) -> bool:
        """A week with no card, no very-high-risk change and no high or very-high deploy is a
        quiet week: a release that shipped at high risk is news even when no shift made a card."""
        return (
            not self.cards
            and not self.very_high_risk
            and not self.risky_deploys
            and not self.no_data
        )

    @property
    def outages(self) -> tuple[IncidentView, ...]:
        """The week's incidents that are no revert: outages, which a quiet headline must name."""
        return tuple(i for i in self.incidents if not i.is_revert)

    def card(self, card_id: str) -> CardView | None:
        """The card with ``card_id``, if any."""
        return next((c for c in self.cards if c.id == card_id), None)

    def team_name(self, team_id: str) -> str:
        """The display name of a team in the payload, or its id."""
        return next((t.name for t in self.teams if t.id == team_id), team_id)

    def change(self, change_id: str) -> ChangeView | None:
        """The top change with ``change_id``, if any."""
        return next((c for c in self.top_changes if c.id == change_id), None)


def with_web_links(
    payload: BriefingPayload, week_url: str, change_url: Callable[[str], str]
) -> BriefingPayload:
    """``payload`` linking to the web view: its week page, and each listed change's page in
    place of the code host's (which the change page links to in turn), the plan's too."""
    changes = tuple(c.model_copy(update={"url": change_url(c.id)}) for c in payload.top_changes)
    plan = payload.plan
    if plan is not None:
        items = tuple(i.model_copy(update={"url": change_url(i.id)}) for i in plan.items)
        plan = plan.model_copy(update={"items": items})
    return payload.model_copy(
        update={"details_url": week_url, "top_changes": changes, "plan": plan}
    )
