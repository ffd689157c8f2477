"""Words a manager reads for the names the scorer uses."""

from __future__ import annotations

from scoring.card_facts import FactKey

__all__ = [
    "BAND_LABELS",
    "FACT_LABELS",
    "SIGNAL_LABELS",
    "band_label",
    "fact_label",
    "signal_label",
]

SIGNAL_LABELS: dict[str, str] = {
    "size": "large changes",
    "diffusion": "changes spread over many files or services",
    "fix": "bug fixes, hotfixes and reverts",
    "file_history": "busy, recently changed files",
    "author_experience": "authors new to the project or the area",
    "defect_proneness": "files that needed fixes before",
    "author_expertise": "authors working in files new to them",
    "review": "missing or rushed review",
    "codeowners": "files without a CODEOWNERS owner",
    "tests": "source changes without test changes",
    "timing": "Friday or after-hours merges",
    "agent": "AI-agent changes",
    "service_incidents": "services with recent incidents",
    "risky_content": "migrations, infrastructure or sensitive code",
    "riskiest_change": "a risky change shipped",
    "batch_size": "large deploy batches",
    "deploy_timing": "Friday or after-hours deploys",
    "deploy_gap": "deploys after a long pause",
}


def signal_label(name: str) -> str:
    """The reader's words for a signal, falling back to the name with spaces."""
    return SIGNAL_LABELS.get(name, name.replace("_", " "))


# A score band in words that are never a card's severity: a "critical" card and a
# "critical" score in one message read as the same thing.
BAND_LABELS: dict[str, str] = {
    "critical": "very high",
    "high": "high",
    "moderate": "moderate",
    "safe": "low",
}


def band_label(band: str) -> str:
    """The reader's words for a score band, e.g. ``"very high risk"`` for ``critical``."""
    return f"{BAND_LABELS.get(band, band)} risk"


# What each card fact measures, in the reader's words.
FACT_LABELS: dict[FactKey, str] = {
    FactKey.CODEOWNERS_COVERAGE_LAST_WEEK: "CODEOWNERS coverage last week",
    FactKey.CODEOWNERS_COVERAGE_THIS_WEEK: "CODEOWNERS coverage this week",
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
}


def fact_label(key: FactKey, signal: str | None = None) -> str:
    """The reader's words for a card fact; a driver fact names its signal."""
    words = FACT_LABELS[key]
    return f"{words} {signal_label(signal)}" if key is FactKey.DRIVEN_BY and signal else words
