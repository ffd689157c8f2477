"""Where a narrative's figures sit: the right week, the right card, a count the payload has.

Part of the grounding check (``briefing.grounding``): a figure a card has for last
week is not said of this week (nor the other way round), a card's paragraph does not
borrow another card's figures, and a share of predicted risk or changed code is the review
plan's (``briefing.count_claims`` checks the counts of incidents, changes and deploys).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from briefing.payload import BriefingPayload, CardView
from scoring.card_terms import FactKey

__all__ = [
    "MEASURE",
    "NUMBER",
    "Figure",
    "card_figures",
    "matches",
    "placement_problems",
    "plan_problems",
    "week_figures",
]

NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w])|(?<![\w.])\d+(?:\.\d+)?")
MEASURE = re.compile(
    r"\s*(?:%|percent|per ?cent|points?\b|pp\b|min|minutes?\b|hours?\b|h\b|days?\b|x\b"
    r"|×|times\b|s\b|seconds?\b|ms\b)",
    re.IGNORECASE,
)


def matches(value: float, decimals: int, allowed: Iterable[float]) -> bool:
    """True when some payload number, rounded as the narrative wrote it, gives ``value``."""
    tolerance = 0.5 * 10**-decimals + 1e-9
    return any(abs(value - a) <= tolerance for a in allowed)


Week = Literal["this", "last"]

# A measure's unit as the cards write it.
_UNIT = re.compile(r"\s*(%|per ?cent\b|percent\b|min\b|minutes?\b|h\b|hours?\b)", re.IGNORECASE)
# Parenthesised words that say nothing about the week: "255 min to resolve (median) this week".
_ASIDE = re.compile(r"\((?:median|mean|average|p50)\)", re.IGNORECASE)
_BOUNDARY = re.compile(r"[,;.!?()\[\]\d]")
_LAST_BEFORE = re.compile(
    r"(?:\bfrom|\bagainst|\bversus|\bvs\.?|\bcompared (?:with|to)|\bwhereas"
    r"|\blast week(?:['’]s)?(?:\s+(?:was|were|of|at|had|it was))?"
    r"|\bthe week before(?:\s+(?:was|were|of|at|had))?"
    r"|\bprevious(?:ly)?(?:\s+week(?:['’]s)?)?(?:\s+(?:was|were|of|at|had))?)\s*:?\s*$",
    re.IGNORECASE,
)
_THIS_BEFORE = re.compile(
    r"(?:\bthis week(?:['’]s)?(?:\s+(?:was|were|of|at|had|it was))?|\bnow(?:\s+at)?)\s*:?\s*$",
    re.IGNORECASE,
)
_TO_BEFORE = re.compile(r"\bto\s*$", re.IGNORECASE)
_MOVED = re.compile(
    r"\b(?:rose|risen|rising|climbed|jumped|grew|grown|increased|fell|fallen|dropped|declined"
    r"|decreased|slowed|improved|cut|shrank|went|moved|came)\b",
    re.IGNORECASE,
)
# Words after a number that make "last week" the other side of a comparison, not its week.
_COMPARING = frozenset(
    [
        "from",
        "than",
        "since",
        "against",
        "versus",
        "vs",
        "vs.",
        "compared",
        "up",
        "down",
        "more",
        "fewer",
        "less",
        "points",
        "pp",
        "higher",
        "lower",
        "before",
        "after",
        "over",
        "under",
    ]
)


@dataclass(frozen=True, slots=True)
class Figure:
    """A number a card or the week holds, its unit and the week it is of (``None``: no week)."""

    value: float
    unit: str
    week: Week | None
    card: str | None


def _week_of(key: FactKey) -> Week | None:
    """The week a card fact is of: its name says so, or it is the other side of a pair."""
    name = key.name
    if name.endswith("LAST_WEEK"):
        return "last"
    if name.endswith("THIS_WEEK") or f"{name}_LAST_WEEK" in FactKey.__members__:
        return "this"
    return None


def card_figures(card: CardView) -> list[Figure]:
    return [Figure(f.value, f.unit, _week_of(f.key), card.id) for f in card.facts]


def week_figures(payload: BriefingPayload) -> list[Figure]:
    """The week's own pairs (the headline's ground): changes, high-risk changes and metrics."""
    m = payload.metrics
    pairs: list[tuple[float | None, float | None, str]] = [
        (payload.distribution.total, payload.distribution_last_week.total, ""),
        (payload.distribution.high_risk, payload.distribution_last_week.high_risk, ""),
        (m.mttr_minutes, m.mttr_minutes_last_week, "min"),
        (m.change_failure_rate, m.change_failure_rate_last_week, "%"),
        (m.deploys, m.deploys_last_week, ""),
        (m.incidents, m.incidents_last_week, ""),
        (m.codeowners_coverage, m.codeowners_coverage_last_week, "%"),
    ]
    out: list[Figure] = []
    for now, before, unit in pairs:
        if now is not None:
            out.append(Figure(float(now), unit, "this", None))
        if before is not None:
            out.append(Figure(float(before), unit, "last", None))
    return out


def _said_week(text: str, start: int, end: int) -> Week | None:
    """The week the words around the number at ``text[start:end]`` give it, if they clearly do.

    Before it: "from", "against", "last week" say last week; "this week", "now", or "to" after
    a verb of change ("fell to") say this week. After it (and its unit): "this week" or "last
    week" within a few words, unless a comparison comes first ("3 more than last week").
    """
    head_start = max((m.end() for m in _BOUNDARY.finditer(text, 0, start)), default=0)
    head = text[head_start:start]
    said: set[Week] = set()
    if _LAST_BEFORE.search(head):
        said.add("last")
    elif _THIS_BEFORE.search(head) or (_TO_BEFORE.search(head) and _MOVED.search(head)):
        said.add("this")
    boundary = _BOUNDARY.search(text, end)
    tail = text[end : boundary.start() if boundary else len(text)].lower().split()
    for i, word in enumerate(tail[:7]):
        if word in _COMPARING:
            break
        if word in ("this", "last") and i + 1 < len(tail) and tail[i + 1].startswith("week"):
            said.add("this" if word == "this" else "last")
            break
    return said.pop() if len(said) == 1 else None


def placement_problems(
    where: str, text: str, own: list[Figure], others: list[Figure]
) -> Iterator[str]:
    """Figures said of the wrong week, and (in a card's paragraph) another card's figures."""
    clean = _ASIDE.sub(lambda m: " " * len(m.group()), text)
    for match in NUMBER.finditer(clean):
        raw = match.group().replace(",", "")
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        value = float(raw)
        unit_match = _UNIT.match(clean, match.end())
        unit = ""
        end = match.end()
        if unit_match:
            word = unit_match.group(1).lower()
            unit = "%" if word[0] in "%p" else "min" if word.startswith("min") else "h"
            end = unit_match.end()
        same = [f for f in own if f.unit == unit and matches(value, decimals, [f.value])]
        week = _said_week(clean, match.start(), end)
        weeks = {f.week or "this" for f in same}
        if week is not None and weeks and week not in weeks:
            other = "last" if week == "this" else "this"
            yield (
                f"{where} gives {raw}{unit and ' ' + unit} as {week} week's figure, but the "
                f"payload has it as {other} week's; keep each week's figure with its week"
            )
        if unit and not same and others:
            borrowed = next(
                (f for f in others if f.unit == unit and matches(value, decimals, [f.value])),
                None,
            )
            if borrowed is not None and not matches(value, decimals, _derived(own, unit)):
                yield (
                    f"{where} says {raw}{unit and ' ' + unit}, which is a figure of card "
                    f"{borrowed.card}, not of this card; give each card its own figures"
                )


def _derived(figures: list[Figure], unit: str) -> list[float]:
    """What a card's figures of ``unit`` allow besides themselves: differences, complements."""
    values = [f.value for f in figures if f.unit == unit]
    out = [abs(a - b) for a in values for b in values]
    if unit == "%":
        out += [100.0 - v for v in values]
    return out


# A percentage and the words after it, up to the clause's end: what the share is of.
# (The words after it are looked ahead at, so the next percentage of the clause is matched too.)
_SHARE = re.compile(
    r"(?<![\w.])(\d+(?:\.\d+)?)\s*(?:%|per ?cent\b|percent\b)(?=([^.;:!?]*))", re.IGNORECASE
)
# What a plan's two shares are of: its predicted risk, and the week's changed code.
_OF_RISK = re.compile(r"\bpredicted risk\b|\brisk points?\b", re.IGNORECASE)
_OF_CODE = re.compile(r"\bcode\b|\blines\b", re.IGNORECASE)


def plan_problems(where: str, text: str, payload: BriefingPayload) -> Iterator[str]:
    """A share of predicted risk or of the week's changed code that is not the review plan's.

    "Predicted risk" is the plan's alone, so a percentage of it anywhere must be the plan's
    ``risk_percent``; in the plan's own sentence a percentage of the code must be its
    ``line_percent``. A narrative that words a plan the payload does not have is refused.
    """
    plan = payload.plan
    shown = plan is not None and bool(plan.items) and not payload.quiet and not payload.no_data
    in_plan = where == "the plan"
    if in_plan and text.strip() and not shown:
        yield f"{where} words a review plan, but the payload has no review_plan; leave it empty"
        return
    for match in _SHARE.finditer(text):
        value, rest = float(match.group(1)), match.group(2)
        # Only up to the next percentage: "12% of the code and 58% of its predicted risk".
        rest = re.split(r"\d+(?:\.\d+)?\s*(?:%|per ?cent|percent)", rest, maxsplit=1)[0]
        if _OF_RISK.search(rest):
            expected: int | None = plan.risk_percent if shown and plan is not None else None
            what = "predicted risk"
        elif in_plan and _OF_CODE.search(rest):
            expected = plan.line_percent if plan is not None else None
            what = "changed code"
        else:
            continue
        if expected is None or value != expected:
            given = "none" if expected is None else f"{expected}%"
            yield (
                f"{where} says {match.group(1)}% of this week's {what}, but the review plan "
                f"gives {given}; copy review_plan's figure"
            )
