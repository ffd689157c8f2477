"""Facts as briefings stored before fact keys were identifiers name them.

A stored briefing is read back to deliver it again or to answer ``/risk card``,
so it must load whatever name its facts were stored under: first a ``label``
(a driver fact's signal after the words, "high-risk changes driven by size"),
then a ``key`` holding those same words. Both are frozen history; new facts are
never added here.
"""

from __future__ import annotations

from typing import Any

from scoring.card_terms import FactKey

__all__ = ["current_fact"]

# The names facts were stored under, exactly as they were written.
_STORED_NAMES: dict[str, FactKey] = {
    "CODEOWNERS coverage last week": FactKey.OWNER_COVERAGE_LAST_WEEK,
    "CODEOWNERS coverage this week": FactKey.OWNER_COVERAGE_THIS_WEEK,
    "MTTR last week": FactKey.MTTR_LAST_WEEK,
    "MTTR this week": FactKey.MTTR_THIS_WEEK,
    "agent changes merged without human review last week": FactKey.AGENTS_UNREVIEWED_LAST_WEEK,
    "agent changes merged without human review": FactKey.AGENTS_UNREVIEWED,
    "agent changes this week": FactKey.AGENTS_THIS_WEEK,
    "agent changes this week, all with human review": FactKey.AGENTS_ALL_REVIEWED,
    "agent changes with review unknown": FactKey.AGENTS_REVIEW_UNKNOWN,
    "agent share last week": FactKey.AGENT_SHARE_LAST_WEEK,
    "agent share of changes": FactKey.AGENT_SHARE,
    "change failure rate last week": FactKey.CHANGE_FAILURE_RATE_LAST_WEEK,
    "change failure rate this week": FactKey.CHANGE_FAILURE_RATE_THIS_WEEK,
    "changed files with CODEOWNERS data this week": FactKey.FILES_WITH_OWNER_DATA,
    "changes this week": FactKey.CHANGES_THIS_WEEK,
    "changes": FactKey.CHANGES,
    "deploys last week": FactKey.DEPLOYS_LAST_WEEK,
    "deploys this week": FactKey.DEPLOYS_THIS_WEEK,
    "failed deploys last week": FactKey.FAILED_DEPLOYS_LAST_WEEK,
    "failed deploys this week": FactKey.FAILED_DEPLOYS_THIS_WEEK,
    "high-risk agent changes": FactKey.AGENTS_HIGH_RISK,
    "high-risk changes driven last week": FactKey.DRIVEN_LAST_WEEK,
    "high-risk changes driven this week": FactKey.DRIVEN_THIS_WEEK,
    "high-risk changes this week": FactKey.HIGH_RISK_CHANGES_THIS_WEEK,
    "high-risk changes": FactKey.HIGH_RISK_CHANGES,
    "high-risk share last week": FactKey.HIGH_RISK_SHARE_LAST_WEEK,
    "high-risk share this week": FactKey.HIGH_RISK_SHARE_THIS_WEEK,
    "hours from deploy to incident": FactKey.HOURS_TO_INCIDENT,
    "incidents this week": FactKey.INCIDENTS_THIS_WEEK,
    "minutes to resolve": FactKey.MINUTES_TO_RESOLVE,
    "resolved incidents last week": FactKey.RESOLVED_INCIDENTS_LAST_WEEK,
    "resolved incidents this week": FactKey.RESOLVED_INCIDENTS_THIS_WEEK,
    "unreviewed agent changes high risk": FactKey.AGENTS_UNREVIEWED_HIGH_RISK,
    "high-risk changes driven by": FactKey.DRIVEN_BY,
}
_DRIVEN_BY = "high-risk changes driven by "


def current_fact(data: dict[str, Any]) -> dict[str, Any]:
    """A stored fact's fields with its key as ``FactKey`` names it today."""
    fact = {k: v for k, v in data.items() if k != "label"}
    name = str(data["label"] if "label" in data else data.get("key"))
    if "label" in data and name.startswith(_DRIVEN_BY):
        # Only the label form carried the signal inside the words.
        return fact | {"key": FactKey.DRIVEN_BY, "signal": name.removeprefix(_DRIVEN_BY)}
    key = _STORED_NAMES.get(name)
    return fact if key is None else fact | {"key": key}
