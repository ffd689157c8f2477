"""What each card fact measures, in the reader's words."""

from __future__ import annotations

from briefing.labels import signal_label
from scoring.card_terms import FactKey

__all__ = ["FACT_LABELS", "fact_label"]


# What each card fact measures, in the reader's words.
FACT_LABELS: dict[FactKey, str] = {
    FactKey.OWNER_COVERAGE_LAST_WEEK: "CODEOWNERS coverage last week",
    FactKey.SERVICES_WITHOUT_OWNER: "services whose changed files lost every code owner",
    FactKey.OWNER_COVERAGE_THIS_WEEK: "CODEOWNERS coverage this week",
    FactKey.MTTR_LAST_WEEK: "MTTR last week",
    FactKey.MTTR_THIS_WEEK: "MTTR this week",
    FactKey.AGENTS_UNREVIEWED_LAST_WEEK: "agent changes merged without human review last week",
    FactKey.AGENTS_UNREVIEWED: "agent changes merged without a human approval",
    FactKey.AGENTS_THIS_WEEK: "agent changes this week",
    FactKey.AGENTS_ALL_REVIEWED: "agent changes this week, all with human review",
    FactKey.AGENTS_REVIEW_UNKNOWN: "agent changes with review unknown",
    FactKey.AGENT_SHARE_LAST_WEEK: "agent share last week",
    FactKey.AGENT_SHARE: "agent share of changes",
    FactKey.CHANGE_FAILURE_RATE_LAST_WEEK: "change failure rate last week",
    FactKey.CHANGE_FAILURE_RATE_THIS_WEEK: "change failure rate this week",
    FactKey.FILES_WITH_OWNER_DATA: "changed files with CODEOWNERS data this week",
    FactKey.CHANGES_THIS_WEEK: "changes this week",
    FactKey.CHANGES: "changes",
    FactKey.DEPLOYS_LAST_WEEK: "deploys last week",
    FactKey.DEPLOYS_THIS_WEEK: "deploys this week",
    FactKey.FAILED_DEPLOYS_LAST_WEEK: "failed deploys last week",
    FactKey.FAILED_DEPLOYS_THIS_WEEK: "failed deploys this week",
    FactKey.AGENTS_HIGH_RISK: "high-risk agent changes",
    FactKey.DRIVEN_LAST_WEEK: "high-risk changes it drove last week",
    FactKey.DRIVEN_THIS_WEEK: "high-risk changes it drove this week",
    FactKey.HIGH_RISK_CHANGES_THIS_WEEK: "high-risk changes this week",
    FactKey.HIGH_RISK_CHANGES: "high-risk changes",
    FactKey.HIGH_RISK_SHARE_LAST_WEEK: "high-risk share last week",
    FactKey.HIGH_RISK_SHARE_THIS_WEEK: "high-risk share this week",
    FactKey.HOURS_TO_INCIDENT: "hours from deploy to incident",
    FactKey.INCIDENTS_THIS_WEEK: "incidents this week",
    FactKey.MINUTES_TO_RESOLVE: "minutes to resolve",
    FactKey.RESOLVED_INCIDENTS_LAST_WEEK: "resolved incidents last week",
    FactKey.RESOLVED_INCIDENTS_THIS_WEEK: "resolved incidents this week",
    FactKey.AGENTS_UNREVIEWED_HIGH_RISK: "of them high risk",
    FactKey.DRIVEN_BY: "high-risk changes driven by",
    FactKey.MTTR_BASELINE: "MTTR over the weeks before",
    FactKey.CHANGE_FAILURE_RATE_BASELINE: "change failure rate over the weeks before",
    FactKey.HIGH_RISK_SHARE_BASELINE: "high-risk share over the weeks before",
    FactKey.BASELINE_WEEKS: "weeks compared with",
    FactKey.GATED_CHANGES: "changes very high risk by a hard rule",
    FactKey.GATED_UNREVIEWED: "of them without a human approval",
    FactKey.SPENT_BUDGET_DEPLOYS: "deploys shipped while their service's error budget was spent",
    FactKey.SPENT_BUDGET_SERVICES: "services deployed to with a spent error budget",
    FactKey.SERVICE_LINE_COVERAGE_THIS_WEEK: "line coverage this week",
    FactKey.SERVICE_LINE_COVERAGE_LAST_WEEK: "line coverage last week",
    FactKey.COVERAGE_LOWERING_CHANGES: "changes that lowered coverage",
    FactKey.SHIPPED_RISKIEST_SCORE: "score of the shipped change that stood out",
    FactKey.OUTCOME_WEEKS: "weeks of outcomes compared",
    FactKey.EXPECTED_FIXES_THIS_WEEK: "changes expected to need a fix this week",
    FactKey.EXPECTED_FIXES_USUAL: "changes expected to need a fix in a usual week",
    FactKey.EXPECTED_FIXES_LAST_WEEK: "changes expected to need a fix last week",
    FactKey.AGENT_KIND_CHANGES: "agent changes of this kind",
    FactKey.AGENT_KIND_LINES: "lines of code in agent changes of this kind",
    FactKey.AGENT_KIND_WENT_WRONG: "agent changes of this kind gone wrong",
    FactKey.AGENT_KIND_RATE: "agent changes gone wrong per 1,000 lines of code",
    FactKey.PEOPLE_KIND_CHANGES: "people's changes of this kind",
    FactKey.PEOPLE_KIND_LINES: "lines of code in people's changes of this kind",
    FactKey.PEOPLE_KIND_WENT_WRONG: "people's changes of this kind gone wrong",
    FactKey.PEOPLE_KIND_RATE: "people's changes gone wrong per 1,000 lines of code",
    FactKey.AGENT_KIND_LATER_FIXED: "agent changes of this kind a later fix repaired (SZZ)",
    FactKey.PEOPLE_KIND_LATER_FIXED: "people's changes of this kind a later fix repaired (SZZ)",
}


def fact_label(key: FactKey, signal: str | None = None) -> str:
    """The reader's words for a card fact; a driver fact names its signal."""
    words = FACT_LABELS[key]
    return f"{words} {signal_label(signal)}" if key is FactKey.DRIVEN_BY and signal else words
