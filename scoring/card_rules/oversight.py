"""Who looked: code owners of changed files and human review of AI-agent changes."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from scoring.agent_outcomes import (
    OutcomeGap,
    OutcomeRow,
    OutcomesByKind,
    outcome_gaps,
    outcome_leads,
    outcomes_by_kind,
)
from scoring.card_rules.measure import CardRule, reaches, severity_for, tenth
from scoring.card_rules.usual import beta_binomial_upper_tail
from scoring.card_terms import Card, CardFact, CardKind, Evidence, EvidenceKind, FactKey, Severity
from scoring.card_thresholds import CardRules
from scoring.weekly import WeekAggregate, WeekChange
from scoring.work_kind import WorkKind

__all__ = [
    "RULES",
    "agent",
    "agent_outcomes",
    "agent_outcomes_better",
    "agent_reviewed",
    "agent_surge",
    "codeowners",
    "codeowners_improved",
]


def _codeowners_comparable(this: WeekAggregate, last: WeekAggregate, r: CardRules) -> bool:
    # One unowned file after a week of a few owned ones is not a coverage trend.
    return min(this.files_with_owner_data, last.files_with_owner_data) >= r.codeowners_min_files


def agent(
    this: WeekAggregate, _last: WeekAggregate, r: CardRules, _earlier: tuple[Card, ...]
) -> Iterator[Card]:
    """AI-agent changes merged without a human approval."""
    unreviewed = this.agent_unreviewed
    high_risk = sum(1 for c in unreviewed if c.high_risk)
    sev = severity_for(len(unreviewed), r.agent_unreviewed_warning, r.agent_unreviewed_critical)
    if sev is None:
        return
    # Many low-risk unreviewed agent changes are a process gap, not an emergency.
    if sev is Severity.CRITICAL and not high_risk:
        sev = Severity.WARNING
    agent = this.agent_changes
    yield Card(
        "agent:unreviewed",
        CardKind.AGENT,
        sev,
        None,
        (
            CardFact(FactKey.AGENTS_UNREVIEWED, len(unreviewed)),
            CardFact(FactKey.AGENTS_THIS_WEEK, len(agent)),
            CardFact(FactKey.AGENT_SHARE, tenth(100.0 * len(agent) / len(this.changes)), "%"),
            CardFact(FactKey.AGENTS_UNREVIEWED_HIGH_RISK, high_risk),
        ),
        tuple(Evidence(EvidenceKind.CHANGE, c.key) for c in unreviewed),
    )


def agent_surge(
    this: WeekAggregate, last: WeekAggregate, r: CardRules, _earlier: tuple[Card, ...]
) -> Iterator[Card]:
    """AI agents wrote a materially larger share of the week's changes: 15 points more than
    last week's, or, where that is many changes, at least twice their usual share and above
    last week's, beyond chance (``_share_rose``)."""
    agent = this.agent_changes
    if len(agent) < r.agent_surge_min_changes or not this.changes or not last.changes:
        return
    # Unreviewed agent changes are that card's story; its facts carry the share.
    if len(this.agent_unreviewed) >= r.agent_unreviewed_warning:
        return
    now = 100.0 * len(agent) / len(this.changes)
    before = 100.0 * len(last.agent_changes) / len(last.changes)
    if not reaches(now - before, r.agent_surge_min_rise_pp) and not (
        now > before and _share_rose(this, len(agent), r)
    ):
        return
    high_risk = sum(1 for c in agent if c.high_risk)
    unknown = sum(1 for c in agent if c.human_reviewed is None)
    sev = Severity.WARNING if high_risk or unknown else Severity.INFO
    yield Card(
        "agent:surge",
        CardKind.AGENT_SURGE,
        sev,
        None,
        (
            CardFact(FactKey.AGENT_SHARE, tenth(now), "%"),
            CardFact(FactKey.AGENT_SHARE_LAST_WEEK, tenth(before), "%"),
            CardFact(FactKey.AGENTS_THIS_WEEK, len(agent)),
            CardFact(FactKey.AGENTS_HIGH_RISK, high_risk),
            CardFact(FactKey.AGENTS_REVIEW_UNKNOWN, unknown),
        ),
        tuple(Evidence(EvidenceKind.CHANGE, c.key) for c in agent)[:10],
    )


