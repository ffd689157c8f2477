"""``/risk pr``, ``/risk service`` and ``/risk deploy``: one change, service or deploy.

Every string from outside (titles, names, ids) is escaped with
``briefing.render.escape`` before it goes into mrkdwn.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot.slack.commands import echo
from bot.slack.reply import Reply, section
from briefing.labels import band_label
from briefing.plural import many
from briefing.render.escape import link, mrkdwn, one_line, truncate
from briefing.render.text import format_value
from briefing.week import IsoWeek
from data.config import OrgConfig
from data.store.scores import load_scores
from data.store.tables import (
    IS_MERGED,
    Change,
    ChangeFile,
    ChangeState,
    Deploy,
    DeployChange,
    Incident,
    Repository,
    Service,
)
from data.store.window import load_window
from scoring import aggregate
from scoring.breakdown import breakdown
from scoring.change_key import ChangeKey
from scoring.scored import ScoredChange

__all__ = [
    "NotFound",
    "change_reply",
    "deploy_reply",
    "find_changes",
    "find_deploys",
    "latest_deploy_key",
    "local_time",
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
# Candidates listed when a short sha or a bare number names more than one change.
_CANDIDATES = 10


@dataclass(frozen=True, slots=True)
class NotFound(Reply):
    """A reply saying that what was asked about is not in the store (or is ambiguous).

    Slack shows it like any reply; ``riskbrief ask`` prints it as its error and exits 1.
    """

    @staticmethod
    def plain(text: str) -> NotFound:
        """A one-section not-found reply of mrkdwn ``text`` (already safe)."""
        return NotFound(text=text, blocks=(section(text),))


def local_time(when: datetime, timezone: str, day: bool = True) -> str:
    """``when`` as the reader reads it: ``Fri 2026-11-20 10:35 America/New_York``."""
    zone = "UTC" if timezone in ("UTC", "Etc/UTC") else timezone
    local = when.astimezone(ZoneInfo(timezone))
    return f"{local:%a %Y-%m-%d %H:%M} {zone}" if day else f"{local:%Y-%m-%d %H:%M} {zone}"


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


def _same_repository(stored: str, asked: str) -> bool:
    """Whether ``asked`` names the repository stored as ``stored``.

    A clone quickstart stores a repository under its origin remote (``pallets/flask``)
    or, without one, its folder (``flask``): either spelling finds it. Two owners that
    differ are two repositories.
    """
    if not asked:
        return True
    stored, asked = stored.lower(), asked.lower()
    if stored == asked:
        return True
    if "/" in stored and "/" in asked:
        return False
    return stored.rsplit("/", 1)[-1] == asked.rsplit("/", 1)[-1]


def find_changes(session: Session, ref: str) -> list[Change]:
    """The changes ``ref`` names, newest first: its stored key, else what it is written as.

    ``ref`` is what ``bot.slack.commands.change_ref`` writes: ``[repo]#N`` for a pull
    request, ``[repo]!N`` for a GitLab merge request, ``[repo@]sha`` for a commit (a PR's
    merge commit finds the PR). The repository may be spelt ``owner/name`` or ``name``
    whatever form it was stored in. More than one change comes back only when a short sha
    or a bare ``#N`` / ``!N`` is ambiguous.
    """
    exact = session.exec(select(Change).where(Change.key == ref)).first()
    if exact is not None:
        return [exact]
    key = ChangeKey.parse(ref)
    if key is None:
        return []
    repo = key.repository
    if key.number is not None:
        # Beyond the store's 32-bit integer: no pull request has that number.
        if key.number > 2**31 - 1:
            return []
        # The mark tells the code hosts apart: with GitHub and GitLab side by side,
        # `acme/web!7` is the merge request and never GitHub's `acme/web#7`.
        query = select(Change).where(
            Change.number == key.number,
            col(Change.key).endswith(f"{key.mark}{key.number}", autoescape=True),
        )
    else:
        assert key.sha is not None
        query = select(Change).where(col(Change.sha).startswith(key.sha, autoescape=True))
    names = {r.id: r.name for r in session.exec(select(Repository))}
    return [
        c
        for c in session.exec(query.order_by(col(Change.merged_at).desc(), col(Change.key)))
        if _same_repository(names.get(c.repository_id, ""), repo)
    ]


def _when(change: Change, timezone: str, *, day: bool = True) -> str:
    """``merged <local time>``, or what an open or closed pull request is instead."""
    if change.merged_at is None or change.state is not ChangeState.MERGED:
        if change.state is ChangeState.OPEN:
            return "a draft, not merged yet" if change.draft else "open, not merged yet"
        return "closed unmerged"
    return f"merged {local_time(change.merged_at, timezone, day=day)}"


def _candidates(what: str, lines: list[str], more: int, ask: str) -> NotFound:
    tail = f"\n… and {more} more; give more of it" if more > 0 else ""
    return NotFound.plain(f"{what}; {ask}:\n" + "\n".join(lines) + tail)


def _shipped_in(session: Session, org: OrgConfig, change: Change, timezone: str) -> str:
    """The deploys that shipped ``change``, each by service and local time beside its id."""
    deploys = list(
        session.exec(
            select(Deploy)
            .join(DeployChange, col(DeployChange.deploy_id) == col(Deploy.id))
            .where(DeployChange.change_id == change.id)
            .order_by(col(Deploy.finished_at))
        )
    )
    if not deploys:
        return "Not shipped by any deploy in the store."
    return "Shipped in " + "; ".join(_deploy_name(session, org, d, timezone) for d in deploys[:3])


def _deploy_name(session: Session, org: OrgConfig, deploy: Deploy, timezone: str) -> str:
    """A deploy as a reader knows it: its service's deploy at a local time, then its id."""
    service = session.get(Service, deploy.service_id)
    name = _service_name(org, service.key if service else None)
    return f"{name} deploy of {local_time(deploy.finished_at, timezone)} (`{mrkdwn(deploy.key)}`)"


