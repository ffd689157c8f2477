"""The headline: what needs attention first, a few words a topic, and the very-high-risk work."""

from __future__ import annotations

from collections.abc import Sequence

from briefing.labels import signal_label
from briefing.names import and_list, deploy_named, payload_service_name
from briefing.payload import BriefingPayload, CardView, DeployView
from scoring.card_terms import CardKind, EvidenceKind, FactKey, Severity
from scoring.plural import many, number, was

__all__ = ["bots_aside", "deploys_clause", "headline", "topic", "very_high_clause"]


# What a card is about, in a few words, for the headline: never its title, which the card
# shows right below. A kind missing here is named by its subject or its title.
_TOPICS: dict[CardKind, str] = {
    CardKind.AGENT: "unreviewed AI-agent changes",
    CardKind.AGENT_SURGE: "the surge of AI-agent changes",
    CardKind.AGENT_OUTCOMES: "how AI agents' changes turned out",
    CardKind.AGENT_OUTCOMES_BETTER: "how AI agents' changes turned out",
    CardKind.SHIFT: "the rise in high-risk changes",
    CardKind.MTTR: "slower incident recovery",
    CardKind.CFR: "failed deploys",
    CardKind.CODEOWNERS: "changes without a code owner",
}


# Topics a headline names before it says "and N more".
_HEADLINE_TOPICS = 3
# Very-high-risk deploys a headline names before it says "and N more": each is long.
_HEADLINE_DEPLOYS = 2


def topic(payload: BriefingPayload, card: CardView) -> str:
    """What ``card`` is about in a few words: ``"Payments"``, ``"the incident in Checkout"``."""
    if card.kind is CardKind.CONCENTRATION:
        return payload_service_name(payload, card.subject)
    if card.kind is CardKind.INCIDENT:
        return f"the incident in {payload_service_name(payload, card.subject)}"
    if card.kind is CardKind.DRIVER and card.driver is not None:
        return signal_label(card.driver)
    if card.kind is CardKind.GATED and (changes := card.evidence_of(EvidenceKind.CHANGE)):
        others = len(changes) - 1
        more = f" and {many(others, 'other change')}" if others > 0 else ""
        return f"{changes[0].key}{more} at very high risk"
    if card.kind is CardKind.SPENT_BUDGET:
        # Not the service alone: "Start with Notifications" would say its risk piled up.
        one = next((f.value for f in card.facts if f.key is FactKey.SPENT_BUDGET_DEPLOYS), 0) == 1
        what = "the deploy" if one else "deploys"
        where = f" of {payload_service_name(payload, card.subject)}" if card.subject else ""
        return f"{what}{where} on a spent error budget"
    if card.kind in _TOPICS:
        return _TOPICS[card.kind]
    if card.subject:
        return payload_service_name(payload, card.subject)
    return card.title


def bots_aside(payload: BriefingPayload) -> str:
    """How many of the week's changes bots made, as the headline says it beside them: `` (27 by
    bots)``, or nothing in a week without any."""
    bots = payload.agents.bot_changes
    if not bots:
        return ""
    return f" ({number(bots)} by {'a bot' if bots == 1 else 'bots'})"


def _week_clause(payload: BriefingPayload) -> str | None:
    """High-risk changes this week against last, unless a card already says exactly that;
    the week's changes are all of them, bots' too (scored like any other), and how many bots
    made is said beside them (docs/briefing.md, "Which changes a week counts")."""
    if any(c.kind is CardKind.SHIFT for c in payload.cards):
        return None
    now, before = payload.distribution, payload.distribution_last_week
    if not now.total:
        return None
    text = (
        f"{number(now.high_risk)} of {many(now.total, 'change')}{bots_aside(payload)} "
        f"{was(now.high_risk)} high risk"
    )
    if before.total:
        text += f" ({number(before.high_risk)} of {number(before.total)} last week)"
    return text


def deploys_clause(
    payload: BriefingPayload, deploys: Sequence[DeployView], n: int, band: str
) -> str | None:
    """``"1 deploy ran at very high risk: the deploy of Checkout, Fri 10:35 EST (score 88)"``:
    ``n`` deploys at ``band`` risk, the first few named; ``None`` when there are none."""
    if not deploys:
        return None
    n = max(n, len(deploys))
    named = [f"{deploy_named(payload, d)} (score {d.score})" for d in deploys[:_HEADLINE_DEPLOYS]]
    if n > len(named):
        named.append(f"{n - len(named)} more")
    return f"{many(n, 'deploy')} ran at {band} risk: {and_list(named)}"


def _very_high_deploys(payload: BriefingPayload) -> str | None:
    """The week's very-high-risk deploys in a clause (``deploys_clause``)."""
    deploys = payload.very_high_deploys
    return deploys_clause(payload, deploys, payload.metrics.deploys_very_high, "very high")


def very_high_clause(payload: BriefingPayload) -> str | None:
    """The week's very-high-risk changes by id and score, e.g. ``"1 change merged at very high
    risk: acme/shop#7 (score 85)"``, and its very-high-risk deploys by service and time;
    ``None`` when there were none."""
    changes = payload.very_high_risk
    deploys = _very_high_deploys(payload)
    if not changes:
        return deploys
    n = max(payload.distribution.critical, len(changes))
    named = [f"{c.id} (score {c.score})" for c in changes[:_HEADLINE_TOPICS]]
    if n > len(named):
        named.append(f"{n - len(named)} more")
    text = f"{many(n, 'change')} merged at very high risk: {and_list(named)}"
    return f"{text}; {deploys}" if deploys else text


def headline(payload: BriefingPayload) -> str:
    """The first line of a week with cards: what needs attention first, in other words than any
    card's title, and how the whole week compares with the last one."""
    urgent = [c for c in payload.cards if c.severity is not Severity.INFO]
    week = _week_clause(payload)
    if urgent:
        topics = list(dict.fromkeys(topic(payload, c) for c in urgent))
        shown = topics[:_HEADLINE_TOPICS]
        if len(topics) > len(shown):
            shown.append(f"{len(topics) - len(shown)} more")
        text = f"Start with {and_list(shown)}"
        return f"{text}; {week}." if week else f"{text}."
    # Only good news: said as such, unless something very high risk shipped.
    very_high = very_high_clause(payload)
    if very_high:
        return f"No card needs action, but {very_high}."
    text = "No card needs action this week"
    return f"{text}; {week}." if week else f"{text}."
