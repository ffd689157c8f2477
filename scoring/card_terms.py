"""The terms a briefing card is made of: its kinds, severities, facts and rule thresholds.

These are the card's closed, typed vocabulary. A fact names what it measures by
``FactKey``, never by a phrase, so a renamed or removed fact, kind or threshold
is a type error wherever it is used, not a wrong sentence; the words a reader
sees are the briefing's (``briefing.card_words``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from scoring.band import Band
from scoring.culprits import ClueKind

__all__ = [
    "Card",
    "CardCulprit",
    "CardFact",
    "CardKind",
    "CardRules",
    "Evidence",
    "EvidenceKind",
    "FactKey",
    "Severity",
    "stored_evidence",
]


class Severity(StrEnum):
    """How urgently a manager should look; decided by rules, never by the LLM."""

    CRITICAL = "critical"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for the most severe: the members are declared most severe first."""
        return list(Severity).index(self)


class CardKind(StrEnum):
    """What a card is about, declared in the order cards of one severity are shown.

    Within a severity the most specific cards lead: where risk concentrates, then
    what broke, then the scope-wide numbers, then the good news.
    """

    CONCENTRATION = "concentration"
    INCIDENT = "incident"
    # Changes a hard rule (a gate) put at very high risk: a schema migration, say.
    GATED = "gated"
    # Production deploys shipped while their service had spent its error budget.
    SPENT_BUDGET = "spent_budget"
    AGENT = "agent"
    AGENT_SURGE = "agent_surge"
    # AI agents' changes of one kind of work went wrong materially more often than people's.
    AGENT_OUTCOMES = "agent_outcomes"
    MTTR = "mttr"
    CFR = "cfr"
    SHIFT = "shift"
    CODEOWNERS = "codeowners"
    # A service's line coverage fell week over week, with the changes that lowered it.
    COVERAGE = "coverage"
    DRIVER = "driver"
    IMPROVEMENT = "improvement"
    # Positive signals: the same numbers as the cards above, moved materially the good way.
    MTTR_IMPROVED = "mttr_improved"
    CFR_IMPROVED = "cfr_improved"
    CODEOWNERS_IMPROVED = "codeowners_improved"
    AGENT_REVIEWED = "agent_reviewed"
    # AI agents' changes of one kind of work went wrong materially less often than people's.
    AGENT_OUTCOMES_BETTER = "agent_outcomes_better"

    @property
    def rank(self) -> int:
        """Where cards of this kind stand among cards of the same severity, 0 first."""
        return list(CardKind).index(self)

    @property
    def good_news(self) -> bool:
        """Whether the rules make cards of this kind only as good news (info): they ask
        nothing of the reader."""
        return self in _GOOD_NEWS


_GOOD_NEWS = frozenset(
    {
        CardKind.IMPROVEMENT,
        CardKind.MTTR_IMPROVED,
        CardKind.CFR_IMPROVED,
        CardKind.CODEOWNERS_IMPROVED,
        CardKind.AGENT_REVIEWED,
        CardKind.AGENT_OUTCOMES_BETTER,
    }
)


