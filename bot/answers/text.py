"""An answer as plain text for a terminal: what ``riskbrief ask`` prints.

Written from the answer's parts: a link is "label (url)", code keeps its backticks and
a heading its asterisks, as Slack's source text shows them, and outside text is
written as it is (with invisible characters removed), never escaped.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.answers.answer import (
    Answer,
    BriefingPart,
    Choice,
    Code,
    Line,
    Note,
    Outside,
    Paragraph,
    Part,
    Span,
    Strong,
    Table,
)
from briefing.render.email import render_text
from briefing.render.escape import neutralise, one_line, safe_url

__all__ = ["answer_text", "line_text", "table_text"]


def _span(span: Span) -> str:
    if isinstance(span, str):
        return neutralise(span)
    if isinstance(span, Code):
        return f"`{neutralise(span.text)}`"
    if isinstance(span, Strong):
        return f"*{''.join(_span(s) for s in span.spans)}*"
    if isinstance(span, Outside):
        return neutralise(span.text)
    label = neutralise(one_line(span.label))
    url = safe_url(span.url)
    return label if url is None else f"{label or url} ({url})"


def line_text(line: Line) -> str:
    """One line as plain text."""
    return "".join(_span(s) for s in line)


def table_text(table: Table, cell: Callable[[str], str]) -> str:
    """A table as a monospaced block to follow its caption: the header, then a row per line,
    each cell written by ``cell`` (a reader's escaping)."""
    header = " ".join(
        f"{c.name:>{c.width}}" if c.right else f"{c.name:<{c.width}}" for c in table.columns
    ).rstrip()
    rows = "\n".join(" ".join(cell(x) for x in row) for row in table.rows)
    return f"\n```\n{header}\n{rows}\n```"


def _briefing_text(part: BriefingPart) -> str:
    """The briefing as plain text: the email's text part (``briefing.render.email``), which
    is written to be read as text, under the answer's heading."""
    return f"{line_text(part.heading)}\n\n{render_text(part.payload, part.narrative).strip()}"


def _part(part: Part) -> str:
    if isinstance(part, Paragraph):
        return "\n".join(line_text(line) for line in part.lines)
    if isinstance(part, Note):
        return line_text(part.line)
    if isinstance(part, Table):
        return line_text(part.caption) + table_text(part, neutralise)
    if isinstance(part, Choice):
        # The terminal has no buttons to answer it with.
        return ""
    return _briefing_text(part)


def answer_text(answer: Answer) -> str:
    """The answer's parts as text, one paragraph each."""
    return "\n\n".join(t for part in answer.parts if (t := _part(part)))
