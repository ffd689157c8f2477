"""The words of each kind of card: what its facts are called, its paragraph, action and headline.

They are written from the payload's numbers only, like a person would, and are
the narrative whenever the LLM is unavailable or its text fails the grounding
check (``briefing.deterministic``). Each kind of card declares its title, paragraph,
action and the prompt's glossary line in one ``KindWords`` (``KIND_WORDS``): a new
kind of card gets its words there. Titles are made here from the card's kind,
subject and typed facts; the scoring rules write no English a reader sees.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from briefing.incidents import incident_reference, source_keyed
from briefing.labels import signal_label
from briefing.payload import BriefingPayload, CardView, DeployView, IncidentView
from briefing.plural import many, number, plural, was
from briefing.week import local_time
from scoring.card_terms import Card, CardKind, Evidence, EvidenceKind, FactKey, Severity
from scoring.risk import Band
from scoring.signals import SIGNAL_WORDS

__all__ = [
    "FACT_LABELS",
    "KIND_WORDS",
    "Action",
    "KindWords",
    "Title",
    "action",
    "card_title",
    "deploy_named",
    "fact_label",
    "headline",
    "incident_name",
    "incident_words",
    "many",
    "number",
    "topic",
    "very_high_clause",
]

# Other incidents of the week an incident card names before it says "and N more".
_OTHER_INCIDENTS = 2


# What each card fact measures, in the reader's words.
FACT_LABELS: dict[FactKey, str] = {
    FactKey.OWNER_COVERAGE_LAST_WEEK: "CODEOWNERS coverage last week",
    FactKey.OWNER_COVERAGE_THIS_WEEK: "CODEOWNERS coverage this week",
    FactKey.MTTR_LAST_WEEK: "MTTR last week",
    FactKey.MTTR_THIS_WEEK: "MTTR this week",
    FactKey.AGENTS_UNREVIEWED_LAST_WEEK: "agent changes merged without human review last week",
    FactKey.AGENTS_UNREVIEWED: "agent changes merged without a human approval",
    FactKey.AGENTS_THIS_WEEK: "agent changes this week",
    FactKey.AGENTS_ALL_REVIEWED: "agent changes this week, all with human review",
    FactKey.AGENTS_REVIEW_UNKNOWN: "agent changes with review unknown",
    FactKey.AGENT_SHARE_LAST_WEEK: "agent share last week",
    FactKey.AGENT_SHARE: "agent share of changes",
    FactKey.CHANGE_FAILURE_RATE_LAST_WEEK: "change failure rate last week",
    FactKey.CHANGE_FAILURE_RATE_THIS_WEEK: "change failure rate this week",
    FactKey.FILES_WITH_OWNER_DATA: "changed files with CODEOWNERS data this week",
    FactKey.CHANGES_THIS_WEEK: "changes this week",
    FactKey.CHANGES: "changes",
    FactKey.DEPLOYS_LAST_WEEK: "deploys last week",
    FactKey.DEPLOYS_THIS_WEEK: "deploys this week",
    FactKey.FAILED_DEPLOYS_LAST_WEEK: "failed deploys last week",
    FactKey.FAILED_DEPLOYS_THIS_WEEK: "failed deploys this week",
    FactKey.AGENTS_HIGH_RISK: "high-risk agent changes",
    FactKey.DRIVEN_LAST_WEEK: "high-risk changes it drove last week",
    FactKey.DRIVEN_THIS_WEEK: "high-risk changes it drove this week",
    FactKey.HIGH_RISK_CHANGES_THIS_WEEK: "high-risk changes this week",
    FactKey.HIGH_RISK_CHANGES: "high-risk changes",
    FactKey.HIGH_RISK_SHARE_LAST_WEEK: "high-risk share last week",
    FactKey.HIGH_RISK_SHARE_THIS_WEEK: "high-risk share this week",
    FactKey.HOURS_TO_INCIDENT: "hours from deploy to incident",
    FactKey.INCIDENTS_THIS_WEEK: "incidents this week",
    FactKey.MINUTES_TO_RESOLVE: "minutes to resolve",
    FactKey.RESOLVED_INCIDENTS_LAST_WEEK: "resolved incidents last week",
    FactKey.RESOLVED_INCIDENTS_THIS_WEEK: "resolved incidents this week",
    FactKey.AGENTS_UNREVIEWED_HIGH_RISK: "of them high risk",
    FactKey.DRIVEN_BY: "high-risk changes driven by",
    FactKey.MTTR_BASELINE: "MTTR over the weeks before",
    FactKey.CHANGE_FAILURE_RATE_BASELINE: "change failure rate over the weeks before",
    FactKey.HIGH_RISK_SHARE_BASELINE: "high-risk share over the weeks before",
    FactKey.BASELINE_WEEKS: "weeks compared with",
    FactKey.GATED_CHANGES: "changes very high risk by a hard rule",
    FactKey.GATED_UNREVIEWED: "of them without a human approval",
    FactKey.SERVICE_LINE_COVERAGE_THIS_WEEK: "line coverage this week",
    FactKey.SERVICE_LINE_COVERAGE_LAST_WEEK: "line coverage last week",
    FactKey.COVERAGE_LOWERING_CHANGES: "changes that lowered coverage",
}


def fact_label(key: FactKey, signal: str | None = None) -> str:
    """The reader's words for a card fact; a driver fact names its signal."""
    words = FACT_LABELS[key]
    return f"{words} {signal_label(signal)}" if key is FactKey.DRIVEN_BY and signal else words


