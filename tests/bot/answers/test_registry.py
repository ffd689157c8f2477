"""The registry: every query of the ``Query`` union has its handler, and answers reach it."""

from __future__ import annotations

import typing
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.answers.answer import AnswerOutcome, Paragraph
from bot.answers.caller import Asked, Caller, Profile
from bot.answers.grammar import HELP
from bot.answers.queries import ChangeQuery, HelpQuery, Query
from bot.answers.registry import HANDLERS, answer
from data.sources.sample import sample_org_config

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def test_every_query_has_one_handler() -> None:
    """A query added to ``Query`` without its entry in ``HANDLERS`` fails here, not in Slack."""
    handled = [h.query for h in HANDLERS]
    assert sorted(handled, key=str) == sorted(typing.get_args(Query), key=str)
    assert len(set(handled)) == len(handled)


def test_help_is_the_help_text(engine: Engine) -> None:
    """``/risk help`` is answered with the parser's help lines, whatever the store holds."""
    with Session(engine) as session:
        caller = Caller("U1", lambda: Profile("U1", "Sam"))
        got = answer(Asked(session, sample_org_config(), caller, NOW), HelpQuery())
    assert got.parts == (Paragraph(HELP),)


def test_an_unknown_change_is_not_found(engine: Engine) -> None:
    """A key the store does not hold is a not-found answer, which `riskbrief ask` exits 1 on."""
    with Session(engine) as session:
        caller = Caller("U1", lambda: Profile("U1", "Sam"))
        asked = Asked(session, sample_org_config(), caller, NOW)
        got = answer(asked, ChangeQuery("acme/platform#1"))
    assert got.outcome is AnswerOutcome.NOT_FOUND
    assert not got.found
