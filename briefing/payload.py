"""The briefing payload: the compact, structured facts of one subscriber's week.

Everything the narrative and the renderers may say comes from here. Every card,
service, change and person has a stable id, so a narrative can be checked
against what exists. Text from outside (PR titles, incident titles, names from
config) is carried as-is and escaped only by the renderers, at the edge.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, field_serializer, model_validator

from briefing.plural import many
from briefing.stored_facts import current_fact
from scoring.card_terms import CardKind, Evidence, EvidenceKind, FactKey, Severity, stored_evidence
from scoring.risk import Band

if TYPE_CHECKING:
    from data.config import OrgConfig
    from data.scope import Scope

__all__ = [
    "PAYLOAD_VERSION",
    "AgentView",
    "BriefingPayload",
    "CardView",
    "ChangeView",
    "Counts",
    "DeployView",
    "DriverView",
    "FactView",
    "IncidentView",
    "Metrics",
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

BandName = Literal["safe", "moderate", "high", "critical"]


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Counts(_Value):
    """Changes per risk band."""

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


class SeverityCounts(_Value):
    """Cards per severity."""

    critical: int = 0
    warning: int = 0
    info: int = 0

    def line(self) -> str:
        """The first line of every briefing, e.g. ``"2 critical · 1 warning · 3 info"``."""
        return f"{self.critical} critical · {self.warning} warning · {self.info} info"


class SignalView(_Value):
    """One signal behind a change's score."""

    name: str
    points: int
    explanation: str


class ChangeView(_Value):
    """A change worth a look; ``author`` is ``None`` unless the organisation names people."""

    id: str
    title: str
    url: str | None
    service: str | None
    score: int
    band: BandName
    signals: tuple[SignalView, ...]
    gates: tuple[str, ...] = ()
    agent: bool = False
    human_reviewed: bool | None = True
    author: str | None = None


class TeamView(_Value):
    """A team in the scope."""

    id: str
    name: str


class ServiceView(_Value):
    """A service in the scope and how its week went."""

    id: str
    name: str
    team: str | None
    changes: int
    high_risk: int
    high_risk_share: float
    high_risk_share_last_week: float
    top_driver: str | None = None


class DriverView(_Value):
    """A signal driving high-risk changes, this week and last."""

    signal: str
    this_week: int
    last_week: int


class IncidentView(_Value):
    """An incident of the week and the deploy it followed."""

    id: str
    service: str
    title: str
    opened_at: datetime
    resolved_at: datetime | None
    minutes_to_resolve: float | None
    deploy: str | None
    deploy_band: BandName | None
    after_high_risk_deploy: bool
    # When the deploy finished, so that it is named by its service and time, not its id.
    deploy_finished_at: datetime | None = None
    # Its page, when the configured source says where that is (``briefing.incidents``).
    url: str | None = None


class DeployView(_Value):
    """A high-risk deploy of the week: the releases a manager would want named."""

    id: str
    service: str
    finished_at: datetime
    score: int
    band: BandName
    succeeded: bool = True
    # Incidents linked to it this week.
    incidents: tuple[str, ...] = ()

    @property
    def tag(self) -> str | None:
        """The release tag of a ``git-tag:{repository}:{tag}:{service}`` deploy, else ``None``:
        the name a reader knows a release by."""
        if not self.id.startswith("git-tag:"):
            return None
        rest = self.id.split(":", 2)[2]
        tag = rest.rsplit(":", 1)[0] if ":" in rest else ""
        return tag or None


class AgentView(_Value):
    """What AI coding agents shipped, and whether humans reviewed it."""

    changes: int
    share_of_changes: float
    unreviewed: int
    high_risk: int
    mean_score: float | None
    # Percentage of the agents' changes merged without a human approval.
    unreviewed_share: float = 0.0
    # Agent changes nobody can say were reviewed or not (a git history only).
    review_unknown: int = 0
    # Changes by bots (Dependabot, Renovate, CI), counted apart from people and agents.
    bot_changes: int = 0


class UnknownView(_Value):
    """What no source could tell this week: counted as unknown by every card, never as "no"."""

    # Changes in scope this week.
    changes: int = 0
    # Of them, those whose review no source reported (a git history has no reviews).
    review: int = 0
    # Of the changes with review unknown, GitLab merge requests whose approvals GitLab did
    # not give (its approvals API refused the token): a code host is configured, so the
    # footer says why they are unknown rather than to configure one.
    review_approvals_unread: int = 0
    # Of them, those whose files no CODEOWNERS file could speak for.
    codeowners: int = 0
    # No configured source reports incidents (no pager, file, issue label or reverts).
    incidents: bool = False

    @property
    def partial(self) -> bool:
        """Whether anything the cards rely on was unknown this week."""
        return bool(self.review or self.codeowners or self.incidents)

    def gaps(self) -> tuple[str, ...]:
        """Each unknown as a short phrase, e.g. ``"review of 12 of 12 changes"``."""
        out: list[str] = []
        if self.review:
            out.append(f"review of {self.review} of {many(self.changes, 'change')}")
        if self.codeowners:
            out.append(f"CODEOWNERS of {self.codeowners} of {many(self.changes, 'change')}")
        if self.incidents:
            out.append("incidents (no incident source)")
        return tuple(out)