# How often a steady week's agent share may reach the surge's ratio by chance, given the
# scope's own share over the baseline weeks (``_share_rose``).
_SURGE_P = 0.01


def _share_rose(this: WeekAggregate, agents: int, r: CardRules) -> bool:
    """Whether ``agents`` of this week's changes are at least ``agent_surge_min_ratio`` times
    the agents' usual share over the baseline weeks, and more than that share gives by chance:
    a beta-binomial tail (the share known from those weeks' changes, with Jeffreys' half a
    change each way) at most ``_SURGE_P``.

    Fifteen points of a scope's changes are two agent changes more in a team of fifteen changes
    a week and a hundred more in one of seven hundred: four agent changes a week becoming
    sixteen among a hundred and forty is a surge a manager hears of, at eight points.
    """
    base = this.baseline
    if base is None or not base.changes:
        return False
    usual, total = len(base.agent_changes), len(base.changes)
    if not reaches(agents / len(this.changes), r.agent_surge_min_ratio * usual / total):
        return False
    tail = beta_binomial_upper_tail(agents, len(this.changes), usual + 0.5, total - usual + 0.5)
    return tail <= _SURGE_P


# An agent outcome card's evidence: its kind's agent changes that went wrong, newest first.
_OUTCOME_EVIDENCE = 10


def _pooled_outcomes(
    this: WeekAggregate,
) -> tuple[tuple[WeekAggregate, ...], list[WeekChange], OutcomesByKind] | None:
    """This week and its baseline weeks, their changes with a known outcome and those counted
    by kind; ``None`` when no agent change is among them."""
    # Outcomes lag a merge by days or weeks: one week's reverts say little, so the rules
    # read the trailing weeks the baseline pools (``baseline_weeks``) with this one.
    weeks = (this, this.baseline) if this.baseline is not None else (this,)
    changes = [c for w in weeks for c in w.changes if c.outcome is not None]
    if not any(c.agent_involved for c in changes):
        return None
    found = outcomes_by_kind(
        OutcomeRow(
            "agents" if c.agent_involved else None,
            c.human_reviewed,
            c.outcome,
            bot=c.bot,
        )
        for c in changes
        if c.outcome is not None
    )
    return weeks, changes, found


def _of_a_kind(
    compare: Callable[[OutcomesByKind, int, int, float], tuple[OutcomeGap, ...]],
    found: OutcomesByKind,
    r: CardRules,
) -> list[OutcomeGap]:
    """``compare`` (``outcome_gaps`` or ``outcome_leads``) by the rules' numbers, for the
    kinds of work a card can name."""
    material = compare(
        found,
        r.agent_outcomes_min_changes,
        r.agent_outcomes_min_went_wrong,
        r.agent_outcomes_min_ratio,
    )
    # A card compares agents' and people's work of one kind ("AI agents' refactor work");
    # changes nothing classified ("unknown") mix every kind, so they name none to act on,
    # and with later fixes counted they made warnings in the scenario bench's steady weeks.
    return [g for g in material if g.kind is not WorkKind.UNKNOWN]


