"""The ``/risk`` declaration: one entry per command, from which the parser, the usage line and
``/risk help`` are read, their texts as users have always seen them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

from bot.answers.grammar import (
    COMMANDS,
    HELP,
    USAGE,
    Command,
    help_lines,
    parse_query,
    parse_words,
    usage_line,
)
from bot.answers.parse import Catalog, Usage
from bot.answers.queries import BriefQuery, Query
from bot.answers.text import line_text

CATALOG = Catalog(teams={"commerce": "Commerce"}, services={"payments": "Payments"})

USAGE_TEXT = (
    "Usage: `/risk brief [team|service]` · `/risk plan [team|service] [week]` · "
    "`/risk pr <url | owner/repo#123 | group/project!123 | sha>` · "
    "`/risk service <name>` · `/risk deploy <latest <service> | id>` · "
    "`/risk incident <id>` · `/risk agents [team|service] [weeks <n>]` · "
    "`/risk subscribe [team|service …] [email <address>] [tz <Area/City>]` · "
    "`/risk unsubscribe` · `/risk settings` · `/risk help`"
)

HELP_TEXT = [
    "*riskbrief* answers questions about delivery risk:",
    "• `/risk brief [team|service]`: this week so far, for your scope or the one named",
    "• `/risk plan [team|service] [week]`: the open and just-merged changes to review first (of "
    "a week such as 2026-W47: the plan its briefing lists): the most predicted risk per line of "
    "code, each with its uncovered owners and what would lower it",
    "• `/risk pr <url | owner/repo#123 | group/project!123 | sha>`: a change's score, band, "
    "signals and gates (a commit's sha, short or full, for a change without a pull or merge "
    "request)",
    "• `/risk service <name>`: a service's last 8 weeks, riskiest changes, MTTR and CFR",
    "• `/risk deploy latest <service>` or `/risk deploy <id>`: a deploy's risk and what it shipped",
    "• `/risk incident <id>`: the changes most likely behind an incident, and why",
    "• `/risk agents [team|service] [weeks <n>]`: what became of AI agents' changes by kind of "
    "work (reverted, linked to an incident, later fixed, per 1,000 lines of code) beside "
    "people's, over 12 weeks or the ones asked",
    "• `/risk subscribe [team|service …] [email <address>] [tz <Area/City>]`: get the weekly "
    "briefing (no names: the whole organisation; time zone: your Slack profile's)",
    "• `/risk unsubscribe` · `/risk settings`",
]


def test_the_usage_line_and_help_read_as_they_always_have() -> None:
    """The usage line and ``/risk help`` made from the declaration are the texts users know."""
    assert line_text(USAGE) == USAGE_TEXT
    assert [line_text(line) for line in HELP] == HELP_TEXT


def test_every_query_has_one_command_and_every_verb_one_meaning() -> None:
    """Each question of the ``Query`` union is asked by exactly one command, verbs lower case."""
    verbs = [c.verb for c in COMMANDS]
    assert len(verbs) == len(set(verbs))
    assert all(v == v.lower() and " " not in v for v in verbs)
    assert sorted(c.query.__name__ for c in COMMANDS) == sorted(q.__name__ for q in get_args(Query))


@dataclass(frozen=True, slots=True)
class _PingQuery:
    """A throwaway question, asked by no reader of the product."""


def _ping(_catalog: Catalog, args: Sequence[str]) -> _PingQuery | None:
    return None if args else _PingQuery()


def test_a_new_command_is_one_entry() -> None:
    """One more entry is parsed, shown in the usage line and given its line of help."""
    commands = (*COMMANDS, Command("ping", "", "whether riskbrief answers", _PingQuery, _ping))
    # The product's parse answers its ``Query`` union; a test's own entry answers its own.
    pinged: object = parse_words(["ping"], CATALOG, commands)
    assert pinged == _PingQuery()
    assert line_text(usage_line(commands)).endswith("`/risk help` · `/risk ping`")
    assert "• `/risk ping`: whether riskbrief answers" in [
        line_text(x) for x in help_lines(commands)
    ]
    refused = parse_words(["ping", "now"], CATALOG, commands)
    assert isinstance(refused, Usage)
    assert line_text(refused.message).endswith("`/risk help` · `/risk ping`")


def test_words_and_text_read_alike() -> None:
    """``riskbrief ask``'s words and Slack's text are one parser: a pasted ``/risk`` is skipped,
    no words ask for help, and words no command reads are answered with the usage line."""
    assert parse_words(["/risk", "brief", "Commerce"], CATALOG) == parse_query(
        "  /RISK brief\tCommerce ", CATALOG
    )
    assert parse_query("brief", CATALOG) == BriefQuery()
    assert parse_words([], CATALOG) == parse_query("risk", CATALOG)
    wrong = parse_words(["prr", "x"], CATALOG)
    assert isinstance(wrong, Usage)
    assert line_text(wrong.message) == f"I did not understand “prr x”. {USAGE_TEXT}"


def test_the_manifest_hints_only_declared_commands() -> None:
    """Slack's usage hint in ``slack/manifest.yml`` (a short copy Slack shows as one types)
    names only commands the declaration has."""
    manifest = Path(__file__).parents[3] / "slack" / "manifest.yml"
    hint = re.search(r'usage_hint: "([^"]+)"', manifest.read_text(encoding="utf-8"))
    assert hint is not None
    hinted = {part.split()[0] for part in hint[1].split(" · ")}
    assert hinted <= {c.verb for c in COMMANDS}