class StoredView(_Value):
    """What the store holds at all: a quiet week is told apart from having no data.

    The defaults (data present) are what a briefing stored before this was known reads as.
    """

    # Any change, deploy or incident in the store.
    anything: bool = True
    # Any of them in this briefing's scope, in any week.
    in_scope: bool = True
    # When the newest change, deploy or incident in scope happened, if any did.
    newest_in_scope: datetime | None = None


class FactView(_Value):
    """A number a card stands on: what it measures, the value and its unit.

    ``signal`` names the signal whose high-risk changes a driver fact counts. The
    words a reader sees are the briefing's (``briefing.card_words.fact_label``).
    """

    key: FactKey
    value: float
    unit: str = ""
    signal: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _stored(cls, data: Any) -> Any:
        """Briefings stored earlier named their facts by words, not by key."""
        return current_fact(data) if isinstance(data, dict) else data


class CardView(_Value):
    """A card; its severity was decided by the scoring rules, its title by the briefing's
    words for its kind (``briefing.card_words.card_title``)."""

    id: str
    kind: CardKind
    severity: Severity
    title: str
    subject: str | None
    facts: tuple[FactView, ...]
    evidence: tuple[Evidence, ...] = ()
    # Kinds of cards folded into this one because they told the same story.
    folded: tuple[CardKind, ...] = ()
    # The band of the deploy an incident card's incident followed.
    deploy_band: Band | None = None
    # The gate every change on a gated card hit, when it was each one's only gate.
    gate: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _stored(cls, data: Any) -> Any:
        """Stored briefings (and the payload's JSON) carry evidence as ids: read them back."""
        if not isinstance(data, dict):
            return data
        ids = data.get("evidence", ())
        if not any(isinstance(i, str) for i in ids):
            return data
        kind = CardKind(data["kind"])
        typed = stored_evidence(kind, tuple(i if isinstance(i, str) else str(i) for i in ids))
        return {**data, "evidence": typed}

    @field_serializer("evidence")
    def _ids(self, evidence: tuple[Evidence, ...]) -> list[str]:
        """Evidence is stored and shown to the LLM as ids, the same strings as ever."""
        return [str(e) for e in evidence]

    @property
    def driver(self) -> str | None:
        """The signal the card counts high-risk changes of, when it names one."""
        return next((f.signal for f in self.facts if f.signal is not None), None)

    def evidence_of(self, *kinds: EvidenceKind) -> tuple[Evidence, ...]:
        """The card's evidence of ``kinds``, in its order."""
        return tuple(e for e in self.evidence if e.kind in kinds)


class ScopeView(_Value):
    """A ``Scope`` as the payload stores and shows it: its label, its teams and the services
    it covers (its teams' too); made from the scope only by :meth:`of`."""

    label: str
    teams: tuple[str, ...]
    services: tuple[str, ...]

    @staticmethod
    def of(scope: Scope, org: OrgConfig) -> ScopeView:
        """The view of ``scope`` in ``org``."""
        return ScopeView(label=scope.label(org), teams=scope.teams, services=scope.covered(org))


class WeekView(_Value):
    """The ISO week covered, Monday to Sunday in the subscriber's time zone."""

    id: str
    start: date
    end: date
    timezone: str


class Metrics(_Value):
    """Delivery outcomes this week and last; ``None`` where there was nothing to measure."""

    mttr_minutes: float | None
    mttr_minutes_last_week: float | None
    change_failure_rate: float | None
    change_failure_rate_last_week: float | None
    deploys: int
    deploys_last_week: int
    incidents: int
    incidents_last_week: int
    # Owner coverage (``WeekAggregate.owner_coverage``), not line coverage; the keys keep
    # their stored name, which stored briefings and the LLM's payload carry.
    codeowners_coverage: float | None
    codeowners_coverage_last_week: float | None
    # Production deploys in the very high band this week (a briefing stored before it has 0).
    deploys_very_high: int = 0


class BriefingPayload(_Value):
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
        """A week with no card and no very-high-risk change or deploy is a quiet week."""
        return (
            not self.cards
            and not self.very_high_risk
            and not self.very_high_deploys
            and not self.no_data
        )

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
    place of the code host's (which the change page links to in turn)."""
    changes = tuple(c.model_copy(update={"url": change_url(c.id)}) for c in payload.top_changes)
    return payload.model_copy(update={"details_url": week_url, "top_changes": changes})
