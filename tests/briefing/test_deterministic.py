"""The deterministic narrative: true numbers, a driver and an action, a quiet week in one line."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from briefing.deterministic import write_deterministic
from briefing.narrative import Narrative
from briefing.payload import BriefingPayload, Counts, DeployView
from briefing.render.slack import render_slack
from briefing.render.text import one_liner
from briefing.sections import card_view
from scoring.card_terms import CardKind
from scoring.weekly import aggregate
from tests.briefing.payloads import busy_payload
from tests.briefing.render.factory import make_incident, make_payload
from tests.scoring.card_builders import cards
from tests.scoring.test_cards import _FULL, _driven, _owned_services, _positives

NUMBER = re.compile(r"\d+(?:\.\d+)?")
_POSITIVE = {
    CardKind.MTTR_IMPROVED,
    CardKind.CFR_IMPROVED,
    CardKind.CODEOWNERS_IMPROVED,
    CardKind.AGENT_REVIEWED,
}


def _allowed_numbers(payload: BriefingPayload) -> set[float]:
    allowed = {round(f.value, 1) for c in payload.cards for f in c.facts}
    for counts in (payload.distribution, payload.distribution_last_week):
        allowed |= {float(counts.total), float(counts.high_risk)}
    allowed |= {float(n) for n in NUMBER.findall(payload.model_dump_json())}
    return allowed


def test_every_card_kind_gets_a_paragraph_with_true_numbers() -> None:
    """Each card has a paragraph, and every number in the narrative is one the payload holds."""
    payload = busy_payload()
    kinds = {c.kind for c in payload.cards}
    assert {
        CardKind.CONCENTRATION,
        CardKind.INCIDENT,
        CardKind.AGENT,
        CardKind.IMPROVEMENT,
    } <= kinds
    # The week's one incident is its MTTR rise too: told on the incident's card.
    assert any(c.kind is CardKind.INCIDENT and CardKind.MTTR in c.folded for c in payload.cards)
    narrative = write_deterministic(payload)
    assert narrative.source == "deterministic"
    assert {p.card_id for p in narrative.paragraphs} == {c.id for c in payload.cards}
    text = " ".join(
        [narrative.headline, *(p.text for p in narrative.paragraphs)]
        + [p.action for p in narrative.paragraphs if p.action]
    )
    allowed = _allowed_numbers(payload)
    for number in NUMBER.findall(text):
        assert round(float(number), 1) in allowed, f"{number} is not in the payload"


def test_headline_says_what_needs_attention_without_repeating_the_first_card() -> None:
    """The headline names where to start and the week's high-risk count, never the first card's
    title or its numbers, which the card shows right below it."""
    payload = busy_payload()
    first = payload.cards[0]
    narrative = write_deterministic(payload)
    assert narrative.headline.startswith("Start with Payments, the incident in Payments")
    assert first.title not in narrative.headline
    d, last = payload.distribution, payload.distribution_last_week
    assert (
        f"{d.high_risk} of {d.total} changes were high risk "
        f"({last.high_risk} of {last.total} last week)"
    ) in narrative.headline
    card_numbers = {format(f.value, "g") for f in first.facts}
    assert not card_numbers & set(NUMBER.findall(narrative.headline))
    paragraph = narrative.paragraph("concentration:payments")
    assert paragraph is not None
    assert "6 of 8 changes were high risk (75%, up from 0% last week)" in paragraph
    assert "CODEOWNERS" in (narrative.action("concentration:payments") or "")


def test_old_stored_narratives_with_an_action_list_still_load() -> None:
    """A briefing stored before actions moved onto cards loads, its old list dropped."""
    stored = {"headline": "h", "paragraphs": [{"card_id": "c", "text": "t"}], "actions": ["a"]}
    assert Narrative.model_validate(stored).paragraphs[0].action is None


def test_quiet_week_is_one_line() -> None:
    """No card: a one-line headline with the week's numbers, and nothing else."""
    payload = make_payload(cards=(), changes=())
    narrative = write_deterministic(payload)
    assert narrative.headline == (
        "A quiet week in Team Checkout: 54 changes, 12 high risk, no material shift."
    )
    assert narrative.paragraphs == ()


