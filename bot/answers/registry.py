"""Which handler answers which query, read from the ``/risk`` declaration: ``answer`` asks it.

A handler is a function of the question's context (``caller.Asked``) and its query,
returning an ``Answer``; each ``Command`` of ``grammar.COMMANDS`` carries its own, so a
question is declared once, and a test fails when a query of the ``Query`` union has no
command.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.answers.answer import Answer
from bot.answers.caller import Asked
from bot.answers.grammar import COMMANDS, answer_help
from bot.answers.queries import Query

__all__ = ["HANDLERS", "answer_help", "answer_query"]

# Each query's handler, by the query's type: read from the commands, never listed again.
HANDLERS: Mapping[type[Any], Callable[[Asked, Any], Answer]] = {
    c.query: c.handler for c in COMMANDS
}


def answer_query(asked: Asked, query: Query) -> Answer:
    """The answer to ``query``, by its command's handler."""
    return HANDLERS[type(query)](asked, query)