def incident_words(incident_id: str) -> str:
    """An incident's key as a reader says it: a revert incident is ``"revert owner/repo#N"``."""
    incident = Evidence.parse(incident_id, EvidenceKind.INCIDENT)
    return f"revert {incident.key}" if incident.kind is EvidenceKind.REVERT else incident_id


def incident_name(payload: BriefingPayload, incident_id: str) -> str:
    """An incident as a reader knows it: a revert as ``"revert owner/repo#N"``, one a source
    keys internally (``gitlab-incident:group/p#50``) by its title and the source's own
    reference (``"Checkout 500s (group/p#50)"``), any other by its id (``"INC-1039"``)."""
    if not source_keyed(incident_id):
        return incident_words(incident_id)
    reference = incident_reference(incident_id)
    incident = next((i for i in payload.incidents if i.id == incident_id), None)
    title = " ".join(incident.title.split()) if incident else ""
    return f"{title} ({reference})" if title else reference


def _risk_adjective(band: str) -> str:
    """A band before a noun: ``"high-risk"``, ``"very-high-risk"``, ``"low-risk"``."""
    return Band(band).risk_adjective


def _and(items: list[str]) -> str:
    """``"a"``, ``"a and b"``, ``"a, b and c"``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _maybe(card: CardView, key: FactKey) -> float | None:
    return next((f.value for f in card.facts if f.key is key), None)


def _fact(card: CardView, key: FactKey) -> float:
    # Card facts come from scoring.cards; a missing fact is a bug, never a silent 0.
    value = _maybe(card, key)
    if value is None:
        raise KeyError(f"card {card.id} has no fact {key.name}")
    return value


def _before(card: CardView, last_week: FactKey, baseline: FactKey) -> tuple[float, str]:
    """What a card compares with and when: last week's number, or the baseline's when last
    week was too thin, as ``(value, "last week")`` or ``(value, "over the 4 weeks before")``."""
    value = _maybe(card, last_week)
    if value is not None:
        return value, "last week"
    weeks = _fact(card, FactKey.BASELINE_WEEKS)
    return _fact(card, baseline), f"over the {many(weeks, 'week')} before"


def _then(share: float, when: str) -> str:
    """A share compared with: ``"last week 10%"``, or ``"against 10% over the 4 weeks before"``."""
    return (
        f"last week {number(share)}%" if when == "last week" else f"against {number(share)}% {when}"
    )


def _driver(card: CardView) -> tuple[str, int] | None:
    for f in card.facts:
        if f.key is FactKey.DRIVEN_BY and f.signal is not None:
            return f.signal, int(f.value)
    return None


def _service_name(payload: BriefingPayload, key: str | None) -> str:
    return next((s.name for s in payload.services if s.id == key), key or "a service")


def _p_concentration(payload: BriefingPayload, card: CardView) -> str:
    name = _service_name(payload, card.subject)
    high, total = _fact(card, FactKey.HIGH_RISK_CHANGES), _fact(card, FactKey.CHANGES)
    now = _fact(card, FactKey.HIGH_RISK_SHARE_THIS_WEEK)
    before, when = _before(
        card, FactKey.HIGH_RISK_SHARE_LAST_WEEK, FactKey.HIGH_RISK_SHARE_BASELINE
    )
    text = (
        f"In {name}, {number(high)} of {many(total, 'change')} {was(high)} high risk "
        f"({number(now)}%, up from {number(before)}% {when})."
    )
    driver = _driver(card)
    if driver:
        text += f" The main driver is {signal_label(driver[0])} ({driver[1]} of those changes)."
    coverage = _maybe(card, FactKey.OWNER_COVERAGE_THIS_WEEK)
    if coverage is not None:
        text += (
            f" Changed files with a code owner fell to {number(coverage)}% from "
            f"{number(_fact(card, FactKey.OWNER_COVERAGE_LAST_WEEK))}%, mostly here."
        )
    return text


def _p_shift(_payload: BriefingPayload, card: CardView) -> str:
    before, when = _before(
        card, FactKey.HIGH_RISK_SHARE_LAST_WEEK, FactKey.HIGH_RISK_SHARE_BASELINE
    )
    high = _fact(card, FactKey.HIGH_RISK_CHANGES_THIS_WEEK)
    text = (
        f"{number(high)} of {many(_fact(card, FactKey.CHANGES_THIS_WEEK), 'change')} "
        f"{was(high)} high risk this week "
        f"({number(_fact(card, FactKey.HIGH_RISK_SHARE_THIS_WEEK))}%, {_then(before, when)})."
    )
    driver = _driver(card)
    if driver:
        text += f" The main driver is {signal_label(driver[0])} ({driver[1]} of those changes)."
    return text


def _p_driver(_payload: BriefingPayload, card: CardView) -> str:
    if card.driver is None:
        raise KeyError(f"card {card.id} names no driving signal")
    return (
        f"{signal_label(card.driver).capitalize()} drove "
        f"{many(_fact(card, FactKey.DRIVEN_THIS_WEEK), 'high-risk change')}, "
        f"up from {number(_fact(card, FactKey.DRIVEN_LAST_WEEK))} last week."
    )


def _incident_line(payload: BriefingPayload, incident: IncidentView) -> str:
    """Another incident of the week in a few words: where, and what deploy came before it."""
    name = f"{incident_name(payload, incident.id)} in {_service_name(payload, incident.service)}"
    if incident.deploy_band is not None:
        return f"{name} after a {_risk_adjective(incident.deploy_band)} deploy"
    return f"{name} with no deploy before it"


def _p_incident(payload: BriefingPayload, card: CardView) -> str:
    key = card.id.removeprefix("incident:")
    incident = next((i for i in payload.incidents if i.id == key), None)
    name = _service_name(payload, card.subject)
    hours = _fact(card, FactKey.HOURS_TO_INCIDENT)
    deploy_band = incident.deploy_band if incident else None
    band = Band(deploy_band).risk_adjective if deploy_band else "high-risk"
    # The deploy's id is in the card's evidence, in words; the sentence needs no id soup.
    text = f"{incident_name(payload, key)} hit {name} {number(hours)} h after a {band} deploy"
    minutes = _maybe(card, FactKey.MINUTES_TO_RESOLVE)
    text += (
        f" and took {number(minutes)} min to resolve."
        if minutes is not None
        else "; it is still open."
    )
    # Other incidents after the same deploy were folded into this card (one story).
    same = [
        i
        for i in payload.incidents
        if incident is not None and i.id != key and i.deploy == incident.deploy
    ]
    for other in same:
        opened = Evidence.parse(other.id, EvidenceKind.INCIDENT)
        if opened.kind is EvidenceKind.REVERT:
            text += f" {opened.key} reverted a change that deploy shipped."
        else:
            text += f" {incident_name(payload, other.id)} followed the same deploy."
    # Every incident of the week is accounted for: the card's, and the others in a few words.
    total = _maybe(card, FactKey.INCIDENTS_THIS_WEEK)
    total = float(len(payload.incidents)) if total is None else total
    others = [i for i in payload.incidents if i.id != key and i not in same]
    if total > 1 and total == 1 + len(same):
        text += f" That makes {many(total, 'incident')} this week, all after that deploy."
    elif total > 1 + len(same) and others:
        told = [_incident_line(payload, i) for i in others[:_OTHER_INCIDENTS]]
        more = len(others) - len(told)
        if more:
            told.append(f"{more} more")
        text += (
            f" {number(1 + len(same))} of the week's {many(total, 'incident')} followed it; "
            f"the {plural(len(others), 'other')}: {_and(told)}."
        )
    mttr = _maybe(card, FactKey.MTTR_THIS_WEEK)
    if mttr is not None:
        before, when = _before(card, FactKey.MTTR_LAST_WEEK, FactKey.MTTR_BASELINE)
        median = "" if when == "last week" else "a median of "
        text += (
            f" Incidents took {number(mttr)} min to resolve (median) this week, "
            f"against {median}{number(before)} min {when}."
        )
    return text


def _p_mttr(_payload: BriefingPayload, card: CardView) -> str:
    before, when = _before(card, FactKey.MTTR_LAST_WEEK, FactKey.MTTR_BASELINE)
    against = (
        f"up from {number(before)} min last week"
        if when == "last week"
        else f"against a median of {number(before)} min {when}"
    )
    return (
        f"Incidents took {number(_fact(card, FactKey.MTTR_THIS_WEEK))} min to resolve (median), "
        f"{against} ({many(_fact(card, FactKey.INCIDENTS_THIS_WEEK), 'incident')} this week)."
    )


def _p_cfr(_payload: BriefingPayload, card: CardView) -> str:
    before, when = _before(
        card, FactKey.CHANGE_FAILURE_RATE_LAST_WEEK, FactKey.CHANGE_FAILURE_RATE_BASELINE
    )
    return (
        f"{number(_fact(card, FactKey.FAILED_DEPLOYS_THIS_WEEK))} of "
        f"{many(_fact(card, FactKey.DEPLOYS_THIS_WEEK), 'deploy')} failed or caused an incident "
        f"({number(_fact(card, FactKey.CHANGE_FAILURE_RATE_THIS_WEEK))}%, {_then(before, when)})."
    )


def _p_codeowners(_payload: BriefingPayload, card: CardView) -> str:
    return (
        f"{number(_fact(card, FactKey.OWNER_COVERAGE_THIS_WEEK))}% of changed files had a "
        f"code owner, down from {number(_fact(card, FactKey.OWNER_COVERAGE_LAST_WEEK))}%."
    )


def _p_coverage(payload: BriefingPayload, card: CardView) -> str:
    name = _service_name(payload, card.subject)
    text = (
        f"In {name}, line coverage fell to "
        f"{number(_fact(card, FactKey.SERVICE_LINE_COVERAGE_THIS_WEEK))}% from "
        f"{number(_fact(card, FactKey.SERVICE_LINE_COVERAGE_LAST_WEEK))}% last week."
    )
    lowering = _fact(card, FactKey.COVERAGE_LOWERING_CHANGES)
    keys = [e.key for e in card.evidence_of(EvidenceKind.CHANGE)[:3]]
    if keys:
        more = lowering - len(keys)
        tail = f" and {many(more, 'other')}" if more > 0 else ""
        text += f" {many(lowering, 'change')} lowered it: {', '.join(keys)}{tail}."
    return text


def _t_coverage(card: Card, names: Mapping[str, str]) -> str:
    return f"Test coverage is falling in {_named(card, names)}"


def _p_agent(_payload: BriefingPayload, card: CardView) -> str:
    unreviewed = _fact(card, FactKey.AGENTS_UNREVIEWED)
    high = _fact(card, FactKey.AGENTS_UNREVIEWED_HIGH_RISK)
    return (
        f"{many(unreviewed, 'AI-agent change')} merged without a human approval "
        f"({number(high)} of them high risk). Agents wrote "
        f"{many(_fact(card, FactKey.AGENTS_THIS_WEEK), 'change')} this week, "
        f"{number(_fact(card, FactKey.AGENT_SHARE))}% of the total."
    )


def _p_agent_surge(_payload: BriefingPayload, card: CardView) -> str:
    text = (
        f"AI agents wrote {many(_fact(card, FactKey.AGENTS_THIS_WEEK), 'change')} this week, "
        f"{number(_fact(card, FactKey.AGENT_SHARE))}% of the total, up from "
        f"{number(_fact(card, FactKey.AGENT_SHARE_LAST_WEEK))}% last week; "
        f"{number(_fact(card, FactKey.AGENTS_HIGH_RISK))} of them high risk."
    )
    unknown = _fact(card, FactKey.AGENTS_REVIEW_UNKNOWN)
    if unknown:
        text += f" Whether a human reviewed {number(unknown)} of them is unknown."
    return text


def _p_improvement(payload: BriefingPayload, card: CardView) -> str:
    return (
        f"{payload.team_name(card.subject or '')} cut its high-risk share to "
        f"{number(_fact(card, FactKey.HIGH_RISK_SHARE_THIS_WEEK))}% from "
        f"{number(_fact(card, FactKey.HIGH_RISK_SHARE_LAST_WEEK))}% over "
        f"{many(_fact(card, FactKey.CHANGES), 'change')}. Worth saying thank you."
    )


def _p_mttr_improved(_payload: BriefingPayload, card: CardView) -> str:
    return (
        f"Incidents took {number(_fact(card, FactKey.MTTR_THIS_WEEK))} min to resolve (median), "
        f"down from {number(_fact(card, FactKey.MTTR_LAST_WEEK))} min last week "
        f"({many(_fact(card, FactKey.RESOLVED_INCIDENTS_THIS_WEEK), 'resolved incident')} "
        f"this week, {number(_fact(card, FactKey.RESOLVED_INCIDENTS_LAST_WEEK))} last week)."
    )


def _p_cfr_improved(_payload: BriefingPayload, card: CardView) -> str:
    return (
        f"{number(_fact(card, FactKey.FAILED_DEPLOYS_THIS_WEEK))} of "
        f"{many(_fact(card, FactKey.DEPLOYS_THIS_WEEK), 'deploy')} failed or caused an incident "
        f"({number(_fact(card, FactKey.CHANGE_FAILURE_RATE_THIS_WEEK))}%), down from "
        f"{number(_fact(card, FactKey.FAILED_DEPLOYS_LAST_WEEK))} of "
        f"{number(_fact(card, FactKey.DEPLOYS_LAST_WEEK))} last week "
        f"({number(_fact(card, FactKey.CHANGE_FAILURE_RATE_LAST_WEEK))}%)."
    )


def _p_codeowners_improved(_payload: BriefingPayload, card: CardView) -> str:
    return (
        f"{number(_fact(card, FactKey.OWNER_COVERAGE_THIS_WEEK))}% of changed files had a "
        f"code owner, up from {number(_fact(card, FactKey.OWNER_COVERAGE_LAST_WEEK))}%."
    )


def _p_agent_reviewed(_payload: BriefingPayload, card: CardView) -> str:
    return (
        "A person approved every one of the "
        f"{many(_fact(card, FactKey.AGENTS_ALL_REVIEWED), 'AI-agent change')}"
        " this week, after "
        f"{number(_fact(card, FactKey.AGENTS_UNREVIEWED_LAST_WEEK))} "
        "merged without one last week."
    )


def _p_gated(payload: BriefingPayload, card: CardView) -> str:
    # Each change with its title and the rule that put it there; the evidence links them all.
    named: list[str] = []
    for key in (e.key for e in card.evidence_of(EvidenceKind.CHANGE)[:3]):
        change = payload.change(key)
        why = f", which {change.gates[0]}" if change and change.gates else ""
        named.append(f"{key} ({change.title}){why}" if change else key)
    n = _fact(card, FactKey.GATED_CHANGES)
    more = int(n) - len(named)
    listed = "; ".join(named) + (f"; and {many(more, 'more change')}" if more > 0 else "")
    text = (
        f"{many(n, 'change')} merged at very high risk by a hard rule, whatever "
        f"{'its' if n == 1 else 'their'} other signals: {listed}."
    )
    unreviewed = _maybe(card, FactKey.GATED_UNREVIEWED)
    if unreviewed:
        text += f" {number(unreviewed)} of them merged without a human approval."
    return text


def _a_concentration(payload: BriefingPayload, card: CardView) -> str:
    driver = _driver(card)
    words = SIGNAL_WORDS.get(driver[0]) if driver else None
    # Every change signal declares its action (a test holds it); a card stored with a
    # signal since renamed, or one naming no driver, gets the general advice.
    what = words.action if words else "review its high-risk changes"
    return f"In {_service_name(payload, card.subject)}, {what}."


def _a_incident(payload: BriefingPayload, card: CardView) -> str:
    key = card.id.removeprefix("incident:")
    return (
        f"Walk through {incident_name(payload, key)} with the team: what made the deploy risky "
        "and what would have caught it."
    )


def _a_driver(_payload: BriefingPayload, card: CardView) -> str | None:
    return (
        None if card.driver is None else f"Ask reviewers to watch for {signal_label(card.driver)}."
    )


def _named(card: Card, names: Mapping[str, str]) -> str:
    """The card's subject (a service or team key) by its display name."""
    subject = card.subject or ""
    return names.get(subject, subject)