def test_empty_week_says_nothing_merged() -> None:
    """A week without changes (but with deploys) says so rather than printing zeros."""
    payload = make_payload(cards=(), changes=()).model_copy(update={"distribution": Counts()})
    assert write_deterministic(payload).headline == (
        "A quiet week in Team Checkout: no changes merged, no material shift."
    )


def test_a_week_an_outage_opened_in_is_not_called_quiet() -> None:
    """No card (the incident followed no deploy that stood out), but the one line names the
    outage, how long it took and that it is still open, instead of calling the week quiet."""
    outages = (make_incident("INC-7", 40.0), make_incident("INC-8", None))
    payload = make_payload(cards=(), changes=()).model_copy(update={"incidents": outages})
    assert payload.quiet
    headline = write_deterministic(payload).headline
    assert headline == (
        "No material shift in Team Checkout: 54 changes, 12 high risk; but 2 incidents opened, "
        "INC-7 in checkout (resolved in 40 min), INC-8 in checkout (still open), after no "
        "deploy that stood out."
    )
    assert one_liner(payload, headline) == (
        "0 critical · 0 warning · 0 info — no material shift in Team Checkout: 54 changes, "
        "12 high risk; but 2 incidents opened, INC-7 in checkout (resolved in 40 min), INC-8 "
        "in checkout (still open), after no deploy that stood out."
    )


def test_a_week_with_only_a_revert_stays_quiet() -> None:
    """A revert's incident is a change that failed, not an outage: a team that reverts now
    and then is doing its job, so the week is still called quiet."""
    revert = make_incident("revert:acme/shop#9", None)
    payload = make_payload(cards=(), changes=()).model_copy(update={"incidents": (revert,)})
    assert write_deterministic(payload).headline == (
        "A quiet week in Team Checkout: 54 changes, 12 high risk, no material shift."
    )


def test_a_very_high_risk_change_is_never_under_a_quiet_headline() -> None:
    """No card, but a change the gates made very high risk: the headline names it by id and
    score instead of calling the week quiet."""
    payload = make_payload(cards=())
    assert not payload.quiet
    headline = write_deterministic(payload).headline
    assert "quiet" not in headline.lower()
    assert headline == (
        "No material shift in Team Checkout, but 3 changes merged at very high risk: "
        "pr-42 (score 87) and 2 more."
    )


def test_a_very_high_risk_deploy_is_never_under_a_quiet_headline() -> None:
    """No card and no very-high-risk change, but a very-high-risk deploy: named, never quiet."""
    deploy = DeployView(
        id="deploy:checkout:2026-11-20T15:35",
        service="checkout",
        finished_at=datetime(2026, 11, 20, 15, 35, tzinfo=UTC),
        score=88,
        band="critical",
    )
    payload = make_payload(cards=(), changes=()).model_copy(update={"risky_deploys": (deploy,)})
    assert not payload.quiet
    headline = write_deterministic(payload).headline
    assert "quiet" not in headline.lower()
    assert headline == (
        "No material shift in Team Checkout, but 1 deploy ran at very high risk: "
        "the deploy of checkout, Fri 15:35 UTC (score 88)."
    )
    message = render_slack(payload, write_deterministic(payload))
    assert "Riskiest deploys" in json.dumps(message.blocks)


def test_a_release_shipped_at_high_risk_is_never_under_a_quiet_headline() -> None:
    """A week with no card and nothing very high, but a release that ran at high risk (a
    library's major release): named with its score, never "a quiet week"."""
    deploy = DeployView(
        id="git-tag:acme/lib:v2.0:lib",
        service="lib",
        finished_at=datetime(2026, 11, 20, 15, 35, tzinfo=UTC),
        score=61,
        band="high",
    )
    payload = make_payload(cards=(), changes=()).model_copy(update={"risky_deploys": (deploy,)})
    assert not payload.quiet
    headline = write_deterministic(payload).headline
    assert headline.startswith(
        "No material shift in Team Checkout, but 1 deploy ran at high risk: "
    )
    assert "v2.0" in headline
    assert headline.endswith("(score 61).")
    message = render_slack(payload, write_deterministic(payload))
    assert "Riskiest deploys" in json.dumps(message.blocks)


