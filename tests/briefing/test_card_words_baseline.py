"""A card compared with the weeks before says so and how many; the gated card names its change."""

from __future__ import annotations

from briefing.card_words import KIND_WORDS
from briefing.deterministic import write_deterministic
from briefing.grounding import check_narrative
from briefing.headline import headline
from briefing.payload import ChangeView, IncidentView
from briefing.sections import card_view
from scoring.card_terms import CardKind
from scoring.risk import Band
from scoring.weekly import ScoredDeploy, aggregate
from tests.briefing.render.factory import make_payload
from tests.scoring.card_builders import at, cards, change, incident


def test_an_mttr_card_on_a_baseline_names_it() -> None:
    """Three slow incidents against one quick one last week read against the 4 weeks' median."""
    minutes = {0: [200, 260, 330], -1: [40], -2: [45], -3: [50]}
    broke = {
        w: [incident(f"INC{w}.{i}", "s0", at(w, 10 + i), m) for i, m in enumerate(ms)]
        for w, ms in minutes.items()
    }
    baseline = aggregate([], [], [i for w in (-1, -2, -3, -4) for i in broke.get(w, [])], weeks=4)
    this = aggregate([], [], broke[0], baseline=baseline)
    [card] = [c for c in cards(this, aggregate([], [], broke[-1])) if c.kind is CardKind.MTTR]
    payload = make_payload((card_view(card),))
    paragraph = KIND_WORDS[CardKind.MTTR].paragraph(payload, payload.cards[0])
    assert paragraph == (
        "Incidents took 260 min to resolve (median), against a median of 45 min over the "
        "4 weeks before (3 incidents this week)."
    )
    assert headline(payload).startswith("Start with slower incident recovery;")
    assert not check_narrative(payload, write_deterministic(payload))


def test_the_gated_card_names_the_change_and_its_rule() -> None:
    """The paragraph names the change, its title and the gate; the headline names the change."""
    gated = change("pr-42", "s0", Band.CRITICAL, gates=("schema_migration",))
    [card] = cards(aggregate([gated]), aggregate([]))
    view = ChangeView(
        id="pr-42",
        title="Add a ledger",
        url=None,
        service="s0",
        score=80,
        band="critical",
        signals=(),
        gates=("contains a schema migration (db/migrations/0001_ledger.py)",),
    )
    payload = make_payload((card_view(card),), changes=(view,))
    paragraph = KIND_WORDS[CardKind.GATED].paragraph(payload, payload.cards[0])
    assert paragraph == (
        "1 change merged at very high risk by a hard rule, whatever its other signals: "
        "pr-42 (Add a ledger), which contains a schema migration (db/migrations/0001_ledger.py)."
    )
    assert headline(payload).startswith("Start with pr-42 at very high risk")


def test_an_incident_after_a_critical_deploy_says_very_high_risk() -> None:
    """The incident card's title and paragraph word a critical deploy as very high risk."""
    deploy = ScoredDeploy("deploy:s0:1", "s0", at(0, 2), 85, Band.CRITICAL)
    broke = incident("INC-1", "s0", at(0, 3), 30, deploy)
    [card] = cards(aggregate([], [deploy], [broke]), aggregate([]))
    assert card_view(card).title == "Incident in s0 followed a very-high-risk deploy"
    view = IncidentView(
        id="INC-1",
        service="s0",
        title="down",
        opened_at=broke.opened_at,
        resolved_at=broke.resolved_at,
        minutes_to_resolve=30,
        deploy=deploy.key,
        deploy_band="critical",
        after_high_risk_deploy=True,
    )
    payload = make_payload((card_view(card),)).model_copy(update={"incidents": (view,)})
    paragraph = KIND_WORDS[CardKind.INCIDENT].paragraph(payload, payload.cards[0])
    assert "after a very-high-risk deploy" in paragraph
    assert "critical" not in paragraph