def _outcome_facts(weeks: tuple[WeekAggregate, ...], gap: OutcomeGap) -> tuple[CardFact, ...]:
    """Both sides' numbers of one kind, and agents' later fixes where SZZ could say."""
    a, p = gap.agents, gap.people
    facts = [
        CardFact(FactKey.OUTCOME_WEEKS, sum(w.weeks for w in weeks)),
        CardFact(FactKey.AGENT_KIND_CHANGES, a.changes),
        CardFact(FactKey.AGENT_KIND_WENT_WRONG, a.went_wrong),
        CardFact(FactKey.AGENT_KIND_LINES, a.source_lines),
        CardFact(FactKey.AGENT_KIND_RATE, gap.agent_rate),
        CardFact(FactKey.PEOPLE_KIND_CHANGES, p.changes),
        CardFact(FactKey.PEOPLE_KIND_WENT_WRONG, p.went_wrong),
        CardFact(FactKey.PEOPLE_KIND_LINES, p.source_lines),
        CardFact(FactKey.PEOPLE_KIND_RATE, gap.people_rate),
    ]
    # Written only where SZZ ran over a clone: elsewhere a later fix is unknown, and the
    # words then say "reverted or linked to an incident" alone.
    if a.later_fixed_known or p.later_fixed_known:
        facts.append(CardFact(FactKey.AGENT_KIND_LATER_FIXED, a.later_fixed))
        facts.append(CardFact(FactKey.PEOPLE_KIND_LATER_FIXED, p.later_fixed))
    return tuple(facts)


def agent_outcomes(
    this: WeekAggregate, _last: WeekAggregate, r: CardRules, _earlier: tuple[Card, ...]
) -> Iterator[Card]:
    """AI agents' changes of one kind of work went wrong materially more often per line of
    code than people's of that kind, over this week and the baseline weeks before it."""
    pooled = _pooled_outcomes(this)
    if pooled is None:
        return
    weeks, changes, found = pooled
    gaps = _of_a_kind(outcome_gaps, found, r)
    for gap in gaps:
        wrong = sorted(
            (
                c
                for c in changes
                if c.agent_involved
                and c.outcome is not None
                and c.outcome.kind is gap.kind
                and c.outcome.went_wrong
            ),
            key=lambda c: (c.merged_at, c.key),
            reverse=True,
        )
        yield Card(
            f"agent:outcomes:{gap.kind.value}",
            CardKind.AGENT_OUTCOMES,
            Severity.WARNING,
            gap.kind.value,
            _outcome_facts(weeks, gap),
            tuple(Evidence(EvidenceKind.CHANGE, c.key) for c in wrong[:_OUTCOME_EVIDENCE]),
        )


def agent_outcomes_better(
    this: WeekAggregate, _last: WeekAggregate, r: CardRules, earlier: tuple[Card, ...]
) -> Iterator[Card]:
    """AI agents' changes of one kind of work went wrong materially less often per line of
    code than people's of that kind (the widest such kind only), by the same numbers as
    ``agent_outcomes`` with the sides swapped: good news, unless that card spoke."""
    # One story about agents' outcomes a week: a warning about one kind outweighs good
    # news about another, which would read as a contradiction beside it.
    if any(c.kind is CardKind.AGENT_OUTCOMES for c in earlier):
        return
    pooled = _pooled_outcomes(this)
    if pooled is None:
        return
    weeks, _, found = pooled
    leads = _of_a_kind(outcome_leads, found, r)
    if not leads:
        return
    lead = leads[0]
    yield Card(
        f"agent:outcomes-better:{lead.kind.value}",
        CardKind.AGENT_OUTCOMES_BETTER,
        Severity.INFO,
        lead.kind.value,
        _outcome_facts(weeks, lead),
    )


# A service's changed files count as owned from this share, and as unowned up to the other;
# each week needs this many of its changed files with CODEOWNERS data to say either.
_OWNED_PCT, _UNOWNED_PCT, _SERVICE_MIN_FILES = 90.0, 10.0, 5


def _owner_files(week: WeekAggregate) -> dict[str, tuple[int, int]]:
    """Per service: its changed files with a code owner, and those with CODEOWNERS data."""
    counts: dict[str, tuple[int, int]] = {}
    for c in week.changes:
        if c.service is not None and c.files_with_owner_data:
            owned, seen = counts.get(c.service, (0, 0))
            counts[c.service] = (owned + c.files_with_owner, seen + c.files_with_owner_data)
    return counts


