"""The words of the incident cards: an incident after a risky deploy, MTTR and failed deploys."""

from __future__ import annotations

from collections.abc import Mapping

from briefing.card_words.kind import (
    KindWords,
    compared_with,
    fact,
    maybe_fact,
    subject_name,
    was_then,
)
from briefing.names import and_list, incident_name, payload_service_name
from briefing.payload import BriefingPayload, CardView, IncidentView
from briefing.views import BandName
from scoring.card_terms import Card, CardCulprit, CardKind, Evidence, EvidenceKind, FactKey
from scoring.culprits import ClueKind
from scoring.plural import many, number, plural
from scoring.risk import Band

__all__ = ["WORDS"]


# Other incidents of the week an incident card names before it says "and N more".
_OTHER_INCIDENTS = 2


def _risk_adjective(band: str) -> str:
    """A band before a noun: ``"high-risk"``, ``"very-high-risk"``, ``"low-risk"``."""
    return Band(band).risk_adjective


def _incident_line(payload: BriefingPayload, incident: IncidentView) -> str:
    """Another incident of the week in a few words: where, and what deploy came before it."""
    service = payload_service_name(payload, incident.service)
    name = f"{incident_name(payload, incident.id)} in {service}"
    if incident.deploy_band is not None:
        return f"{name} after a {_risk_adjective(incident.deploy_band)} deploy"
    return f"{name} with no deploy before it"


def _why(culprit: CardCulprit) -> list[str]:
    """What points at ``culprit`` beyond having shipped before the incident, in a few words
    without numbers (``/risk incident`` gives the points): the team's word, a revert, a later
    fix, a high risk. A low or moderate risk is no reason to suspect it."""
    why = ["confirmed by the team"] if culprit.confirmed else []
    for kind in culprit.reasons:
        if kind is ClueKind.REVERTED:
            by = culprit.reverted_by
            why.append(f"reverted by {by}" if by else "reverted")
        elif kind is ClueKind.FIXED:
            why.append("a later fix touched its files")
        elif kind is ClueKind.RISK and culprit.band is not None and culprit.band.high_risk:
            why.append(culprit.band.risk_words)
    return why


def _when(culprit: CardCulprit, deploy: str | None) -> str:
    """How ``culprit`` reached the service: its only clue when nothing else points at it."""
    if culprit.deploy is None:
        return "merged shortly before"
    return "shipped by that deploy" if culprit.deploy == deploy else "shipped by an earlier deploy"


def _culprits(card: CardView) -> tuple[str, frozenset[str]]:
    """The changes likeliest behind the card's incident, confirmed ones first and said so
    (" Likeliest culprit: acme/platform#4521 (reverted by acme/platform#4522, high risk)."),
    and the reverting changes it names.

    It names those something points at (a briefing is a 90-second read; every change the
    deploy shipped came before the incident); when nothing does, the likeliest by its timing.
    """
    if not card.culprits:
        return "", frozenset()
    named = [(c, why) for c in card.culprits if (why := _why(c))]
    if not named:
        deploy = next((e.key for e in card.evidence_of(EvidenceKind.DEPLOY)), None)
        first = card.culprits[0]
        named = [(first, [_when(first, deploy)])]
    told = "; ".join(f"{c.key} ({', '.join(why)})" for c, why in named)
    reverts = frozenset(c.reverted_by for c, _ in named if c.reverted_by)
    return f" Likeliest culprit{'' if len(named) == 1 else 's'}: {told}.", reverts


def _p_incident(payload: BriefingPayload, card: CardView) -> str:
    key = card.id.removeprefix("incident:")
    incident = next((i for i in payload.incidents if i.id == key), None)
    name = payload_service_name(payload, card.subject)
    deploy_band = incident.deploy_band if incident else card.deploy_band
    shipped = maybe_fact(card, FactKey.SHIPPED_RISKIEST_SCORE)
    change = next((e.key for e in card.evidence_of(EvidenceKind.CHANGE)), None)
    # The deploy's id is in the card's evidence, in words; the sentence needs no id soup.
    parsed = Evidence.parse(key, EvidenceKind.INCIDENT)
    if parsed.kind is EvidenceKind.REVERT:
        # A revert's "incident" opens as the reverted change ships: "hit 0 h after" would
        # time an outage there was none of. It says what failed and what undid it.
        text = _revert_sentence(payload, parsed.key, name, deploy_band, shipped, change)
    else:
        hours = fact(card, FactKey.HOURS_TO_INCIDENT)
        text = _hit_sentence(payload, key, name, hours, deploy_band, shipped, change)
        minutes = maybe_fact(card, FactKey.MINUTES_TO_RESOLVE)
        # After a named change's number and band, "and took" would read as the change's or
        # the deploy's time: the incident's own clause says whose it is.
        took = "; it took" if shipped is not None else " and took"
        text += (
            f"{took} {number(minutes)} min to resolve."
            if minutes is not None
            else "; it is still open."
        )
    return text + _rest_of_incident(payload, card, key, incident)


