"""The words of each kind of card: its title, paragraph, action and glossary line.

They are written from the payload's numbers only, like a person would, and are
the narrative whenever the LLM is unavailable or its text fails the grounding
check (``briefing.deterministic``). Each kind of card declares its title, paragraph,
action and the prompt's glossary line in one ``KindWords``, in the module of its
family beside the family's rules (``scoring/card_rules/<family>.py``): a new kind of
card gets its words there. Titles are made from the card's kind, subject and typed
facts; the scoring rules write no English a reader sees. The facts' own words are
``briefing.fact_words``; the headline and topics, ``briefing.headline``.
"""

from __future__ import annotations

from collections.abc import Mapping

from briefing.card_words import coverage, gates, incidents, oversight, risk
from briefing.card_words.kind import Action, KindWords, Title
from briefing.payload import BriefingPayload, CardView
from scoring.card_terms import Card, CardKind

__all__ = ["KIND_WORDS", "Action", "KindWords", "Title", "action", "card_title"]

# One table per family of card rules (``scoring/card_rules``), so that a kind's words sit
# beside its family's; a new family's module joins this list.
_FAMILIES = (
    risk.WORDS,
    gates.WORDS,
    incidents.WORDS,
    oversight.WORDS,
    coverage.WORDS,
)

# Every kind of card's words, in CardKind's declared order: the prompt's card glossary
# reads them in this order. A test holds that every CardKind has an entry, and an action
# unless it is only ever good news.
KIND_WORDS: dict[CardKind, KindWords] = {
    kind: words[kind] for kind in CardKind for words in _FAMILIES if kind in words
}


def action(payload: BriefingPayload, card: CardView) -> str | None:
    """What the manager could do about ``card``, if the card suggests something."""
    said = KIND_WORDS[card.kind].action
    return said(payload, card) if callable(said) else said


def card_title(card: Card, names: Mapping[str, str] | None = None) -> str:
    """The title a reader sees on ``card``, made from its kind, subject and facts; ``names``
    gives services' and teams' display names by key."""
    title = KIND_WORDS[card.kind].title
    return title if isinstance(title, str) else title(card, names or {})
