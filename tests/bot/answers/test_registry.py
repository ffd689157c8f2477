"""The registry: every query of the ``Query`` union is answered by its command's handler."""

from __future__ import annotations

import typing
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.answers.answer import AnswerOutcome, Paragraph
from bot.answers.caller import Asked, Caller, Profile
from bot.answers.grammar import COMMANDS, HELP
from bot.answers.queries import ChangeQuery, HelpQuery, Query
from bot.answers.registry import HANDLERS, answer_query
from data.sources.sample import sample_org_config

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def test_every_query_has_one_handler() -> None:
    """A query added to ``Query`` without a command carrying its handler fails here, not in
    Slack; and each command's own handler is the one its query reaches."""
    assert sorted(HANDLERS, key=str) == sorted(typing.get_args(Query), key=str)
    assert len(HANDLERS) == len(COMMANDS)
    assert all(HANDLERS[c.query] is c.handler for c in COMMANDS)


def test_help_is_the_help_text(engine: Engine) -> None:
    """``/risk help`` is answered with the parser's help lines, whatever the store holds."""
    with Session(engine) as session:
        caller = Caller("U1", lambda: Profile("U1", "Sam"))
        got = answer_query(Asked(session, sample_org_config(), caller, NOW), HelpQuery())
    assert got.parts == (Paragraph(HELP),)


def test_an_unknown_change_is_not_found(engine: Engine) -> None:
    """A key the store does not hold is a not-found answer, which `riskbrief ask` exits 1 on."""
    with Session(engine) as session:
        caller = Caller("U1", lambda: Profile("U1", "Sam"))
        asked = Asked(session, sample_org_config(), caller, NOW)
        got = answer_query(asked, ChangeQuery("acme/platform#1"))
    assert got.outcome is AnswerOutcome.NOT_FOUND
    assert not got.found
