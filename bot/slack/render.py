"""An answer as Slack Block Kit: the one place ``/risk`` answers become blocks.

Every ``str`` and ``Code`` span is escaped for mrkdwn here (``briefing.render.escape``),
so outside text can never become a mention, a ``<!channel>`` or a link; an ``Outside``
span and a link's label are made ``inert`` too (their ``*``, ``_``, ``~`` and backticks
format nothing); a ``Link`` is written by ``escape.link``, which drops an unsafe URL.
Every mrkdwn text object is ``verbatim``. A paragraph is a section,
a note a context block, a table a section with a code block, and a briefing the
Monday briefing's own blocks (``briefing.render.slack``) under its heading, each
card's Details button naming the week and scope it showed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.answers.answer import (
    Answer,
    BriefingPart,
    Choice,
    Code,
    Line,
    Link,
    Note,
    Outside,
    Paragraph,
    Part,
    Span,
    Strong,
    Table,
)
from bot.answers.text import table_text
from bot.slack.reply import Reply, context, section
from briefing.render.escape import inert, link, mrkdwn
from briefing.render.slack import MAX_BLOCKS, render_slack
from briefing.week import IsoWeek
from data.scope import Scope

__all__ = [
    "DETAILS_ACTION",
    "HELPFUL_ACTION",
    "UNHELPFUL_ACTION",
    "CardRef",
    "slack_reply",
    "slack_text",
    "with_feedback",
]

DETAILS_ACTION = "card_details"
# The 👍 and 👎 under each answer in the assistant pane or a DM.
HELPFUL_ACTION = "answer_helpful"
UNHELPFUL_ACTION = "answer_unhelpful"
# Room in a button's value for the question it answered: JSON escapes a character to six
# at most, and Slack allows 2,000.
_ASKED_CHARS = 300


@dataclass(frozen=True, slots=True)
class CardRef:
    """Which card a Details button is about: the card, its week, scope and time zone."""

    card: str
    week: str
    timezone: str
    scope: Scope

    def to_value(self) -> str:
        """The button's value."""
        return json.dumps(
            {
                "card": self.card,
                "week": self.week,
                "tz": self.timezone,
                "teams": list(self.scope.teams),
                "services": list(self.scope.services),
            },
            separators=(",", ":"),
        )

    @staticmethod
    def from_value(value: str) -> CardRef | None:
        """The reference in a button value made by :meth:`to_value`, else ``None``."""
        try:
            data = json.loads(value)
            return CardRef(
                card=str(data["card"]),
                week=str(data["week"]),
                timezone=str(data["tz"]),
                scope=Scope.of(map(str, data["teams"]), map(str, data["services"])),
            )
        except (ValueError, KeyError, TypeError):
            return None


def _span(span: Span) -> str:
    if isinstance(span, str):
        return mrkdwn(span)
    if isinstance(span, Code):
        return f"`{mrkdwn(span.text)}`"
    if isinstance(span, Strong):
        return f"*{''.join(_span(s) for s in span.spans)}*"
    if isinstance(span, Outside):
        return inert(mrkdwn(span.text))
    assert isinstance(span, Link)
    return link(span.url, span.label)


def slack_text(line: Line) -> str:
    """One line as mrkdwn, every span escaped."""
    return "".join(_span(s) for s in line)


def _with_refs(
    blocks: Sequence[dict[str, Any]], week: IsoWeek, timezone: str, scope: Scope
) -> list[dict[str, Any]]:
    """The blocks with each Details button's value naming its week and scope too.

    The rendered briefing's buttons carry only the card id; a "this week so far"
    answer is stored nowhere, so the button must say which week and scope it showed.
    """
    out: list[dict[str, Any]] = []
    for block in blocks:
        accessory = block.get("accessory")
        if isinstance(accessory, dict) and accessory.get("action_id") == DETAILS_ACTION:
            ref = CardRef(str(accessory["value"]), week.id, timezone, scope)
            block = {**block, "accessory": {**accessory, "value": ref.to_value()}}
        out.append(block)
    return out


def _briefing(part: BriefingPart) -> Reply:
    message = render_slack(part.payload, part.narrative)
    blocks = _with_refs(message.blocks, part.week, part.timezone, part.scope)
    if len(blocks) < MAX_BLOCKS:
        blocks.insert(0, context(slack_text(part.heading)))
    return Reply(text=f"{part.title}: {message.text}", blocks=tuple(blocks))


def _part(part: Part) -> Reply:
    """One part as blocks, with the text that stands for it in a notification."""
    if isinstance(part, Paragraph):
        return Reply.plain("\n".join(slack_text(line) for line in part.lines))
    if isinstance(part, Note):
        text = slack_text(part.line)
        return Reply(text=text, blocks=(context(text),))
    if isinstance(part, Table):
        # Only numbers, week ids and bars go in the code block; escaped all the same.
        return Reply.plain(slack_text(part.caption) + table_text(part, mrkdwn))
    if isinstance(part, Choice):
        return _choice(part)
    return _briefing(part)


def _choice(part: Choice) -> Reply:
    """The question's line, then its buttons in one actions block."""
    text = slack_text(part.line)
    buttons = [
        {
            "type": "button",
            "text": {"type": "plain_text", "text": b.label[:75]},
            "action_id": b.action,
            "value": b.value[:2000],
            **({"style": "primary"} if b.primary else {}),
        }
        for b in part.buttons
    ]
    return Reply(
        text=text,
        blocks=(
            section(text),
            {"type": "actions", "elements": buttons},
        ),
    )


def slack_reply(answer: Answer) -> Reply:
    """The answer as a Slack message: its parts' blocks, and its summary as the notification."""
    parts = [_part(p) for p in answer.parts]
    blocks = tuple(b for p in parts for b in p.blocks)
    if answer.summary is not None:
        text = slack_text(answer.summary)
    else:
        text = parts[0].text if parts else ""
    return Reply(text=text, blocks=blocks)


def with_feedback(reply: Reply, asked: str) -> Reply:
    """``reply`` with 👍 and 👎 buttons under it, their value the question ``asked`` (cut to
    fit); a reply already at Slack's 50 blocks gives up its last one for them."""
    value = json.dumps({"asked": asked[:_ASKED_CHARS]}, separators=(",", ":"), ensure_ascii=False)
    buttons = [
        {
            "type": "button",
            "text": {"type": "plain_text", "text": label, "emoji": True},
            "action_id": action,
            "value": value,
        }
        for label, action in (("👍 Helpful", HELPFUL_ACTION), ("👎 Not helpful", UNHELPFUL_ACTION))
    ]
    feedback = {"type": "actions", "block_id": "answer_feedback", "elements": buttons}
    return Reply(text=reply.text, blocks=(*reply.blocks[: MAX_BLOCKS - 1], feedback))
