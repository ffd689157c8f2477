"""The incident card's words name its likeliest culprits, and a narrative may name only those."""

from __future__ import annotations

import json
from datetime import timedelta

from briefing.card_words import KIND_WORDS
from briefing.deterministic import write_deterministic
from briefing.grounding import check_narrative
from briefing.narrative import CardParagraph
from briefing.payload import BriefingPayload, CardView, IncidentView
from briefing.prompt import payload_json
from briefing.sections import card_view
from scoring.band import Band
from scoring.card_terms import (
    Card,
    CardCulprit,
    CardFact,
    CardKind,
    Evidence,
    EvidenceKind,
    FactKey,
    Severity,
)
from scoring.culprits import ClueKind
from tests.briefing.render.factory import make_payload
from tests.scoring.card_builders import at

DEPLOY = "deploy:checkout:1"
OPENED = at(0, 40)


def _culprit(key: str, *reasons: ClueKind, **kw: object) -> CardCulprit:
    fields: dict[str, object] = {"band": Band.MODERATE, "deploy": DEPLOY}
    fields.update(kw)
    return CardCulprit(
        key=key,
        title=f"Title of {key}",
        url=None,
        points=50,
        reasons=reasons,
        **fields,  # type: ignore[arg-type]
    )


def _payload(*culprits: CardCulprit, revert: str | None = None) -> BriefingPayload:
    """A week whose one incident card carries ``culprits``; ``revert`` folds a revert incident
    (of that change's key) into it."""
    evidence: tuple[Evidence, ...] = (
        Evidence(EvidenceKind.INCIDENT, "INC-7"),
        Evidence(EvidenceKind.DEPLOY, DEPLOY),
    )
    ids = ["INC-7"]
    if revert is not None:
        evidence += (Evidence(EvidenceKind.REVERT, revert),)
        ids.append(f"revert:{revert}")
    card = Card(
        "incident:INC-7",
        CardKind.INCIDENT,
        Severity.CRITICAL,
        "checkout",
        (
            CardFact(FactKey.HOURS_TO_INCIDENT, 1.5, "h"),
            CardFact(FactKey.MINUTES_TO_RESOLVE, 60.0, "min"),
        ),
        evidence,
        deploy_band=Band.HIGH,
        culprits=culprits,
    )
    incidents = tuple(
        IncidentView(
            id=i,
            service="checkout",
            title=f"Incident {i}",
            opened_at=OPENED,
            resolved_at=OPENED + timedelta(hours=1),
            minutes_to_resolve=60.0,
            deploy=DEPLOY,
            deploy_band="high",
            after_high_risk_deploy=True,
        )
        for i in ids
    )
    return make_payload((card_view(card),)).model_copy(update={"incidents": incidents})


def _paragraph(payload: BriefingPayload) -> str:
    card = payload.cards[0]
    return KIND_WORDS[CardKind.INCIDENT].paragraph(payload, card)


def test_the_paragraph_names_the_culprits_something_points_at_with_why() -> None:
    """A revert, a later fix and a high risk are each said; a moderate risk and a change only
    shipped before the incident are not reasons to name it."""
    payload = _payload(
        _culprit("acme/shop#1", ClueKind.REVERTED, ClueKind.RISK, ClueKind.TIME),
        _culprit("acme/shop#2", ClueKind.FIXED, ClueKind.RISK, band=Band.CRITICAL),
        _culprit("acme/shop#3", ClueKind.RISK, ClueKind.TIME),
    )
    assert (
        " Likeliest culprits: acme/shop#1 (reverted); acme/shop#2 (a later fix touched its "
        "files, very high risk)." in _paragraph(payload)
    )
    assert "acme/shop#3" not in _paragraph(payload)


def test_a_confirmed_culprit_comes_first_and_says_so() -> None:
    """The team's word is the first thing said of the change it confirmed."""
    payload = _payload(
        _culprit("acme/shop#3", ClueKind.TIME, confirmed=True),
        _culprit("acme/shop#1", ClueKind.RISK, band=Band.HIGH),
    )
    assert (
        "Likeliest culprits: acme/shop#3 (confirmed by the team); acme/shop#1 (high risk)."
        in _paragraph(payload)
    )


