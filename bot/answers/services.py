"""``/risk service``: a service's last 8 weeks, its riskiest changes, MTTR and failure rate."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.answers.access import Access
from bot.answers.answer import Answer, Code, Column, Line, Link, Note, Paragraph, Strong, Table
from bot.answers.asked import default_of
from bot.answers.caller import Asked, reader_timezone, scope_refused
from bot.answers.lines import BAND_OF_WORDS, not_found, service_name
from bot.answers.queries import ServiceQuery
from bot.answers.records.service import service_budget_burn
from bot.answers.records.trend import weekly_trend
from briefing.labels import band_label
from briefing.render.escape import one_line, truncate
from briefing.render.text import format_value
from briefing.week import IsoWeek
from data.config import OrgConfig
from data.scope import Scope
from data.store.reads.changes import newest_merged_in_service
from scoring.plural import many

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

    Weeks and dates are the reader's (``timezone``), else the organisation's. The weeks are
    the core's record of them (``records.trend.weekly_trend``, what the web page charts):
    this answer only words it.
    """
    timezone = timezone or org.organisation.timezone
    access = Access.of(org, Scope(), timezone)
    # The weeks end at the default week: this week so far, or when the service's data ends
    # before it, the last complete week that holds data (said in a note), not 8 weeks of 0s.
    alone = Access.of(org, Scope(services=(service,)), timezone)
    default = default_of(session, org, alone, now, current=True)
    until = default.week.id
    trend = weekly_trend(session, org, access, [service], TREND_WEEKS, until, now)
    this, span = trend.weeks[-1], trend.span
    note = default.note()
    ends: tuple[Note, ...] = (Note((note,)),) if note else ()
    this_week = "this week" if not default.moved else until
    rows = tuple(
        (
            f"{w.week}{'*' if w is this else ' '}",
            f"{w.high_risk_share:5.1f}%",
            f"{w.bands.high + w.bands.very_high:>3}/{w.changes:<3}",
            "█" * round(w.high_risk_share / 10),
        )
        for w in trend.weeks
    )
    name = service_name(org, service)
    summary: Line = (f"{service}: the last {TREND_WEEKS} weeks",)
    if not span.changes:
        # Eight weeks of "0.0% 0/0" say nothing: one line, and where the data is.
        weeks = (trend.weeks[0].week, this.week)
        quiet = Paragraph((_no_changes_line(session, name, service, weeks, timezone),))
        if not (span.deploys or span.incidents):
            return Answer(
                (quiet, *ends), (f"{service}: no change in the last {TREND_WEEKS} weeks",)
            )
    risky_lines: list[Line] = [
        (
            "• ",
            Link(c.url, truncate(one_line(c.title), 120) or c.key),
            " · ",
            Code(c.key),
            f" · {c.score}, {band_label(BAND_OF_WORDS[c.band])} · "
            f"{c.merged_at.astimezone(ZoneInfo(timezone)):%Y-%m-%d}",
        )
        for c in trend.riskiest_changes[:_TOP]
    ]

    def minutes(value: float | None) -> str:
        return "n/a" if value is None else format_value(value, "min")

    def percent(value: float | None) -> str:
        return "n/a" if value is None else format_value(value, "%")

    burn = service_budget_burn(session, service, default.week, timezone)
    budget: tuple[Line, ...] = ()
    if burn is not None:
        # Read live from the error-budget source, so said whatever its rate (the briefing
        # names only the fastest burns).
        budget = (
            (
                Strong(("Error budget",)),
                f" {burn.burned_percent}% burned {this_week} (burn rate {burn.burn_rate:g}× over "
                f"its {burn.window_days}-day window) · {burn.left_percent}% left",
            ),
        )
    record = Paragraph(
        (
            (
                Strong(("MTTR",)),
                f" {minutes(this.mttr_minutes)} {this_week} · "
                f"{minutes(span.mttr_minutes)} over {TREND_WEEKS} weeks "
                f"({many(span.incidents, 'incident')})",
            ),
            (
                Strong(("Change failure rate",)),
                f" {percent(this.change_failure_rate)} {this_week} · "
                f"{percent(span.change_failure_rate)} over {TREND_WEEKS} weeks "
                f"({span.failed_deploys} of {many(span.deploys, 'deploy')})",
            ),
            *budget,
        )
    )
    if not span.changes:
        # Deploys or incidents but no change: the line, then MTTR and CFR.
        return Answer((quiet, record, *ends), summary)
    table = Table(
        (
            Strong((name,)),
            f": high-risk share and high-risk/all changes, last {TREND_WEEKS} weeks "
            f"({timezone}; * is {'this week so far' if not default.moved else until})",
        ),
        _COLUMNS,
        rows,
    )
    riskiest = Paragraph(
        ((Strong(("Riskiest changes",)),), *(risky_lines or [("No high-risk changes.",)]))
    )
    return Answer((*ends, table, riskiest, record), summary)


def _no_changes_line(
    session: Session, name: str, service: str, weeks: tuple[str, str], timezone: str
) -> Line:
    """``name`` had no change in ``weeks`` (the first and last): say so, and name its newest
    week and how to see it."""
    shown: Line = (
        Strong((name,)),
        f" has no change in the last {TREND_WEEKS} weeks ({weeks[0]} to {weeks[1]})",
    )
    newest = newest_merged_in_service(session, service)
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
    refused = scope_refused(asked, Scope(services=(query.service,)))
    if refused is not None:
        return not_found(refused)
    zone = reader_timezone(asked)
    return service_answer(asked.session, asked.org, query.service, asked.now, zone)