class FactKey(StrEnum):
    """What a card's number measures.

    The values are the names stored briefings carry: a member renamed in code keeps
    its value, so briefings stored before the rename still load.
    """

    OWNER_COVERAGE_LAST_WEEK = "codeowners_coverage_last_week"
    OWNER_COVERAGE_THIS_WEEK = "codeowners_coverage_this_week"
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
    # Over the baseline: the weeks before this one, pooled, when last week was too thin.
    MTTR_BASELINE = "mttr_baseline"
    CHANGE_FAILURE_RATE_BASELINE = "change_failure_rate_baseline"
    HIGH_RISK_SHARE_BASELINE = "high_risk_share_baseline"
    BASELINE_WEEKS = "baseline_weeks"
    GATED_CHANGES = "gated_changes"
    GATED_UNREVIEWED = "gated_unreviewed"
    # Production deploys of the week finished while their service had spent its error
    # budget, and the services they were of.
    SPENT_BUDGET_DEPLOYS = "spent_budget_deploys"
    SPENT_BUDGET_SERVICES = "spent_budget_services"
    # High-risk changes one signal drove; the signal is the fact's ``signal``.
    DRIVEN_BY = "driven_by"
    # A service's line coverage at its last report of each week, and the week's
    # changes that lowered their files' coverage.
    SERVICE_LINE_COVERAGE_THIS_WEEK = "service_coverage_this_week"
    SERVICE_LINE_COVERAGE_LAST_WEEK = "service_coverage_last_week"
    COVERAGE_LOWERING_CHANGES = "coverage_lowering_changes"
    # The score of the riskiest change the deploy an incident followed shipped: what made
    # a deploy its service's bands call moderate stand out.
    SHIPPED_RISKIEST_SCORE = "shipped_riskiest_score"
    # One kind of work (the card's subject) over ``OUTCOME_WEEKS`` weeks: agents' and
    # people's changes of it, their lines of code, how many went wrong (reverted or linked
    # to an incident) and that per 1,000 lines of code (``scoring.agent_outcomes``).
    OUTCOME_WEEKS = "outcome_weeks"
    AGENT_KIND_CHANGES = "agent_kind_changes"
    AGENT_KIND_LINES = "agent_kind_lines"
    AGENT_KIND_WENT_WRONG = "agent_kind_went_wrong"
    AGENT_KIND_RATE = "agent_kind_went_wrong_per_kloc"
    PEOPLE_KIND_CHANGES = "people_kind_changes"
    PEOPLE_KIND_LINES = "people_kind_lines"
    PEOPLE_KIND_WENT_WRONG = "people_kind_went_wrong"
    PEOPLE_KIND_RATE = "people_kind_went_wrong_per_kloc"
    # Of those gone wrong, the ones SZZ blamed for a bug a later fix repaired: written only
    # where SZZ ran over a clone of the kind's changes (elsewhere a later fix is unknown).
    AGENT_KIND_LATER_FIXED = "agent_kind_later_fixed"
    PEOPLE_KIND_LATER_FIXED = "people_kind_later_fixed"
    # A scope's changes expected to need a fix (the sum of their calibrated chances) this
    # week and in its usual week (``card_rules.usual.rise``).
    EXPECTED_FIXES_THIS_WEEK = "expected_fixes_this_week"
    EXPECTED_FIXES_USUAL = "expected_fixes_usual"


@dataclass(frozen=True, slots=True)
class CardFact:
    """A number a card stands on, its unit, and the signal whose changes it counts, if any."""

    key: FactKey
    value: float
    unit: str = ""
    signal: str | None = None


class EvidenceKind(StrEnum):
    """What one piece of a card's evidence is."""

    CHANGE = "change"
    DEPLOY = "deploy"
    INCIDENT = "incident"
    # An incident a revert opened; its key is the reverting change's.
    REVERT = "revert"


_REVERT = "revert:"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One piece of a card's evidence: what it is and the key its store knows it by.

    ``str()`` is the id stored briefings and the LLM payload carry: the key itself, or
    ``revert:<change key>`` for a revert; ``parse`` reads it back.
    """

    kind: EvidenceKind
    key: str

    def __str__(self) -> str:
        return f"{_REVERT}{self.key}" if self.kind is EvidenceKind.REVERT else self.key

    @classmethod
    def parse(cls, text: str, kind: EvidenceKind) -> Evidence:
        """The evidence ``text`` (a ``str()`` of one) names, of ``kind`` where the reader's
        card holds it; a ``revert:`` id is a revert whatever ``kind`` says.

        The kind is never guessed from the id's form: every source writes keys of its own
        (``gitlab-deployment:``, ``jira-…``, a deploy id from an incident file), and a list
        of prefixes here would fall behind the sources.
        """
        if text.startswith(_REVERT):
            return cls(EvidenceKind.REVERT, text.removeprefix(_REVERT))
        return cls(kind, text)


# Incident cards' likeliest culprits (issue 52): one block, kept apart from the other terms.
@dataclass(frozen=True, slots=True)
class CardCulprit:
    """A change likeliest behind an incident card's incident, as ``scoring.culprits`` ranked it.

    ``title`` is the change's own, outside text carried as data (each renderer escapes what it
    shows); ``reasons`` are the kinds of clue that earned it points, strongest kind first;
    ``confirmed`` is the team's word that it was the cause, which puts it first.
    """

    key: str
    title: str
    url: str | None
    points: int
    reasons: tuple[ClueKind, ...]
    band: Band | None = None
    # The deploy that first shipped it in the window; ``None`` when merged, not deployed.
    deploy: str | None = None
    confirmed: bool = False
    # The change that reverted it, when one did.
    reverted_by: str | None = None


def stored_evidence(kind: CardKind, ids: tuple[str, ...]) -> tuple[Evidence, ...]:
    """A stored card's evidence ids read back, by where the card rules put each one.

    An incident card holds its incident (or revert), then the deploy it followed, then
    the incidents folded into it; an MTTR card holds incidents; every other card changes.
    """
    if kind in (CardKind.MTTR, CardKind.MTTR_IMPROVED):
        return tuple(Evidence.parse(i, EvidenceKind.INCIDENT) for i in ids)
    if kind is not CardKind.INCIDENT:
        return tuple(Evidence.parse(i, EvidenceKind.CHANGE) for i in ids)
    return tuple(
        Evidence.parse(i, EvidenceKind.DEPLOY if n == 1 else EvidenceKind.INCIDENT)
        for n, i in enumerate(ids)
    )


@dataclass(frozen=True, slots=True)
class Card:
    """One briefing card: a material shift, its severity and the evidence behind it.

    A card has no title: the words a reader sees, its title among them, are made by
    the briefing from its kind, subject and typed facts (``briefing.card_words``).
    """

    id: str
    kind: CardKind
    severity: Severity
    subject: str | None
    facts: tuple[CardFact, ...]
    evidence: tuple[Evidence, ...] = ()
    # Kinds of cards whose story this one tells too, folded into it (see ``_fold``).
    folded: tuple[CardKind, ...] = ()
    # The band of the deploy an incident card's incident followed.
    deploy_band: Band | None = None
    # The gate every change on a gated card hit, when it was each one's only gate.
    gate: str | None = None
    # An incident card's likeliest culprits, confirmed ones first (``CardCulprit``).
    culprits: tuple[CardCulprit, ...] = ()

    @property
    def driver(self) -> str | None:
        """The signal the card counts high-risk changes of, when it names one."""
        return next((f.signal for f in self.facts if f.signal is not None), None)

    def fact(self, key: FactKey) -> float | None:
        """The value of the card's fact ``key``, if it has one."""
        return next((f.value for f in self.facts if f.key is key), None)

    def evidence_of(self, *kinds: EvidenceKind) -> tuple[Evidence, ...]:
        """The card's evidence of ``kinds``, in its order."""
        return tuple(e for e in self.evidence if e.kind in kinds)


