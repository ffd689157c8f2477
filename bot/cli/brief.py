"""``riskbrief brief``: the week's briefings written, or sent with ``--send``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli.common import (
    WeekParam,
    brief_all,
    engine_of,
    settings_of,
    show,
)
from briefing.week import IsoWeek
from data.clock import utcnow

if TYPE_CHECKING:
    pass

__all__ = ["brief"]


@click.command()
@click.option("--subscriber", default=None, help="Only this subscriber (its key).")
@click.option(
    "--week", type=WeekParam(), default=None, help="ISO week; default the last complete one."
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print and write the briefings without sending (what every run without --send does).",
)
@click.option(
    "--send",
    is_flag=True,
    help="Send the last complete week's briefings by Slack, email and Teams now, once each.",
)
@click.pass_context
def brief(
    ctx: click.Context,
    subscriber: str | None,
    week: IsoWeek | None,
    out: Path,
    dry_run: bool,
    send: bool,
) -> None:
    """Build briefings, print the first and write them to files; with --send, deliver them."""
    from bot.compose import make_narrator
    from bot.delivery import report_lines, send_now
    from bot.pages.links import briefing_links
    from bot.pipeline import score_all
    from data.config import load_org_config
    from data.store.engine import session_scope
    from data.store.org import sync_org
    from scoring.errors import DeliveryError

    if send and dry_run:
        raise click.UsageError(
            "--send delivers and --dry-run only writes the briefings; drop one of them"
        )
    if send and week is not None:
        raise click.UsageError("--send delivers the last complete week; drop --week")
    settings = settings_of(ctx)
    org = load_org_config(settings.config)
    engine = engine_of(settings)
    if send:
        with session_scope(engine) as session:
            sync_org(session, org)
            score_all(session, org)
        report = send_now(engine, settings, org, utcnow(), subscriber)
        click.echo("\n".join(report_lines(report)))
        if report.failures:
            raise DeliveryError(report.failures[0].detail)
        return
    with session_scope(engine) as session:
        sync_org(session, org)
        score_all(session, org)
        narrator, links = make_narrator(settings), briefing_links(settings)
        done = brief_all(session, org, utcnow(), out, week, subscriber, narrator, links)
    show(done, out)