def services_without_owner(this: WeekAggregate, last: WeekAggregate) -> list[str]:
    """Services whose changed files had a code owner last week and have none this week.

    How far the week's coverage falls depends on how many of its changed files the services
    that lost their owners hold: two of six services dropped from CODEOWNERS read a 22–24
    point fall in a week whose changes were mostly elsewhere. A service whose own files went
    from owned to unowned says what happened whatever the week's mix.
    """
    now, before = _owner_files(this), _owner_files(last)
    lost = []
    for service, (owned, seen) in now.items():
        owned_before, seen_before = before.get(service, (0, 0))
        if min(seen, seen_before) < _SERVICE_MIN_FILES:
            continue
        if reaches(100.0 * owned_before / seen_before, _OWNED_PCT) and reaches(
            _UNOWNED_PCT, 100.0 * owned / seen
        ):
            lost.append(service)
    return sorted(lost)


def codeowners(
    this: WeekAggregate, last: WeekAggregate, r: CardRules, _earlier: tuple[Card, ...]
) -> Iterator[Card]:
    """The share of changed files with a code owner fell materially; critical when a service's
    changed files lost every owner (``services_without_owner``), however few of the week's."""
    now, before = this.owner_coverage, last.owner_coverage
    if now is None or before is None or not _codeowners_comparable(this, last, r):
        return
    sev = severity_for(before - now, r.codeowners_warning_drop_pp, r.codeowners_critical_drop_pp)
    if sev is None:
        return
    lost = services_without_owner(this, last)
    facts = [
        CardFact(FactKey.OWNER_COVERAGE_THIS_WEEK, tenth(now), "%"),
        CardFact(FactKey.OWNER_COVERAGE_LAST_WEEK, tenth(before), "%"),
    ]
    if lost:
        sev = Severity.CRITICAL
        facts.append(CardFact(FactKey.SERVICES_WITHOUT_OWNER, len(lost)))
    yield Card(
        "codeowners",
        CardKind.CODEOWNERS,
        sev,
        lost[0] if len(lost) == 1 else None,
        tuple(facts),
    )


def codeowners_improved(
    this: WeekAggregate, last: WeekAggregate, r: CardRules, _earlier: tuple[Card, ...]
) -> Iterator[Card]:
    """The share of changed files with a code owner rose materially."""
    now, before = this.owner_coverage, last.owner_coverage
    if now is None or before is None or not _codeowners_comparable(this, last, r):
        return
    if not reaches(now - before, r.codeowners_warning_drop_pp):
        return
    yield Card(
        "codeowners:improved",
        CardKind.CODEOWNERS_IMPROVED,
        Severity.INFO,
        None,
        (
            CardFact(FactKey.OWNER_COVERAGE_THIS_WEEK, tenth(now), "%"),
            CardFact(FactKey.OWNER_COVERAGE_LAST_WEEK, tenth(before), "%"),
            CardFact(FactKey.FILES_WITH_OWNER_DATA, this.files_with_owner_data),
        ),
    )


def agent_reviewed(
    this: WeekAggregate, last: WeekAggregate, r: CardRules, _earlier: tuple[Card, ...]
) -> Iterator[Card]:
    """Every AI-agent change had a human review after a week when some did not."""
    agent, before = this.agent_changes, last.agent_unreviewed
    if len(agent) < r.agent_reviewed_min_changes or this.agent_unreviewed:
        return
    # Only a change from last week's card is news; always-reviewed agents are the norm.
    if len(before) < r.agent_unreviewed_warning:
        return
    yield Card(
        "agent:reviewed",
        CardKind.AGENT_REVIEWED,
        Severity.INFO,
        None,
        (
            CardFact(FactKey.AGENTS_ALL_REVIEWED, len(agent)),
            CardFact(FactKey.AGENTS_UNREVIEWED_LAST_WEEK, len(before)),
        ),
    )


# In the order they run.
RULES: tuple[CardRule, ...] = (
    agent,
    agent_surge,
    agent_outcomes,
    agent_outcomes_better,
    codeowners,
    codeowners_improved,
    agent_reviewed,
)