@dataclass(frozen=True, slots=True)
class CardRules:
    """The fixed numbers that decide whether a card appears and how severe it is.

    Shares are percentages (0–100); a "pp" rule is a change in percentage points.
    Every threshold belongs to the side that fires: a number exactly at it counts.
    """

    # A change adding this many lines of hand-written code is high risk whatever else
    # is known: more than a reviewer takes in at once (SmartBear's Cisco study of
    # 2,500 reviews: defect finding falls off beyond 200–400 lines per review).
    large_change_lines: int = 400
    # When last week is too thin for a rate or time card (fewer incidents, deploys or
    # changes than the card needs), it compares with the weeks before this one,
    # this many of them (last week included), pooled, if they together are not thin.
    baseline_weeks: int = 4
    # Risk distribution shift, as it was read before expected fixes: share of changes in
    # high or critical. Only ``shift_min_changes`` is still read (this week needs that many
    # changes); the others are kept so that a riskbrief.toml naming them still loads.
    shift_warning_pp: float = 10.0
    shift_critical_pp: float = 20.0
    shift_min_changes: int = 5
    # ... and at least this many high-risk changes this week: in a small team one
    # high-risk change is ten points of share, not a shift.
    shift_min_high_risk: int = 3
    # Concentration and shift are judged on expected fixes (the sum of the changes' chances
    # of needing a fix) against the scope's own weeks (``card_rules.usual.rise``). Their
    # test's false-alarm chances are set so that the risk rules (concentration, shift,
    # rising driver) together make at most ``risk_alarm_budget`` warning or critical cards
    # in a steady week, whatever the number of services (docs/scoring.md, "Expected fixes
    # and a false-alarm budget"); the severity comes from the size of the rise: the ratio to the
    # usual week's and the absolute excess (in expected fixes; for very-high changes, in
    # changes) of its severity.
    risk_alarm_budget: float = 0.25
    # A service's rise is material from two expected fixes more than its usual week, as the
    # organisation's is (``shift_warning_excess``); its ratio then says warning or critical. A
    # floor of 3 for critical let five 1,000-line outside rewrites at the large-change gate's
    # floor (about 1 in 2 each) tripling a small service's expected fixes (+2.4) read as
    # nothing or a warning: a small service's story could not be critical.
    concentration_warning_ratio: float = 1.5
    concentration_warning_excess: float = 2.0
    concentration_critical_ratio: float = 2.5
    concentration_critical_excess: float = 2.0
    shift_warning_ratio: float = 1.2
    shift_warning_excess: float = 2.0
    shift_critical_ratio: float = 2.5
    shift_critical_excess: float = 8.0
    # Concentration: one service's high-risk share this week. No longer read by the rule
    # (expected fixes are, above): kept so that a riskbrief.toml naming them still loads.
    concentration_warning_share: float = 35.0
    concentration_critical_share: float = 50.0
    concentration_min_rise_pp: float = 15.0
    concentration_min_changes: int = 4
    # A signal that drives more high-risk changes than last week.
    driver_min_changes: int = 3
    driver_min_rise: int = 2
    # Incidents after a deploy that stood out for its service (``card_rules.incidents.
    # stood_out``), within this many hours of it: always critical.
    incident_window_hours: float = 24.0
    # A high deploy (or one shipping a high-risk change) stands out when it scored above
    # every other deploy of its service this week and over the baseline weeks, when the
    # service made at least this many others to compare with; with fewer, it stands out
    # by being high. Deploys an active incident's gate lifted are not compared.
    incident_many_deploys: int = 5
    # A change a gate put at very high risk makes a card only when it is material: merged
    # without a human approval, by an AI agent, unusual for its service (no change through
    # the same gate there over the baseline weeks), an incident this week followed a
    # deploy that shipped it, or risky on its own: its signals alone came within this many
    # points of the very-high bound the gate lifted it to (the high band's width with the
    # default bands, so its own signals made it high risk for its history).
    gated_other_risk_points: float = 12.0
    # MTTR: worse by both a ratio and an absolute number of minutes. Better by
    # the same (at most 1 / ``mttr_warning_ratio`` of last week's, and at least
    # ``mttr_min_minutes`` less) is a positive card when both weeks resolved at
    # least ``mttr_improved_min_incidents`` incidents.
    mttr_warning_ratio: float = 1.5
    mttr_critical_ratio: float = 3.0
    mttr_min_minutes: float = 30.0
    mttr_improved_min_incidents: int = 2
    # Worse MTTR needs this many resolved incidents in each week: one is not a trend.
    mttr_min_incidents: int = 2
    # Change failure rate of production deploys, in percentage points; a rate
    # needs deploys, so both weeks need at least one. Falling ``cfr_warning_pp``
    # is a positive card when both weeks had ``cfr_min_deploys`` deploys and
    # ``cfr_min_failed_deploys`` fewer deploys failed than last week.
    cfr_warning_pp: float = 10.0
    cfr_critical_pp: float = 25.0
    cfr_min_deploys: int = 4
    # A change-failure-rate card needs at least this many failed deploys this week.
    cfr_min_failed_deploys: int = 2
    # ... and a rate this week of at least this percentage: DORA counts up to 15 % as
    # its best performers' rate, so a rise that stays below it is no warning.
    cfr_min_rate: float = 15.0
    # CODEOWNERS coverage of touched files, drop in percentage points; both weeks
    # need ``codeowners_min_files`` touched files with CODEOWNERS data (a file
    # counts once per change touching it). A rise of ``codeowners_warning_drop_pp``
    # with the same minimum is a positive card.
    codeowners_warning_drop_pp: float = 10.0
    codeowners_critical_drop_pp: float = 25.0
    codeowners_min_files: int = 20
    # A service's line coverage (its files, at the last change of each week with a
    # report) fell by this many points: a warning, or critical. Two points is more
    # than the noise of flaky or skipped tests on a service of some size.
    coverage_warning_drop_pp: float = 2.0
    coverage_critical_drop_pp: float = 5.0
    # AI-agent changes merged without a human approval; critical only when at
    # least one of them is high risk.
    agent_unreviewed_warning: int = 1
    agent_unreviewed_critical: int = 3
    # Positive: every agent change reviewed this week, at least this many of them,
    # after ``agent_unreviewed_warning`` or more went unreviewed last week.
    agent_reviewed_min_changes: int = 3
    # AI agents' share of the week's changes rose by this many points, with at least
    # ``agent_surge_min_changes`` agent changes: a warning when any of them is high
    # risk or not known to be human-reviewed, info otherwise.
    agent_surge_min_rise_pp: float = 15.0
    agent_surge_min_changes: int = 5
    # AI agents' changes of one kind of work went wrong (reverted, or linked to an incident:
    # the team confirmed it as a culprit, or its revert made one) materially more often per
    # 1,000 lines of code than people's of that kind, judged over this week and the
    # ``baseline_weeks`` before it (outcomes lag a merge by days or weeks): agents and people
    # each made at least ``agent_outcomes_min_changes`` changes of the kind, at least
    # ``agent_outcomes_min_went_wrong`` of the agents' went wrong, and their rate is at least
    # ``agent_outcomes_min_ratio`` times people's. A warning.
    agent_outcomes_min_changes: int = 10
    agent_outcomes_min_went_wrong: int = 3
    agent_outcomes_min_ratio: float = 2.0
    # Positive: a team whose high-risk share fell, with enough changes in each week.
    improvement_min_drop_pp: float = 15.0
    improvement_min_changes: int = 5
    improvement_min_changes_last_week: int = 5