def _t_concentration(card: Card, names: Mapping[str, str]) -> str:
    return f"Risk is concentrating in {_named(card, names)}"


def _t_incident(card: Card, names: Mapping[str, str]) -> str:
    # The rule makes incident cards only after high-risk deploys, with their band.
    band = card.deploy_band.risk_adjective if card.deploy_band else "high-risk"
    return f"Incident in {_named(card, names)} followed a {band} deploy"


def _t_gated(card: Card, _names: Mapping[str, str]) -> str:
    n = int(card.fact(FactKey.GATED_CHANGES) or 0)
    if card.gate == "schema_migration":
        what = "A schema migration" if n == 1 else f"{n} schema migrations"
        return f"{what} merged at very high risk"
    what = "A change" if n == 1 else f"{n} changes"
    return f"{what} merged at very high risk by a hard rule"


def _t_driver(card: Card, _names: Mapping[str, str]) -> str:
    # Named by the signal's name with spaces ("Review is driving…"), as briefings always
    # have: its label is a plural phrase ("missing or rushed review") that reads badly here.
    signal = card.driver or "a signal"
    return f"{signal.replace('_', ' ').capitalize()} is driving more high-risk changes"


def _t_improvement(card: Card, names: Mapping[str, str]) -> str:
    return f"{_named(card, names)} shipped with less risk"


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


