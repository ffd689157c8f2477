"""A deploy as a record: its risk in points, the changes it shipped with each one's risk, and
what followed (incidents linked to it, reverts of what it shipped).

Found as ``/risk deploy`` finds it (``data.store.reads.lookups.find_deploys``: a key, or a tag
naming one deploy); a deploy of a service outside the caller's scope is not found, in the
same words as one that does not exist.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field
from sqlmodel import Session

from bot.answers.access import Access
from bot.answers.asked import asked_service
from bot.answers.lookups import version_of
from bot.answers.records.change import incident_row
from bot.answers.records.confirmed import confirmation_rows
from bot.answers.records.models import (
    ChangeRef,
    ChangeRow,
    ConfirmationRow,
    FoundByRow,
    GateRow,
    IncidentRow,
    RecordBase,
    RevertRow,
    SignalPoints,
    band_words,
    signal_points,
)
from data.config import OrgConfig
from data.deploy_rule import FoundBy
from data.store.deploy_split import split_inputs
from data.store.reads.changes import merged_reverts
from data.store.reads.deploys import changes_shipped
from data.store.reads.incidents import incidents_of_deploys
from data.store.reads.lookups import find_deploys, latest_deploy_key
from data.store.reads.org import service_keys
from data.store.scores import load_scores
from data.store.tables import Deploy
from scoring.deploy_split import DeployPart, DeploySplit, split_deploy
from scoring.errors import NotFoundError
from scoring.risk_score import top_signals

__all__ = [
    "DEPLOY_NOT_FOUND",
    "DeployPartRow",
    "DeployRecord",
    "DeploySplitRow",
    "deploy_record",
    "deploy_risk",
    "deploy_split",
]

DEPLOY_NOT_FOUND = (
    "No deploy matches that key in this scope; give its key as a briefing or `/risk deploy` "
    "prints it (deploy:checkout:2026-11-20T15:35), or a release tag that made one deploy."
)


class DeployPartRow(RecordBase):
    """One deploy of a split: its changes and its score by the deploy scorer."""

    changes: list[str] = Field(description="The keys of its changes, in merge order.")
    score: int = Field(description="The deploy scorer's score of it, as that deploy alone.")
    band: str = Field(description="low, moderate, high or very high.")


class DeploySplitRow(RecordBase):
    """How to ship a gated deploy of many changes as two (``scoring.deploy_split``)."""

    way: str = Field(
        description="gate: the gated changes and those touching their files apart; "
        "hold: the riskiest changes held back."
    )
    reason: str = Field(
        description="What gated it: schema_migration, error_budget, large_change, "
        "active_incident or deploy_timing (a Friday or after hours)."
    )
    gated: list[str] = Field(description="The changes a gate lifted, if any.")
    apart: DeployPartRow = Field(description="The changes to ship apart (or hold back).")
    rest: DeployPartRow = Field(description="The other changes.")


class DeployRecord(RecordBase):
    """A deploy: its risk, the changes it shipped with theirs, and what followed it."""

    key: str
    service: str
    environment: str
    status: str
    finished_at: datetime
    score: int | None
    band: str | None
    signals: list[SignalPoints] = Field(description="Its points; they add up to the score.")
    gates: list[GateRow]
    changes: list[ChangeRow] = Field(
        description="What it shipped and is scored, riskiest first (ties in merge order)."
    )
    unscored: list[ChangeRef] = Field(
        description="What it shipped that has no score yet (an open or newly read change)."
    )
    incidents: list[IncidentRow] = Field(description="Incidents linked to it.")
    reverts: list[RevertRow] = Field(description="Later changes that reverted one it shipped.")
    confirmations: list[ConfirmationRow] = Field(
        default=[],
        description="The team's word from Slack on whether a change it shipped caused an "
        "incident, oldest first, of the incidents in services the caller may see.",
    )
    split: DeploySplitRow | None = Field(
        default=None,
        description="For a deploy of many changes through a gate, which to ship apart, each "
        "part scored again by the deploy scorer; None when it needs no split.",
    )
    found_by: FoundByRow | None = Field(
        default=None,
        description="The rule that found this deploy and what it matched; None for a deploy "
        "stored before riskbrief kept it.",
    )


def _part(part: DeployPart) -> DeployPartRow:
    return DeployPartRow(
        changes=list(part.changes), score=part.score.score, band=band_words(part.score.band)
    )


def _split_row(split: DeploySplit | None) -> DeploySplitRow | None:
    if split is None:
        return None
    return DeploySplitRow(
        way=split.way.value,
        reason=split.reason,
        gated=list(split.gated),
        apart=_part(split.apart),
        rest=_part(split.rest),
    )


def deploy_split(session: Session, org: OrgConfig, deploy: Deploy) -> DeploySplit | None:
    """How to split ``deploy``, a gated deploy of many changes (``scoring.deploy_split``)."""
    config = org.scoring_config()
    found = split_inputs(session, deploy, config.version, config)
    if found is None:
        return None
    return split_deploy(found.deploy, found.shipped, found.incidents, config, found.error_budgets)


def deploy_record(session: Session, org: OrgConfig, access: Access, ref: str) -> DeployRecord:
    """The deploy ``ref`` names, as ``access`` may see it; else ``NotFoundError``."""
    services = service_keys(session)
    found = [d for d in find_deploys(session, ref) if access.sees([services.get(d.service_id)])]
    if len(found) != 1:
        raise NotFoundError(DEPLOY_NOT_FOUND)
    deploy: Deploy = found[0]
    version = version_of(org)
    row = load_scores(session, "deploy", version, [deploy.key]).get(deploy.key)
    shipped = changes_shipped(session, deploy.id)
    scores = load_scores(session, "change", version, [c.key for c in shipped])
    scored = [c for c in shipped if c.key in scores and c.merged_at is not None]
    # Riskiest first; ties stay in merge order (the query's), as they shipped.
    scored.sort(key=lambda c: -scores[c.key].score)
    changes = [
        ChangeRow(
            key=c.key,
            title=c.title,
            url=c.url,
            service=scores[c.key].service,
            score=scores[c.key].score,
            band=band_words(scores[c.key].band),
            merged_at=c.merged_at,
            drivers=[s.name for s in top_signals(scores[c.key].signals, 3)],
        )
        for c in scored
        if c.merged_at is not None
    ]
    unscored = [ChangeRef(key=c.key, title=c.title, url=c.url) for c in shipped if c not in scored]
    incidents = incidents_of_deploys(session, [deploy.id])
    reverts = merged_reverts(session, [c.key for c in shipped])
    rule = FoundBy.decode(deploy.found_by)
    return DeployRecord(
        key=deploy.key,
        service=services.get(deploy.service_id, ""),
        environment=deploy.environment,
        status=deploy.status,
        finished_at=deploy.finished_at,
        score=row.score if row else None,
        band=band_words(row.band) if row else None,
        signals=signal_points(row) if row else [],
        gates=[GateRow.of(g) for g in (row.gates if row else ())],
        changes=changes,
        unscored=unscored,
        incidents=[incident_row(i, services.get(i.service_id, "")) for i in incidents],
        reverts=[
            RevertRow(key=r.key, title=r.title, url=r.url, merged_at=r.merged_at)
            for r in reverts
            if r.merged_at is not None
        ],
        confirmations=confirmation_rows(session, access, [c.key for c in shipped]),
        split=_split_row(deploy_split(session, org, deploy)),
        found_by=FoundByRow.of(rule) if rule is not None else None,
    )


def deploy_risk(
    session: Session, org: OrgConfig, access: Access, deploy: str | None, service: str | None
) -> DeployRecord:
    """The deploy ``deploy`` names (its key, or a release tag that made one deploy), else the
    latest deploy of ``service`` (a service the caller may see); else ``NotFoundError``."""
    if deploy is not None and deploy.strip():
        return deploy_record(session, org, access, deploy.strip())
    if service is None or not service.strip():
        raise NotFoundError(
            "Give a deploy as its key or release tag, or a service for its latest deploy."
        )
    key = asked_service(org, access, service.strip())
    latest = latest_deploy_key(session, key)
    if latest is None:
        raise NotFoundError(
            f"{key} has no deploys in the store yet; check its deploy source with "
            "`riskbrief doctor`, or run `riskbrief sync`."
        )
    return deploy_record(session, org, access, latest)
