"""Which changes turned out badly, by what the store knows happened after them.

A change is labelled risky when a production deploy that shipped it was
followed by an incident linked to that deploy, or when a later change
reverted it. These outcomes are what ``riskbrief calibrate`` fits weights to.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlmodel import Session, col, select

from data.tables import Change, Deploy, DeployChange, Incident

__all__ = ["Outcomes", "change_outcomes"]


@dataclass(frozen=True, slots=True)
class Outcomes:
    """Changes that led to an incident or a revert, and how each kind was found."""

    bad: frozenset[str]
    by_incident: int
    by_revert: int


def change_outcomes(session: Session) -> Outcomes:
    """Label changes from linked incidents and reverts recorded in the store."""
    incident_deploys = select(Incident.deploy_id).where(col(Incident.deploy_id).is_not(None))
    shipped = session.exec(
        select(Change.key)
        .join(DeployChange, col(DeployChange.change_id) == col(Change.id))
        .join(Deploy, col(Deploy.id) == col(DeployChange.deploy_id))
        .where(col(Deploy.id).in_(incident_deploys), col(Deploy.environment) == "production")
    ).all()
    reverted = session.exec(
        select(Change.reverts_key).where(col(Change.reverts_key).is_not(None))
    ).all()
    kinds = Counter({"incident": len(set(shipped)), "revert": len(set(reverted))})
    bad = frozenset(shipped) | frozenset(k for k in reverted if k is not None)
    return Outcomes(bad=bad, by_incident=kinds["incident"], by_revert=kinds["revert"])
