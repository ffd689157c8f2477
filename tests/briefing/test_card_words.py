"""The words of each kind of card, declared in one place and read from there."""

from __future__ import annotations

from briefing.card_words import KIND_WORDS, card_title
from briefing.prompt import SYSTEM_PROMPT
from briefing.sections import card_view
from scoring.card_terms import CardKind
from scoring.risk import Band
from scoring.weekly import aggregate
from tests.scoring.card_builders import cards, change
from tests.scoring.test_cards import _busy


def test_every_card_kind_declares_all_its_words() -> None:
    """Each kind has a title, a paragraph and a glossary line, and an action unless it is
    only ever good news: none falls back to a generic word."""
    assert set(KIND_WORDS) == set(CardKind)
    for kind, words in KIND_WORDS.items():
        assert callable(words.title) or words.title.strip(), kind
        assert callable(words.paragraph), kind
        assert words.glossary.strip(), kind
        assert (words.action is None) is kind.good_news, kind


def test_the_prompt_explains_every_card_kind_in_its_declared_words() -> None:
    """The system prompt's card glossary has one line per kind, from its declared words."""
    for kind, words in KIND_WORDS.items():
        assert f"\n- {kind}: {words.glossary}\n" in SYSTEM_PROMPT


def test_a_title_is_made_from_the_cards_subject_and_facts() -> None:
    """Titles name a service by its display name and the deploy's band from the card's facts."""
    names = {"payments": "Payments Platform"}
    titles = {c.id: card_view(c, names).title for c in cards(*_busy())}
    assert titles["concentration:payments"] == "Risk is concentrating in Payments Platform"
    assert titles["incident:INC-1"] == "Incident in Payments Platform followed a high-risk deploy"


def test_a_gated_cards_title_says_its_count_and_its_one_gate() -> None:
    """One migration is named as such; changes of several gates are counted as hard-rule ones."""
    migration = change("m#1", "s0", Band.CRITICAL, gates=("schema_migration",))
    [one] = cards(aggregate([migration]), aggregate([]))
    assert card_title(one) == "A schema migration merged at very high risk"
    other = change("b#1", "s1", Band.CRITICAL, gates=("error_budget",))
    [two] = cards(aggregate([migration, other]), aggregate([]))
    assert card_title(two) == "2 changes merged at very high risk by a hard rule"


def test_an_incident_card_after_an_ordinary_deploy_names_the_change_not_the_deploys_band() -> None:
    """A deploy ordinary for its service makes an incident card by the unusual change it shipped:
    the title, paragraph and action name that change and its score, never call the deploy high,
    risky or by its band."""
    from datetime import timedelta

    from briefing.card_words import KIND_WORDS
    from briefing.card_words import action as card_action
    from tests.briefing.render.factory import make_payload
    from tests.scoring.card_builders import deploys, incident, spread

    (deploy,) = deploys("search", 1, 0, band=Band.MODERATE)
    release = change("s#1", "search", Band.CRITICAL)
    names = {"search": "Search"}
    inc = incident(
        "INC-1", "search", deploy.finished_at + timedelta(hours=1), 30, deploy, (release,)
    )
    made = cards(aggregate(spread(30, 0), [deploy], [inc]), aggregate(spread(30, 0, -1)))
    view = card_view(next(c for c in made if c.kind is CardKind.INCIDENT), names)
    assert view.title == "Incident in Search followed a deploy of a risky change"
    paragraph = KIND_WORDS[CardKind.INCIDENT].paragraph(make_payload((view,)), view)
    assert f"after a deploy that shipped s#1, scored {release.score}" in paragraph
    assert "risk deploy" not in paragraph
    # The incident's time to resolve in a clause of its own, not after the change's band.
    assert f"scored {release.score}; it took 30 min to resolve." in paragraph
    said = card_action(make_payload((view,)), view)
    assert said is not None
    assert "what made s#1 risky" in said
    assert "deploy risky" not in said


def test_a_revert_card_tells_no_time_to_resolve() -> None:
    """Two reverts in a week of a service that seldom reverts make the card; a revert has no
    outage, so the card says no minutes to resolve and never "still open"."""
    from datetime import timedelta

    from briefing.card_words import KIND_WORDS
    from tests.briefing.render.factory import make_payload
    from tests.scoring.card_builders import deploys, incident, spread

    (deploy,) = deploys("search", 1, 0, band=Band.MODERATE)
    release = change("s#1", "search", Band.HIGH)
    opened = deploy.finished_at + timedelta(hours=1)
    reverts = [
        incident(f"revert:acme/shop#{n}", "search", opened, 300, deploy, (release,))
        for n in (9, 10)
    ]
    made = cards(aggregate(spread(30, 0), [deploy], reverts), aggregate(spread(30, 0, -1)))
    view = card_view(next(c for c in made if c.kind is CardKind.INCIDENT), {"search": "Search"})
    assert view.title == "A change Search shipped was reverted"
    paragraph = KIND_WORDS[CardKind.INCIDENT].paragraph(make_payload((view,)), view)
    assert "to resolve" not in paragraph
    assert "still open" not in paragraph
    # Its "incident" opened as the change shipped: no "hit Search 1 h after", which would
    # time an outage there was none of; what failed and what undid it instead.
    assert " h after" not in paragraph
    assert paragraph.startswith("s#1, scored 70, shipped to search and was reverted by acme/shop#")


def test_a_spent_budget_card_names_its_services_and_deploys() -> None:
    """The title counts the deploys and names a lone service; the paragraph names each service
    by its display name, in the order they deployed, and says the hard rule."""
    from briefing.card_words import KIND_WORDS
    from briefing.payload import DeployView, ServiceView
    from scoring.weekly import ScoredDeploy
    from tests.briefing.render.factory import make_payload
    from tests.scoring.card_builders import at, spread

    spent = [
        ScoredDeploy(f"deploy:{s}:{h}", s, at(0, h), 72, Band.CRITICAL, True, ("error_budget",))
        for s, h in (("search", 3.5), ("checkout", 26))
    ]
    [card] = [
        c
        for c in cards(aggregate(spread(30, 0), spent), aggregate(spread(30, 0, -1)))
        if c.kind is CardKind.SPENT_BUDGET
    ]
    names = {"search": "Search", "checkout": "Checkout"}
    view = card_view(card, names)
    assert view.title == "2 deploys shipped past their error budget"
    base = make_payload((view,))
    payload = base.model_copy(
        update={
            "risky_deploys": tuple(
                DeployView(
                    id=d.key,
                    service=d.service,
                    finished_at=d.finished_at,
                    score=72,
                    band="critical",
                )
                for d in spent
            ),
            "services": tuple(
                ServiceView(
                    id=k,
                    name=v,
                    team=None,
                    changes=0,
                    high_risk=0,
                    high_risk_share=0.0,
                    high_risk_share_last_week=0.0,
                )
                for k, v in names.items()
            ),
        }
    )
    paragraph = KIND_WORDS[CardKind.SPENT_BUDGET].paragraph(payload, view)
    assert paragraph == (
        "2 production deploys shipped while Search and Checkout had spent their error budget: "
        "very high risk by that hard rule, whatever they shipped."
    )
    [alone] = [
        c
        for c in cards(aggregate(spread(30, 0), spent[:1]), aggregate(spread(30, 0, -1)))
        if c.kind is CardKind.SPENT_BUDGET
    ]
    one = card_view(alone, names)
    assert one.title == "Search deployed past its error budget"
