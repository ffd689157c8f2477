"""Agents' and people's changes by kind of work and outcome, and the agent outcome card."""

from __future__ import annotations

from dataclasses import replace

from scoring.agent_outcomes import (
    ChangeOutcome,
    KindTally,
    OutcomeRow,
    outcome_gaps,
    outcome_leads,
    outcomes_by_kind,
    per_lines,
)
from scoring.card_terms import CardKind, FactKey, Severity
from scoring.risk import Band
from scoring.weekly import WeekAggregate, WeekChange, aggregate
from scoring.work_kind import WorkKind
from tests.scoring.card_builders import cards, change

REFACTOR, FIX = WorkKind.REFACTOR, WorkKind.FIX


def _row(
    agent: str | None,
    kind: WorkKind,
    lines: int,
    reviewed: bool | None = True,
    **outcome: bool | None,
) -> OutcomeRow:
    return OutcomeRow(agent, reviewed, ChangeOutcome(kind, lines, **outcome))  # type: ignore[arg-type]


def test_counts_each_outcome_per_kind_and_per_thousand_lines() -> None:
    """Each kind's changes, lines, outcomes and rates are the made rows' own sums."""
    rows = [
        _row("devin", REFACTOR, 200, reverted=True),
        _row("devin", REFACTOR, 300, incident=True, later_fixed=True),
        _row("devin", FIX, 50, reviewed=False),
        _row("copilot", REFACTOR, 500),
        _row(None, REFACTOR, 1000, reverted=True),
        _row(None, REFACTOR, 1000),
    ]
    found = outcomes_by_kind(rows)
    agents = {t.kind: t for t in found.all_agents}
    refactor = agents[REFACTOR]
    assert (refactor.changes, refactor.source_lines) == (3, 1000)
    assert (refactor.reverted, refactor.incident, refactor.later_fixed) == (1, 1, 1)
    # Two of the three agent refactors went wrong (one both ways): 2 per 1,000 lines.
    assert refactor.went_wrong == 2
    assert refactor.went_wrong_per_lines == 2.0
    assert [name for name, _ in found.agents] == ["devin", "copilot"]
    assert found.people_of(REFACTOR).went_wrong_per_lines == 0.5
    assert found.people_of(FIX) == KindTally(FIX)
    assert per_lines(1, 0) is None
    assert per_lines(None, 100) is None


def test_unknown_review_is_kept_apart_from_unreviewed() -> None:
    """A change whose review is unknown is neither approved nor unreviewed, and not in the share."""
    found = outcomes_by_kind(
        [
            _row("devin", FIX, 10, reviewed=True),
            _row("devin", FIX, 10, reviewed=None),
            _row("devin", FIX, 10, reviewed=None),
            _row("devin", FIX, 10, reviewed=False),
        ]
    )
    fix = found.all_agents[0]
    assert (fix.reviewed, fix.not_reviewed, fix.review_unknown) == (1, 1, 2)
    assert fix.reviewed_share == 50.0
    assert KindTally(FIX, changes=2, review_unknown=2).reviewed_share is None


def test_later_fixes_are_unknown_without_a_clone_not_zero() -> None:
    """Later fixes no SZZ ran for read as unknown, not as none."""
    tally = outcomes_by_kind([_row("devin", FIX, 10), _row("devin", FIX, 10)]).all_agents[0]
    assert tally.later_fixed_or_unknown is None
    known = outcomes_by_kind([_row("devin", FIX, 10, later_fixed=False)]).all_agents[0]
    assert known.later_fixed_or_unknown == 0


def test_bots_are_counted_apart() -> None:
    """A bot's change is neither an agent's nor people's."""
    rows = [OutcomeRow(None, True, ChangeOutcome(WorkKind.CHORE, 5), bot=True)]
    found = outcomes_by_kind(rows)
    assert (found.bot_changes, found.people, found.all_agents) == (1, (), ())


def test_gap_needs_enough_changes_bad_outcomes_and_the_ratio() -> None:
    """A gap is material only with enough changes each side, enough gone wrong and the ratio."""
    people = [_row(None, REFACTOR, 100, reverted=n < 2) for n in range(40)]
    agents = [_row("devin", REFACTOR, 100, reverted=n < 3) for n in range(12)]
    # Agents 3 of 1,200 lines (2.5), people 2 of 4,000 (0.5): five times.
    (gap,) = outcome_gaps(outcomes_by_kind(agents + people), 10, 3, 2.0)
    assert (gap.kind, gap.agent_rate, gap.people_rate) == (REFACTOR, 2.5, 0.5)
    assert outcome_gaps(outcomes_by_kind(agents + people), 13, 3, 2.0) == ()
    assert outcome_gaps(outcomes_by_kind(agents + people), 10, 4, 2.0) == ()
    assert outcome_gaps(outcomes_by_kind(agents + people), 10, 3, 5.1) == ()


