"""The words of the risk cards: concentration, shift, driver and improvement."""

from __future__ import annotations

from collections.abc import Mapping

from briefing.card_words.kind import (
    KindWords,
    compared_with,
    fact,
    main_driver,
    maybe_fact,
    subject_name,
    was_then,
)
from briefing.labels import signal_label
from briefing.names import payload_service_name
from briefing.payload import BriefingPayload, CardView
from scoring.card_terms import Card, CardKind, FactKey
from scoring.plural import many, number, was
from scoring.signals import SIGNAL_WORDS

__all__ = ["WORDS"]


def _expected_fixes(card: CardView) -> str:
    """The card's expected fixes this week and in a usual week, briefly: a Slack message has a
    word budget. Empty for a card stored before they were kept."""
    now = maybe_fact(card, FactKey.EXPECTED_FIXES_THIS_WEEK)
    usual = maybe_fact(card, FactKey.EXPECTED_FIXES_USUAL)
    if now is None or usual is None:
        return ""
    return f" Expected fixes: {number(now)}, usually {number(usual)}."


def _moved(now: float, before: float, when: str) -> str:
    """This week's high-risk share against ``before``, in the direction the two numbers go.

    A concentration card is made by expected fixes, not by the share: a service twice as busy
    as usual can hold more expected fixes while fewer of its changes are high risk.
    """
    if now > before:
        return f"up from {number(before)}% {when}"
    if now < before:
        return f"down from {number(before)}% {when}"
    return f"the same as {when}"


def _p_concentration(payload: BriefingPayload, card: CardView) -> str:
    name = payload_service_name(payload, card.subject)
    high, total = fact(card, FactKey.HIGH_RISK_CHANGES), fact(card, FactKey.CHANGES)
    now = fact(card, FactKey.HIGH_RISK_SHARE_THIS_WEEK)
    before, when = compared_with(
        card, FactKey.HIGH_RISK_SHARE_LAST_WEEK, FactKey.HIGH_RISK_SHARE_BASELINE
    )
    text = (
        f"In {name}, {number(high)} of {many(total, 'change')} {was(high)} high risk "
        f"({number(now)}%, {_moved(now, before, when)})."
    )
    text += _expected_fixes(card)
    driver = main_driver(card)
    if driver:
        text += f" The main driver is {signal_label(driver[0])} ({driver[1]} of those changes)."
    coverage = maybe_fact(card, FactKey.OWNER_COVERAGE_THIS_WEEK)
    if coverage is not None:
        text += (
            f" Changed files with a code owner fell to {number(coverage)}% from "
            f"{number(fact(card, FactKey.OWNER_COVERAGE_LAST_WEEK))}%, mostly here."
        )
    return text


def _p_shift(_payload: BriefingPayload, card: CardView) -> str:
    before, when = compared_with(
        card, FactKey.HIGH_RISK_SHARE_LAST_WEEK, FactKey.HIGH_RISK_SHARE_BASELINE
    )
    high = fact(card, FactKey.HIGH_RISK_CHANGES_THIS_WEEK)
    text = (
        f"{number(high)} of {many(fact(card, FactKey.CHANGES_THIS_WEEK), 'change')} "
        f"{was(high)} high risk this week "
        f"({number(fact(card, FactKey.HIGH_RISK_SHARE_THIS_WEEK))}%, {was_then(before, when)})."
    )
    text += _expected_fixes(card)
    driver = main_driver(card)
    if driver:
        text += f" The main driver is {signal_label(driver[0])} ({driver[1]} of those changes)."
    return text


def _first_up(text: str) -> str:
    """``text`` with its first letter upper-case and the rest as written ("AI-agent changes"):
    ``str.capitalize`` would lower the rest ("Ai-agent changes")."""
    return text[:1].upper() + text[1:]


