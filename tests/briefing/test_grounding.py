"""The grounding check: what a narrative may say, and the problems it names when it strays."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from briefing.deterministic import write_deterministic
from briefing.grounding import MAX_WORDS, check_narrative
from briefing.narrative import CardParagraph, Narrative, NarrativeUsage
from briefing.payload import BriefingPayload, ChangeView, SignalView
from briefing.prompt import DraftParagraph, NarrativeDraft, Turn
from briefing.writer import LLMAnswer, write_narrative
from tests.briefing.payloads import busy_payload
from tests.briefing.render.factory import make_incident, make_payload


@pytest.fixture(scope="module")
def payload() -> BriefingPayload:
    """A busy week with every kind of card."""
    return busy_payload()


def _with(payload: BriefingPayload, **changes: str) -> Narrative:
    """The deterministic narrative with some paragraphs (by card id) or the headline replaced."""
    base = write_deterministic(payload)
    headline = changes.pop("headline", base.headline)
    paragraphs = tuple(
        CardParagraph(card_id=p.card_id, text=changes.get(p.card_id, p.text))
        for p in base.paragraphs
    )
    return base.model_copy(update={"headline": headline, "paragraphs": paragraphs})


def test_deterministic_narrative_is_grounded(payload: BriefingPayload) -> None:
    """The fallback narrative passes the check it stands in for."""
    assert check_narrative(payload, write_deterministic(payload)) == ()


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("75% of Payments changes were high risk.", True),
        ("Payments is at 75.0% high risk.", True),
        ("Payments rose 75 points from last week.", True),
        ("Only 25% of Payments changes were safe or moderate.", True),
        ("Payments is at 76% high risk.", False),
        ("Payments had 1,234 changes.", False),
        ("Payments had 7 of 8 changes high risk.", False),
    ],
)
def test_numbers_must_come_from_the_payload(payload: BriefingPayload, text: str, ok: bool) -> None:
    """A number passes when the payload holds it at the written rounding, or a card's difference."""
    problems = check_narrative(payload, _with(payload, **{"concentration:payments": text}))
    assert (problems == ()) is ok, problems


def test_cards_cannot_be_added_or_dropped(payload: BriefingPayload) -> None:
    """A paragraph for an unknown card and a missing paragraph are both named."""
    base = write_deterministic(payload)
    paragraphs = (*base.paragraphs[1:], CardParagraph(card_id="fake:card", text="All fine."))
    problems = check_narrative(payload, base.model_copy(update={"paragraphs": paragraphs}))
    assert any("'fake:card', which is not in the payload" in p for p in problems)
    assert any(f"card {base.paragraphs[0].card_id!r} has no paragraph" in p for p in problems)


@pytest.mark.parametrize(
    "text",
    [
        "This is not critical; mark everything info.",
        "We can downgrade this card.",
        "There are 0 critical items this week.",
    ],
)
def test_severity_cannot_be_restated(payload: BriefingPayload, text: str) -> None:
    """Talking a severity down, or miscounting severities, is a problem."""
    assert check_narrative(payload, _with(payload, headline=text)) != ()


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("See acme/shop#999 for details.", "change acme/shop#999"),
        ("Caused by INC-9999.", "INC-9999"),
        ("Read https://evil.example/x now.", "link https://evil.example/x"),
        ("Ping <!channel> about it.", "mention <!channel>"),
        ("Ask @alice to look.", "mention @alice"),
    ],
)
def test_references_must_exist(payload: BriefingPayload, text: str, needle: str) -> None:
    """Changes, incidents, links and mentions that are not in the payload are named."""
    problems = check_narrative(payload, _with(payload, headline=text))
    assert any(needle in p for p in problems), problems


def test_services_outside_the_payload_are_named(payload: BriefingPayload) -> None:
    """An organisation's service that is not in this payload cannot appear in the narrative."""
    narrative = _with(payload, headline="Risk moved from Payments to Search.")
    problems = check_narrative(payload, narrative, known_names=("Payments", "Search"))
    assert "the headline names Search, which is not in this briefing's payload" in problems
    assert not any("Payments" in p for p in problems)


def test_long_narrative_is_refused(payload: BriefingPayload) -> None:
    """More than the word budget is a problem, whatever the words."""
    narrative = _with(payload, headline=" ".join(["risk"] * (MAX_WORDS + 1)))
    assert any(f"keep it under {MAX_WORDS}" in p for p in check_narrative(payload, narrative))


def test_an_id_is_not_a_name(payload: BriefingPayload) -> None:
    """A repository inside a change id ("platform" in acme/platform#…) is no mention of a team
    named Platform; the team's name on its own still is."""
    change = next(e for c in payload.cards for e in map(str, c.evidence) if "#" in e)
    repo = change.split("/", 1)[1].split("#", 1)[0]
    cited = _with(payload, headline=f"Look at {change} first.")
    assert check_narrative(payload, cited, known_names=(repo.capitalize(),)) == ()
    named = _with(payload, headline=f"The {repo.capitalize()} team should look first.")
    assert check_narrative(payload, named, known_names=(repo.capitalize(),)) != ()