def _revert_sentence(
    payload: BriefingPayload,
    by: str,
    name: str,
    deploy_band: Band | BandName | None,
    shipped: float | None,
    change: str | None,
) -> str:
    """A revert's first sentence: the change it undid with its number and band ("acme/shop#592,
    scored 60 (high risk), shipped to Search and was reverted by acme/shop#593."), or, after a
    deploy high for its service, that deploy ("A high-risk deploy of Search shipped a change
    that was reverted by acme/shop#593."); ``by`` is the revert's key."""
    if shipped is not None and change is not None:
        view = payload.change(change)
        banded = f" ({Band(view.band).risk_words})" if view is not None else ""
        return (
            f"{change}, scored {number(shipped)}{banded}, shipped to {name} and was reverted "
            f"by {by}."
        )
    band = Band(deploy_band).risk_adjective if deploy_band else "high-risk"
    article = "An" if band[:1] in "aeiou" else "A"
    return f"{article} {band} deploy of {name} shipped a change that was reverted by {by}."


def _hit_sentence(
    payload: BriefingPayload,
    key: str,
    name: str,
    hours: float,
    deploy_band: Band | BandName | None,
    shipped: float | None,
    change: str | None,
) -> str:
    """An incident's first sentence up to its time to resolve: it hit the service so many hours
    after a deploy, named by its band or by the change that stood out in it."""
    text = f"{incident_name(payload, key)} hit {name} {number(hours)} h after a"
    if shipped is not None:
        # An ordinary deploy for its service: what it shipped is what stood out, named with
        # its own number and band, and the deploy is not called high.
        view = payload.change(change) if change else None
        what = f"{change}, scored {number(shipped)}" if change else "a change"
        if not change:
            what += f" scored {number(shipped)}"
        # The change's own band, as the payload lists it: beside its own number, never apart.
        banded = f" ({Band(view.band).risk_words})" if view is not None else ""
        text += f" deploy that shipped {what}{banded}"
    else:
        band = Band(deploy_band).risk_adjective if deploy_band else "high-risk"
        text += f" {band} deploy"
    return text


def _rest_of_incident(
    payload: BriefingPayload, card: CardView, key: str, incident: IncidentView | None
) -> str:
    """What follows an incident card's first sentence: the other incidents after the same
    deploy, the likeliest culprits, the week's other incidents and its MTTR."""
    text = ""
    # Other incidents after the same deploy were folded into this card (one story).
    same = [
        i
        for i in payload.incidents
        if incident is not None and i.id != key and i.deploy == incident.deploy
    ]
    culprits, reverts = _culprits(card)
    for other in same:
        opened = Evidence.parse(other.id, EvidenceKind.INCIDENT)
        if opened.kind is EvidenceKind.REVERT:
            # A revert of a culprit is told with it, once.
            if opened.key not in reverts:
                text += f" {opened.key} reverted a change that deploy shipped."
        else:
            text += f" {incident_name(payload, other.id)} followed the same deploy."
    text += culprits
    # Every incident of the week is accounted for: the card's, and the others in a few words.
    total = maybe_fact(card, FactKey.INCIDENTS_THIS_WEEK)
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
            f"the {plural(len(others), 'other')}: {and_list(told)}."
        )
    mttr = maybe_fact(card, FactKey.MTTR_THIS_WEEK)
    if mttr is not None:
        before, when = compared_with(card, FactKey.MTTR_LAST_WEEK, FactKey.MTTR_BASELINE)
        median = "" if when == "last week" else "a median of "
        text += (
            f" Incidents took {number(mttr)} min to resolve (median) this week, "
            f"against {median}{number(before)} min {when}."
        )
    return text


def _p_mttr(_payload: BriefingPayload, card: CardView) -> str:
    before, when = compared_with(card, FactKey.MTTR_LAST_WEEK, FactKey.MTTR_BASELINE)
    against = (
        f"up from {number(before)} min last week"
        if when == "last week"
        else f"against a median of {number(before)} min {when}"
    )
    return (
        f"Incidents took {number(fact(card, FactKey.MTTR_THIS_WEEK))} min to resolve (median), "
        f"{against} ({many(fact(card, FactKey.INCIDENTS_THIS_WEEK), 'incident')} this week)."
    )


