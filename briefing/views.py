"""The payload's parts: counts, changes, services, teams, drivers, incidents, deploys, metrics."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from scoring.facts import REVERT_INCIDENT
from scoring.plural import many

__all__ = [
    "AgentView",
    "BandName",
    "ChangeView",
    "Counts",
    "DeployView",
    "DriverView",
    "IncidentView",
    "Metrics",
    "ServiceView",
    "SeverityCounts",
    "SignalView",
    "StoredView",
    "TeamView",
    "UnknownView",
    "View",
]


BandName = Literal["safe", "moderate", "high", "critical"]


# Every part of the payload is a frozen value read strictly: a field this version does
# not know is an error, never silently dropped.
class View(BaseModel):
    """A frozen part of the payload that accepts no unknown field."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Counts(View):
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


class SeverityCounts(View):
    """Cards per severity."""

    critical: int = 0
    warning: int = 0
    info: int = 0

    def line(self) -> str:
        """The first line of every briefing, e.g. ``"2 critical · 1 warning · 3 info"``."""
        return f"{self.critical} critical · {self.warning} warning · {self.info} info"


class SignalView(View):
    """One signal behind a change's score."""

    name: str
    points: int
    explanation: str


class ChangeView(View):
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


class TeamView(View):
    """A team in the scope."""

    id: str
    name: str


class ServiceView(View):
    """A service in the scope and how its week went."""

    id: str
    name: str
    team: str | None
    changes: int
    high_risk: int
    high_risk_share: float
    high_risk_share_last_week: float
    top_driver: str | None = None


class DriverView(View):
    """A signal driving high-risk changes, this week and last."""

    signal: str
    this_week: int
    last_week: int


class IncidentView(View):
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

    @property
    def is_revert(self) -> bool:
        """Whether a revert made it: a change failed in production, no outage was timed."""
        return self.id.startswith(REVERT_INCIDENT)


class DeployView(View):
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


class AgentView(View):
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
    # Changes by bots (Dependabot, Renovate, CI) with no agent taking part, counted apart from
    # people's; people's, agents' and bots' add up to the week's changes (``scoring.makers``).
    bot_changes: int = 0
    human_changes: int = 0


class UnknownView(View):
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


class StoredView(View):
    """What the store holds at all: a quiet week is told apart from having no data.

    The defaults (data present) are what a briefing stored before this was known reads as.
    """

    # Any change, deploy or incident in the store.
    anything: bool = True
    # Any of them in this briefing's scope, in any week.
    in_scope: bool = True
    # When the newest change, deploy or incident in scope happened, if any did.
    newest_in_scope: datetime | None = None


class Metrics(View):
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
