"""The assistant's check: a sentence is shown only when every number and name in it is in a
tool result of its conversation."""

from __future__ import annotations

import json

import pytest

from bot.assistant.conversation import SYSTEM_PROMPT
from bot.assistant.grounding import Grounds, reply_problems, sentences
from bot.assistant.tools import ToolOutcome, ToolUse

RESULT = {
    "service": "payments",
    "name": "Payments",
    "this_week": {"changes": 9, "high_risk_share": 66.7, "change_failure_rate": 0.25},
    "riskiest_changes": [
        {
            "key": "acme/platform#4504",
            "url": "https://github.com/acme/platform/pull/4504",
            "author": "Tom Bauer",
            "title": "Research the checkout-v2 flag",
            "score": 77,
        }
    ],
    "incidents": [{"key": "INC-1036", "minutes_to_resolve": 38.5}],
}
KNOWN = ("payments", "Payments", "checkout", "Checkout", "search", "Search")


@pytest.fixture
def grounds() -> Grounds:
    """The grounds one `service_record` answer gives."""
    use = ToolUse("toolu_1", "service_record", {"service": "payments"})
    return Grounds.of([ToolOutcome(use, json.dumps(RESULT), False)], KNOWN, SYSTEM_PROMPT)


@pytest.mark.parametrize(
    "sentence",
    [
        "Payments had 9 changes, 66.7% of them high risk.",
        "Payments had nine changes.",
        "One change stood out.",
        "About 67% of its changes were high risk.",
        "Its change failure rate was 25%.",
        "The riskiest, acme/platform#4504 by Tom Bauer, scored 77.",
        "See #4504 at https://github.com/acme/platform/pull/4504 for details.",
        "INC-1036 took 38.5 minutes to resolve, about 39 min.",
    ],
)
def test_what_the_tools_said_passes(grounds: Grounds, sentence: str) -> None:
    """Figures as the tool gave them or rounded as written, a fraction said as a percentage,
    and the names, changes, links and incidents of the result pass."""
    assert reply_problems(sentence, grounds) == ()


@pytest.mark.parametrize(
    ("sentence", "problem"),
    [
        ("Payments had 10 changes.", "says 10"),
        ("Payments had 9.5 changes.", "says 9.5"),
        ("Payments had ten risky changes.", "says ten"),
        ("About 67 changes were high risk.", "says 67"),
        ("Checkout looked calmer.", "names Checkout"),
        ("Search it was not.", "names search"),
        ("It was written by Tom Hanks.", "names 'Hanks'"),
        ("See acme/platform#4999.", "names change acme/platform#4999"),
        ("INC-2000 followed.", "names INC-2000"),
        ("Read https://evil.example/x first.", "has the link https://evil.example/x"),
        ("Ping <!channel> about it.", "has the mention <!channel>"),
        ("It is fine <script>.", "has the markup <script"),
    ],
)
def test_what_no_tool_said_fails(grounds: Grounds, sentence: str, problem: str) -> None:
    """A number no tool gave (a count must be exact: 67 changes is not 66.7%), a service of
    the organisation the results do not hold as a word of its own (a title's "Research" and
    "checkout-v2" hold neither search nor checkout), an invented person, change, incident or
    link, a mention and markup each fail the sentence."""
    found = reply_problems(sentence, grounds)
    assert any(p.startswith(problem) for p in found), found


def test_sentences_are_cut_where_a_reader_would_cut_them() -> None:
    """A reply is cut at the end of each sentence and each line; a decimal point is no end."""
    text = "Payments had 9 changes.  66.7% were high risk!\nIs that bad? Yes"
    assert sentences(text) == (
        "Payments had 9 changes.",
        "66.7% were high risk!",
        "Is that bad?",
        "Yes",
    )