def _p_cfr(_payload: BriefingPayload, card: CardView) -> str:
    before, when = compared_with(
        card, FactKey.CHANGE_FAILURE_RATE_LAST_WEEK, FactKey.CHANGE_FAILURE_RATE_BASELINE
    )
    return (
        f"{number(fact(card, FactKey.FAILED_DEPLOYS_THIS_WEEK))} of "
        f"{many(fact(card, FactKey.DEPLOYS_THIS_WEEK), 'deploy')} failed or caused an incident "
        f"({number(fact(card, FactKey.CHANGE_FAILURE_RATE_THIS_WEEK))}%, {was_then(before, when)})."
    )


def _p_mttr_improved(_payload: BriefingPayload, card: CardView) -> str:
    return (
        f"Incidents took {number(fact(card, FactKey.MTTR_THIS_WEEK))} min to resolve (median), "
        f"down from {number(fact(card, FactKey.MTTR_LAST_WEEK))} min last week "
        f"({many(fact(card, FactKey.RESOLVED_INCIDENTS_THIS_WEEK), 'resolved incident')} "
        f"this week, {number(fact(card, FactKey.RESOLVED_INCIDENTS_LAST_WEEK))} last week)."
    )


def _p_cfr_improved(_payload: BriefingPayload, card: CardView) -> str:
    return (
        f"{number(fact(card, FactKey.FAILED_DEPLOYS_THIS_WEEK))} of "
        f"{many(fact(card, FactKey.DEPLOYS_THIS_WEEK), 'deploy')} failed or caused an incident "
        f"({number(fact(card, FactKey.CHANGE_FAILURE_RATE_THIS_WEEK))}%), down from "
        f"{number(fact(card, FactKey.FAILED_DEPLOYS_LAST_WEEK))} of "
        f"{number(fact(card, FactKey.DEPLOYS_LAST_WEEK))} last week "
        f"({number(fact(card, FactKey.CHANGE_FAILURE_RATE_LAST_WEEK))}%)."
    )


def _a_incident(payload: BriefingPayload, card: CardView) -> str:
    key = card.id.removeprefix("incident:")
    change = next((e.key for e in card.evidence_of(EvidenceKind.CHANGE)), None)
    # After a deploy ordinary for its service, what stood out is the change it shipped: the
    # deploy is not called risky here either.
    what = (
        f"what made {change} risky"
        if change and maybe_fact(card, FactKey.SHIPPED_RISKIEST_SCORE) is not None
        else "what made the deploy risky"
    )
    return (
        f"Walk through {incident_name(payload, key)} with the team: {what} "
        "and what would have caught it."
    )


def _t_incident(card: Card, names: Mapping[str, str]) -> str:
    # The rule makes incident cards after deploys that stood out for their service: by their
    # own band, by what they shipped, or by a revert of it.
    name = subject_name(card, names)
    if card.fact(FactKey.SHIPPED_RISKIEST_SCORE) is not None:
        # The deploy was ordinary for its service: never called high here.
        if card.evidence and card.evidence[0].kind is EvidenceKind.REVERT:
            return f"A change {name} shipped was reverted"
        return f"Incident in {name} followed a deploy of a risky change"
    if card.deploy_band is None or card.deploy_band.high_risk:
        band = card.deploy_band.risk_adjective if card.deploy_band else "high-risk"
        return f"Incident in {name} followed a {band} deploy"
    if card.evidence and card.evidence[0].kind is EvidenceKind.REVERT:
        return f"A change {name} shipped was reverted"
    return f"Incident in {name} followed a deploy of a risky change"


# The words of this family's cards (``scoring/card_rules/incidents.py``), gathered into
# ``briefing.card_words.KIND_WORDS``.
WORDS: dict[CardKind, KindWords] = {
    CardKind.INCIDENT: KindWords(
        _t_incident,
        _p_incident,
        _a_incident,
        "an incident opened within a day of a deploy of its service that stood out for "
        "that service (the riskiest it made in weeks, one shipping an unusually risky "
        "change, or one whose change was reverted), not one of its ordinary deploys. Facts give "
        "the hours between them and the minutes to resolve; when the incident also explains "
        "this week's slower recovery, or a revert of what the deploy shipped, the card says "
        "so and carries those figures too. It names the changes likeliest behind the incident "
        "(a revert of them, a later fix of their files, their risk, how close they shipped), "
        "those the team confirmed first.",
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
}
