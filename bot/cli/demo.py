"""``riskbrief demo``: the sample organisation scored and briefed, with no tokens."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli.common import (
    DateParam,
    brief_all,
    end_of_day,
    settings_of,
    show,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from data.config import OrgConfig


__all__ = ["demo"]


@click.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Where to write the briefings and the demo database.",
)
@click.option("--as-of", type=DateParam(), default=None, help="Pretend today is this day.")
@click.option(
    "--seed", type=int, default=None, help="Seed of the sample organisation [default: 7]."
)
@click.option(
    "--database-url",
    default=None,
    metavar="URL",
    help="Load the sample into this empty store (postgresql://… or sqlite:///…) instead of "
    "OUT/demo.db, to try `serve` in its production shape.",
)
def demo(out: Path, as_of: date | None, seed: int | None, database_url: str | None) -> None:
    """Brief the seeded sample organisation: no token or network needed."""
    import structlog

    from bot.composition.compose import make_narrator
    from bot.composition.pipeline import score_all
    from bot.pages.links import DEMO_KEY, DEMO_WEB_URL, BriefingLinks, LinkSigner
    from data.rules.revert_incidents import RevertIncidents
    from data.sample_load import load_sample
    from data.sources.sample import SAMPLE_SEED, sample_org_config
    from data.store.engine import make_engine, session_scope, shown_url
    from data.store.migrate import upgrade
    from data.store.org import sync_org
    from data.sync import run_sources

    now = end_of_day(as_of)
    out.mkdir(parents=True, exist_ok=True)
    db = out / "demo.db"
    if database_url is None:
        for stale in (db, db.with_name("demo.db-wal"), db.with_name("demo.db-shm")):
            stale.unlink(missing_ok=True)
        engine = make_engine(f"sqlite:///{db}")
        upgrade(engine)
    else:
        engine = make_engine(database_url)
        upgrade(engine)
        _refuse_a_used_store(engine)
    org = sample_org_config()
    with session_scope(engine) as session:
        sync_org(session, org)
    # The sample's weeks end with the last week over for every one of its subscribers: at
    # 01:30 UTC on a Monday, New York's Sunday is not, and the VP would be briefed on the quiet
    # week before the one the stories were planted in while the leads read the stories.
    day = now.date() if as_of is not None else min(_local_days(now, org))
    # The sample is a source: its records go through the sync and ingest of every source.
    summary = load_sample(engine, org, as_of=day, seed=SAMPLE_SEED if seed is None else seed)
    # The rules `serve` runs after every sync (reverts become incidents), so that
    # serving the demo's store briefs what the demo briefed.
    run_sources(engine, org, [RevertIncidents()], printed=True)
    with session_scope(engine) as session:
        scored = score_all(session, org)
        structlog.get_logger("riskbrief").info(
            "demo.scored", changes=scored.changes, deploys=scored.deploys
        )
        # Deterministic unless ANTHROPIC_API_KEY is set.
        narrator = make_narrator(settings_of(click.get_current_context()))
        # The demo's emails link to `riskbrief web --demo`, each in its subscriber's scope,
        # signed as of the start of the demo's day (not its second) so that two runs on the
        # same day write the same links.
        day_start = datetime.combine(now.date(), time(0), tzinfo=UTC).timestamp()
        signer = LinkSigner([DEMO_KEY], clock=lambda: day_start)
        links = BriefingLinks(DEMO_WEB_URL, signer)
        done = brief_all(session, org, now, out, narrator=narrator, links=links)
    engine.dispose()
    # The organisation beside its store, so `ask` and `serve` can be pointed at both.
    sample = files("data.sources.sample") / "sample.toml"
    (out / "riskbrief.toml").write_text(sample.read_text(encoding="utf-8"), encoding="utf-8")
    show(done, out)
    where = db if database_url is None else shown_url(engine)
    click.echo(
        f"Sample organisation: {summary.changes} changes, {summary.deploys} deploys, "
        f"{summary.incidents} incidents, {summary.first_week}…{summary.last_week}; "
        f"database {where}."
    )
    if database_url is not None:
        click.echo(
            f"Serve it: RISKBRIEF_DATABASE_URL='{database_url}' "
            f"RISKBRIEF_CONFIG={out / 'riskbrief.toml'} riskbrief serve --role scheduler"
        )


def _local_days(now: datetime, org: OrgConfig) -> list[date]:
    """The day ``now`` falls on in each subscriber's time zone (the organisation's where a
    subscriber names none)."""
    from zoneinfo import ZoneInfo

    zones = [s.timezone or org.organisation.timezone for s in org.subscribers]
    return [now.astimezone(ZoneInfo(z)).date() for z in zones or [org.organisation.timezone]]


def _refuse_a_used_store(engine: Engine) -> None:
    """Stop before the sample is mixed into a store that already holds an organisation."""
    from data.store.engine import session_scope, shown_url
    from data.store.reads.stored import holds_organisation

    with session_scope(engine) as session:
        used = holds_organisation(session)
    if used:
        engine.dispose()
        raise click.ClickException(
            f"the store at {shown_url(engine)} already holds "
            "data; `demo --database-url` loads the sample only into an empty database, so "
            "create a new one (createdb riskbrief_demo) and pass its URL"
        )
