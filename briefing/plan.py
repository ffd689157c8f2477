"""The Monday review plan as a briefing carries and says it: the open and just-merged changes
holding the most predicted risk per line of code, each with its uncovered owners and the one
thing that would lower it.

The choice and every figure are ``data.store.week_plan.stored_plan``'s, the computation
``/risk plan``, the MCP tool ``review_plan`` and the web view's week page lay out too; here
it is only held (``PlanView``) and worded. A briefing is a 90-second read: it shows the first
``BRIEFING_ITEMS`` of the plan, and its week page and ``/risk plan`` the rest.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Literal

from briefing.views import BandName, View
from scoring.lowering import LowerAction, shown_name
from scoring.plural import many
from scoring.review_plan import MAX_ITEMS, READ_FLOOR, TARGET_PERCENT

if TYPE_CHECKING:
    # Only a type here: reading a stored payload (``briefing.payload``) loads no store.
    from data.store.week_plan import StoredPlan

__all__ = [
    "BRIEFING_ITEMS",
    "PLAN_ORDER",
    "PlanItemView",
    "PlanView",
    "action_words",
    "owner_words",
    "plan_sentence",
]

# Items a briefing shows; the week page and `/risk plan` list every chosen change.
BRIEFING_ITEMS = 3
# How a plan is chosen, as its readers note it below the list: the cap is said, since a plan
# of many small changes can reach it before it holds its share of the risk.
PLAN_ORDER = (
    f"Listed by predicted risk per line of code (a change counts as at least {READ_FLOOR} "
    f"lines), until they hold {TARGET_PERCENT}% of it or number {MAX_ITEMS}."
)
# Owners named on an item's line; the rest are counted.
_OWNERS = 2

# Each action in the fewest words: the briefing has no room for its scored sentence, which the
# week page and `/risk plan` give.
_ACTION_WORDS = {
    LowerAction.SPLIT_BY_SERVICE: "split it by service",
    LowerAction.SPLIT: "split it in two",
    LowerAction.OWNER_REVIEW: "add an owner's review",
    LowerAction.TESTS: "add tests for the touched code",
}

StateName = Literal["open", "merged"]
ActionName = Literal["split_by_service", "split", "owner_review", "tests"]


class PlanItemView(View):
    """One change of the plan: what it is, its predicted risk and lines of code, the owners
    who have not approved it, and the one thing that would lower it most (``action``, with
    the points it takes off and the sentence saying it; ``None`` when nothing would)."""

    id: str
    title: str
    url: str | None
    state: StateName
    score: int
    band: BandName
    lines: int
    predicted_risk: int
    owners: tuple[str, ...] = ()
    action: ActionName | None = None
    action_points: int = 0
    action_text: str | None = None


class PlanView(View):
    """The plan of the briefing's week: the changes open at its end or merged in it, their
    count, lines of code and predicted risk, and the chosen items' share of each."""

    since: datetime
    until: datetime
    typical: int
    changes: int
    lines: int
    predicted_risk: int
    plan_lines: int
    plan_risk: int
    line_percent: int
    risk_percent: int
    unscored: int = 0
    items: tuple[PlanItemView, ...] = ()

    @staticmethod
    def of(plan: StoredPlan) -> PlanView:
        """The view of ``plan``."""
        choice = plan.choice
        items = tuple(
            PlanItemView(
                id=i.change.key,
                title=i.change.title,
                url=i.change.url,
                state="merged" if i.change.merged else "open",
                score=i.change.score,
                band=i.change.band.value,
                lines=i.change.lines,
                predicted_risk=i.change.risk(plan.typical),
                owners=i.change.owners,
                action=i.action.action.value if i.action is not None else None,
                action_points=i.action.points if i.action is not None else 0,
                action_text=i.action.text if i.action is not None else None,
            )
            for i in plan.items
        )
        return PlanView(
            since=plan.since,
            until=plan.until,
            typical=plan.typical,
            changes=choice.changes,
            lines=choice.lines,
            predicted_risk=choice.risk,
            plan_lines=choice.chosen_lines,
            plan_risk=choice.chosen_risk,
            line_percent=choice.line_percent,
            risk_percent=choice.risk_percent,
            unscored=plan.unscored,
            items=items,
        )

    @property
    def shown(self) -> tuple[PlanItemView, ...]:
        """The items a briefing shows."""
        return self.items[:BRIEFING_ITEMS]


def plan_sentence(plan: PlanView | None) -> str | None:
    """The plan's shares in a sentence, e.g. "These 3 changes are 12% of this week's changed
    code and 58% of its predicted risk."; ``None`` without a plan to review."""
    if plan is None or not plan.items:
        return None
    n = len(plan.items)
    these = "This change is" if n == 1 else f"These {n} changes are"
    return (
        f"{these} {plan.line_percent}% of this week's changed code and {plan.risk_percent}% "
        "of its predicted risk."
    )


def owner_words(item: PlanItemView) -> str | None:
    """Who has not approved it, as a sentence may show them (``shown_name``), the rest
    counted: "not approved by @acme/payments, 2 more"; ``None`` when every owner has."""
    if not item.owners:
        return None
    shown = [shown_name(o, "owner") for o in item.owners[:_OWNERS]]
    more = len(item.owners) - _OWNERS
    return "not approved by " + ", ".join(shown + ([f"{more} more"] if more > 0 else []))


def action_words(item: PlanItemView) -> str | None:
    """The one action in a few words with the points it takes off: "add tests for the touched
    code (−4 points)"; ``None`` when nothing would take off a point."""
    if item.action is None:
        return None
    return f"{_ACTION_WORDS[LowerAction(item.action)]} (−{many(item.action_points, 'point')})"
