"""Which handler answers which query: one entry per question, and ``answer`` to ask it.

A handler is a function of the question's context (``caller.Asked``) and its query,
returning an ``Answer``. Adding a question is its query (``queries``), its handler
and one entry in ``HANDLERS``; a test fails when a query of the ``Query`` union has
no entry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from bot.answers.agents import answer_agents
from bot.answers.answer import Answer, paragraph
from bot.answers.briefs import answer_brief
from bot.answers.caller import Asked
from bot.answers.changes import answer_change
from bot.answers.deploys import answer_deploy
from bot.answers.grammar import HELP
from bot.answers.incidents import answer_incident
from bot.answers.plans import answer_plan
from bot.answers.queries import (
    AgentsQuery,
    BriefQuery,
    ChangeQuery,
    DeployQuery,
    HelpQuery,
    IncidentQuery,
    PlanQuery,
    Query,
    ServiceQuery,
    SettingsQuery,
    SubscribeQuery,
    UnsubscribeQuery,
)
from bot.answers.services import answer_service
from bot.answers.subscriptions import answer_settings, answer_subscribe, answer_unsubscribe

__all__ = ["HANDLERS", "Handler", "answer", "answer_help"]

Q = TypeVar("Q")


@dataclass(frozen=True, slots=True)
class Handler(Generic[Q]):
    """The function answering queries of type ``query``: mypy checks that the two agree."""

    query: type[Q]
    answer: Callable[[Asked, Q], Answer]


def answer_help(_asked: Asked, _query: HelpQuery) -> Answer:
    """``/risk help``: what can be asked (readers answer it before a store is opened, too)."""
    return paragraph(*HELP)


HANDLERS: tuple[Handler[Any], ...] = (
    Handler(HelpQuery, answer_help),
    Handler(BriefQuery, answer_brief),
    Handler(ChangeQuery, answer_change),
    Handler(ServiceQuery, answer_service),
    Handler(DeployQuery, answer_deploy),
    Handler(IncidentQuery, answer_incident),
    Handler(PlanQuery, answer_plan),
    Handler(AgentsQuery, answer_agents),
    Handler(SubscribeQuery, answer_subscribe),
    Handler(UnsubscribeQuery, answer_unsubscribe),
    Handler(SettingsQuery, answer_settings),
)

_BY_QUERY: Mapping[type[Any], Handler[Any]] = {h.query: h for h in HANDLERS}


def answer(asked: Asked, query: Query) -> Answer:
    """The answer to ``query``, by its handler."""
    return _BY_QUERY[type(query)].answer(asked, query)