def change_reply(session: Session, org: OrgConfig, key: str, timezone: str | None = None) -> Reply:
    """A change's score, band, top signals with their explanations, and the gates it hit.

    ``key`` is any form :func:`find_changes` reads; times are in ``timezone`` (the
    reader's), else the organisation's.
    """
    zone = timezone or org.organisation.timezone
    found = find_changes(session, key)
    if not found:
        return NotFound.plain(
            f"No change `{echo(key)}` is in the store; check the number or sha, "
            "or run `riskbrief sync` if it was merged just now."
        )
    if len(found) > 1:
        lines = [
            f"• `{mrkdwn(c.key)}` {mrkdwn(truncate(one_line(c.title), 80))} · "
            f"{_when(c, zone, day=False)}"
            for c in found[:_CANDIDATES]
        ]
        return _candidates(
            f"`{echo(key)}` names {many(len(found), 'change')}",
            lines,
            len(found) - _CANDIDATES,
            "ask about one of them by its key",
        )
    change = found[0]
    key = change.key
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
        f"{_when(change, zone)}"
    )
    if row.agent_involved:
        head += " · AI agent" + _REVIEW_NOTE[row.human_reviewed]
    blocks = [section(head)]
    signals = signal_lines(row)
    blocks.append(section("*Signals*\n" + ("\n".join(signals) or "No signal added risk.")))
    gates = _gate_lines(row)
    if gates:
        blocks.append(section("*Gates hit*\n" + "\n".join(gates)))
    blocks.append(section(_shipped_in(session, org, change, zone)))
    return Reply(text=f"{key}: risk {row.score}, {band_label(row.band)}", blocks=tuple(blocks))


def service_reply(
    session: Session, org: OrgConfig, service: str, now: datetime, timezone: str | None = None
) -> Reply:
    """A service's last 8 weeks: weekly high-risk share and counts, riskiest changes, MTTR, CFR.

    Weeks and dates are the reader's (``timezone``), else the organisation's.
    """
    timezone = timezone or org.organisation.timezone
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
    if not everything.changes:
        # Eight weeks of "0.0% 0/0" say nothing: one line, and where the data is.
        quiet = section(_no_changes_line(session, name, service, weeks, timezone))
        if not (everything.deploys or everything.incidents):
            return Reply(
                text=f"{service}: no change in the last {_TREND_WEEKS} weeks", blocks=(quiet,)
            )
    risky = sorted((c for c in total.changes if c.high_risk), key=lambda c: (-c.score, c.key))
    risky_lines = [
        f"• {link(c.url, truncate(one_line(c.title), 120) or c.key)} · `{mrkdwn(c.key)}` · "
        f"{c.score}, {band_label(c.band.value)} · "
        f"{c.merged_at.astimezone(ZoneInfo(timezone)):%Y-%m-%d}"
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
            f"({many(len(total.incidents), 'incident')})\n"
            f"*Change failure rate* {percent(now_agg.change_failure_rate)} this week · "
            f"{percent(total.change_failure_rate)} over {_TREND_WEEKS} weeks "
            f"({total.failed_deploys} of {many(len(total.deploys), 'deploy')})"
        ),
    ]
    if not everything.changes:
        # Deploys or incidents but no change: the line, then MTTR and CFR.
        blocks = [quiet, blocks[-1]]
    return Reply(text=f"{service}: the last {_TREND_WEEKS} weeks", blocks=tuple(blocks))


