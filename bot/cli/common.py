"""What the ``riskbrief`` commands share: one-line errors, option types, the store, briefing."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from briefing.week import IsoWeek
from data.clock import utcnow
from scoring.errors import NotFoundError, RiskbriefError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from bot.composition.compose import Composed
    from bot.pages.links import BriefingLinks
    from bot.settings import Settings
    from briefing.default_week import DefaultWeek
    from briefing.writer import NarrativeLLM
    from data.config import OrgConfig
    from data.store.tables import Subscriber

__all__ = [
    "DateParam",
    "OneLineErrors",
    "OneLineUsage",
    "WeekParam",
    "active_subscribers",
    "brief_all",
    "check_week",
    "default_weeks",
    "end_of_day",
    "engine_of",
    "settings_of",
    "show",
]


class OneLineUsage(click.ClickException):
    """A usage mistake said in one line (click's own shows the usage and a hint too), exit 2."""

    exit_code = 2


def _usage_line(exc: click.UsageError) -> OneLineUsage:
    """``exc`` as one sentence that ends in what to do: click's own messages say only what."""
    message = exc.format_message().rstrip(".")
    if "; " not in message:
        path = exc.ctx.command_path if exc.ctx is not None else "riskbrief"
        message += f"; see `{path} --help`"
    return OneLineUsage(message)


def _store_line(ctx: click.Context, exc: Exception) -> click.ClickException | None:
    """The one sentence for a store that cannot be reached or opened, else ``None``.

    The store's own calls raise ``StoreError`` already (``data.store.migrate.current_revision``
    is the first thing every command asks); this catches a store that goes away later.
    Only when SQLAlchemy was loaded: a command that never opened a store cannot fail so.
    """
    if "sqlalchemy" not in sys.modules:
        return None
    from data.store.engine import DEFAULT_DATABASE_URL, store_error, unreachable

    if not unreachable(exc):
        return None
    url = getattr(ctx.find_root().obj, "database_url", DEFAULT_DATABASE_URL)
    return click.ClickException(str(store_error(url, exc)))


class OneLineErrors(click.Group):
    """Turns riskbrief's own errors and click's usage errors into one line on stderr.

    No traceback and no usage block: a mistake is one sentence saying what to do, exit 1
    (exit 2 for a usage mistake, as click has it).
    """

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        # The group's own options (`riskbrief --nope`) are parsed here, before `invoke`.
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as exc:
            raise _usage_line(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as exc:
            raise _usage_line(exc) from None
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
        except Exception as exc:
            line = _store_line(ctx, exc)
            if line is None:
                raise
            raise line from None


def end_of_day(value: date | None) -> datetime:
    if value is None:
        return utcnow()
    # The end of the given day, so `--as-of` names the day the briefing is read on.
    return datetime.combine(value, time(23, 59), tzinfo=UTC)


class DateParam(click.ParamType[date]):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date; use the form 2026-11-23", param, ctx)


class WeekParam(click.ParamType[IsoWeek]):
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


def settings_of(ctx: click.Context) -> Settings:
    from bot.settings import Settings

    settings = ctx.obj
    assert isinstance(settings, Settings)
    return settings


def engine_of(settings: Settings) -> Engine:
    from bot.composition.pipeline import ready_engine

    return ready_engine(settings.database_url)


def check_week(
    session: Session, week: IsoWeek, subscribers: list[Subscriber], as_of: datetime
) -> None:
    """Refuse a week that is not over for a subscriber, or that ended before any data."""
    from data.store.facts import first_event_at

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
    links: BriefingLinks | None = None,
    defaults: dict[str, DefaultWeek] | None = None,
) -> list[Composed]:
    """Compose, record and write each active subscriber's briefing of ``week`` (default: their
    default week, ``briefing.default_week``'s one rule: the last complete week in their zone
    when it holds data in their scope, else the last complete week that does; ``defaults``
    when the caller has read them already)."""
    from bot.composition.compose import compose_all, record, write_files

    subscribers = active_subscribers(session, only)
    if week is not None:
        check_week(session, week, subscribers, as_of)
        requests = [(s, week) for s in subscribers]
    else:
        defaults = defaults or default_weeks(session, org, subscribers, as_of)
        requests = [(s, defaults[s.key].week) for s in subscribers]
    done = compose_all(session, org, requests, narrator, links)
    for composed in done:
        record(session, composed)
        write_files(out, composed)
    return done


def active_subscribers(session: Session, only: str | None = None) -> list[Subscriber]:
    """The active subscribers in the order riskbrief.toml declares them (so "the first
    briefing" is the first one there); only ``only`` when given, refused when not active."""
    from data.store.reads import subscribers as reads

    subscribers = reads.active_subscribers(session)
    if only is not None:
        subscribers = [s for s in subscribers if s.key == only]
        if not subscribers:
            raise NotFoundError(
                f"no active subscriber {only!r}; use one of the keys in riskbrief.toml"
            )
    return subscribers


def default_weeks(
    session: Session, org: OrgConfig, subscribers: list[Subscriber], as_of: datetime
) -> dict[str, DefaultWeek]:
    """Each subscriber's default week in their own zone and scope, with where its data ends."""
    from briefing.default_week import default_week
    from data.scope import Scope

    out: dict[str, DefaultWeek] = {}
    for s in subscribers:
        scope = Scope.of(s.teams, s.services)
        services = None if scope.whole else scope.covered(org)
        out[s.key] = default_week(session, services, s.timezone, as_of)
    return out


def show(done: list[Composed], out: Path) -> None:
    if not done:
        click.echo("No active subscribers; add [[subscribers]] to riskbrief.toml.")
        return
    click.echo(done[0].email.text.rstrip())
    click.echo("")
    click.echo(f"Wrote {len(done)} briefing{'' if len(done) == 1 else 's'} to {out}/:")
    for c in done:
        # A briefing with nothing to count says so, not "0 critical · 0 warning · 0 info".
        counts = "no data" if c.payload.no_data else c.payload.severity_counts.line()
        click.echo(
            f"  {c.subscriber.key}: {counts} "
            f"({c.week.id}, {c.payload.scope.label}) → "
            f"{c.subscriber.key}.slack.json, .email.html, .email.txt"
        )
