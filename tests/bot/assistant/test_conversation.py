"""The tool-use loop against the fake Messages API, through the real anthropic SDK."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.assistant.claude import ClaudeTools, ModelUnavailable
from bot.assistant.conversation import Caps, Ending, converse, verdict
from bot.assistant.tools import ToolOutcome, ToolSpec, ToolUse
from fakes.anthropic_server import FakeAnthropic
from fakes.anthropic_tools import INVENTED_NUMBER, AskPlan

SCHEMA = {"type": "object", "properties": {"service": {"type": "string"}}}


@dataclass
class Ledger:
    """Tools that answer from a dict and remember every use."""

    answers: dict[str, object]
    used: list[ToolUse] = field(default_factory=list)

    @property
    def specs(self) -> Sequence[ToolSpec]:
        """One tool per answer."""
        return [ToolSpec(name, f"The {name}.", SCHEMA) for name in self.answers]

    def call(self, use: ToolUse) -> ToolOutcome:
        """The answer as JSON, or a refusal for a name it lacks."""
        self.used.append(use)
        if use.name not in self.answers:
            return ToolOutcome(use, "There is no such tool.", True)
        return ToolOutcome(use, json.dumps(self.answers[use.name]), False)


@pytest.fixture
def claude() -> Iterator[FakeAnthropic]:
    """The fake Messages API."""
    with FakeAnthropic() as fake:
        yield fake


def _model(claude: FakeAnthropic) -> ClaudeTools:
    return ClaudeTools(api_key="sk-ant-test", base_url=claude.url, max_retries=0)


def test_a_tool_result_goes_back_and_the_grounded_words_pass(claude: FakeAnthropic) -> None:
    """The model's `tool_use` is answered with a `tool_result` naming its id, and its words
    from that result pass the check."""
    claude.plan("how is payments?", AskPlan("good", "record", {"service": "payments"}))
    tools = Ledger({"record": {"name": "Payments", "changes": 9, "deploys": 5}})
    said = converse("how is payments?", tools, _model(claude))
    assert said.ending is Ending.ANSWERED
    assert [u.input for u in tools.used] == [{"service": "payments"}]
    second = claude.requests[1].body["messages"]
    assert second[1]["content"][-1]["type"] == "tool_use"
    assert second[2]["content"][0]["tool_use_id"] == second[1]["content"][-1]["id"]
    assert verdict(said, ("Payments",)).sentences == (
        "For Payments, the tool gives changes 9, deploys 5.",
    )


def test_an_invented_number_fails_the_verdict(claude: FakeAnthropic) -> None:
    """Words adding a number no tool gave are refused, naming the number."""
    claude.plan("q", AskPlan("inventing", "record", {}))
    said = converse("q", Ledger({"record": {"changes": 9}}), _model(claude))
    checked = verdict(said, ())
    assert checked.sentences is None
    assert any(INVENTED_NUMBER in p for p in checked.problems)


def test_a_looping_model_is_cut_off_at_the_cap(claude: FakeAnthropic) -> None:
    """A model that always asks for another tool gets ``calls`` of them, then no words."""
    claude.plan("q", AskPlan("looping", "record", {}))
    tools = Ledger({"record": {"changes": 9}})
    said = converse("q", tools, _model(claude), caps=Caps(calls=3, seconds=20))
    assert said.ending is Ending.LOOP
    assert len(tools.used) == 3
    assert verdict(said, ()).sentences is None


def test_the_time_budget_ends_a_conversation(claude: FakeAnthropic) -> None:
    """With the budget spent while a tool ran, the model is not asked again: no words."""
    claude.plan("q", AskPlan("good", "record", {}))
    ticks = iter([0.0, 0.0, 99.0])
    said = converse(
        "q",
        Ledger({"record": {}}),
        _model(claude),
        caps=Caps(calls=5, seconds=10),
        clock=lambda: next(ticks),
    )
    assert said.ending is Ending.BUDGET
    assert len(claude.requests) == 1


def test_every_tool_refused_leaves_the_refusals_to_answer(claude: FakeAnthropic) -> None:
    """A conversation whose tools all refused keeps no words, however harmless."""
    claude.plan("q", AskPlan("good", "missing", {}))
    said = converse("q", Ledger({"missing_not": {}, "record": {}}), _model(claude))
    assert all(o.is_error for o in said.outcomes)
    assert verdict(said, ()).sentences is None


def test_the_fake_refuses_a_tool_result_for_no_tool_use(claude: FakeAnthropic) -> None:
    """A `tool_result` answering an id the model never gave is a 400, as the API answers it,
    and the client says the model is unavailable."""
    messages: list[dict[str, Any]] = [
        {"role": "user", "content": "q"},
        {"role": "assistant", "content": [{"type": "text", "text": "Looking."}]},
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": "toolu_nobody", "content": "{}"}],
        },
    ]
    with pytest.raises(ModelUnavailable, match="HTTP 400"):
        _model(claude).turn("system", messages, [ToolSpec("record", "The record.", SCHEMA)])
