"""The terminal's renderer and Slack's write one answer alike, each escaping in its own way."""

from __future__ import annotations

from bot.answers.answer import Answer, Code, Column, Link, Paragraph, Strong, Table
from bot.answers.text import answer_text
from bot.slack.render import slack_reply

HOSTILE = Answer(
    (
        Paragraph(
            (
                (Strong((Link("https://github.com/acme/web/pull/7", "<!channel> & co"),)),),
                ("• ", Code("acme/web#7"), " by <@U123>"),
                (Link("javascript:alert(1)", "click"),),
            )
        ),
        Table(("trend",), (Column("week", 6), Column("n", 3, right=True)), (("W47*", "  3"),)),
    )
)


def test_the_terminal_writes_outside_text_as_it_is_and_links_in_words() -> None:
    """A link is "label (url)", an unsafe one its label alone; nothing is escaped."""
    assert answer_text(HOSTILE) == (
        "*<!channel> & co (https://github.com/acme/web/pull/7)*\n"
        "• `acme/web#7` by <@U123>\n"
        "click\n\n"
        "trend\n```\nweek     n\nW47*   3\n```"
    )


def test_slack_escapes_every_span_and_keeps_only_safe_links() -> None:
    """In Block Kit the same answer mentions nobody and links only to the safe URL."""
    text = slack_reply(HOSTILE).blocks[0]["text"]["text"]
    assert text == (
        "*<https://github.com/acme/web/pull/7|&lt;!channel&gt; &amp; co>*\n"
        "• `acme/web#7` by &lt;@U123&gt;\n"
        "click"
    )