def test_lead_needs_enough_changes_people_gone_wrong_and_the_ratio() -> None:
    """Agents doing better is material by the same numbers with the sides swapped."""
    people = [_row(None, REFACTOR, 100, reverted=n < 6) for n in range(40)]
    agents = [_row("devin", REFACTOR, 100, reverted=n < 1) for n in range(12)]
    # People 6 of 4,000 lines (1.5), agents 1 of 1,200 (0.83): not twice.
    assert outcome_leads(outcomes_by_kind(agents + people), 10, 3, 2.0) == ()
    (lead,) = outcome_leads(outcomes_by_kind(agents + people), 10, 3, 1.5)
    assert (lead.kind, lead.people_rate, lead.agent_rate) == (REFACTOR, 1.5, 0.83)
    assert outcome_leads(outcomes_by_kind(agents + people), 10, 7, 1.5) == ()
    clean = [_row("devin", REFACTOR, 100) for _ in range(12)]
    (lead,) = outcome_leads(outcomes_by_kind(clean + people), 10, 3, 2.0)
    assert lead.agent_rate == 0.0
    assert outcome_gaps(outcomes_by_kind(clean + people), 10, 3, 2.0) == ()


def _org(
    week: int, agent_reverted: int, people_reverted: int, kind: WorkKind = REFACTOR
) -> list[WeekChange]:
    """One week of 10 agent and 30 people changes of 100 lines, the first few reverted."""
    out = []
    for n in range(10):
        out.append(
            change(
                f"agent#{kind.value}{week}.{n}",
                "search",
                Band.SAFE,
                week,
                agent_involved=True,
                outcome=ChangeOutcome(kind, 100, reverted=n < agent_reverted),
            )
        )
    for n in range(30):
        out.append(
            change(
                f"person#{kind.value}{week}.{n}",
                "search",
                Band.SAFE,
                week,
                outcome=ChangeOutcome(kind, 100, reverted=n < people_reverted),
            )
        )
    return out


def _weeks(agent_reverted: int, people_reverted: int) -> tuple[WeekAggregate, WeekAggregate]:
    """This week with its four baseline weeks, and last week, all alike."""
    before = [c for w in range(-4, 0) for c in _org(w, agent_reverted, people_reverted)]
    baseline = aggregate(before, weeks=4)
    this = aggregate(_org(0, agent_reverted, people_reverted), baseline=baseline)
    return this, aggregate(_org(-1, agent_reverted, people_reverted))


def test_a_steady_org_makes_no_outcome_card() -> None:
    """Agents' refactors going wrong as often per line as people's make no card."""
    this, last = _weeks(agent_reverted=1, people_reverted=3)
    assert not [c for c in cards(this, last) if c.kind is CardKind.AGENT_OUTCOMES]


def test_a_planted_difference_makes_a_warning_with_its_numbers() -> None:
    """Agents' refactors reverted three times as often per line make a warning citing them."""
    this, last = _weeks(agent_reverted=3, people_reverted=3)
    (card,) = [c for c in cards(this, last) if c.kind is CardKind.AGENT_OUTCOMES]
    assert (card.severity, card.subject) == (Severity.WARNING, "refactor")
    # Five weeks: 50 agent refactors, 15 reverted, 5,000 lines: 3.0 per 1,000 lines; people
    # 150, 15 reverted, 15,000 lines: 1.0.
    assert card.fact(FactKey.OUTCOME_WEEKS) == 5
    assert card.fact(FactKey.AGENT_KIND_CHANGES) == 50
    assert card.fact(FactKey.AGENT_KIND_WENT_WRONG) == 15
    assert card.fact(FactKey.AGENT_KIND_LINES) == 5000
    assert card.fact(FactKey.AGENT_KIND_RATE) == 3.0
    assert card.fact(FactKey.PEOPLE_KIND_RATE) == 1.0
    assert len(card.evidence) == 10
    assert card.evidence[0].key == "agent#refactor0.2"
    # No clone: later fixes are unknown, so the card writes no count of them.
    assert card.fact(FactKey.AGENT_KIND_LATER_FIXED) is None


