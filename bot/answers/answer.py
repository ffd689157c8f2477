"""An answer as every reader receives it: parts of lines, with no reader's markup in them.

A line is a tuple of spans. A ``str`` span is words, ours or from outside (a title,
a name), written as they are: a renderer escapes it for its reader (Slack's
mrkdwn), so the core never escapes anything; a title is an :class:`Outside` span, whose
formatting characters a reader shows as text. Our own words may mark a command as
code with backticks, which Slack, Markdown and a terminal all read alike; a key, an
id or a heading is a :class:`Code` or :class:`Strong` span, and a link is a
:class:`Link`, which each reader writes its own way (``<url|label>``,
``label (url)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TypeAlias

from briefing.narrative import Narrative
from briefing.payload import BriefingPayload
from briefing.week import IsoWeek
from data.scope import Scope

__all__ = [
    "Answer",
    "AnswerOutcome",
    "BriefingPart",
    "Button",
    "Choice",
    "Code",
    "Column",
    "Line",
    "Link",
    "Note",
    "Outside",
    "Paragraph",
    "Part",
    "Span",
    "Strong",
    "Table",
    "paragraph",
]


@dataclass(frozen=True, slots=True)
class Code:
    """An identifier shown as code: a change's key, a deploy's id, a command."""

    text: str


@dataclass(frozen=True, slots=True)
class Link:
    """A link to ``url`` labelled ``label``; a reader shows the label alone when the URL is
    missing or unsafe."""

    url: str | None
    label: str


@dataclass(frozen=True, slots=True)
class Strong:
    """Spans shown in bold: a heading, or the number an answer is about."""

    spans: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Outside:
    """Text from outside (a title) shown as it is: a reader whose markup it could form
    (Slack's ``*bold*``) makes it inert there."""

    text: str


Span: TypeAlias = str | Code | Link | Strong | Outside
Line: TypeAlias = tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Lines read together: facts, a list of changes, an explanation."""

    lines: tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class Note:
    """One line beside the answer rather than in it: a scope, where the numbers come from."""

    line: Line


@dataclass(frozen=True, slots=True)
class Button:
    """One answer to a :class:`Choice`: its label, the action it sends and that action's value
    (``primary`` marks the affirmative one)."""

    label: str
    action: str
    value: str
    primary: bool = False


@dataclass(frozen=True, slots=True)
class Choice:
    """A question the reader may answer by a button ("Was it acme/platform#4521?"); a reader
    without buttons (the terminal) leaves it out."""

    line: Line
    buttons: tuple[Button, ...]


@dataclass(frozen=True, slots=True)
class Column:
    """A table's column: its ``name`` as the header shows it, padded to ``width`` on the left
    (``right``) or the right."""

    name: str
    width: int = 0
    right: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """Numbers laid out in columns under a ``caption``; each row's cells are already written
    to their column's width, so a monospaced reader joins them with one space."""

    caption: Line
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class BriefingPart:
    """A week's briefing as the Monday one is made (payload and deterministic narrative), with
    the ``heading`` line a reader shows above it and the ``title`` its notification starts with.

    ``week``, ``timezone`` and ``scope`` are what a reader needs to ask for a card's details
    again (Slack's Details button).
    """

    title: str
    heading: Line
    payload: BriefingPayload
    narrative: Narrative
    week: IsoWeek
    timezone: str
    scope: Scope


Part: TypeAlias = Paragraph | Note | Table | Choice | BriefingPart


class AnswerOutcome(Enum):
    """Whether the question was answered, named nothing in the store, or did not parse."""

    ANSWERED = "answered"
    # Not in the store, or ambiguous: `riskbrief ask` prints it as its error and exits 1.
    NOT_FOUND = "not found"
    USAGE = "usage"


@dataclass(frozen=True, slots=True)
class Answer:
    """What a question gets back: its ``parts`` in order and a one-line ``summary`` (a chat's
    notification text); no summary means the first part's text stands for it."""

    parts: tuple[Part, ...]
    summary: Line | None = None
    outcome: AnswerOutcome = AnswerOutcome.ANSWERED

    @property
    def found(self) -> bool:
        """False when the answer says that what was asked about is not there, or did not parse."""
        return self.outcome is AnswerOutcome.ANSWERED


def paragraph(*lines: Line, outcome: AnswerOutcome = AnswerOutcome.ANSWERED) -> Answer:
    """An answer of one paragraph of ``lines``."""
    return Answer((Paragraph(lines),), outcome=outcome)