def test_positive_cards_get_true_paragraphs_and_no_action() -> None:
    """Each positive card the scoring rules make gets a paragraph of true numbers and no action."""
    made = cards(*_positives())
    views = tuple(card_view(c) for c in made)
    payload = make_payload(views)
    narrative = write_deterministic(payload)
    positive = {c.id for c in views if c.kind in _POSITIVE}
    assert len(positive) == 4
    paragraphs = {p.card_id: p.text for p in narrative.paragraphs}
    assert positive <= set(paragraphs)
    allowed = _allowed_numbers(payload)
    for card_id in positive:
        for number in NUMBER.findall(paragraphs[card_id]):
            assert round(float(number), 1) in allowed, f"{number} is not in the payload"
    assert sum(1 for p in narrative.paragraphs if p.action) == 1


def test_a_driver_card_names_its_signal_in_the_readers_words() -> None:
    """A driver card's paragraph and action name the signal it carries, as the briefing words it."""
    this = aggregate(_driven(60, 8, 7))
    last = aggregate(_driven(60, 8, 1, -1))
    (view,) = (card_view(c) for c in cards(this, last) if c.kind is CardKind.DRIVER)
    assert view.driver == "review"
    narrative = write_deterministic(make_payload((view,)))
    assert narrative.paragraph(view.id) == (
        "Missing or rushed review drove 7 high-risk changes, up from 1 last week."
    )
    assert narrative.action(view.id) == "Ask reviewers to watch for missing or rushed review."


def test_a_driver_card_keeps_the_capitals_of_its_signals_words() -> None:
    """An agent driver card opens "AI-agent changes drove", not "Ai-agent changes drove"."""
    this = aggregate(_driven(60, 8, 7, signal="agent"))
    last = aggregate(_driven(60, 8, 1, -1, signal="agent"))
    (view,) = (card_view(c) for c in cards(this, last) if c.kind is CardKind.DRIVER)
    narrative = write_deterministic(make_payload((view,)))
    paragraph = narrative.paragraph(view.id)
    assert paragraph is not None
    assert paragraph.startswith("AI-agent changes drove 7 high-risk changes")


def test_the_headline_says_how_many_of_the_weeks_changes_bots_made() -> None:
    """The week's changes are all of them, bots' too, with how many bots made beside them; a
    week without bots' changes reads as before."""
    payload = busy_payload()
    d = payload.distribution
    with_bots = payload.model_copy(
        update={"agents": payload.agents.model_copy(update={"bot_changes": 2})}
    )
    assert (
        f"{d.high_risk} of {d.total} changes (2 by bots) were high risk"
        in write_deterministic(with_bots).headline
    )
    one = payload.model_copy(
        update={"agents": payload.agents.model_copy(update={"bot_changes": 1})}
    )
    assert f"of {d.total} changes (1 by a bot) were" in write_deterministic(one).headline
    assert "by bot" not in write_deterministic(payload).headline


def test_a_quiet_week_says_how_many_of_its_changes_bots_made() -> None:
    """A quiet week's one line counts bots' changes among its changes and says how many."""
    payload = make_payload(cards=(), changes=())
    payload = payload.model_copy(
        update={"agents": payload.agents.model_copy(update={"bot_changes": 27})}
    )
    assert write_deterministic(payload).headline == (
        "A quiet week in Team Checkout: 54 changes (27 by bots), 12 high risk, no material shift."
    )


def test_a_codeowners_card_says_where_no_changed_file_has_an_owner_now() -> None:
    """A CODEOWNERS drop made critical by services that lost every owner says how many, and
    names the one service when it is one."""
    before = _owned_services({**_FULL, "e": (10, 10), "f": (10, 10)}, -1)
    for now, share, said in (
        ({**_FULL, "e": (0, 9), "f": (0, 8)}, 87.6, "In 2 services, no changed file"),
        ({**_FULL, "e": (0, 20), "f": (10, 10)}, 86.7, "In e, no changed file"),
    ):
        (view,) = map(card_view, cards(_owned_services(now, 0), before))
        paragraph = write_deterministic(make_payload((view,))).paragraph(view.id)
        assert paragraph is not None
        assert paragraph.startswith(f"{share}% of changed files had a code owner, down from 100%.")
        assert f"{said} has a code owner now." in paragraph
