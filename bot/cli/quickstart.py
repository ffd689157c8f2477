"""``riskbrief quickstart PATH``: from a local clone to a first briefing in one command."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from data.clock import utcnow

__all__ = ["quickstart"]


def _zone_name(name: str | None) -> str | None:
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def local_timezone() -> tuple[str, str]:
    """This machine's IANA zone (TZ, /etc/timezone or /etc/localtime), else UTC, and where the
    guess came from, in words."""
    candidates = [(os.environ.get("TZ", "").lstrip(":"), "this machine's TZ")]
    with contextlib.suppress(OSError):
        text = Path("/etc/timezone").read_text(encoding="utf-8").strip()
        candidates.append((text, "this machine's /etc/timezone"))
    link = Path("/etc/localtime")
    if link.is_symlink():
        candidates.append(
            (str(link.resolve()).partition("zoneinfo/")[2], "this machine's /etc/localtime")
        )
    found = next(((z, how) for c, how in candidates if (z := _zone_name(c))), None)
    return found or ("UTC", "no zone set on this machine")


@click.command()
# Not click.Path(file_okay=False): a file or a missing folder is told in quickstart's own words.
@click.argument("clone", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace an existing riskbrief.toml with the draft.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the briefing [default: out/ beside riskbrief.toml].",
)
@click.pass_context
def quickstart(ctx: click.Context, clone: Path, force: bool, out: Path | None) -> None:
    """Draft riskbrief.toml from a local clone, read it, and brief its last complete week with
    changes or deploys, saying where its data ends and what that week shipped.

    Services are the code modules the clone's build declares (else its top-level code
    folders), and the share of the last year's code changes left in none is said; the store is
    created if it does not exist, beside riskbrief.toml (RISKBRIEF_CONFIG names where), and
    the briefing is written to out/ there. Edit the drafted file afterwards.
    """
    from bot.cli.common import active_subscribers, brief_all, default_weeks, show
    from bot.composition.pipeline import score_all
    from bot.composition.release_tags import no_tags_line, tagless_clones, undeployed_tag_lines
    from bot.composition.sources import configured_sources
    from bot.quickstart.draft import plan_clone, riskbrief_checkout, toml_for, zone_line
    from bot.quickstart.first_week import first_week, reader_zone
    from bot.quickstart.unowned_code import UNOWNED_WARNING, unowned_code
    from bot.settings import Settings
    from data.config import load_org_config
    from data.sources.local_git.tags import deploy_tag_notes
    from data.store.engine import make_engine, session_scope
    from data.store.migrate import upgrade
    from data.store.org import sync_org
    from data.sync import run_sources, summary_line

    settings = ctx.find_root().obj
    assert isinstance(settings, Settings)
    if clone.is_file():
        # A usage mistake (exit 2), said in quickstart's words rather than click's.
        raise click.UsageError(
            f"{clone} is a file, not a git clone; pass the folder of a local clone"
        )
    config = settings.config
    checkout = config.expanduser().absolute().parent
    if riskbrief_checkout(checkout):
        # The demo's out/ and riskbrief's own files are there: a set-up lives apart.
        raise click.ClickException(
            f"{config} would be in riskbrief's own checkout ({checkout}), where `make demo` "
            "writes out/; keep your set-up in a folder of its own: set RISKBRIEF_CONFIG to a "
            "riskbrief.toml there (`export RISKBRIEF_CONFIG=~/riskbrief-shop/riskbrief.toml`; "
            "the store and out/ go beside it), or run quickstart from that folder"
        )
    out = out or config.parent / "out"
    if config.exists() and not force:
        raise click.ClickException(
            f"{config} already exists; run `riskbrief sync` and `riskbrief brief` with it, "
            "or pass --force to replace it with a draft"
        )
    plan = plan_clone(clone)
    config.parent.mkdir(parents=True, exist_ok=True)
    drafted_zone, guessed_from = local_timezone()
    config.write_text(toml_for(plan, drafted_zone, guessed_from), encoding="utf-8")
    services = ", ".join(key for key, _ in plan.services)
    count = len(plan.services)
    click.echo(
        f"Wrote {config}: {plan.repository} at {plan.path}, "
        f"{count} {'service' if count == 1 else 'services'} from {plan.found_by}: {services}."
    )
    if (deploys := plan.deploys_line()) is not None:
        click.echo(deploys)
    click.echo(zone_line(drafted_zone, guessed_from))
    org = load_org_config(config)
    # How much of the last year's code the drafted services leave out, and what to add.
    unowned = unowned_code(plan.path, lambda p: org.service_for_path(plan.repository, p))
    click.echo(unowned.line())
    if unowned.warns:
        fix = unowned.fix(str(config), plan.repository)
        click.echo(f"Warning: that is above {UNOWNED_WARNING:.0%}; {fix}")
    for note in deploy_tag_notes(org):
        click.echo(note)
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        with session_scope(engine) as session:
            sync_org(session, org)
        summaries = run_sources(engine, org, configured_sources(settings, org), printed=True)
        for summary in summaries:
            click.echo(summary_line(summary))
        for summary in summaries:
            for note in summary.notes:
                click.echo(note)
        if tagless := tagless_clones(org):
            click.echo(no_tags_line(tagless))
        with session_scope(engine) as session:
            for line in undeployed_tag_lines(session, org):
                click.echo(line)
        if failed := [s.source for s in summaries if s.error]:
            # A briefing of what a failed read left would say "no data, run sync": the step
            # that just failed. The line above says what failed and how to mend it.
            raise click.ClickException(
                f"reading {', '.join(failed)} failed as said above, so nothing was briefed; "
                f"mend what it says, then run `riskbrief sync` and `riskbrief brief` with {config}"
            )
        with session_scope(engine) as session:
            score_all(session, org)
            now = utcnow()
            # The reader's default week, as `brief`, `ask`, MCP and the web view pick it: the
            # last complete week holding data, not merely last week (empty for a clone not
            # pulled lately) nor the newest commit's (a version bump); beside it, where the
            # data ends and what that week shipped.
            readers = active_subscribers(session)
            defaults = default_weeks(session, org, readers, now)
            zone = reader_zone(session, org.organisation.timezone)
            first = first_week(
                session, zone, now, defaults.get(readers[0].key) if readers else None
            )
            done = brief_all(session, org, now, out, defaults=defaults)
    finally:
        engine.dispose()
    click.echo("")
    if said := first.lines():
        click.echo("\n".join(said))
        click.echo("")
    show(done, out)
    click.echo("")
    # A briefing with no data already said what to run; the next step does not repeat it.
    no_data = bool(done) and done[0].payload.no_data
    then = "" if no_data else ", then run `riskbrief sync` and `riskbrief brief`"
    click.echo(
        f"Next: edit {config} (services, teams, who gets the briefing) and add a deploys or "
        f"incidents source if you have one{then}; `riskbrief doctor` checks the set-up."
    )
