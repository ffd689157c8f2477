"""The narrative written without an LLM: from the payload's numbers, like a person would.

It is the fallback whenever the LLM is unavailable or its text fails the
grounding check, so it must be good on its own: a quiet week in one line, no
data said as such with what to run, otherwise what needs attention first, and
per card the concentration, the driver and the action. Each kind of card's
words are ``briefing.card_words``.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from briefing.card_words import KIND_WORDS, action
from briefing.headline import bots_aside, deploys_clause, headline, very_high_clause
from briefing.names import incident_name, payload_service_name
from briefing.narrative import CardParagraph, Narrative
from briefing.payload import BriefingPayload
from briefing.plan import plan_sentence
from briefing.views import IncidentView
from briefing.week import IsoWeek
from scoring.card_terms import Severity
from scoring.plural import many, number

__all__ = ["no_data_line", "write_deterministic"]


def _scope(payload: BriefingPayload) -> str:
    label = payload.scope.label
    return "the organisation" if label == "whole organisation" else label


def no_data_line(payload: BriefingPayload) -> str:
    """What to say when there is nothing to brief from, and what to run about it."""
    stored = payload.stored
    if not stored.anything:
        return (
            "No data yet: the store holds no changes, deploys or incidents. Run `riskbrief sync` "
            "to read the configured sources, or `riskbrief quickstart PATH` to start from a "
            "local clone."
        )
    scope = _scope(payload)
    if not stored.in_scope:
        return (
            f"No data for {scope}: nothing in the store belongs to its services. Check their "
            "paths in riskbrief.toml, then run `riskbrief sync`."
        )
    text = f"No data for {scope} in week {payload.week.id} or the week before"
    newest = stored.newest_in_scope
    if newest is None:
        return text + ". Run `riskbrief sync` to read newer changes."
    week = IsoWeek.of(newest.astimezone(ZoneInfo(payload.week.timezone)).date())
    if week.id > payload.week.id:
        return text + "."
    return (
        f"{text}: its newest is from {week.id}. Run `riskbrief sync` to read newer changes, "
        f"or `riskbrief brief --week {week.id}` to brief that week."
    )


def _quiet(payload: BriefingPayload) -> str:
    """A quiet week's one line: how many changes (and how many of them bots made), how many
    high risk, no material shift. A week an outage opened in is not called quiet: no card
    came of it (it followed no deploy that stood out), but the line names it."""
    d = payload.distribution
    # With reviews, owners or incidents unknown, "quiet" only covers what was seen.
    partial = " as far as the data shows" if payload.unknown.partial else ""
    where = "" if payload.scope.label == "whole organisation" else f" in {payload.scope.label}"
    if d.total == 0:
        changes = "no changes merged"
    else:
        high = "none" if d.high_risk == 0 else number(d.high_risk)
        changes = f"{many(d.total, 'change')}{bots_aside(payload)}, {high} high risk"
    if outages := payload.outages:
        return f"No material shift{where}{partial}: {changes}; but {_outages(payload, outages)}."
    return f"A quiet week{partial}{where}: {changes}, no material shift."


# A quiet line names at most this many of its week's outages; the rest are counted.
_NAMED_OUTAGES = 3


def _outages(payload: BriefingPayload, outages: tuple[IncidentView, ...]) -> str:
    """The week's outages in a clause: "1 incident, INC-7 in Search (resolved in 40 min)"."""
    named = []
    for i in outages[:_NAMED_OUTAGES]:
        m = i.minutes_to_resolve
        state = "still open" if m is None else f"resolved in {number(m)} min"
        service = payload_service_name(payload, i.service)
        named.append(f"{incident_name(payload, i.id)} in {service} ({state})")
    rest = len(outages) - len(named)
    listed = ", ".join(named) + (f" and {rest} more" if rest else "")
    return f"{many(len(outages), 'incident')} opened, {listed}, after no deploy that stood out"


def _high_deploys(payload: BriefingPayload) -> str | None:
    """The week's high (not very high) deploys in a clause; very-high ones are the very-high
    clause's to name."""
    high = [d for d in payload.risky_deploys if d.band == "high"]
    return deploys_clause(payload, high, len(high), "high")


def _headline(payload: BriefingPayload) -> str:
    if payload.no_data:
        return no_data_line(payload)
    if payload.quiet:
        return _quiet(payload)
    if not payload.cards:
        # No shift made a card, but a very-high-risk change or a high-risk deploy shipped:
        # never "quiet".
        clauses = [c for c in (very_high_clause(payload), _high_deploys(payload)) if c]
        where = "" if payload.scope.label == "whole organisation" else f" in {payload.scope.label}"
        return f"No material shift{where}, but {'; '.join(clauses)}."
    return headline(payload)


def write_deterministic(payload: BriefingPayload) -> Narrative:
    """A headline, per card a paragraph and (critical, warning) an action, and the review plan's
    sentence, from the payload."""
    paragraphs = tuple(
        CardParagraph(
            card_id=c.id,
            text=KIND_WORDS[c.kind].paragraph(payload, c),
            action=None if c.severity is Severity.INFO else action(payload, c),
        )
        for c in payload.cards
    )
    # A quiet week and a week without data are one line: no section, the plan's neither.
    plan = None if payload.quiet or payload.no_data else plan_sentence(payload.plan)
    return Narrative(
        headline=_headline(payload), paragraphs=paragraphs, plan=plan, source="deterministic"
    )