def _p_driver(_payload: BriefingPayload, card: CardView) -> str:
    if card.driver is None:
        raise KeyError(f"card {card.id} names no driving signal")
    return (
        f"{_first_up(signal_label(card.driver))} drove "
        f"{many(fact(card, FactKey.DRIVEN_THIS_WEEK), 'high-risk change')}, "
        f"up from {number(fact(card, FactKey.DRIVEN_LAST_WEEK))} last week."
    )


def _p_improvement(payload: BriefingPayload, card: CardView) -> str:
    team = payload.team_name(card.subject or "")
    then = maybe_fact(card, FactKey.EXPECTED_FIXES_LAST_WEEK)
    now = maybe_fact(card, FactKey.EXPECTED_FIXES_THIS_WEEK)
    usual = maybe_fact(card, FactKey.EXPECTED_FIXES_USUAL)
    if then is not None and now is not None and usual is not None:
        # Told by its expected fixes: its way back from last week's rise, whatever its share did.
        return (
            f"{team} is back from last week's rise in risk: {number(now)} of its "
            f"{many(fact(card, FactKey.CHANGES), 'change')} are expected to need a fix, down "
            f"from {number(then)} last week (usually {number(usual)}). Worth saying thank you."
        )
    return (
        f"{team} cut its high-risk share to "
        f"{number(fact(card, FactKey.HIGH_RISK_SHARE_THIS_WEEK))}% from "
        f"{number(fact(card, FactKey.HIGH_RISK_SHARE_LAST_WEEK))}% over "
        f"{many(fact(card, FactKey.CHANGES), 'change')}. Worth saying thank you."
    )


def _a_concentration(payload: BriefingPayload, card: CardView) -> str:
    driver = main_driver(card)
    words = SIGNAL_WORDS.get(driver[0]) if driver else None
    # Every change signal declares its action (a test holds it); a card stored with a
    # signal since renamed, or one naming no driver, gets the general advice.
    what = words.action if words else "review its high-risk changes"
    return f"In {payload_service_name(payload, card.subject)}, {what}."


def _a_driver(_payload: BriefingPayload, card: CardView) -> str | None:
    return (
        None if card.driver is None else f"Ask reviewers to watch for {signal_label(card.driver)}."
    )


def _t_concentration(card: Card, names: Mapping[str, str]) -> str:
    return f"Risk is concentrating in {subject_name(card, names)}"


def _t_driver(card: Card, _names: Mapping[str, str]) -> str:
    # Named by the signal's name with spaces ("Review is driving…"), as briefings always
    # have: its label is a plural phrase ("missing or rushed review") that reads badly here.
    signal = card.driver or "a signal"
    return f"{signal.replace('_', ' ').capitalize()} is driving more high-risk changes"


def _t_improvement(card: Card, names: Mapping[str, str]) -> str:
    return f"{subject_name(card, names)} shipped with less risk"


# The words of this family's cards (``scoring/card_rules/risk.py``), gathered into
# ``briefing.card_words.KIND_WORDS``.
WORDS: dict[CardKind, KindWords] = {
    CardKind.CONCENTRATION: KindWords(
        _t_concentration,
        _p_concentration,
        _a_concentration,
        "one service's share of high-risk changes jumped against last week; its facts name "
        "the signal behind most of them. Risk piling up in one place is where the next "
        "incident is likely to start.",
    ),
    CardKind.SHIFT: KindWords(
        "More changes are high risk than last week",
        _p_shift,
        "Ask reviewers to slow down on this week's high-risk changes.",
        "across the whole scope more changes are high risk than last week, with the signal "
        "that drove most of them.",
    ),
    CardKind.DRIVER: KindWords(
        _t_driver,
        _p_driver,
        _a_driver,
        "one signal (for example size or missing review) lies behind more high-risk changes "
        "than last week, outside any concentration.",
    ),
    CardKind.IMPROVEMENT: KindWords(
        _t_improvement,
        _p_improvement,
        None,
        "a team cut its high-risk share or came back from a rise.",
    ),
}
