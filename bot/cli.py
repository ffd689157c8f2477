"""The ``riskbrief`` command line."""

from __future__ import annotations

import json
import shutil
import sys
from datetime import UTC, date, datetime, time
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from briefing.week import IsoWeek
from scoring.errors import NotFoundError, RiskbriefError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from bot.compose import Composed
    from bot.settings import Settings
    from briefing.writer import NarrativeLLM
    from data.config import OrgConfig
    from data.tables import Subscriber
    from scoring.config import ScoringConfig
    from scoring.fixes import BugIssues

# Every other import sits in the command that needs it: `riskbrief --help` and a
# command that touches no store must not pay for SQLAlchemy, Alembic or pydantic.

__all__ = ["brief_all", "main", "show"]


class _Group(click.Group):
    """Turns riskbrief's own errors into one line on stderr instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RiskbriefError as exc:
            raise click.ClickException(str(exc)) from None
        except OSError as exc:
            # A path the user gave (--out, --path, a clone) that cannot be read or written.
            if exc.filename is None:
                raise
            raise click.ClickException(
                f"{exc.filename}: {exc.strerror or 'cannot be used'}; "
                "check the path and that you may write there"
            ) from None


def _as_of(value: date | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    # The end of the given day, so `--as-of` names the day the briefing is read on.
    return datetime.combine(value, time(23, 59), tzinfo=UTC)


class _Date(click.ParamType[date]):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date; use the form 2026-11-23", param, ctx)


class _Week(click.ParamType[IsoWeek]):
    name = "YYYY-Www"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> IsoWeek:
        if isinstance(value, IsoWeek):
            return value
        try:
            return IsoWeek.parse(str(value))
        except RiskbriefError as exc:
            self.fail(str(exc), param, ctx)


@click.group(cls=_Group)
@click.version_option(package_name="riskbrief")
@click.pass_context
def main(ctx: click.Context) -> None:
    """riskbrief: where delivery risk is concentrating this week, and what to do."""
    # `init` and a subcommand's --help need no settings: loading them costs half a second.
    # Click has consumed the subcommand's arguments by now; the process's own are left.
    if ctx.invoked_subcommand == "init" or "--help" in sys.argv[1:]:
        return
    from bot.logs import configure_logging, secret_values
    from bot.settings import load_settings

    settings = load_settings()
    configure_logging(settings.log_level, secret_values(settings))
    ctx.obj = settings


def _settings(ctx: click.Context) -> Settings:
    from bot.settings import Settings

    settings = ctx.obj
    assert isinstance(settings, Settings)
    return settings


def _ready_engine(settings: Settings) -> Engine:
    from bot.pipeline import ready_engine

    return ready_engine(settings.database_url)


def _check_week(
    session: Session, week: IsoWeek, subscribers: list[Subscriber], as_of: datetime
) -> None:
    """Refuse a week that is not over for a subscriber, or that ended before any data."""
    from data.store import first_event_at

    for s in subscribers:
        last = IsoWeek.last_complete(as_of, s.timezone)
        if week.monday > last.monday:
            raise NotFoundError(
                f"{week.id} is not over yet for {s.key} ({s.timezone}); "
                f"the last complete week is {last.id}"
            )
    first = first_event_at(session)
    ends = [week.bounds(s.timezone)[1] for s in subscribers]
    if first is None:
        raise NotFoundError(
            f"riskbrief holds no changes, deploys or incidents yet, so {week.id} has nothing to "
            "brief; check the sources with `riskbrief doctor`"
        )
    if subscribers and all(end <= first for end in ends):
        last = IsoWeek.last_complete(as_of, subscribers[0].timezone)
        raise NotFoundError(
            f"{week.id} ended before riskbrief's first data ({first.date().isoformat()}); "
            f"pick a week from {IsoWeek.of(first.date()).id} to {last.id}"
        )


def brief_all(
    session: Session,
    org: OrgConfig,
    as_of: datetime,
    out: Path,
    week: IsoWeek | None = None,
    only: str | None = None,
    narrator: NarrativeLLM | None = None,
) -> list[Composed]:
    from sqlmodel import col, select

    from bot.compose import compose_all, record, write_files
    from data.tables import Subscriber

    # In the order riskbrief.toml declares them, so "the first briefing" is the first one there.
    query = select(Subscriber).where(col(Subscriber.active)).order_by(col(Subscriber.id))
    subscribers = list(session.exec(query))
    if only is not None:
        subscribers = [s for s in subscribers if s.key == only]
        if not subscribers:
            raise NotFoundError(
                f"no active subscriber {only!r}; use one of the keys in riskbrief.toml"
            )
    if week is not None:
        _check_week(session, week, subscribers, as_of)
    requests = [(s, week or IsoWeek.last_complete(as_of, s.timezone)) for s in subscribers]
    done = compose_all(session, org, requests, narrator)
    for composed in done:
        record(session, composed)
        write_files(out, composed)
    return done


def show(done: list[Composed], out: Path) -> None:
    if not done:
        click.echo("No active subscribers; add [[subscribers]] to riskbrief.toml.")
        return
    click.echo(done[0].email.text.rstrip())
    click.echo("")
    click.echo(f"Wrote {len(done)} briefing{'' if len(done) == 1 else 's'} to {out}/:")
    for c in done:
        click.echo(
            f"  {c.subscriber.key}: {c.payload.severity_counts.line()} "
            f"({c.week.id}, {c.payload.scope.label}) → "
            f"{c.subscriber.key}.slack.json, .email.html, .email.txt"
        )


@main.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Where to write the briefings and the demo database.",
)
@click.option("--as-of", type=_Date(), default=None, help="Pretend today is this day.")
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

    from bot.compose import make_narrator
    from bot.pipeline import score_all
    from data.engine import make_engine, session_scope, shown_url
    from data.migrate import upgrade
    from data.org import sync_org
    from data.reverts import RevertIncidents
    from data.sources.sample import SAMPLE_SEED, load_sample, sample_org_config
    from data.sync import run_sources

    now = _as_of(as_of)
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
        summary = load_sample(
            session, org, as_of=now.date(), seed=SAMPLE_SEED if seed is None else seed
        )
    # The rules `serve` runs after every sync (reverts become incidents), so that
    # serving the demo's store briefs what the demo briefed.
    run_sources(engine, org, [RevertIncidents()], printed=True)
    with session_scope(engine) as session:
        scored = score_all(session, org)
        structlog.get_logger("riskbrief").info(
            "demo.scored", changes=scored.changes, deploys=scored.deploys
        )
        # Deterministic unless ANTHROPIC_API_KEY is set.
        narrator = make_narrator(_settings(click.get_current_context()))
        done = brief_all(session, org, now, out, narrator=narrator)
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


def _refuse_a_used_store(engine: Engine) -> None:
    """Stop before the sample is mixed into a store that already holds an organisation."""
    from sqlmodel import select

    from data.engine import session_scope, shown_url
    from data.tables import Change, Subscriber

    with session_scope(engine) as session:
        used = session.exec(select(Change.id).limit(1)).first() is not None
        used = used or session.exec(select(Subscriber.id).limit(1)).first() is not None
    if used:
        engine.dispose()
        raise click.ClickException(
            f"the store at {shown_url(engine)} already holds "
            "data; `demo --database-url` loads the sample only into an empty database, so "
            "create a new one (createdb riskbrief_demo) and pass its URL"
        )


@main.command()
@click.option(
    "--path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("riskbrief.toml"),
    show_default=True,
)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(path: Path, force: bool) -> None:
    """Write a commented example riskbrief.toml to start from."""
    if path.exists() and not force:
        raise click.ClickException(f"{path} already exists; pass --force to overwrite it")
    source = files("bot") / "example.toml"
    with source.open("rb") as src, path.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    click.echo(f"Wrote {path}; edit it, then run `riskbrief db upgrade`.")


@main.group()
def db() -> None:
    """The store: create or migrate the schema."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Create the schema, or migrate it to this version of riskbrief."""
    from data.engine import make_engine, shown_url
    from data.migrate import current_revision, upgrade

    settings = _settings(ctx)
    engine = make_engine(settings.database_url)
    # Read under the migration lock: of replicas upgrading at once, one creates.
    before = upgrade(engine)
    after = current_revision(engine)
    shown = shown_url(engine)
    engine.dispose()
    if before is None:
        click.echo(f"Created the database {shown} (schema {after}).")
    elif before != after:
        click.echo(f"Migrated the database {shown} from schema {before} to {after}.")
    else:
        click.echo(f"Database {shown} is up to date (schema {after}).")


