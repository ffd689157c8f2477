"""The shape of one kind of card's words (``KindWords``) and how they read a card's facts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from briefing.payload import BriefingPayload, CardView
from scoring.card_terms import Card, FactKey
from scoring.plural import many, number

__all__ = [
    "Action",
    "KindWords",
    "Title",
    "compared_with",
    "fact",
    "main_driver",
    "maybe_fact",
    "subject_name",
    "was_then",
]


# A card's title: fixed words, or made from the card's subject and facts (display names
# by key in the mapping). An action: fixed words, made from the payload and the card, or
# None for good news, which asks nothing of the reader.
Title = str | Callable[[Card, Mapping[str, str]], str]
Action = str | Callable[[BriefingPayload, CardView], str | None] | None


@dataclass(frozen=True, slots=True)
class KindWords:
    """Everything a reader or the LLM is told about one kind of card, in one place."""

    title: Title
    paragraph: Callable[[BriefingPayload, CardView], str]
    action: Action
    # The prompt's line on what the card means, after "- <kind>: ".
    glossary: str


def maybe_fact(card: CardView, key: FactKey) -> float | None:
    """The card's value of fact ``key``, or ``None`` when the card has no such fact."""
    return next((f.value for f in card.facts if f.key is key), None)


def fact(card: CardView, key: FactKey) -> float:
    """The card's value of fact ``key``, which the card's rule always writes."""
    # Card facts come from scoring.cards; a missing fact is a bug, never a silent 0.
    value = maybe_fact(card, key)
    if value is None:
        raise KeyError(f"card {card.id} has no fact {key.name}")
    return value


def compared_with(card: CardView, last_week: FactKey, baseline: FactKey) -> tuple[float, str]:
    """What a card compares with and when: last week's number, or the baseline's when last
    week was too thin, as ``(value, "last week")`` or ``(value, "over the 4 weeks before")``."""
    value = maybe_fact(card, last_week)
    if value is not None:
        return value, "last week"
    weeks = fact(card, FactKey.BASELINE_WEEKS)
    return fact(card, baseline), f"over the {many(weeks, 'week')} before"


def was_then(share: float, when: str) -> str:
    """A share compared with: ``"last week 10%"``, or ``"against 10% over the 4 weeks before"``."""
    return (
        f"last week {number(share)}%" if when == "last week" else f"against {number(share)}% {when}"
    )


def main_driver(card: CardView) -> tuple[str, int] | None:
    """The signal behind most of the card's high-risk changes and how many, if it names one."""
    for f in card.facts:
        if f.key is FactKey.DRIVEN_BY and f.signal is not None:
            return f.signal, int(f.value)
    return None


def subject_name(card: Card, names: Mapping[str, str]) -> str:
    """The card's subject (a service or team key) by its display name."""
    subject = card.subject or ""
    return names.get(subject, subject)
