"""``/risk pr``, ``/risk service`` and ``/risk deploy``: one change, service or deploy.

Every string from outside (titles, names, ids) is escaped with
``briefing.render.escape`` before it goes into mrkdwn.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.slack.commands import echo
from bot.slack.reply import Reply, section
from briefing.labels import band_label
from briefing.render.escape import link, mrkdwn, one_line, truncate
from briefing.render.text import format_value
from briefing.week import IsoWeek
from data.config import OrgConfig
from data.scores import load_scores
from data.tables import Change, Deploy, DeployChange, Incident, Service
from data.window import load_window
from scoring import aggregate
from scoring.breakdown import breakdown
from scoring.scored import ScoredChange

__all__ = [
    "change_reply",
    "deploy_reply",
    "latest_deploy_key",
    "service_reply",
    "signal_lines",
    "this_week",
    "version_of",
]

_TREND_WEEKS = 8
_TOP = 5
_SHIPPED_SHOWN = 15
# What a change's stored review flag adds after "AI agent"; None is unknown.
_REVIEW_NOTE = {True: "", False: ", no human approval", None: ", review unknown"}


def version_of(org: OrgConfig) -> str:
    """The scorer version whose stored scores answers read."""
    return org.scoring_config().version


def this_week(now: datetime, timezone: str) -> IsoWeek:
    """The ISO week ``now`` falls in, in ``timezone``."""
    return IsoWeek.of(now.astimezone(ZoneInfo(timezone)).date())


def signal_lines(scored: ScoredChange, limit: int = _TOP) -> list[str]:
    """A stored score's top contributions as escaped bullet lines: they add up to the score."""
    return [f"• {c.points:+d} {mrkdwn(one_line(c.explanation))}" for c in breakdown(scored, limit)]


def _gate_lines(scored: ScoredChange) -> list[str]:
    return [f"⛔ {mrkdwn(one_line(g.explanation))}" for g in scored.gates]


def _service_name(org: OrgConfig, key: str | None) -> str:
    names = {s.key: s.display_name for s in org.services}
    return mrkdwn(names.get(key, key)) if key else "no service"


def change_reply(session: Session, org: OrgConfig, key: str) -> Reply:
    """A change's score, band, top signals with their explanations, and the gates it hit."""
    change = session.exec(select(Change).where(Change.key == key)).first()
    if change is None:
        return Reply.plain(
            f"No change `{echo(key)}` is in the store; check the number, "
            "or run `riskbrief sync` if it was merged just now."
        )
    row = load_scores(session, "change", version_of(org), [key]).get(key)
    if row is None:
        return Reply.plain(
            f"`{echo(key)}` has not been scored yet; it will be after the next "
            "`riskbrief score` (or the scheduler's next run)."
        )
    title = link(change.url, truncate(one_line(change.title), 150) or key)
    head = (
        f"*{title}* · `{mrkdwn(key)}`\n"
        f"Risk *{row.score}*, {band_label(row.band)} · {_service_name(org, row.service)} · "
        f"merged {change.merged_at:%Y-%m-%d %H:%M} UTC"
    )
    if row.agent_involved:
        head += " · AI agent" + _REVIEW_NOTE[row.human_reviewed]
    blocks = [section(head)]
    signals = signal_lines(row)
    blocks.append(section("*Signals*\n" + ("\n".join(signals) or "No signal added risk.")))
    gates = _gate_lines(row)
    if gates:
        blocks.append(section("*Gates hit*\n" + "\n".join(gates)))
    return Reply(text=f"{key}: risk {row.score}, {band_label(row.band)}", blocks=tuple(blocks))


