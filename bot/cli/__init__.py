"""The ``riskbrief`` command line: one module per command, registered on one group.

Every command imports what it needs inside its own function, so ``riskbrief
--help`` and a command that touches no store do not pay for SQLAlchemy,
Alembic or pydantic (``bench/cli_start.py``). Adding a command is a module
here and one line below.
"""

from __future__ import annotations

import os
import sys

import click

from bot.cli.ask import ask
from bot.cli.backtest import backtest
from bot.cli.brief import brief
from bot.cli.calibrate import calibrate_cmd
from bot.cli.check import check
from bot.cli.common import OneLineErrors
from bot.cli.coverage import coverage
from bot.cli.db import db
from bot.cli.demo import demo
from bot.cli.deploy import deploy
from bot.cli.doctor import doctor
from bot.cli.init import init
from bot.cli.mcp import mcp
from bot.cli.quickstart import quickstart
from bot.cli.score import score
from bot.cli.serve import serve
from bot.cli.sync import sync
from bot.cli.web import web

__all__ = ["main"]


# `-h` as well as `--help`, on every command (subcommands inherit it); lines up to
# 100 columns where the terminal has them, so no command's help line is cut short.
_CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(cls=OneLineErrors, context_settings=_CONTEXT)
@click.version_option(package_name="riskbrief")
@click.pass_context
def main(ctx: click.Context) -> None:
    """riskbrief: where delivery risk is concentrating this week, and what to do.

    Every command reads riskbrief.toml from the current directory (or the file
    RISKBRIEF_CONFIG names) and the store from RISKBRIEF_DATABASE_URL (default
    sqlite:///riskbrief.db; a relative file lies beside riskbrief.toml). `riskbrief
    quickstart PATH` writes both for a local clone.
    """
    # `init` and a subcommand's help need no settings: loading them costs half a second.
    # Click has consumed the subcommand's arguments by now; the process's own are left.
    if ctx.invoked_subcommand == "init" or {"-h", "--help"} & set(sys.argv[1:]):
        return
    from bot.checks.registry import check_secret_forms
    from bot.logs import configure_logging, secret_values
    from bot.settings import load_settings

    settings = load_settings()
    # The code hosts' checks read their secrets themselves: a malformed one is refused here,
    # by every command, as a setting of ``Settings`` is.
    check_secret_forms(os.environ)
    configure_logging(settings.log_level, secret_values(settings))
    ctx.obj = settings


def _first_sentence(command: click.Command) -> str:
    """The first sentence of a command's help, whole: click would cut it to the terminal."""
    text = " ".join((command.help or "").split("\n\n")[0].split())
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


for _command in (
    ask,
    backtest,
    brief,
    calibrate_cmd,
    check,
    coverage,
    db,
    demo,
    deploy,
    doctor,
    init,
    mcp,
    quickstart,
    score,
    serve,
    sync,
    web,
):
    # Set here, once: the list of commands wraps a long line instead of cutting it.
    _command.short_help = _command.short_help or _first_sentence(_command)
    main.add_command(_command)
