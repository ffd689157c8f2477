"""What splitting a deploy reads from the store: the deploy as the scorer saw it, the scored
changes it shipped with their files, and the incidents and spent error budgets of its service
around it.
``scoring.deploy_split`` splits it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, col, or_, select

from data.store.scores import load_scores
from data.store.tables import (
    IS_MERGED,
    Change,
    ChangeFile,
    Deploy,
    DeployChange,
    ErrorBudget,
    Incident,
    Service,
)
from scoring.config import ScoringConfig
from scoring.deploy_split import (
    MIN_CHANGES,
    ShippedChange,
    gate_reason,
)
from scoring.facts import DeployFacts, IncidentFacts
from scoring.history import BudgetSpan

__all__ = ["SplitInputs", "split_inputs"]


@dataclass(frozen=True, slots=True)
class SplitInputs:
    """A deploy as ``scoring.deploy_split.split_deploy`` reads it."""

    deploy: DeployFacts
    shipped: tuple[ShippedChange, ...]
    incidents: tuple[IncidentFacts, ...]
    # The spans of its service's spent error budget it finished in (``error_budget`` gate).
    error_budgets: tuple[BudgetSpan, ...] = ()


def split_inputs(
    session: Session, deploy: Deploy, version: str, config: ScoringConfig
) -> SplitInputs | None:
    """What splitting ``deploy`` reads, with scores of scorer ``version``; ``None`` when it
    shipped fewer than ``scoring.deploy_split.MIN_CHANGES`` scored changes, is not scored or is
    not gated."""
    service = session.get(Service, deploy.service_id)
    stored = load_scores(session, "deploy", version, [deploy.key]).get(deploy.key)
    if service is None or stored is None or deploy.id is None:
        return None
    # In the order the scorer read them (merged, then key): the riskiest's tie goes the same way.
    changes = list(
        session.exec(
            select(Change)
            .join(DeployChange, col(DeployChange.change_id) == col(Change.id))
            .where(col(DeployChange.deploy_id) == deploy.id, IS_MERGED)
            .order_by(col(Change.merged_at), col(Change.key))
        )
    )
    scores = load_scores(session, "change", version, [c.key for c in changes])
    scored = [c for c in changes if c.key in scores and c.id is not None]
    if len(scored) < MIN_CHANGES:
        return None
    # An ungated deploy is never split: its service's earlier deploys are not read for it.
    gated = [ShippedChange(scores[c.key]) for c in scored if scores[c.key].gates]
    if gate_reason(stored, gated) is None:
        return None
    files: dict[int, set[str]] = defaultdict(set)
    for change_id, path in session.exec(
        select(ChangeFile.change_id, ChangeFile.path).where(
            col(ChangeFile.change_id).in_([c.id for c in scored])
        )
    ):
        files[change_id].add(path)
    shipped = tuple(ShippedChange(scores[c.key], frozenset(files[c.id or 0])) for c in scored)
    facts = DeployFacts(
        key=deploy.key,
        service=service.key,
        environment=deploy.environment,
        finished_at=deploy.finished_at,
        succeeded=deploy.status == "success",
        change_keys=tuple(c.key for c in changes),
        previous_finished_at=session.exec(
            select(Deploy.finished_at)
            .where(
                col(Deploy.service_id) == deploy.service_id,
                col(Deploy.environment) == deploy.environment,
                col(Deploy.status) == "success",
                col(Deploy.finished_at) < deploy.finished_at,
            )
            .order_by(col(Deploy.finished_at).desc())
            .limit(1)
        ).first(),
    )
    return SplitInputs(
        facts,
        shipped,
        _incidents(session, deploy, service, config),
        _error_budgets(session, deploy, service),
    )


def _incidents(
    session: Session, deploy: Deploy, service: Service, config: ScoringConfig
) -> tuple[IncidentFacts, ...]:
    """The incidents of the deploy's service that may have been active when it finished: the
    scorer's ``active_incidents`` decides which were."""
    grace = deploy.finished_at - timedelta(hours=config.active_incident_grace_hours)
    rows = session.exec(
        select(Incident)
        .where(
            col(Incident.service_id) == deploy.service_id,
            col(Incident.opened_at) <= deploy.finished_at,
            or_(col(Incident.resolved_at).is_(None), col(Incident.resolved_at) > grace),
        )
        .order_by(col(Incident.opened_at), col(Incident.key))
    )
    return tuple(
        IncidentFacts(i.key, service.key, i.title, i.opened_at, i.resolved_at) for i in rows
    )


def _error_budgets(session: Session, deploy: Deploy, service: Service) -> tuple[BudgetSpan, ...]:
    """The spans of the deploy's service's spent error budget it finished in: the scorer's
    ``spent_budget`` reads them."""
    at = deploy.finished_at
    rows = session.exec(
        select(ErrorBudget)
        .where(
            col(ErrorBudget.service_id) == deploy.service_id,
            col(ErrorBudget.exhausted_at) <= at,
            or_(col(ErrorBudget.restored_at).is_(None), col(ErrorBudget.restored_at) > at),
        )
        .order_by(col(ErrorBudget.exhausted_at), col(ErrorBudget.key))
    )
    return tuple((service.key, b.exhausted_at, b.restored_at) for b in rows)
