"""The review plan's core: which changes it lists, and every figure recomputed from the rows."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pytest

from scoring.band import Band
from scoring.facts import ChangeFacts, FileChange, Review, ReviewState
from scoring.lowering import LowerAction
from scoring.review_plan import (
    MAX_ITEMS,
    READ_FLOOR,
    TARGET_PERCENT,
    PlanChange,
    choose_plan,
    first_action,
    percent,
    plan_change,
    uncovered_owners,
    whole_typical,
)
from scoring.risk import score_change
from scoring.risk_score import RiskScore
from scoring.scored import scored_change
from tests.scoring.test_proposal import CONFIG, NOW, _big, _change, _history


def _row(key: str, score: int, lines: int, merged: bool = True) -> PlanChange:
    """A change as the plan weighs it, scored ``score`` with ``lines`` lines of code."""
    return PlanChange(key, f"change {key}", None, merged, score, Band.HIGH, lines)


WEEK = [
    _row("a", 80, 40),
    _row("b", 70, 400),
    _row("c", 62, 5),
    _row("d", 50, 30),
    _row("e", 90, 2000),
    _row("f", 66, 60, merged=False),
]


def test_the_figures_are_recomputed_exactly_from_the_rows() -> None:
    """Predicted risk is each score's excess over the typical score; the shares are the chosen
    rows' lines and risk over every row's, in whole percent rounded half up."""
    typical = 60
    plan = choose_plan(WEEK, typical)
    risk = {r.key: max(0, r.score - typical) for r in WEEK}
    assert plan.risk == sum(risk.values()) == 20 + 10 + 2 + 0 + 30 + 6
    assert plan.lines == sum(r.lines for r in WEEK)
    assert plan.changes == len(WEEK)
    chosen_lines = sum(r.lines for r in plan.chosen)
    chosen_risk = sum(risk[r.key] for r in plan.chosen)
    assert (plan.chosen_lines, plan.chosen_risk) == (chosen_lines, chosen_risk)
    assert plan.line_percent == int(Fraction(100 * chosen_lines, plan.lines) + Fraction(1, 2))
    assert plan.risk_percent == int(Fraction(100 * chosen_risk, plan.risk) + Fraction(1, 2))


def test_changes_are_taken_by_risk_per_line_until_they_hold_the_target() -> None:
    """The order is risk per line (a line floor for tiny changes); the set stops once it holds
    the target share, and a change at or below typical is never listed."""
    plan = choose_plan(WEEK, 60)
    # a: 20/40, c: 2/10 (the floor), f: 6/60, b: 10/400, e: 30/2000; d holds no risk.
    held = [sum(r.risk(60) for r in plan.chosen[:n]) for n in range(1, len(plan.chosen) + 1)]
    assert 100 * held[-1] >= TARGET_PERCENT * plan.risk
    assert all(100 * h < TARGET_PERCENT * plan.risk for h in held[:-1])
    assert [r.key for r in plan.chosen] == ["a", "c", "f", "b", "e"]
    assert READ_FLOOR == 10


def test_at_most_eight_are_listed_and_an_ordinary_week_lists_none() -> None:
    """Many equal small changes stop at the cap; a week at the typical score lists nothing."""
    many = [_row(f"k{i:02}", 70, 20) for i in range(20)]
    plan = choose_plan(many, 60)
    assert len(plan.chosen) == MAX_ITEMS
    assert [r.key for r in plan.chosen] == [f"k{i:02}" for i in range(MAX_ITEMS)]
    assert plan.risk_percent == percent(MAX_ITEMS * 10, 200) == 40
    calm = choose_plan([_row("x", 55, 10)], 60)
    assert (calm.chosen, calm.risk, calm.risk_percent, calm.line_percent) == ((), 0, 0, 0)
    empty = choose_plan([], 60)
    assert (empty.changes, empty.lines, empty.chosen) == (0, 0, ())


@pytest.mark.parametrize(
    ("typical", "written", "whole"), [(None, 48.0, 48), (63.5, 48.0, 64), (63.49, 48.0, 63)]
)
def test_the_typical_score_is_a_whole_point(
    typical: float | None, written: float, whole: int
) -> None:
    """The history's typical score, halves up; the bands' own before the history has one."""
    assert whole_typical(typical, written) == whole


def test_uncovered_owners_are_those_of_files_no_owner_approved() -> None:
    """An approval covers the files its reviewer owns; the author is never their own reviewer."""
    change = _change(
        "r@0000000000aa",
        NOW,
        FileChange("pay/a.py", 10, 0, "pay", ("@alice", "@org/pay")),
        FileChange("pay/b.py", 10, 0, "pay", ("@bob",)),
        FileChange("web/c.py", 10, 0, "web", ("@carol", "@dev")),
        FileChange("web/d.py", 10, 0, "web", ("@carol",)),
        author="dev",
        reviews=(Review("alice", ReviewState.APPROVED, NOW),),
        reviews_known=True,
    )
    assert uncovered_owners(change) == ("@carol", "@bob")


def test_a_plan_change_counts_lines_of_code_only() -> None:
    """Its lines are the scorer's lines of code: a test file's lines are not among them."""
    change = _change(
        "r@0000000000bb",
        NOW,
        FileChange("pay/a.py", 30, 5, "pay", ("@alice",)),
        FileChange("tests/test_a.py", 50, 0, "pay", ("@alice",)),
    )
    scored = scored_change(score_change(change, _history().context(change), CONFIG), change)
    row = plan_change(change, scored.score, scored.band)
    assert (row.lines, row.score, row.owners, row.merged) == (35, scored.score, ("@alice",), True)
    # What the scorer kept with the score is the same count, and is what a plan reads.
    assert scored.source_lines == 35
    assert plan_change(change, scored.score, scored.band, scored.source_lines) == row
    assert plan_change(change, scored.score, scored.band, 12).lines == 12


def _rescore(change: ChangeFacts) -> RiskScore:
    """The change's score against the test history, as the plan re-scores it."""
    return score_change(change, _history().context(change), CONFIG)


def test_the_first_action_follows_the_stored_score() -> None:
    """The action's points are the re-score's difference, and its score is the stored score
    less them, however far today's re-score is from the stored one."""
    change = replace(_big(), merged=False)
    now = _rescore(change).score
    action = first_action(change, now - 3, _rescore)
    assert action is not None
    same = first_action(change, now, _rescore)
    assert same is not None
    assert (action.action, action.points) == (same.action, same.points)
    assert action.score == same.score - 3 == now - same.points - 3


def test_a_merged_change_is_never_told_to_split() -> None:
    """An open change spanning services is split by them first; merged, another action leads."""
    change = replace(_big(), merged=False)
    first = first_action(change, _rescore(change).score, _rescore)
    assert first is not None
    assert first.action is LowerAction.SPLIT_BY_SERVICE
    merged = replace(change, merged=True)
    after = first_action(merged, _rescore(merged).score, _rescore)
    assert after is not None
    assert after.action in (LowerAction.OWNER_REVIEW, LowerAction.TESTS)
