"""What the numbers on a card measure, named by key: the words a reader sees are the briefing's.

A fact names what it measures by ``FactKey``, never by a phrase, so a renamed or
removed fact is a type error wherever it is looked up, not a wrong sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Fact", "FactKey"]


class FactKey(StrEnum):
    """What a card's number measures.

    The values are the names stored briefings carry: a member renamed in code keeps
    its value, so briefings stored before the rename still load.
    """

    CODEOWNERS_COVERAGE_LAST_WEEK = "codeowners_coverage_last_week"
    CODEOWNERS_COVERAGE_THIS_WEEK = "codeowners_coverage_this_week"
    MTTR_LAST_WEEK = "mttr_last_week"
    MTTR_THIS_WEEK = "mttr_this_week"
    AGENTS_UNREVIEWED_LAST_WEEK = "agents_unreviewed_last_week"
    AGENTS_UNREVIEWED = "agents_unreviewed"
    AGENTS_THIS_WEEK = "agents_this_week"
    AGENTS_ALL_REVIEWED = "agents_all_reviewed"
    AGENTS_REVIEW_UNKNOWN = "agents_review_unknown"
    AGENT_SHARE_LAST_WEEK = "agent_share_last_week"
    AGENT_SHARE = "agent_share"
    CHANGE_FAILURE_RATE_LAST_WEEK = "change_failure_rate_last_week"
    CHANGE_FAILURE_RATE_THIS_WEEK = "change_failure_rate_this_week"
    FILES_WITH_OWNER_DATA = "files_with_owner_data"
    CHANGES_THIS_WEEK = "changes_this_week"
    CHANGES = "changes"
    DEPLOYS_LAST_WEEK = "deploys_last_week"
    DEPLOYS_THIS_WEEK = "deploys_this_week"
    FAILED_DEPLOYS_LAST_WEEK = "failed_deploys_last_week"
    FAILED_DEPLOYS_THIS_WEEK = "failed_deploys_this_week"
    AGENTS_HIGH_RISK = "agents_high_risk"
    DRIVEN_LAST_WEEK = "driven_last_week"
    DRIVEN_THIS_WEEK = "driven_this_week"
    HIGH_RISK_CHANGES_THIS_WEEK = "high_risk_changes_this_week"
    HIGH_RISK_CHANGES = "high_risk_changes"
    HIGH_RISK_SHARE_LAST_WEEK = "high_risk_share_last_week"
    HIGH_RISK_SHARE_THIS_WEEK = "high_risk_share_this_week"
    HOURS_TO_INCIDENT = "hours_to_incident"
    INCIDENTS_THIS_WEEK = "incidents_this_week"
    MINUTES_TO_RESOLVE = "minutes_to_resolve"
    RESOLVED_INCIDENTS_LAST_WEEK = "resolved_incidents_last_week"
    RESOLVED_INCIDENTS_THIS_WEEK = "resolved_incidents_this_week"
    AGENTS_UNREVIEWED_HIGH_RISK = "agents_unreviewed_high_risk"
    # High-risk changes one signal drove; the signal is the fact's ``signal``.
    DRIVEN_BY = "driven_by"


@dataclass(frozen=True, slots=True)
class Fact:
    """A number a card stands on, its unit, and the signal whose changes it counts, if any."""

    key: FactKey
    value: float
    unit: str = ""
    signal: str | None = None
