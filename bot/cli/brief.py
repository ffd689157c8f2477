"""``riskbrief brief``: the week's briefings written, or sent with ``--send``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli.common import (
    WeekParam,
    active_subscribers,
    brief_all,
    default_weeks,
    engine_of,
    settings_of,
    show,
)
from briefing.week import IsoWeek
from data.clock import utcnow

if TYPE_CHECKING:
    from bot.delivery.outcomes import DeliveryReport
    from bot.settings import Settings
    from data.config import OrgConfig

__all__ = ["brief"]


@click.command()
@click.option("--subscriber", default=None, help="Only this subscriber (its key).")
@click.option(
    "--week",
    type=WeekParam(),
    default=None,
    help="ISO week; default the last complete one, or when it holds no data in a "
    "subscriber's scope the last complete week that does (saying where the data ends).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the briefings [default: out/ beside riskbrief.toml].",
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
    out: Path | None,
    dry_run: bool,
    send: bool,
) -> None:
    """Build briefings, print the first and write them to files; with --send, deliver them."""
    from bot.composition.compose import make_narrator
    from bot.composition.pipeline import score_all
    from bot.delivery import report_lines, send_now
    from bot.pages.links import briefing_links
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
    # Beside riskbrief.toml, as its store is: not mixed into another folder's out/.
    out = out or settings.config.parent / "out"
    engine = engine_of(settings)
    if send:
        _refuse_placeholders(org, subscriber, settings.config)
        with session_scope(engine) as session:
            sync_org(session, org)
            score_all(session, org)
        _quiet_logs(settings)
        report = send_now(engine, settings, org, utcnow(), subscriber)
        click.echo("\n".join(report_lines(_by_hand(report))))
        if failures := len(report.failures):
            # Each failure's sentence is in the lines above; no scheduler retries this run.
            raise DeliveryError(
                f"{failures} {'delivery' if failures == 1 else 'deliveries'} failed as said "
                "above; mend what it says and run `riskbrief brief --send` again (a briefing "
                "already sent is not sent twice)"
            )
        return
    with session_scope(engine) as session:
        sync_org(session, org)
        score_all(session, org)
        narrator, links = make_narrator(settings), briefing_links(settings)
        now = utcnow()
        subscribers = active_subscribers(session, subscriber)
        defaults = default_weeks(session, org, subscribers, now)
        done = brief_all(session, org, now, out, week, subscriber, narrator, links, defaults)
    # Where each briefing's data ends, when it ends before the week briefed or the default
    # moved back to the last week holding data: one line per subscriber, before the briefing.
    said = [
        f"{c.subscriber.key}: {note}"
        for c in done
        # A store with nothing in scope: the briefing's own no-data line says what to run.
        if defaults[c.subscriber.key].ends is not None
        and (note := defaults[c.subscriber.key].note(week)) is not None
    ]
    if said:
        click.echo("\n".join(said))
        click.echo("")
    show(done, out)


def _refuse_placeholders(org: OrgConfig, only: str | None, config: Path) -> None:
    """Refuse to send while a subscriber's address is a placeholder (quickstart's
    me@example.com): nothing is sent, and the sentence says what to put instead."""
    from bot.delivery.email import KIND as EMAIL

    for sub in org.subscribers:
        if only is not None and sub.key != only:
            continue
        # Email's check is the placeholder's (example.com and the like); other channels'
        # checks are the doctor's advice, and their sending says what fails.
        address = EMAIL.address_in(sub)
        if address and (problem := EMAIL.check(sub.key, address, config)):
            what, fix = (part.rstrip(".") for part in problem)
            raise click.ClickException(
                f"{what}; nothing was sent: {fix}, then run `riskbrief brief --send` again"
            )


def _quiet_logs(settings: Settings) -> None:
    """Log only errors while sending by hand, unless RISKBRIEF_LOG_LEVEL asks otherwise: each
    delivery's outcome is printed as a line of the report, not as a JSON log line too."""
    import os

    from bot.logs import configure_logging, secret_values

    if not os.environ.get("RISKBRIEF_LOG_LEVEL", "").strip():
        configure_logging("error", secret_values(settings))


def _by_hand(report: DeliveryReport) -> DeliveryReport:
    """``report`` as a one-shot command tells it: a failure is not "retried later" by it."""
    from dataclasses import replace

    from bot.delivery.outcomes import DeliveryReport

    return DeliveryReport(
        tuple(
            replace(o, detail=o.detail.removesuffix("; it is retried later"))
            for o in report.outcomes
        )
    )
