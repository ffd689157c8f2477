"""The ``/risk`` commands, declared once: each verb, its arguments, its line of help, the query
it asks, how its words are read and the handler answering it.

The parser (``parse_query`` for Slack's text, ``parse_words`` for ``riskbrief ask``'s
arguments), the usage line (``USAGE``), ``/risk help``'s text (``HELP``), what
``riskbrief ask`` refuses (``Command.on_member``) and which handler answers a query
(``registry.answer_query``) are all read from ``COMMANDS``, so a new command is one entry here
(with its query in ``queries`` and its handler in a module of ``bot.answers`` named for what
it answers). No reader: Slack, the terminal and MCP import this, never the other way round.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from bot.answers.agents import answer_agents
from bot.answers.answer import Answer, Code, Line, Strong, paragraph
from bot.answers.briefs import answer_brief
from bot.answers.caller import Asked
from bot.answers.changes import answer_change
from bot.answers.deploys import answer_deploy
from bot.answers.incidents import answer_incident
from bot.answers.parse import (
    Catalog,
    Usage,
    change_query,
    email_of,
    said,
    scope_of,
    timezone_of,
    unknown_name,
    unquoted,
)
from bot.answers.plans import answer_plan
from bot.answers.queries import (
    AGENT_WEEKS,
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
from briefing.week import IsoWeek
from scoring.errors import RiskbriefError

__all__ = [
    "COMMANDS",
    "HELP",
    "USAGE",
    "Command",
    "answer_help",
    "help_lines",
    "parse_query",
    "parse_words",
    "usage_line",
]

Q = TypeVar("Q")


@dataclass(frozen=True, slots=True)
class Command(Generic[Q]):
    """One ``/risk`` command: mypy checks that its reader and its handler agree on its query.

    ``read`` takes the catalog and the words after the verb and answers its query, a usage,
    or ``None`` when the words are none of its forms (the usage line answers then);
    ``handler`` answers that query (``registry.answer_query`` dispatches by the query's type).
    ``arguments`` are written as the usage line shows them after the verb ("" for none);
    ``forms`` spell alternatives out for ``/risk help`` (``latest <service>``, ``<id>``).
    ``help`` is its line in ``/risk help``: "" names it alone on the last line (it needs no
    words), ``None`` leaves it out (``help`` itself). ``on_member``: it acts on the Slack
    member who typed it, so a terminal, which has none, refuses it."""

    verb: str
    arguments: str
    help: str | None
    query: type[Q]
    read: Callable[[Catalog, Sequence[str]], Q | Usage | None]
    handler: Callable[[Asked, Q], Answer]
    forms: tuple[str, ...] = ()
    on_member: bool = False

    @property
    def syntax(self) -> str:
        """``/risk <verb> <arguments>``, as the usage line writes it."""
        return f"/risk {self.verb} {self.arguments}".rstrip()


def _bare(query: Callable[[], Q]) -> Callable[[Catalog, Sequence[str]], Q | None]:
    """The reader of a command taking no words: any word after it is not understood."""
    return lambda _catalog, args: None if args else query()


def _brief(catalog: Catalog, args: Sequence[str]) -> BriefQuery | Usage:
    if not args:
        return BriefQuery()
    scope = scope_of(catalog, [" ".join(args)])
    return scope if isinstance(scope, Usage) else BriefQuery(scope)


# A word that means a week, to tell it from a team's or service's name.
_WEEKISH = re.compile(r"^\d{4}-[wW]\d{1,2}$")


def _plan(catalog: Catalog, args: Sequence[str]) -> PlanQuery | Usage:
    words = list(args)
    week: IsoWeek | None = None
    if words and _WEEKISH.match(words[-1]):
        try:
            week = IsoWeek.parse(words.pop().upper())
        except RiskbriefError:
            return Usage(("That is not an ISO week; write it as 2026-W47. ", *USAGE))
    brief = _brief(catalog, words)
    return brief if isinstance(brief, Usage) else PlanQuery(brief.scope, week)


def _agents(catalog: Catalog, args: Sequence[str]) -> AgentsQuery | Usage:
    words = list(args)
    weeks = AGENT_WEEKS[0]
    lowered = [w.lower() for w in words]
    if "weeks" in lowered:
        at = lowered.index("weeks")
        value = words[at + 1] if at + 1 < len(words) else ""
        low, high = AGENT_WEEKS[1], AGENT_WEEKS[2]
        if not value.isdigit() or not low <= int(value) <= high:
            return Usage(
                (Code("weeks"), f" takes a number of weeks from {low} to {high}. ", *USAGE)
            )
        weeks = int(value)
        del words[at : at + 2]
    if not words:
        return AgentsQuery(weeks=weeks)
    scope = scope_of(catalog, [" ".join(words)])
    return scope if isinstance(scope, Usage) else AgentsQuery(scope, weeks)


def _change(catalog: Catalog, args: Sequence[str]) -> ChangeQuery | Usage | None:
    return change_query(args[0], catalog.read_change) if len(args) == 1 else None


def _service(catalog: Catalog, args: Sequence[str]) -> ServiceQuery | Usage | None:
    if not args:
        return None
    name = " ".join(args)
    found = catalog.resolve(name)
    if found is None or found[0] != "service":
        return unknown_name(catalog, name, ("service",))
    return ServiceQuery(found[1])


def _deploy(catalog: Catalog, args: Sequence[str]) -> DeployQuery | Usage | None:
    if not args:
        return None
    if args[0].lower() == "latest":
        if len(args) < 2:
            return Usage(("Name the service: `/risk deploy latest <service>`. ", *USAGE))
        name = " ".join(args[1:])
        found = catalog.resolve(name)
        if found is None or found[0] != "service":
            return unknown_name(catalog, name, ("service",))
        return DeployQuery(service=found[1])
    if len(args) == 1 and unquoted(args[0]):
        return DeployQuery(deploy=unquoted(args[0]))
    return None


def _incident(_catalog: Catalog, args: Sequence[str]) -> IncidentQuery | None:
    key = unquoted(args[0]) if len(args) == 1 else ""
    return IncidentQuery(key) if key else None


def _subscribe(catalog: Catalog, args: Sequence[str]) -> SubscribeQuery | Usage:
    names: list[str] = []
    email: str | None = None
    timezone: str | None = None
    rest = list(args)
    while rest:
        word = rest.pop(0)
        if word.lower() in ("email", "tz"):
            if not rest:
                return Usage((Code(word.lower()), " needs a value. ", *USAGE))
            value = rest.pop(0)
            if word.lower() == "email":
                checked = email_of(value)
                if isinstance(checked, Usage):
                    return checked
                email = checked
            else:
                zone = timezone_of(value)
                if isinstance(zone, Usage):
                    return zone
                timezone = zone
        else:
            names.append(word)
    scope = scope_of(catalog, names) if names else None
    if isinstance(scope, Usage):
        return scope
    return SubscribeQuery(scope=scope, email=email, timezone=timezone)


def answer_help(_asked: Asked, _query: HelpQuery) -> Answer:
    """``/risk help``: what can be asked (readers answer it before a store is opened, too)."""
    return paragraph(*HELP)


# In the order the usage line and ``/risk help`` list them.
COMMANDS: tuple[Command[Any], ...] = (
    Command(
        "brief",
        "[team|service]",
        "this week so far, for your scope or the one named",
        BriefQuery,
        _brief,
        answer_brief,
    ),
    Command(
        "plan",
        "[team|service] [week]",
        "the open and just-merged changes to review first (of a week such as 2026-W47: the "
        "plan its briefing lists): the most predicted risk per line of code, each with its "
        "uncovered owners and what would lower it",
        PlanQuery,
        _plan,
        answer_plan,
    ),
    Command(
        "pr",
        "<url | owner/repo#123 | group/project!123 | sha>",
        "a change's score, band, signals and gates (a commit's sha, short or full, for a "
        "change without a pull or merge request)",
        ChangeQuery,
        _change,
        answer_change,
    ),
    Command(
        "service",
        "<name>",
        "a service's last 8 weeks, riskiest changes, MTTR and CFR",
        ServiceQuery,
        _service,
        answer_service,
    ),
    Command(
        "deploy",
        "<latest <service> | id>",
        "a deploy's risk and what it shipped",
        DeployQuery,
        _deploy,
        answer_deploy,
        forms=("latest <service>", "<id>"),
    ),
    Command(
        "incident",
        "<id>",
        "the changes most likely behind an incident, and why",
        IncidentQuery,
        _incident,
        answer_incident,
    ),
    Command(
        "agents",
        "[team|service] [weeks <n>]",
        "what became of AI agents' changes by kind of work (reverted, linked to an incident, "
        "later fixed, per 1,000 lines of code) beside people's, over 12 weeks or the ones asked",
        AgentsQuery,
        _agents,
        answer_agents,
    ),
    Command(
        "subscribe",
        "[team|service …] [email <address>] [tz <Area/City>]",
        "get the weekly briefing (no names: the whole organisation; "
        "time zone: your Slack profile's)",
        SubscribeQuery,
        _subscribe,
        answer_subscribe,
        on_member=True,
    ),
    Command(
        "unsubscribe",
        "",
        "",
        UnsubscribeQuery,
        _bare(UnsubscribeQuery),
        answer_unsubscribe,
        on_member=True,
    ),
    Command(
        "settings", "", "", SettingsQuery, _bare(SettingsQuery), answer_settings, on_member=True
    ),
    Command("help", "", None, HelpQuery, _bare(HelpQuery), answer_help),
)


def usage_line(commands: Sequence[Command[Any]]) -> Line:
    """Every command's syntax on one line, as a malformed command is answered."""
    return ("Usage: " + " · ".join(f"`{c.syntax}`" for c in commands),)


def help_lines(commands: Sequence[Command[Any]]) -> tuple[Line, ...]:
    """``/risk help``: a line per command that says what it does, then those needing no words."""
    lines: list[Line] = [(Strong(("riskbrief",)), " answers questions about delivery risk:")]
    for c in commands:
        if c.help:
            shown = " or ".join(f"`/risk {c.verb} {form}`" for form in c.forms) or f"`{c.syntax}`"
            lines.append((f"• {shown}: {c.help}",))
    named = [f"`{c.syntax}`" for c in commands if c.help == ""]
    if named:
        lines.append(("• " + " · ".join(named),))
    return tuple(lines)


USAGE: Line = usage_line(COMMANDS)
HELP: tuple[Line, ...] = help_lines(COMMANDS)


def parse_words(
    words: Sequence[str],
    catalog: Catalog,
    commands: Sequence[Command[Any]] = COMMANDS,
    member_catalog: Catalog | None = None,
) -> Query | Usage:
    """Read a command's words (``riskbrief ask pr owner/repo#1``'s arguments); text pasted from
    Slack keeps its ``/risk`` (or ``risk``): the command follows it. No words ask for help;
    words no command reads are answered with the usage line.

    ``catalog`` holds the names the caller may ask about (``asked.own_catalog``);
    ``member_catalog``, when given, those a command acting on the member (``subscribe``)
    may name."""
    if words and words[0].lower() in ("/risk", "risk"):
        words = words[1:]
    if not words:
        return HelpQuery()
    verb, args = words[0].lower(), words[1:]
    command = next((c for c in commands if c.verb == verb), None)
    names = member_catalog if command is not None and command.on_member else None
    read = command.read(names or catalog, args) if command is not None else None
    if read is None:
        said_back = said(" ".join(words))
        return Usage(("I did not understand “", said_back, "”. ", *usage_line(commands)))
    answer: Query | Usage = read
    return answer


def parse_query(
    text: str, catalog: Catalog, member_catalog: Catalog | None = None
) -> Query | Usage:
    """Parse what followed ``/risk``; anything malformed is a :class:`Usage`."""
    return parse_words(text.split(), catalog, member_catalog=member_catalog)
