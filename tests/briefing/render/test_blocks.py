"""One Slack message type and one set of limits for briefings and /risk answers."""

from __future__ import annotations

from bot.slack.reply import Reply
from briefing.render.blocks import (
    CONTEXT_CHARS,
    HEADER_CHARS,
    MAX_CONTEXT_ELEMENTS,
    SECTION_CHARS,
    SlackMessage,
    context,
    header,
    section,
)


def test_a_risk_answer_is_the_briefings_message_type() -> None:
    """bot.slack's Reply is the same class the weekly briefing renders to."""
    assert Reply is SlackMessage
    assert Reply.plain("hi").to_json() == {"text": "hi", "blocks": [section("hi")]}


def test_a_section_is_cut_to_slacks_limit_and_verbatim() -> None:
    """A section's text never passes 3,000 characters and Slack never links inside it."""
    block = section("x" * 10_000)
    assert len(block["text"]["text"]) <= SECTION_CHARS
    assert block["text"]["verbatim"] is True


def test_a_context_keeps_slacks_element_count_and_length() -> None:
    """At most ten elements, each within its budget and Slack's 2,000 characters."""
    block = context(*(["y" * 5000] * 12))
    assert len(block["elements"]) == MAX_CONTEXT_ELEMENTS
    assert all(len(e["text"]) <= CONTEXT_CHARS for e in block["elements"])
    small = context("a" * 500, budget=300)
    assert len(small["elements"][0]["text"]) <= 300


def test_a_header_is_plain_text_cut_to_slacks_limit() -> None:
    """A header's text never passes Slack's 150 characters, which would refuse the message."""
    block = header("z" * 400)
    assert block["type"] == "header"
    assert block["text"]["type"] == "plain_text"
    assert len(block["text"]["text"]) <= HEADER_CHARS


def test_to_json_is_a_copy() -> None:
    """Changing the payload handed to Slack does not change the message."""
    message = SlackMessage.plain("hi")
    message.to_json()["blocks"][0]["text"]["text"] = "changed"
    assert message.blocks[0]["text"]["text"] == "hi"