def _no_changes_line(
    session: Session, name: str, service: str, weeks: list[IsoWeek], timezone: str
) -> str:
    """``name`` had no change in ``weeks``: say so, and name its newest week and how to see it."""
    shown = (
        f"*{name}* has no change in the last {_TREND_WEEKS} weeks ({weeks[0].id} to {weeks[-1].id})"
    )
    newest = session.exec(
        select(func.max(col(Change.merged_at)))
        .join(ChangeFile, col(ChangeFile.change_id) == col(Change.id))
        .join(Service, col(Service.id) == col(ChangeFile.service_id))
        .where(Service.key == service, IS_MERGED)
    ).one()
    if newest is None:
        return f"{shown}, nor any before; `riskbrief sync` reads the configured sources."
    merged = newest.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone)).date()
    week = IsoWeek.of(merged)
    return (
        f"{shown}; its newest change merged on {merged.isoformat()}, in {week.id}: "
        f"`riskbrief brief --week {week.id}` briefs that week; `riskbrief sync` reads "
        "newer changes (`git pull` a clone first)."
    )


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


def find_deploys(session: Session, ref: str) -> list[Deploy]:
    """The deploys ``ref`` names, newest first: its key, else one part of keys (a tag).

    Cards and answers print deploy keys (``deploy:checkout:2026-11-20T15:35``,
    ``git-tag:pallets/flask:3.1.3:flask``); a tag alone (``3.1.3``) finds the deploys
    it made, one per service.
    """
    exact = session.exec(select(Deploy).where(Deploy.key == ref)).first()
    if exact is not None:
        return [exact]
    if ":" in ref or not ref.strip():
        return []
    inner = col(Deploy.key).contains(f":{ref}:", autoescape=True)
    last = col(Deploy.key).endswith(f":{ref}", autoescape=True)
    query = select(Deploy).where(inner | last)
    return list(session.exec(query.order_by(col(Deploy.finished_at).desc(), col(Deploy.key))))


def deploy_reply(session: Session, org: OrgConfig, key: str, timezone: str | None = None) -> Reply:
    """A deploy's risk, its signals and gates, the changes it shipped and the incidents after.

    Times are in ``timezone`` (the reader's), else the organisation's.
    """
    zone = timezone or org.organisation.timezone
    found = find_deploys(session, key)
    if not found:
        return NotFound.plain(
            # `&lt;service&gt;`: a bare `<service>` is read by Slack as a link.
            f"No deploy `{echo(key)}` is in the store; try `/risk deploy latest &lt;service&gt;`."
        )
    if len(found) > 1:
        lines = [f"• {_deploy_name(session, org, d, zone)}" for d in found[:_CANDIDATES]]
        return _candidates(
            f"`{echo(key)}` names {many(len(found), 'deploy')}",
            lines,
            len(found) - _CANDIDATES,
            "ask about one of them by its id",
        )
    deploy = found[0]
    key = deploy.key
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
    name = _service_name(org, service.key if service else None)
    head = (
        f"*{name} deploy of {local_time(deploy.finished_at, zone)}* · `{mrkdwn(key)}`\n"
        f"{risk} · {mrkdwn(deploy.environment)} · {mrkdwn(deploy.status)}"
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
            f"*Shipped {many(len(shipped), 'change')}*\n"
            + ("\n".join(change_lines) or "No changes recorded for this deploy.")
        )
    )
    if incidents:
        blocks.append(
            section(
                "*Incidents linked to it*\n"
                + "\n".join(
                    f"• `{mrkdwn(i.key)}` {mrkdwn(one_line(i.title))} · opened "
                    f"{local_time(i.opened_at, zone)}" + (" · resolved" if i.resolved_at else "")
                    for i in incidents
                )
            )
        )
    score_text = f"risk {row.score}, {band_label(row.band)}" if row else "not scored"
    return Reply(
        text=f"{name} deploy of {local_time(deploy.finished_at, zone)} ({key}): {score_text}",
        blocks=tuple(blocks),
    )
