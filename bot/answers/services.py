"""``/risk service``: a service's last 8 weeks, its riskiest changes, MTTR and failure rate."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.answers.answer import Answer, Code, Column, Line, Link, Paragraph, Strong, Table
from bot.answers.caller import Asked, reader_timezone
from bot.answers.lines import service_name
from bot.answers.lookups import this_week, version_of
from bot.answers.queries import ServiceQuery
from briefing.labels import band_label
from briefing.plural import many
from briefing.render.escape import one_line, truncate
from briefing.render.text import format_value
from briefing.week import IsoWeek
from data.config import OrgConfig
from data.store.tables import IS_MERGED, Change, ChangeFile, Service
from data.store.window import load_window
from scoring import aggregate

__all__ = ["TREND_WEEKS", "answer_service", "service_answer"]

TREND_WEEKS = 8
_TOP = 5
# The trend's columns; a row's cells are written to these widths (share and high/all
# right-aligned, the bar last and unnamed).
_COLUMNS = (
    Column("week", 9),
    Column("share", 6, right=True),
    Column("high/all", 9, right=True),
    Column(""),
)


def service_answer(
    session: Session, org: OrgConfig, service: str, now: datetime, timezone: str | None = None
) -> Answer:
    """A service's last 8 weeks: weekly high-risk share and counts, riskiest changes, MTTR, CFR.

    Weeks and dates are the reader's (``timezone``), else the organisation's.
    """
    timezone = timezone or org.organisation.timezone
    this = this_week(now, timezone)
    weeks = [this]
    for _ in range(TREND_WEEKS - 1):
        weeks.insert(0, weeks[0].previous())
    since, until = weeks[0].bounds(timezone)[0], this.bounds(timezone)[1]
    window = load_window(session, since, until, version_of(org))
    rows: list[tuple[str, ...]] = []
    for week in weeks:
        d = aggregate(window.slice(*week.bounds(timezone), [service]).changes).distribution
        rows.append(
            (
                f"{week.id}{'*' if week == this else ' '}",
                f"{d.high_risk_share:5.1f}%",
                f"{d.high_risk:>3}/{d.total:<3}",
                "█" * round(d.high_risk_share / 10),
            )
        )
    everything = window.slice(since, until, [service])
    total = aggregate(everything.changes, everything.deploys, everything.incidents)
    latest = window.slice(*this.bounds(timezone), [service])
    now_agg = aggregate(latest.changes, latest.deploys, latest.incidents)
    name = service_name(org, service)
    summary: Line = (f"{service}: the last {TREND_WEEKS} weeks",)
    if not everything.changes:
        # Eight weeks of "0.0% 0/0" say nothing: one line, and where the data is.
        quiet = Paragraph((_no_changes_line(session, name, service, weeks, timezone),))
        if not (everything.deploys or everything.incidents):
            return Answer((quiet,), (f"{service}: no change in the last {TREND_WEEKS} weeks",))
    risky = sorted((c for c in total.changes if c.high_risk), key=lambda c: (-c.score, c.key))
    risky_lines: list[Line] = [
        (
            "• ",
            Link(c.url, truncate(one_line(c.title), 120) or c.key),
            " · ",
            Code(c.key),
            f" · {c.score}, {band_label(c.band.value)} · "
            f"{c.merged_at.astimezone(ZoneInfo(timezone)):%Y-%m-%d}",
        )
        for c in risky[:_TOP]
    ]

    def minutes(value: float | None) -> str:
        return "n/a" if value is None else format_value(round(value, 1), "min")

    def percent(value: float | None) -> str:
        return "n/a" if value is None else format_value(round(value, 1), "%")

    record = Paragraph(
        (
            (
                Strong(("MTTR",)),
                f" {minutes(now_agg.mttr_minutes)} this week · "
                f"{minutes(total.mttr_minutes)} over {TREND_WEEKS} weeks "
                f"({many(len(total.incidents), 'incident')})",
            ),
            (
                Strong(("Change failure rate",)),
                f" {percent(now_agg.change_failure_rate)} this week · "
                f"{percent(total.change_failure_rate)} over {TREND_WEEKS} weeks "
                f"({total.failed_deploys} of {many(len(total.deploys), 'deploy')})",
            ),
        )
    )
    if not everything.changes:
        # Deploys or incidents but no change: the line, then MTTR and CFR.
        return Answer((quiet, record), summary)
    trend = Table(
        (
            Strong((name,)),
            f": high-risk share and high-risk/all changes, last {TREND_WEEKS} weeks "
            f"({timezone}; * is this week so far)",
        ),
        _COLUMNS,
        tuple(rows),
    )
    riskiest = Paragraph(
        ((Strong(("Riskiest changes",)),), *(risky_lines or [("No high-risk changes.",)]))
    )
    return Answer((trend, riskiest, record), summary)


def _no_changes_line(
    session: Session, name: str, service: str, weeks: list[IsoWeek], timezone: str
) -> Line:
    """``name`` had no change in ``weeks``: say so, and name its newest week and how to see it."""
    shown: Line = (
        Strong((name,)),
        f" has no change in the last {TREND_WEEKS} weeks ({weeks[0].id} to {weeks[-1].id})",
    )
    newest = session.exec(
        select(func.max(col(Change.merged_at)))
        .join(ChangeFile, col(ChangeFile.change_id) == col(Change.id))
        .join(Service, col(Service.id) == col(ChangeFile.service_id))
        .where(Service.key == service, IS_MERGED)
    ).one()
    if newest is None:
        return (*shown, ", nor any before; `riskbrief sync` reads the configured sources.")
    merged = newest.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone)).date()
    week = IsoWeek.of(merged)
    return (
        *shown,
        f"; its newest change merged on {merged.isoformat()}, in {week.id}: "
        f"`riskbrief brief --week {week.id}` briefs that week; `riskbrief sync` reads "
        "newer changes (`git pull` a clone first).",
    )


def answer_service(asked: Asked, query: ServiceQuery) -> Answer:
    """``/risk service``: the service's last 8 weeks, in the reader's time zone."""
    zone = reader_timezone(asked)
    return service_answer(asked.session, asked.org, query.service, asked.now, zone)