@main.command()
@click.pass_context
def score(ctx: click.Context) -> None:
    """Link deploys and incidents, then score every change and deploy."""
    from bot.pipeline import score_all
    from data.config import load_org_config
    from data.engine import session_scope
    from data.org import sync_org

    settings = _settings(ctx)
    org = load_org_config(settings.config)
    engine = _ready_engine(settings)
    with session_scope(engine) as session:
        sync_org(session, org)
        summary = score_all(session, org)
    click.echo(
        f"Scored {summary.changes} changes and {summary.deploys} deploys "
        f"(scorer {summary.version})."
    )


@main.command("calibrate")
@click.option(
    "--write",
    is_flag=True,
    help="Save the fitted weights to riskbrief.toml (when they rank better).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def calibrate_cmd(ctx: click.Context, write: bool, as_json: bool) -> None:
    """Refit the signal weights on your own incidents, reverts and SZZ labels; a dry run by default.

    Shows the AUC before and after; --write saves the new weights to riskbrief.toml.
    """
    from bot.calibrate import calibrate
    from data.config import load_org_config, write_weights
    from data.engine import session_scope
    from data.org import sync_org

    settings = _settings(ctx)
    org = load_org_config(settings.config)
    engine = _ready_engine(settings)
    with session_scope(engine) as session:
        sync_org(session, org)
        result = calibrate(session, org)
    better = result.after_result.auc > result.before_result.auc
    if write and better:
        write_weights(settings.config, {n: getattr(result.after, n) for n in result.fitted})
    if as_json:
        click.echo(json.dumps({**result.to_json(), "written": write and better}, sort_keys=True))
        return
    b, a = result.before_result, result.after_result
    click.echo(result.label_sources())
    click.echo(
        f"Fitted on the earlier {result.train} changes, measured on the latest {result.test}: "
        f"AUC {b.auc:.3f} -> {a.auc:.3f}; recall at 20% effort "
        f"{b.recall_at_20pct_effort:.3f} -> {a.recall_at_20pct_effort:.3f}; "
        f"top-10% lift {b.lift_top_10pct:.2f} -> {a.lift_top_10pct:.2f}."
    )
    moved = ", ".join(f"{n} {old} -> {new}" for n, (old, new) in result.changed().items())
    click.echo(f"Weights: {moved or 'unchanged'}.")
    if not better:
        click.echo(
            f"Kept the weights in {settings.config}: the fitted ones rank the latest changes "
            "no better, so there is nothing to save."
        )
    elif write:
        click.echo(f"Wrote them to [scoring.weights] in {settings.config}; run `riskbrief score`.")
    else:
        click.echo(
            f"Nothing was saved (a dry run); run `riskbrief calibrate --write` to save them to "
            f"[scoring.weights] in {settings.config}."
        )


@main.command()
@click.option("--subscriber", default=None, help="Only this subscriber (its key).")
@click.option("--week", type=_Week(), default=None, help="ISO week; default the last complete one.")
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
    help="Send the last complete week's briefings to Slack and email now, at most once each.",
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
    from bot.pipeline import score_all
    from data.config import load_org_config
    from data.engine import session_scope
    from data.org import sync_org
    from scoring.errors import DeliveryError

    if send and (dry_run or week is not None):
        given = " and ".join(f for f, on in (("--dry-run", dry_run), ("--week", week)) if on)
        raise click.UsageError(f"--send delivers the last complete week; drop {given}")
    settings = _settings(ctx)
    org = load_org_config(settings.config)
    engine = _ready_engine(settings)
    if send:
        with session_scope(engine) as session:
            sync_org(session, org)
            score_all(session, org)
        report = send_now(engine, settings, org, datetime.now(UTC), subscriber)
        click.echo("\n".join(report_lines(report)))
        if report.failures:
            raise DeliveryError(report.failures[0].detail)
        return
    with session_scope(engine) as session:
        sync_org(session, org)
        score_all(session, org)
        done = brief_all(
            session, org, datetime.now(UTC), out, week, subscriber, make_narrator(settings)
        )
    show(done, out)


@main.command()
@click.option(
    "--kamei-csv",
    "csv_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Change metrics in the Kamei et al. CSV layout, with a bug label per change.",
)
@click.option(
    "--repo",
    "repo_path",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="A local git clone whose commits are mined, scored and labelled (instead of a CSV).",
)
@click.option("--since", type=_Date(), default=None, help="First day of commits to measure.")
@click.option("--until", type=_Date(), default=None, help="Last day of commits to measure.")
@click.option(
    "--labels",
    "labels_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Bug-inducing shas, one per line; without it SZZ finds them from fix commits.",
)
@click.option(
    "--bug-issues",
    "bug_issues_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Your tracker's bug issue keys (one per line, or a Jira CSV) for SZZ's fixes "
    "(default: [scoring] bug_issues of riskbrief.toml).",
)
@click.option(
    "--calibrate",
    is_flag=True,
    help="Fit weights on the earlier 80% first, starting from the configured ones.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Score with this riskbrief.toml's weights, time zone, holidays and bug issues "
    "(default: RISKBRIEF_CONFIG if set, else the built-in defaults).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def backtest(
    ctx: click.Context,
    csv_path: Path | None,
    repo_path: Path | None,
    since: date | None,
    until: date | None,
    labels_path: Path | None,
    bug_issues_path: Path | None,
    calibrate: bool,
    config_path: Path | None,
    as_json: bool,
) -> None:
    """Say how well risk scores rank bug-inducing changes, from a Kamei CSV or a git history.

    The weights are the defaults, or those of the riskbrief.toml --config or
    RISKBRIEF_CONFIG names.
    """
    from data.bug_issues import read_bug_issues
    from data.evaluation.kamei import backtest as run_backtest
    from data.evaluation.kamei import read_kamei_csv
    from data.evaluation.repo_backtest import backtest_repo, read_labels

    if (csv_path is None) == (repo_path is None):
        raise click.UsageError("give exactly one of --kamei-csv FILE or --repo PATH.")
    config, weights_from, bugs = _backtest_config(_settings(ctx), config_path)
    if csv_path is not None:
        if since or until or labels_path or bug_issues_path:
            raise click.UsageError(
                "--since, --until, --labels and --bug-issues go with --repo, not --kamei-csv."
            )
        result = run_backtest(read_kamei_csv(csv_path), calibrate=calibrate, weights=config.weights)
        name = csv_path.name
    else:
        assert repo_path is not None
        if since is None or until is None:
            raise click.UsageError("--repo needs both --since and --until (YYYY-MM-DD).")
        if calibrate:
            raise click.UsageError("--calibrate works with --kamei-csv only.")
        labels = read_labels(labels_path) if labels_path is not None else None
        if bug_issues_path is not None:
            bugs = read_bug_issues(bug_issues_path)
        result = backtest_repo(repo_path, since, until, labels, config, bugs.keys)
        name = f"{repo_path.resolve().name} {since}…{until}"
    if calibrate:
        weights_from += ", refitted on the earlier 80%"
    if as_json:
        click.echo(json.dumps({**result.to_json(), "weights": weights_from}, sort_keys=True))
        return
    click.echo(
        f"{name}: {result.n} changes, {result.positives} bug-inducing; "
        f"AUC {result.auc:.3f}, recall at 20% effort {result.recall_at_20pct_effort:.3f}, "
        f"top-10% lift {result.lift_top_10pct:.2f} (weights: {weights_from})"
    )


def _backtest_config(settings: Settings, path: Path | None) -> tuple[ScoringConfig, str, BugIssues]:
    """The scorer's config for a backtest, what it came from, and the bug issues.

    Only a file the user named (``--config``, or RISKBRIEF_CONFIG) is read: a
    riskbrief.toml that happens to lie in the current directory must not change
    the figures of a backtest that says it used the defaults.
    """
    from data.bug_issues import load_bug_issues
    from data.config import load_org_config
    from scoring.config import ScoringConfig
    from scoring.fixes import NO_BUG_ISSUES

    named = path or (settings.config if "config" in settings.model_fields_set else None)
    if named is None:
        return ScoringConfig(), "defaults", NO_BUG_ISSUES
    org = load_org_config(named)
    weights = "its [scoring.weights]" if org.scoring.weights else "the default weights"
    config = org.scoring_config()
    return config, f"{named}: {weights}, time zone {config.timezone}", load_bug_issues(org)


@main.command()
@click.option(
    "--host", default=None, help="Address to listen on in HTTP mode (RISKBRIEF_SERVE_HOST)."
)
@click.option(
    "--port", type=click.IntRange(1, 65535), default=None, help="Port (RISKBRIEF_SERVE_PORT)."
)
@click.option(
    "--role",
    type=click.Choice(["all", "web", "scheduler"]),
    default="all",
    show_default=True,
    envvar="RISKBRIEF_SERVE_ROLE",
    help="all: Slack app and scheduler; web: only the HTTP front (Slack, deploys); "
    "scheduler: only sync and delivery, no Slack HTTP settings needed (RISKBRIEF_SERVE_ROLE).",
)
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, role: str) -> None:
    """Run the Slack app and/or the scheduler; /healthz, /readyz and /metrics on every role."""
    # Imported here: slack_bolt and waitress are only needed by this command.
    from bot.serve import serve as run_serve

    run_serve(_settings(ctx), host, port, role)


# Registered last: these commands live in their own modules to keep this one small.
from bot.cli_ask import ask  # noqa: E402
from bot.cli_doctor import doctor  # noqa: E402
from bot.cli_quickstart import quickstart  # noqa: E402
from bot.cli_sync import deploy, sync  # noqa: E402

main.add_command(sync)
main.add_command(deploy)
main.add_command(doctor)
main.add_command(ask)
main.add_command(quickstart)
