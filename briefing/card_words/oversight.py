"""The words of the oversight cards: AI agents' changes and their review, and CODEOWNERS."""

from __future__ import annotations

from collections.abc import Mapping

from briefing.card_words.kind import (
    KindWords,
    fact,
    maybe_fact,
)
from briefing.names import payload_service_name
from briefing.payload import BriefingPayload, CardView
from scoring.card_terms import Card, CardKind, FactKey
from scoring.plural import many, number

__all__ = ["WORDS"]


def _p_agent(_payload: BriefingPayload, card: CardView) -> str:
    unreviewed = fact(card, FactKey.AGENTS_UNREVIEWED)
    high = fact(card, FactKey.AGENTS_UNREVIEWED_HIGH_RISK)
    return (
        f"{many(unreviewed, 'AI-agent change')} merged without a human approval "
        f"({number(high)} of them high risk). Agents wrote "
        f"{many(fact(card, FactKey.AGENTS_THIS_WEEK), 'change')} this week, "
        f"{number(fact(card, FactKey.AGENT_SHARE))}% of the total."
    )


def _p_agent_surge(_payload: BriefingPayload, card: CardView) -> str:
    text = (
        f"AI agents wrote {many(fact(card, FactKey.AGENTS_THIS_WEEK), 'change')} this week, "
        f"{number(fact(card, FactKey.AGENT_SHARE))}% of the total, up from "
        f"{number(fact(card, FactKey.AGENT_SHARE_LAST_WEEK))}% last week; "
        f"{number(fact(card, FactKey.AGENTS_HIGH_RISK))} of them high risk."
    )
    unknown = fact(card, FactKey.AGENTS_REVIEW_UNKNOWN)
    if unknown:
        text += f" Whether a human reviewed {number(unknown)} of them is unknown."
    return text


def _t_agent_outcomes(card: Card, _names: Mapping[str, str]) -> str:
    return f"AI agents' {card.subject or 'changes'} work went wrong more often than people's"


def _rate(card: CardView, key: FactKey) -> str:
    """A rate per 1,000 lines of code as the card holds it, to the hundredth (0.25, 2.5)."""
    return f"{fact(card, key):g}"


def _gone_wrong(card: CardView) -> str:
    """What "went wrong" counted: later fixes only where SZZ ran over a clone."""
    if maybe_fact(card, FactKey.AGENT_KIND_LATER_FIXED) is None:
        return "reverted or linked to an incident"
    return (
        "reverted, linked to an incident or repaired by a later fix (as SZZ traced them: "
        f"{number(fact(card, FactKey.AGENT_KIND_LATER_FIXED))} of these, "
        f"{number(fact(card, FactKey.PEOPLE_KIND_LATER_FIXED))} of people's)"
    )


def _p_outcomes(_payload: BriefingPayload, card: CardView) -> str:
    """Both sides' numbers: agents' gone wrong, rate and lines against people's."""
    kind = card.subject or "changes"
    weeks = many(fact(card, FactKey.OUTCOME_WEEKS), "week")
    return (
        f"Over the last {weeks}, {number(fact(card, FactKey.AGENT_KIND_WENT_WRONG))} of "
        f"{many(fact(card, FactKey.AGENT_KIND_CHANGES), f'AI-agent {kind} change')} were "
        f"{_gone_wrong(card)}: {_rate(card, FactKey.AGENT_KIND_RATE)} "
        f"per 1,000 lines of code ({number(fact(card, FactKey.AGENT_KIND_LINES))} lines), "
        f"against {_rate(card, FactKey.PEOPLE_KIND_RATE)} for people's "
        f"({number(fact(card, FactKey.PEOPLE_KIND_WENT_WRONG))} of "
        f"{number(fact(card, FactKey.PEOPLE_KIND_CHANGES))}, "
        f"{number(fact(card, FactKey.PEOPLE_KIND_LINES))} lines)."
    )


def _t_agent_outcomes_better(card: Card, _names: Mapping[str, str]) -> str:
    return f"AI agents' {card.subject or 'changes'} work went wrong less often than people's"


def _p_codeowners(payload: BriefingPayload, card: CardView) -> str:
    said = (
        f"{number(fact(card, FactKey.OWNER_COVERAGE_THIS_WEEK))}% of changed files had a "
        f"code owner, down from {number(fact(card, FactKey.OWNER_COVERAGE_LAST_WEEK))}%."
    )
    lost = maybe_fact(card, FactKey.SERVICES_WITHOUT_OWNER)
    if lost is None:
        return said
    one = card.subject and lost == 1
    where = payload_service_name(payload, card.subject) if one else many(lost, "service")
    return f"{said} In {where}, no changed file has a code owner now."


def _p_codeowners_improved(_payload: BriefingPayload, card: CardView) -> str:
    return (
        f"{number(fact(card, FactKey.OWNER_COVERAGE_THIS_WEEK))}% of changed files had a "
        f"code owner, up from {number(fact(card, FactKey.OWNER_COVERAGE_LAST_WEEK))}%."
    )


def _p_agent_reviewed(_payload: BriefingPayload, card: CardView) -> str:
    return (
        "A person approved every one of the "
        f"{many(fact(card, FactKey.AGENTS_ALL_REVIEWED), 'AI-agent change')}"
        " this week, after "
        f"{number(fact(card, FactKey.AGENTS_UNREVIEWED_LAST_WEEK))} "
        "merged without one last week."
    )


# The words of this family's cards (``scoring/card_rules/oversight.py``), gathered into
# ``briefing.card_words.KIND_WORDS``.
WORDS: dict[CardKind, KindWords] = {
    CardKind.AGENT: KindWords(
        "AI-agent changes merged without human review",
        _p_agent,
        "Require a human approval before AI-agent PRs merge (branch protection).",
        "changes written with an AI coding agent merged without a human approval.",
    ),
    CardKind.AGENT_SURGE: KindWords(
        "AI agents wrote a larger share of the changes",
        _p_agent_surge,
        "Check who reviews the AI agents' changes before more of them merge.",
        "agents wrote a much larger share of the changes than last week.",
    ),
    CardKind.AGENT_OUTCOMES: KindWords(
        _t_agent_outcomes,
        _p_outcomes,
        "Have a person review the AI agents' changes of this kind before they merge, and read "
        "the ones that went wrong.",
        "AI agents' changes of one kind of work (the card's subject) were reverted or linked "
        "to an incident at least twice as often per line of code as people's of that kind, "
        "over the last few weeks.",
    ),
    CardKind.CODEOWNERS: KindWords(
        "Fewer changed files have a code owner",
        _p_codeowners,
        "Extend CODEOWNERS to the paths changed without an owner.",
        "fewer changed files had a code owner than last week.",
    ),
    CardKind.CODEOWNERS_IMPROVED: KindWords(
        "More changed files have a code owner",
        _p_codeowners_improved,
        None,
        "more changed files had a code owner than last week.",
    ),
    CardKind.AGENT_OUTCOMES_BETTER: KindWords(
        _t_agent_outcomes_better,
        _p_outcomes,
        None,
        "AI agents' changes of one kind of work (the card's subject) went wrong at most half "
        "as often per line of code as people's of that kind, over the last few weeks.",
    ),
    CardKind.AGENT_REVIEWED: KindWords(
        "Every AI-agent change had a human review",
        _p_agent_reviewed,
        None,
        "every agent change was approved by a human after a week when some were not.",
    ),
}
