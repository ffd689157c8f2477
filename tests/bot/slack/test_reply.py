"""A reply keeps within Slack's limits whoever builds it."""

from __future__ import annotations

from bot.slack.reply import NOTIFICATION_CHARS, Reply


def test_a_notification_text_naming_a_huge_outside_string_is_cut() -> None:
    """A deploy answer naming a 100,000-character service is cut to a notification's length."""
    reply = Reply(text="Checkout " + "x" * 100_000 + " deploy of Fri 10:35")
    assert len(reply.text) <= NOTIFICATION_CHARS
    assert reply.text.startswith("Checkout x")
    assert reply.to_json()["text"] == reply.text


def test_a_short_notification_text_is_kept_whole() -> None:
    """An ordinary answer's text is not touched."""
    assert Reply(text="risk 80, very high").text == "risk 80, very high"