def service_reply(session: Session, org: OrgConfig, service: str, now: datetime) -> Reply:
    """A service's last 8 weeks: weekly high-risk share and counts, riskiest changes, MTTR, CFR."""
    timezone = org.organisation.timezone
    this = this_week(now, timezone)
    weeks = [this]
    for _ in range(_TREND_WEEKS - 1):
        weeks.insert(0, weeks[0].previous())
    since, until = weeks[0].bounds(timezone)[0], this.bounds(timezone)[1]
    window = load_window(session, since, until, version_of(org))
    lines: list[str] = []
    for week in weeks:
        rows = window.slice(*week.bounds(timezone), [service])
        d = aggregate(rows.changes).distribution
        bar = "█" * round(d.high_risk_share / 10)
        lines.append(
            f"{week.id}{'*' if week == this else ' '} {d.high_risk_share:5.1f}% "
            f"{d.high_risk:>3}/{d.total:<3} {bar}"
        )
    everything = window.slice(since, until, [service])
    total = aggregate(everything.changes, everything.deploys, everything.incidents)
    latest = window.slice(*this.bounds(timezone), [service])
    now_agg = aggregate(latest.changes, latest.deploys, latest.incidents)
    name = _service_name(org, service)
    risky = sorted((c for c in total.changes if c.high_risk), key=lambda c: (-c.score, c.key))
    risky_lines = [
        f"• {link(c.url, truncate(one_line(c.title), 120) or c.key)} · `{mrkdwn(c.key)}` · "
        f"{c.score}, {band_label(c.band.value)} · {c.merged_at:%Y-%m-%d}"
        for c in risky[:_TOP]
    ]

    def minutes(value: float | None) -> str:
        return "n/a" if value is None else format_value(round(value, 1), "min")

    def percent(value: float | None) -> str:
        return "n/a" if value is None else format_value(round(value, 1), "%")

    # Only numbers, week ids and bars go in the code block: nothing there needs escaping.
    blocks = [
        section(
            f"*{name}*: high-risk share and high-risk/all changes, last {_TREND_WEEKS} weeks "
            f"({mrkdwn(timezone)}; * is this week so far)"
            "\n```\nweek       share  high/all\n" + "\n".join(lines) + "\n```"
        ),
        section("*Riskiest changes*\n" + ("\n".join(risky_lines) or "No high-risk changes.")),
        section(
            f"*MTTR* {minutes(now_agg.mttr_minutes)} this week · "
            f"{minutes(total.mttr_minutes)} over {_TREND_WEEKS} weeks "
            f"({len(total.incidents)} incidents)\n"
            f"*Change failure rate* {percent(now_agg.change_failure_rate)} this week · "
            f"{percent(total.change_failure_rate)} over {_TREND_WEEKS} weeks "
            f"({total.failed_deploys} of {len(total.deploys)} deploys)"
        ),
    ]
    return Reply(text=f"{service}: the last {_TREND_WEEKS} weeks", blocks=tuple(blocks))


def latest_deploy_key(session: Session, service: str) -> str | None:
    """The key of ``service``'s latest finished deploy."""
    svc = session.exec(select(Service).where(Service.key == service)).first()
    if svc is None:
        return None
    deploy = session.exec(
        select(Deploy)
        .where(Deploy.service_id == svc.id)
        .order_by(col(Deploy.finished_at).desc(), col(Deploy.key).desc())
    ).first()
    return deploy.key if deploy else None


def deploy_reply(session: Session, org: OrgConfig, key: str) -> Reply:
    """A deploy's risk, its signals and gates, the changes it shipped and the incidents after."""
    deploy = session.exec(select(Deploy).where(Deploy.key == key)).first()
    if deploy is None:
        return Reply.plain(
            # `&lt;service&gt;`: a bare `<service>` is read by Slack as a link.
            f"No deploy `{echo(key)}` is in the store; try `/risk deploy latest &lt;service&gt;`."
        )
    version = version_of(org)
    row = load_scores(session, "deploy", version, [key]).get(key)
    service = session.get(Service, deploy.service_id)
    shipped = list(
        session.exec(
            select(Change)
            .join(DeployChange, col(DeployChange.change_id) == col(Change.id))
            .where(DeployChange.deploy_id == deploy.id)
            .order_by(col(Change.merged_at), col(Change.key))
        )
    )
    scores = load_scores(session, "change", version, [c.key for c in shipped])
    incidents = list(session.exec(select(Incident).where(Incident.deploy_id == deploy.id)))
    risk = f"Risk *{row.score}*, {band_label(row.band)}" if row else "Not scored yet"
    head = (
        f"*Deploy* `{mrkdwn(key)}`\n{risk} · {_service_name(org, service.key if service else None)}"
        f" · {mrkdwn(deploy.environment)} · {mrkdwn(deploy.status)} · "
        f"finished {deploy.finished_at:%a %Y-%m-%d %H:%M} UTC"
    )
    blocks = [section(head)]
    if row is not None:
        lines = signal_lines(row) + _gate_lines(row)
        if lines:
            blocks.append(section("*Why*\n" + "\n".join(lines)))
    change_lines = []
    for c in sorted(shipped, key=lambda c: -(scores[c.key].score if c.key in scores else -1))[
        :_SHIPPED_SHOWN
    ]:
        s = scores.get(c.key)
        rating = f"{s.score}, {band_label(s.band)}" if s else "not scored"
        title = truncate(one_line(c.title), 120) or c.key
        change_lines.append(f"• {link(c.url, title)} · `{mrkdwn(c.key)}` · {rating}")
    more = len(shipped) - len(change_lines)
    if more > 0:
        change_lines.append(f"… and {more} more")
    blocks.append(
        section(
            f"*Shipped {len(shipped)} change{'s' if len(shipped) != 1 else ''}*\n"
            + ("\n".join(change_lines) or "No changes recorded for this deploy.")
        )
    )
    if incidents:
        blocks.append(
            section(
                "*Incidents linked to it*\n"
                + "\n".join(
                    f"• `{mrkdwn(i.key)}` {mrkdwn(one_line(i.title))} · opened "
                    f"{i.opened_at:%Y-%m-%d %H:%M} UTC" + (" · resolved" if i.resolved_at else "")
                    for i in incidents
                )
            )
        )
    score_text = f"risk {row.score}, {band_label(row.band)}" if row else "not scored"
    return Reply(text=f"Deploy {key}: {score_text}", blocks=tuple(blocks))
