"""The terms a briefing card is made of: its kinds, severities and facts (the rules' thresholds
are ``card_thresholds``'s).

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
    SERVICES_WITHOUT_OWNER = "services_without_owner"
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
    # ...and last week's, against the same usual week, where a card tells a scope's way back
    # from last week's rise (``card_rules.rises.came_back``).
    EXPECTED_FIXES_LAST_WEEK = "expected_fixes_last_week"


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
