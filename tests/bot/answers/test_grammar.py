"""The ``/risk`` declaration: one entry per command, from which the parser, the usage line,
``/risk help`` and the handler answering it are read."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

from bot.answers.answer import Answer, paragraph
from bot.answers.caller import Asked
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


@dataclass(frozen=True, slots=True)
class _PingQuery:
    """A throwaway question, asked by no reader of the product."""


def _ping(_catalog: Catalog, args: Sequence[str]) -> _PingQuery | None:
    return None if args else _PingQuery()


def _pong(_asked: Asked, _query: _PingQuery) -> Answer:
    return paragraph(("pong",))


# A declaration of the test's own, whose texts are pinned: the form of the usage line and help.
_OWN = (
    Command("ping", "[host]", "whether riskbrief answers", _PingQuery, _ping, _pong),
    Command("echo", "<a | b>", "say it back", _PingQuery, _ping, _pong, forms=("a", "b")),
    Command("quiet", "", "", _PingQuery, _ping, _pong),
    Command("hush", "", "", _PingQuery, _ping, _pong),
    Command("help", "", None, _PingQuery, _ping, _pong),
)


def test_the_usage_line_and_help_are_written_as_users_know_them() -> None:
    """Each command's syntax in order on one line; a line of help per command with words (its
    forms spelt out), then those needing none on one line, and ``help`` itself left out."""
    assert line_text(usage_line(_OWN)) == (
        "Usage: `/risk ping [host]` · `/risk echo <a | b>` · `/risk quiet` · `/risk hush` · "
        "`/risk help`"
    )
    assert [line_text(line) for line in help_lines(_OWN)] == [
        "*riskbrief* answers questions about delivery risk:",
        "• `/risk ping [host]`: whether riskbrief answers",
        "• `/risk echo a` or `/risk echo b`: say it back",
        "• `/risk quiet` · `/risk hush`",
    ]


def test_the_product_s_usage_and_help_name_every_command() -> None:
    """The product's usage line names every command in the declaration's order, and its help
    gives each its words: read from the entries, so a new command needs no text here."""
    usage = line_text(USAGE)
    at = [usage.index(f"`{c.syntax}`") for c in COMMANDS]
    assert at == sorted(at)
    shown = [line_text(line) for line in HELP]
    for c in COMMANDS:
        if c.help:
            assert any(c.help in line for line in shown), c.verb
        elif c.help == "":
            assert f"`{c.syntax}`" in shown[-1]
        else:
            assert not any(f"/risk {c.verb}" in line for line in shown[1:])


def test_every_query_has_one_command_and_every_verb_one_meaning() -> None:
    """Each question of the ``Query`` union is asked by exactly one command, verbs lower case."""
    verbs = [c.verb for c in COMMANDS]
    assert len(verbs) == len(set(verbs))
    assert all(v == v.lower() and " " not in v for v in verbs)
    assert sorted(c.query.__name__ for c in COMMANDS) == sorted(q.__name__ for q in get_args(Query))


def test_a_new_command_is_one_entry() -> None:
    """One more entry is parsed, shown in the usage line and given its line of help."""
    ping = Command("ping", "", "whether riskbrief answers", _PingQuery, _ping, _pong)
    commands = (*COMMANDS, ping)
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
    assert line_text(wrong.message) == f"I did not understand “prr x”. {line_text(USAGE)}"


def test_the_manifest_hints_only_declared_commands() -> None:
    """Slack's usage hint in ``slack/manifest.yml`` (a short copy Slack shows as one types)
    names only commands the declaration has."""
    manifest = Path(__file__).parents[3] / "slack" / "manifest.yml"
    hint = re.search(r'usage_hint: "([^"]+)"', manifest.read_text(encoding="utf-8"))
    assert hint is not None
    hinted = {part.split()[0] for part in hint[1].split(" · ")}
    assert hinted <= {c.verb for c in COMMANDS}
