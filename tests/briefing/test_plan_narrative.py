"""The review plan in the narrative: the deterministic writer words it, the model is sent it,
and the grounding check holds its shares like every other number."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pytest

from briefing.deterministic import write_deterministic
from briefing.grounding import MAX_WORDS, check_narrative
from briefing.narrative import Narrative, NarrativeUsage
from briefing.payload import BriefingPayload
from briefing.plan import plan_sentence
from briefing.prompt import NarrativeDraft, Turn, payload_json
from briefing.writer import LLMAnswer, write_narrative
from tests.briefing.payloads import busy_payload
from tests.briefing.render.test_plan_section import make_plan, with_plan


@pytest.fixture(scope="module")
def payload() -> BriefingPayload:
    """A busy week with every kind of card and a plan of eight changes."""
    return with_plan(busy_payload(), make_plan(8))


def _with_plan(payload: BriefingPayload, plan: str | None) -> Narrative:
    """The deterministic narrative with its plan sentence replaced."""
    return write_deterministic(payload).model_copy(update={"plan": plan})


def test_the_deterministic_narrative_words_the_plan_and_is_grounded(
    payload: BriefingPayload,
) -> None:
    """The fallback gives the plan's sentence, and passes the check, within the word limit."""
    narrative = write_deterministic(payload)
    assert narrative.plan == plan_sentence(payload.plan)
    assert check_narrative(payload, narrative) == ()


def test_the_model_is_sent_the_plan_s_figures(payload: BriefingPayload) -> None:
    """The request carries review_plan's shares and sums, and the first items it shows."""
    plan = payload.plan
    assert plan is not None
    sent = json.loads(payload_json(payload))["review_plan"]
    assert (sent["plan_changes"], sent["line_percent"], sent["risk_percent"]) == (
        len(plan.items),
        plan.line_percent,
        plan.risk_percent,
    )
    assert (sent["plan_risk_points"], sent["risk_points"]) == (plan.plan_risk, plan.predicted_risk)
    assert [i["id"] for i in sent["shown"]] == [i.id for i in plan.items[:3]]


def test_a_wrong_plan_share_is_refused(payload: BriefingPayload) -> None:
    """A plan sentence that invents its share of predicted risk, or of the code, is refused,
    even when the number is elsewhere in the payload; the true one passes."""
    plan = payload.plan
    assert plan is not None
    # Another of the plan's own numbers: "in the payload", but not this share.
    wrong = plan.line_percent
    assert wrong != plan.risk_percent
    bad = (
        f"These 8 changes are {plan.line_percent}% of this week's changed code and {wrong}% of "
        "its predicted risk."
    )
    problems = check_narrative(payload, _with_plan(payload, bad))
    assert any(
        "of this week's predicted risk" in p and f"{plan.risk_percent}%" in p for p in problems
    )
    swapped = (
        f"These 8 changes are {plan.risk_percent}% of this week's changed code and "
        f"{plan.risk_percent}% of its predicted risk."
    )
    assert any("changed code" in p for p in check_narrative(payload, _with_plan(payload, swapped)))
    headline = (
        write_deterministic(payload).headline + f" Eight changes hold {wrong}% of predicted risk."
    )
    refused = check_narrative(
        payload, write_deterministic(payload).model_copy(update={"headline": headline})
    )
    assert any("the headline says" in p and "predicted risk" in p for p in refused)
    assert check_narrative(payload, _with_plan(payload, plan_sentence(plan))) == ()


def test_a_plan_the_payload_does_not_have_is_refused() -> None:
    """Without a plan in the payload, any plan sentence is refused."""
    payload = busy_payload()
    invented = "These 3 changes are 12% of this week's changed code and 58% of its predicted risk."
    problems = check_narrative(payload, _with_plan(payload, invented))
    assert any("no review_plan" in p for p in problems)


def test_the_plan_s_words_count_toward_the_limit(payload: BriefingPayload) -> None:
    """The plan sentence is part of the narrative the 350-word limit holds."""
    long = plan_sentence(payload.plan) + " and" * MAX_WORDS  # type: ignore[operator]
    assert any(
        f"keep it under {MAX_WORDS}" in p
        for p in check_narrative(payload, _with_plan(payload, long))
    )


class _Scripted:
    """The LLM seam answering with one narrative whose plan sentence is given."""

    def __init__(self, narrative: Narrative) -> None:
        self.narrative = narrative

    def draft(self, system: str, turns: Sequence[Turn]) -> LLMAnswer:
        """The narrative as the model's structured answer."""
        base = write_deterministic(busy_payload())
        draft = NarrativeDraft.model_validate(
            {
                "headline": self.narrative.headline,
                "paragraphs": [
                    {"card_id": p.card_id, "text": p.text, "action": p.action or ""}
                    for p in base.paragraphs
                ],
                "plan": self.narrative.plan or "",
            }
        )
        return LLMAnswer(
            model="claude-sonnet-5-5",
            text=draft.model_dump_json(),
            output=draft,
            usage=NarrativeUsage(model="claude-sonnet-5-5", requests=1),
        )


def test_a_model_inventing_a_plan_share_falls_back_to_the_rules_sentence(
    payload: BriefingPayload,
) -> None:
    """A model that keeps writing a wrong plan share is refused twice, and the briefing uses
    the deterministic narrative with the plan's true sentence; a model leaving the plan empty
    gets the rules' sentence."""
    plan = payload.plan
    assert plan is not None
    wrong = f"These 8 changes hold {plan.risk_percent + 7}% of this week's predicted risk."
    written = write_narrative(payload, _Scripted(_with_plan(payload, wrong)))
    assert written.outcome == "ungrounded"
    assert written.narrative.plan == plan_sentence(plan)
    empty = write_narrative(payload, _Scripted(_with_plan(payload, None)))
    assert empty.outcome == "llm"
    assert empty.narrative.plan == plan_sentence(plan)