# Every kind of card's words; a new kind of card gets its entry here (a test holds that
# every CardKind has one, and an action unless it is only ever good news).
KIND_WORDS: dict[CardKind, KindWords] = {
    CardKind.CONCENTRATION: KindWords(
        _t_concentration,
        _p_concentration,
        _a_concentration,
        "one service's share of high-risk changes jumped against last week; its facts name "
        "the signal behind most of them. Risk piling up in one place is where the next "
        "incident is likely to start.",
    ),
    CardKind.INCIDENT: KindWords(
        _t_incident,
        _p_incident,
        _a_incident,
        "an incident opened within a day of a high-risk deploy of its service (not one of "
        "many ordinary high-risk deploys of that service). Facts give "
        "the hours between them and the minutes to resolve; when the incident also explains "
        "this week's slower recovery, or a revert of what the deploy shipped, the card says "
        "so and carries those figures too.",
    ),
    CardKind.GATED: KindWords(
        _t_gated,
        _p_gated,
        "Confirm each such change has a rollback plan and a second reviewer.",
        "changes a hard rule (a gate, such as a schema migration) put at very high risk "
        "whatever their other signals, when no other card shows them and they are material: "
        "merged without a human approval, unusual for their service, or with other risk. A "
        "routine one makes no card but is still named among the very-high-risk changes.",
    ),
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
    CardKind.MTTR: KindWords(
        "Incidents took longer to resolve",
        _p_mttr,
        "Review this week's slow incident responses: paging, runbooks and rollback.",
        "incidents took longer to resolve (median) than last week, over enough incidents "
        "on both sides to be a trend.",
    ),
    CardKind.CFR: KindWords(
        "More deploys failed or caused incidents",
        _p_cfr,
        "Look at the failed deploys before the next release.",
        "a larger share of production deploys failed or were followed by an incident.",
    ),
    CardKind.SHIFT: KindWords(
        "More changes are high risk than last week",
        _p_shift,
        "Ask reviewers to slow down on this week's high-risk changes.",
        "across the whole scope more changes are high risk than last week, with the signal "
        "that drove most of them.",
    ),
    CardKind.CODEOWNERS: KindWords(
        "Fewer changed files have a code owner",
        _p_codeowners,
        "Extend CODEOWNERS to the paths changed without an owner.",
        "fewer changed files had a code owner than last week.",
    ),
    CardKind.COVERAGE: KindWords(
        _t_coverage,
        _p_coverage,
        "Ask for tests with the changes that lowered coverage before more land on them.",
        "a service's line coverage (CI's reports, at its last change of each week) fell "
        "against last week; its evidence is the week's changes that lowered their files' "
        "coverage most.",
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
        "a team cut its share of high-risk changes.",
    ),
    CardKind.MTTR_IMPROVED: KindWords(
        "Incidents were resolved faster",
        _p_mttr_improved,
        None,
        "incidents were resolved faster (median) than last week: mttr moving the good way.",
    ),
    CardKind.CFR_IMPROVED: KindWords(
        "Fewer deploys failed or caused incidents",
        _p_cfr_improved,
        None,
        "fewer production deploys failed or were followed by an incident than last week.",
    ),
    CardKind.CODEOWNERS_IMPROVED: KindWords(
        "More changed files have a code owner",
        _p_codeowners_improved,
        None,
        "more changed files had a code owner than last week.",
    ),
    CardKind.AGENT_REVIEWED: KindWords(
        "Every AI-agent change had a human review",
        _p_agent_reviewed,
        None,
        "every agent change was approved by a human after a week when some were not.",
    ),
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


# What a card is about, in a few words, for the headline: never its title, which the card
# shows right below. A kind missing here is named by its subject or its title.
_TOPICS: dict[CardKind, str] = {
    CardKind.AGENT: "unreviewed AI-agent changes",
    CardKind.AGENT_SURGE: "the surge of AI-agent changes",
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
        return _service_name(payload, card.subject)
    if card.kind is CardKind.INCIDENT:
        return f"the incident in {_service_name(payload, card.subject)}"
    if card.kind is CardKind.DRIVER and card.driver is not None:
        return signal_label(card.driver)
    if card.kind is CardKind.GATED and (changes := card.evidence_of(EvidenceKind.CHANGE)):
        others = len(changes) - 1
        more = f" and {many(others, 'other change')}" if others > 0 else ""
        return f"{changes[0].key}{more} at very high risk"
    if card.kind in _TOPICS:
        return _TOPICS[card.kind]
    if card.subject:
        return _service_name(payload, card.subject)
    return card.title


def _week_clause(payload: BriefingPayload) -> str | None:
    """High-risk changes this week against last, unless a card already says exactly that."""
    if any(c.kind is CardKind.SHIFT for c in payload.cards):
        return None
    now, before = payload.distribution, payload.distribution_last_week
    if not now.total:
        return None
    text = f"{number(now.high_risk)} of {many(now.total, 'change')} {was(now.high_risk)} high risk"
    if before.total:
        text += f" ({number(before.high_risk)} of {number(before.total)} last week)"
    return text


def deploy_named(payload: BriefingPayload, deploy: DeployView) -> str:
    """A deploy as a reader knows it: ``"the deploy of Checkout, Fri 10:35 EST"``, and a release
    by its tag too: ``"the deploy of Checkout v2.1.0, Fri 10:35 EST"``."""
    when = local_time(deploy.finished_at, payload.week.timezone, payload.week)
    tag = f" {deploy.tag}" if deploy.tag else ""
    return f"the deploy of {_service_name(payload, deploy.service)}{tag}, {when}"


def _very_high_deploys(payload: BriefingPayload) -> str | None:
    """``"1 deploy ran at very high risk: the deploy of Checkout, Fri 10:35 EST (score 88)"``."""
    deploys = payload.very_high_deploys
    if not deploys:
        return None
    n = max(payload.metrics.deploys_very_high, len(deploys))
    named = [f"{deploy_named(payload, d)} (score {d.score})" for d in deploys[:_HEADLINE_DEPLOYS]]
    if n > len(named):
        named.append(f"{n - len(named)} more")
    return f"{many(n, 'deploy')} ran at very high risk: {_and(named)}"


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
    text = f"{many(n, 'change')} merged at very high risk: {_and(named)}"
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
        text = f"Start with {_and(shown)}"
        return f"{text}; {week}." if week else f"{text}."
    # Only good news: said as such, unless something very high risk shipped.
    very_high = very_high_clause(payload)
    if very_high:
        return f"No card needs action, but {very_high}."
    text = "No card needs action this week"
    return f"{text}; {week}." if week else f"{text}."