def test_with_nothing_pointing_at_any_the_likeliest_is_named_by_its_timing() -> None:
    """Every candidate only shipped before: the first is named, by the deploy that shipped it."""
    payload = _payload(
        _culprit("acme/shop#1", ClueKind.RISK, ClueKind.TIME),
        _culprit("acme/shop#2", ClueKind.TIME, deploy="deploy:checkout:0"),
    )
    assert "Likeliest culprit: acme/shop#1 (shipped by that deploy)." in _paragraph(payload)


def test_a_revert_of_a_culprit_is_told_once_with_it() -> None:
    """The revert folded into the card is said beside the change it reverted, not again apart."""
    payload = _payload(
        _culprit("acme/shop#1", ClueKind.REVERTED, reverted_by="acme/shop#9"),
        revert="acme/shop#9",
    )
    paragraph = _paragraph(payload)
    assert "Likeliest culprit: acme/shop#1 (reverted by acme/shop#9)." in paragraph
    assert "reverted a change that deploy shipped" not in paragraph


def test_the_deterministic_narrative_naming_culprits_is_grounded() -> None:
    """The card's culprits (and their reverts) are the card's to name: the fallback passes."""
    payload = _payload(
        _culprit("acme/shop#1", ClueKind.REVERTED, reverted_by="acme/shop#9"),
        revert="acme/shop#9",
    )
    assert check_narrative(payload, write_deterministic(payload)) == ()


def test_a_narrative_may_name_a_culprit_the_card_carries_and_no_other_change() -> None:
    """Grounding accepts a candidate key the card carries and refuses one it does not."""
    payload = _payload(_culprit("acme/shop#1", ClueKind.RISK, band=Band.HIGH))
    base = write_deterministic(payload)

    def said(text: str) -> tuple[str, ...]:
        narrative = base.model_copy(
            update={"paragraphs": (CardParagraph(card_id="incident:INC-7", text=text),)}
        )
        return check_narrative(payload, narrative)

    assert said("INC-7 followed the deploy; acme/shop#1 is the likeliest culprit.") == ()
    problems = said("INC-7 followed the deploy; acme/shop#2 is the likeliest culprit.")
    assert any("acme/shop#2" in p for p in problems)


def test_a_cards_culprits_survive_storage_and_an_older_card_loads_without_them() -> None:
    """The card's culprits round-trip through the stored JSON; a card stored before has none."""
    payload = _payload(_culprit("acme/shop#1", ClueKind.REVERTED, reverted_by="acme/shop#9"))
    view = payload.cards[0]
    again = CardView.model_validate_json(view.model_dump_json())
    assert again.culprits == view.culprits
    assert again.culprits[0].reasons == (ClueKind.REVERTED,)
    stored = view.model_dump(mode="json")
    del stored["culprits"]
    assert CardView.model_validate(stored).culprits == ()


def test_the_model_is_given_each_culprit_by_key_and_clue_never_by_title() -> None:
    """The prompt's incident card lists its culprits' keys, clues and the team's word, and
    no title: a narrative names what grounding accepts, from data, not outside text."""
    payload = _payload(
        _culprit("acme/shop#3", ClueKind.TIME, confirmed=True),
        _culprit("acme/shop#1", ClueKind.REVERTED, ClueKind.RISK, reverted_by="acme/shop#9"),
    )
    card = json.loads(payload_json(payload))["cards"][0]
    assert card["culprits"] == [
        {"id": "acme/shop#3", "why": ["time"], "band": "moderate", "confirmed_by_team": True},
        {
            "id": "acme/shop#1",
            "why": ["reverted", "risk"],
            "band": "moderate",
            "reverted_by": "acme/shop#9",
        },
    ]
    assert "Title of" not in payload_json(payload)
