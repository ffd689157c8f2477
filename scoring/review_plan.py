"""The Monday review plan: the few open and just-merged changes holding the most predicted risk
per line of code a reviewer reads.

A change's predicted risk is the points its stored score stands above ``typical``, the score
of the history's typical change (``scoring.typical.TypicalScore``, the running mean the bands
are read against), rounded to a whole point; a change at or below it predicts no more than
an ordinary change of its history and holds none. The model stores no probability, so the
excess over the typical score is the plainest measure that adds up. Changes are taken in
order of predicted risk per line of code (``ChangeFiles.source_lines``, at least
``READ_FLOOR``), until the set holds ``TARGET_PERCENT`` of the week's predicted risk or has
``MAX_ITEMS``. Every figure is a whole number worked out from the rows, so a reader
recomputes it exactly. Pure: the caller hands in how to score a change again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

from scoring.band import Band
from scoring.change_files import change_files
from scoring.facts import ChangeFacts
from scoring.lowering import LowerAction, Lowering, Rescore, lower_it
from scoring.risk_score import RiskScore

__all__ = [
    "MAX_ITEMS",
    "READ_FLOOR",
    "TARGET_PERCENT",
    "PlanChange",
    "PlanChoice",
    "choose_plan",
    "first_action",
    "percent",
    "plan_change",
    "uncovered_owners",
    "whole_typical",
]

# A plan a manager reads before the stand-up: more is a list, not a plan.
MAX_ITEMS = 8
# The set stops growing once it holds this share of the predicted risk.
TARGET_PERCENT = 60
# A change counts as at least this many lines when ordering: even a one-line change takes a
# reviewer a look, and without a floor a one-line change outranks every other.
READ_FLOOR = 10

_SPLITS = frozenset({LowerAction.SPLIT, LowerAction.SPLIT_BY_SERVICE})


@dataclass(frozen=True, slots=True)
class PlanChange:
    """One open or just-merged change as the plan weighs it.

    ``title`` and ``owners`` are outside text; ``lines`` its lines of code; ``owners`` the
    CODEOWNERS owners of its files that no owner's approval covers (``uncovered_owners``).
    """

    key: str
    title: str
    url: str | None
    merged: bool
    score: int
    band: Band
    lines: int
    owners: tuple[str, ...] = ()

    def risk(self, typical: int) -> int:
        """Its predicted risk: the points its score stands above ``typical``, at least 0."""
        return max(0, self.score - typical)


def percent(part: int, whole: int) -> int:
    """``part`` of ``whole`` as a whole percentage, halves rounded up; 0 when ``whole`` is."""
    return (200 * part + whole) // (2 * whole) if whole else 0


@dataclass(frozen=True, slots=True)
class PlanChoice:
    """The chosen changes, most predicted risk per line first, and the week they are cut from.

    ``changes``, ``lines`` and ``risk`` are every considered change's count, lines of code
    and predicted risk against ``typical``.
    """

    typical: int
    changes: int
    lines: int
    risk: int
    chosen: tuple[PlanChange, ...]

    @property
    def chosen_lines(self) -> int:
        """The chosen changes' lines of code."""
        return sum(c.lines for c in self.chosen)

    @property
    def chosen_risk(self) -> int:
        """The chosen changes' predicted risk."""
        return sum(c.risk(self.typical) for c in self.chosen)

    @property
    def line_percent(self) -> int:
        """The chosen changes' share of the week's lines of code, in whole percent."""
        return percent(self.chosen_lines, self.lines)

    @property
    def risk_percent(self) -> int:
        """The chosen changes' share of the week's predicted risk, in whole percent."""
        return percent(self.chosen_risk, self.risk)


def whole_typical(typical: float | None, written: float) -> int:
    """The typical score as a whole point (halves up): the history's, else ``written`` (the
    bands' own, before the history has one)."""
    value = written if typical is None else typical
    return int(Fraction(value) + Fraction(1, 2)) if value >= 0 else 0


def choose_plan(
    changes: Sequence[PlanChange],
    typical: int,
    limit: int = MAX_ITEMS,
    target: int = TARGET_PERCENT,
) -> PlanChoice:
    """The changes holding the most predicted risk per line of code, at most ``limit``, taken
    until they hold ``target`` percent of the predicted risk of ``changes``."""
    risky = [c for c in changes if c.risk(typical) > 0]
    total = sum(c.risk(typical) for c in risky)
    # Fractions, not floats: the order is the same on every machine and in every recount.
    ordered = sorted(
        risky,
        key=lambda c: (
            -Fraction(c.risk(typical), max(c.lines, READ_FLOOR)),
            -c.risk(typical),
            c.key,
        ),
    )
    chosen: list[PlanChange] = []
    held = 0
    for c in ordered[:limit]:
        chosen.append(c)
        held += c.risk(typical)
        if 100 * held >= target * total:
            break
    return PlanChoice(
        typical=typical,
        changes=len(changes),
        lines=sum(c.lines for c in changes),
        risk=total,
        chosen=tuple(chosen),
    )


def uncovered_owners(change: ChangeFacts) -> tuple[str, ...]:
    """The CODEOWNERS owners of the files no owner has approved, other than the author, most
    such files first: the review the change still lacks."""
    author = change.author.lower()
    approvers = {r.reviewer.lower() for r in change.human_approvals}
    counts: Counter[str] = Counter()
    for f in change.files:
        owners = tuple(dict.fromkeys(f.owners or ()))
        # A file is covered once any of its owners approved it, as a code host counts it.
        if any(o.removeprefix("@").lower() in approvers for o in owners):
            continue
        for o in owners:
            if o.removeprefix("@").lower() != author:
                counts[o] += 1
    return tuple(sorted(counts, key=lambda o: (-counts[o], o)))


def plan_change(
    facts: ChangeFacts, score: int, band: Band, source_lines: int | None = None
) -> PlanChange:
    """A change with its stored ``score`` and ``band``, as the plan weighs it; its lines of
    code as its score keeps them (``source_lines``), else read from its files."""
    return PlanChange(
        key=facts.key,
        title=facts.title,
        url=facts.url,
        merged=facts.merged,
        score=score,
        band=band,
        lines=change_files(facts).source_lines if source_lines is None else source_lines,
        owners=uncovered_owners(facts),
    )


def first_action(facts: ChangeFacts, stored: int, rescore: Rescore) -> Lowering | None:
    """What would lower the change most (``lower_it``'s first), against its ``stored`` score;
    a merged change can no longer be split, so its first action that is not a split."""
    base = rescore(facts)
    # Scored against today's history, a just-merged change counts itself among its files'
    # past: the re-score's offset from the stored score is taken off every try, so an
    # action's points are the scorer's difference and its sentence follows the score shown.
    offset = base.score - stored

    def shifted(changed: ChangeFacts) -> RiskScore:
        again = rescore(changed)
        return replace(again, score=min(100, max(0, again.score - offset)))

    actions = lower_it(facts, replace(base, score=stored), shifted, limit=len(LowerAction))
    usable = [a for a in actions if not (facts.merged and a.action in _SPLITS)]
    return usable[0] if usable else None