def test_numbers_must_come_from_what_the_model_was_sent(payload: BriefingPayload) -> None:
    """A signal's points are in the stored payload but not in the prompt: citing them is refused."""
    change = ChangeView(
        id="acme/shop#77",
        title="Rewrite the ledger",
        url=None,
        service="payments",
        score=81,
        band="critical",
        signals=(SignalView(name="timing", points=4321, explanation="merged on a Friday"),),
    )
    stored = payload.model_copy(update={"top_changes": (change,)})
    assert "4321" in stored.model_dump_json()
    narrative = _with(stored, headline="4321 changes were merged on a Friday evening.")
    assert any("says 4321" in p for p in check_narrative(stored, narrative))


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        pytest.param("Last week 17% of its changes were high risk.", True, id="percent-rounds"),
        pytest.param("17 of those changes were merged on a Friday.", False, id="count-is-exact"),
    ],
)
def test_only_measures_round(text: str, ok: bool) -> None:
    """A share of 16.7 % may be written 17 %, but "17 changes" needs a 17 in the payload."""
    busy = busy_payload()
    services = tuple(
        s.model_copy(update={"high_risk_share_last_week": 16.7}) for s in busy.services
    )
    payload = busy.model_copy(update={"services": services})
    problems = check_narrative(payload, _with(payload, headline=text))
    assert (not any("says 17" in p for p in problems)) is ok


@pytest.mark.parametrize(
    "headline",
    [
        "Nothing critical this week, all clear.",
        "A calm week overall.",
        "Only a minor issue, low severity.",
        "Nothing to worry about this week.",
        "One critical card this week.",
    ],
)
def test_a_week_with_critical_cards_cannot_be_talked_down(
    payload: BriefingPayload, headline: str
) -> None:
    """Calm, all-clear, minor or low-severity claims, or too few critical cards, are refused."""
    assert payload.severity_counts.critical >= 2
    problems = check_narrative(payload, _with(payload, headline=headline))
    assert any("critical" in p and "headline" in p for p in problems), problems


def test_true_counts_of_none_are_not_refused(payload: BriefingPayload) -> None:
    """ "No warnings" is true of a week without warnings and is not refused."""
    quiet = payload.model_copy(
        update={"severity_counts": payload.severity_counts.model_copy(update={"warning": 0})}
    )
    problems = check_narrative(quiet, _with(quiet, headline="No warnings, but Payments is hot."))
    assert not any("warning" in p for p in problems), problems


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Risk rose as in the Billing Gateway service.", "Gateway"),
        ("The Atlas team cut its high-risk share.", "Atlas"),
    ],
)
def test_invented_names_are_refused(payload: BriefingPayload, text: str, name: str) -> None:
    """A proper name the model was never shown is refused, with what to name instead."""
    problems = check_narrative(payload, _with(payload, headline=text))
    assert any(f"names '{name}'" in p and "name only the services" in p for p in problems)


def test_faithful_words_are_not_names(payload: BriefingPayload) -> None:
    """Weekdays, tools and terms from the prompt pass: "on Friday", "GitHub", "CODEOWNERS"."""
    text = "Payments merged on Friday without CODEOWNERS rules; see GitHub and the MTTR."
    assert check_narrative(payload, _with(payload, headline=text)) == ()


# Honest words for the busy week, as a careful writer would put them: each must pass.
_FAITHFUL = {
    "headline": "Payments needs attention: 12 of 54 changes were high risk this week, "
    "against 5 of 43 last week.",
    "concentration:payments": "Six of Payments' eight changes were high risk this week, 75% "
    "against 0% last week, mostly files without a CODEOWNERS owner; code-owner coverage "
    "fell from 75% to 62.5%.",
    "incident:INC-1042": "INC-1042 hit Payments two hours after a very high-risk deploy and "
    "took 300 minutes to resolve; the median time to resolve rose to 300 min from 40 min "
    "last week.",
    "agent:unreviewed": "All three AI-agent changes this week merged without a human "
    "approval, 18.8% of the total; none of them was high risk.",
    "improvement:find": "The find team cut its high-risk share to 0% from 50% last week, "
    "over eight changes.",
}


def test_faithful_narratives_with_weeks_counts_and_words_pass(payload: BriefingPayload) -> None:
    """Numbers tied to their own week, each card's own figures and true counts in words pass."""
    assert check_narrative(payload, _with(payload, **_FAITHFUL)) == ()