def test_no_outcomes_read_makes_no_card() -> None:
    """Changes without their outcomes read (no agent in the window) make no outcome card."""
    this, last = _weeks(agent_reverted=3, people_reverted=0)
    bare = aggregate([replace(c, outcome=None) for c in this.changes])
    assert not [c for c in cards(bare, last) if c.kind is CardKind.AGENT_OUTCOMES]


def test_agents_doing_materially_better_make_one_info_card() -> None:
    """Agents' refactors never reverted against people's 6 in 30 a week make good news (info)
    with both sides' numbers and no evidence to read, and no warning."""
    this, last = _weeks(agent_reverted=0, people_reverted=6)
    made = cards(this, last)
    assert not [c for c in made if c.kind is CardKind.AGENT_OUTCOMES]
    (card,) = [c for c in made if c.kind is CardKind.AGENT_OUTCOMES_BETTER]
    assert (card.severity, card.subject) == (Severity.INFO, "refactor")
    assert card.fact(FactKey.AGENT_KIND_WENT_WRONG) == 0
    assert card.fact(FactKey.PEOPLE_KIND_WENT_WRONG) == 30
    assert card.fact(FactKey.PEOPLE_KIND_RATE) == 2.0
    assert card.evidence == ()
    steady, steady_last = _weeks(agent_reverted=1, people_reverted=3)
    assert not [c for c in cards(steady, steady_last) if c.kind.value.startswith("agent_outc")]


def test_a_warning_about_one_kind_silences_good_news_about_another() -> None:
    """Agents worse at refactors and better at fixes: the warning alone, not both."""
    before = [c for w in range(-4, 0) for c in _org(w, 3, 1) + _org(w, 0, 6, FIX)]
    this = aggregate(_org(0, 3, 1) + _org(0, 0, 6, FIX), baseline=aggregate(before, weeks=4))
    last = aggregate(_org(-1, 3, 1) + _org(-1, 0, 6, FIX))
    made = cards(this, last)
    assert [c.subject for c in made if c.kind is CardKind.AGENT_OUTCOMES] == ["refactor"]
    assert not [c for c in made if c.kind is CardKind.AGENT_OUTCOMES_BETTER]
    alone = aggregate(
        _org(0, 0, 6, FIX),
        baseline=aggregate([c for w in range(-4, 0) for c in _org(w, 0, 6, FIX)], weeks=4),
    )
    (good,) = [c for c in cards(alone, last) if c.kind is CardKind.AGENT_OUTCOMES_BETTER]
    assert good.subject == "fix"


def test_later_fixes_szz_traced_are_in_the_facts_only_where_known() -> None:
    """Where SZZ ran, the card counts each side's later-fixed changes among those gone wrong."""
    this, last = _weeks(agent_reverted=0, people_reverted=0)
    fixed = aggregate(
        [
            replace(
                c,
                outcome=replace(
                    c.outcome,
                    later_fixed=c.agent_involved and c.key.endswith((".0", ".1", ".2")),
                ),
            )
            for c in this.changes
            if c.outcome is not None
        ],
        baseline=this.baseline,
    )
    (card,) = [c for c in cards(fixed, last) if c.kind is CardKind.AGENT_OUTCOMES]
    # This week's 3 agent refactors later fixed; the baseline weeks' later fixes unknown.
    assert card.fact(FactKey.AGENT_KIND_WENT_WRONG) == 3
    assert card.fact(FactKey.AGENT_KIND_LATER_FIXED) == 3
    assert card.fact(FactKey.PEOPLE_KIND_LATER_FIXED) == 0


def test_work_of_no_known_kind_makes_no_card() -> None:
    """Agents' changes nothing classified going wrong three times as often make no warning,
    nor good news the other way: "unknown" mixes every kind and names none to act on."""
    unknown = WorkKind.UNKNOWN
    before = [c for w in range(-4, 0) for c in _org(w, 3, 3, unknown)]
    this = aggregate(_org(0, 3, 3, unknown), baseline=aggregate(before, weeks=4))
    made = cards(this, aggregate(_org(-1, 3, 3, unknown)))
    assert not [c for c in made if c.kind.value.startswith("agent_outcomes")]
    before = [c for w in range(-4, 0) for c in _org(w, 0, 6, unknown)]
    this = aggregate(_org(0, 0, 6, unknown), baseline=aggregate(before, weeks=4))
    made = cards(this, aggregate(_org(-1, 0, 6, unknown)))
    assert not [c for c in made if c.kind.value.startswith("agent_outcomes")]