@pytest.mark.parametrize(
    ("card_id", "text", "needle"),
    [
        pytest.param(
            "incident:INC-1042",
            "INC-1042 hit Payments 2 h after a very high-risk deploy and took 300 min to "
            "resolve. Median time to resolve: 40 min this week, 300 min last week.",
            "gives 40 min as this week's figure",
            id="mttr-weeks-swapped",
        ),
        pytest.param(
            "improvement:find",
            "find cut its high-risk share to 50% from 0% over 8 changes.",
            "gives 50 % as this week's figure",
            id="share-weeks-swapped",
        ),
        pytest.param(
            "agent:unreviewed",
            "3 AI-agent changes merged without a human approval, 75% of the total.",
            "which is a figure of card concentration:payments",
            id="another-cards-figure",
        ),
    ],
)
def test_a_number_on_the_wrong_week_or_card_is_refused(
    payload: BriefingPayload, card_id: str, text: str, needle: str
) -> None:
    """This week's and last week's figures swapped, or a card borrowing another's, is refused,
    though every number is somewhere in the payload."""
    problems = check_narrative(payload, _with(payload, **{card_id: text}))
    assert any(needle in p for p in problems), problems


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        pytest.param("Two incidents this week, one after a deploy.", True, id="two-is-true"),
        pytest.param("Three incidents this week hit Payments.", False, id="three-in-words"),
        pytest.param("3 incidents this week hit Payments.", False, id="three-in-digits"),
        pytest.param("Six of eight changes in Payments were high risk.", True, id="six-of-eight"),
        pytest.param("Seven of eight changes in Payments were high risk.", False, id="seven"),
    ],
)
def test_counts_in_words_are_checked(payload: BriefingPayload, text: str, ok: bool) -> None:
    """A count of incidents or changes, in words or digits, must be one the payload has: two
    incidents (the week's metric), not three; six of eight changes, not seven."""
    assert payload.metrics.incidents == 2
    problems = check_narrative(payload, _with(payload, headline=text))
    counted = [p for p in problems if "payload has no count of" in p]
    assert (counted == []) is ok, problems


class _Scripted:
    """The LLM seam answering every request with one fixed narrative, as a model might."""

    def __init__(self, narrative: Narrative) -> None:
        self.narrative = narrative
        self.requests = 0

    def draft(self, system: str, turns: Sequence[Turn]) -> LLMAnswer:
        """The scripted narrative as the model's structured answer."""
        self.requests += 1
        draft = NarrativeDraft(
            headline=self.narrative.headline,
            paragraphs=tuple(
                DraftParagraph(card_id=p.card_id, text=p.text, action=p.action or "")
                for p in self.narrative.paragraphs
            ),
        )
        return LLMAnswer(
            model="claude-sonnet-5-5",
            text=draft.model_dump_json(),
            output=draft,
            usage=NarrativeUsage(model="claude-sonnet-5-5", requests=1),
        )


def test_a_narrative_swapping_the_weeks_falls_back_to_the_deterministic_one(
    payload: BriefingPayload,
) -> None:
    """A model that keeps swapping a card's weeks is refused twice; the briefing uses the
    deterministic narrative. The same model writing faithfully is used at once."""
    swapped = _with(
        payload,
        **{
            "incident:INC-1042": "INC-1042 hit Payments 2 h after a very high-risk deploy. "
            "Median time to resolve: 40 min this week, 300 min last week."
        },
    )
    hostile = _Scripted(swapped)
    written = write_narrative(payload, hostile)
    assert written.outcome == "ungrounded"
    assert hostile.requests == 2
    assert written.narrative.source == "deterministic"
    assert written.narrative.headline == write_deterministic(payload).headline
    faithful = _Scripted(_with(payload, **_FAITHFUL))
    assert write_narrative(payload, faithful).outcome == "llm"


def test_a_week_with_a_very_high_risk_change_is_not_called_quiet() -> None:
    """No card, but a change merged at very high risk: "a quiet week" is refused, and the
    deterministic headline that names the change passes."""
    quiet = make_payload(cards=())
    assert quiet.very_high_risk
    narrative = Narrative(headline="A quiet week with nothing of note.")
    assert any("very high risk" in p for p in check_narrative(quiet, narrative))
    assert check_narrative(quiet, write_deterministic(quiet)) == ()


def test_a_week_an_outage_opened_in_is_not_called_quiet() -> None:
    """No card, but an incident opened: "a quiet week" is refused and the deterministic line
    that names it passes; a revert alone leaves the week quiet."""
    outage = make_incident("INC-7", 40.0)
    week = make_payload(cards=(), changes=()).model_copy(update={"incidents": (outage,)})
    narrative = Narrative(headline="A quiet week in Team Checkout: 54 changes, 12 high risk.")
    assert any("1 incident opened" in p for p in check_narrative(week, narrative))
    assert check_narrative(week, write_deterministic(week)) == ()
    revert = outage.model_copy(update={"id": "revert:acme/shop#9", "minutes_to_resolve": None})
    reverted = week.model_copy(update={"incidents": (revert,)})
    assert check_narrative(reverted, narrative) == ()
