"""Answers to ``/risk`` questions, the Details button and App Home, as Block Kit from the store.

The week's numbers come from the same payload builder and Slack renderer the
Monday briefing uses (``briefing.build``, ``briefing.render.slack``); this
module adds the per-change, per-service and per-deploy views the briefing does
not have. Every string from outside the renderer (titles, names, ids) is
escaped with ``briefing.render.escape`` before it goes into mrkdwn.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.slack.commands import Catalog, Scope, echo
from briefing.build import Audience, build_payload, scope_label
from briefing.deterministic import write_deterministic
from briefing.payload import BriefingPayload, CardView
from briefing.render.escape import link, mrkdwn, one_line, truncate
from briefing.render.slack import MAX_BLOCKS, render_slack
from briefing.render.text import fact_text, format_value
from briefing.week import IsoWeek
from data.config import OrgConfig
from data.store import load_scores
from data.tables import (
    Briefing,
    Change,
    Delivery,
    Deploy,
    DeployChange,
    Incident,
    RiskScoreRow,
    Service,
    Subscriber,
)
from data.window import load_window
from scoring import aggregate

__all__ = [
    "DETAILS_ACTION",
    "CardRef",
    "Reply",
    "brief_reply",
    "catalog_of",
    "change_reply",
    "deploy_reply",
    "details_reply",
    "home_view",
    "latest_deploy_key",
    "service_reply",
    "settings_text",
    "subscriber_of",
]

DETAILS_ACTION = "card_details"

# Slack's limits: 3000 characters a section, 100 blocks in a Home view or a modal.
_SECTION = 3000
_HOME_BLOCKS = 100
_TREND_WEEKS = 8
_TOP = 5
_SHIPPED_SHOWN = 15


@dataclass(frozen=True, slots=True)
class Reply:
    """A message: the notification ``text`` and its ``blocks``."""

    text: str
    blocks: tuple[dict[str, Any], ...] = ()

    def to_json(self) -> dict[str, Any]:
        """``{"text": ..., "blocks": [...]}`` for ``respond`` or ``chat.postMessage``."""
        return {"text": self.text, "blocks": list(self.blocks)}

    @staticmethod
    def plain(text: str) -> Reply:
        """A one-section reply of mrkdwn ``text`` (already safe)."""
        return Reply(text=text, blocks=(_section(text),))


@dataclass(frozen=True, slots=True)
class CardRef:
    """Which card a Details button is about: the card, its week, scope and time zone."""

    card: str
    week: str
    timezone: str
    scope: Scope

    def to_value(self) -> str:
        """The button's value."""
        return json.dumps(
            {
                "card": self.card,
                "week": self.week,
                "tz": self.timezone,
                "teams": list(self.scope.teams),
                "services": list(self.scope.services),
            },
            separators=(",", ":"),
        )

    @staticmethod
    def from_value(value: str) -> CardRef | None:
        """The reference in a button value made by :meth:`to_value`, else ``None``."""
        try:
            data = json.loads(value)
            return CardRef(
                card=str(data["card"]),
                week=str(data["week"]),
                timezone=str(data["tz"]),
                scope=Scope(tuple(map(str, data["teams"])), tuple(map(str, data["services"]))),
            )
        except (ValueError, KeyError, TypeError):
            return None


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, _SECTION)}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": truncate(text, 2000)}]}


def catalog_of(org: OrgConfig) -> Catalog:
    """The organisation's teams and services for the command parser."""
    return Catalog(
        teams={t.key: t.display_name for t in org.teams},
        services={s.key: s.display_name for s in org.services},
    )


def subscriber_of(session: Session, user_id: str) -> Subscriber | None:
    """The caller's subscriber row: a config one before a Slack one, an active before not."""
    rows = list(session.exec(select(Subscriber).where(Subscriber.slack_user_id == user_id)))
    rows.sort(key=lambda s: (s.origin != "config", not s.active, s.id or 0))
    return rows[0] if rows else None


def _version(org: OrgConfig) -> str:
    return org.scoring_config().version


def _this_week(now: datetime, timezone: str) -> IsoWeek:
    return IsoWeek.of(now.astimezone(ZoneInfo(timezone)).date())


def _with_refs(
    blocks: Sequence[dict[str, Any]], week: IsoWeek, timezone: str, scope: Scope
) -> list[dict[str, Any]]:
    """The blocks with each Details button's value naming its week and scope too.

    The rendered briefing's buttons carry only the card id; a "this week so far"
    answer is stored nowhere, so the button must say which week and scope it showed.
    """
    out: list[dict[str, Any]] = []
    for block in blocks:
        accessory = block.get("accessory")
        if isinstance(accessory, dict) and accessory.get("action_id") == DETAILS_ACTION:
            ref = CardRef(str(accessory["value"]), week.id, timezone, scope)
            block = {**block, "accessory": {**accessory, "value": ref.to_value()}}
        out.append(block)
    return out


def _week_payload(
    session: Session, org: OrgConfig, scope: Scope, timezone: str, week: IsoWeek
) -> BriefingPayload:
    audience = Audience("slack", "", timezone, scope.teams, scope.services)
    return build_payload(session, org, audience, week)


def brief_reply(
    session: Session, org: OrgConfig, scope: Scope, timezone: str, now: datetime
) -> Reply:
    """This week so far for ``scope``: the briefing's blocks, with the deterministic narrative.

    Deterministic on purpose: a slash command must not wait on, or pay for, an LLM.
    """
    week = _this_week(now, timezone)
    payload = _week_payload(session, org, scope, timezone, week)
    message = render_slack(payload, write_deterministic(payload))
    intro = _context(
        f"*This week so far* · {mrkdwn(one_line(payload.scope.label))} · "
        f"{now.astimezone(ZoneInfo(timezone)):%a %d %b %H:%M} ({mrkdwn(timezone)})"
    )
    blocks = _with_refs(message.blocks, week, timezone, scope)
    if len(blocks) < MAX_BLOCKS:
        blocks.insert(0, intro)
    return Reply(text=f"This week so far: {message.text}", blocks=tuple(blocks))


def _signal_lines(row: RiskScoreRow, limit: int = _TOP) -> list[str]:
    ranked = sorted(
        (s for s in row.signals if float(s.get("points", 0)) > 0),
        key=lambda s: (-float(s["points"]), str(s["name"])),
    )
    return [
        f"• +{round(float(s['points']))} {mrkdwn(one_line(str(s['explanation'])))}"
        for s in ranked[:limit]
    ]


def _gate_lines(row: RiskScoreRow) -> list[str]:
    return [f"⛔ {mrkdwn(one_line(str(g['explanation'])))}" for g in row.gates]


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
    row = load_scores(session, "change", _version(org), [key]).get(key)
    if row is None:
        return Reply.plain(
            f"`{echo(key)}` has not been scored yet; it will be after the next "
            "`riskbrief score` (or the scheduler's next run)."
        )
    title = link(change.url, truncate(one_line(change.title), 150) or key)
    head = (
        f"*{title}* · `{mrkdwn(key)}`\n"
        f"Risk *{row.score}* ({mrkdwn(row.band)}) · {_service_name(org, row.service)} · "
        f"merged {change.merged_at:%Y-%m-%d %H:%M} UTC"
    )
    if row.agent_involved:
        head += " · AI agent" + ("" if row.human_reviewed else ", no human approval")
    blocks = [_section(head)]
    signals = _signal_lines(row)
    blocks.append(_section("*Signals*\n" + ("\n".join(signals) or "No signal added risk.")))
    gates = _gate_lines(row)
    if gates:
        blocks.append(_section("*Gates hit*\n" + "\n".join(gates)))
    return Reply(text=f"{key}: risk {row.score} ({row.band})", blocks=tuple(blocks))


def service_reply(session: Session, org: OrgConfig, service: str, now: datetime) -> Reply:
    """A service's last 8 weeks: weekly high-risk share and counts, riskiest changes, MTTR, CFR."""
    timezone = org.organisation.timezone
    this = _this_week(now, timezone)
    weeks = [this]
    for _ in range(_TREND_WEEKS - 1):
        weeks.insert(0, weeks[0].previous())
    since, until = weeks[0].bounds(timezone)[0], this.bounds(timezone)[1]
    window = load_window(session, since, until, _version(org))
    lines: list[str] = []
    for week in weeks:
        rows = window.slice(*week.bounds(timezone), [service])
        d = aggregate(rows.changes).distribution
        bar = "█" * round(d.elevated_share / 10)
        lines.append(
            f"{week.id}{'*' if week == this else ' '} {d.elevated_share:5.1f}% "
            f"{d.elevated:>3}/{d.total:<3} {bar}"
        )
    everything = window.slice(since, until, [service])
    total = aggregate(everything.changes, everything.deploys, everything.incidents)
    latest = window.slice(*this.bounds(timezone), [service])
    now_agg = aggregate(latest.changes, latest.deploys, latest.incidents)
    name = _service_name(org, service)
    risky = sorted((c for c in total.changes if c.elevated), key=lambda c: (-c.score, c.key))
    risky_lines = [
        f"• {link(c.url, truncate(one_line(c.title), 120) or c.key)} · `{mrkdwn(c.key)}` · "
        f"{c.score} ({c.band.value}) · {c.merged_at:%Y-%m-%d}"
        for c in risky[:_TOP]
    ]

    def minutes(value: float | None) -> str:
        return "n/a" if value is None else format_value(round(value, 1), "min")

    def percent(value: float | None) -> str:
        return "n/a" if value is None else format_value(round(value, 1), "%")

    # Only numbers, week ids and bars go in the code block: nothing there needs escaping.
    blocks = [
        _section(
            f"*{name}*: high-risk share and high-risk/all changes, last {_TREND_WEEKS} weeks "
            f"({mrkdwn(timezone)}; * is this week so far)"
            "\n```\nweek       share  high/all\n" + "\n".join(lines) + "\n```"
        ),
        _section("*Riskiest changes*\n" + ("\n".join(risky_lines) or "No high-risk changes.")),
        _section(
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
            f"No deploy `{echo(key)}` is in the store; try `/risk deploy latest <service>`."
        )
    version = _version(org)
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
    risk = f"Risk *{row.score}* ({mrkdwn(row.band)})" if row else "Not scored yet"
    head = (
        f"*Deploy* `{mrkdwn(key)}`\n{risk} · {_service_name(org, service.key if service else None)}"
        f" · {mrkdwn(deploy.environment)} · {mrkdwn(deploy.status)} · "
        f"finished {deploy.finished_at:%a %Y-%m-%d %H:%M} UTC"
    )
    blocks = [_section(head)]
    if row is not None:
        lines = _signal_lines(row) + _gate_lines(row)
        if lines:
            blocks.append(_section("*Why*\n" + "\n".join(lines)))
    change_lines = []
    for c in sorted(shipped, key=lambda c: -(scores[c.key].score if c.key in scores else -1))[
        :_SHIPPED_SHOWN
    ]:
        s = scores.get(c.key)
        rating = f"{s.score} ({s.band})" if s else "not scored"
        title = truncate(one_line(c.title), 120) or c.key
        change_lines.append(f"• {link(c.url, title)} · `{mrkdwn(c.key)}` · {rating}")
    more = len(shipped) - len(change_lines)
    if more > 0:
        change_lines.append(f"… and {more} more")
    blocks.append(
        _section(
            f"*Shipped {len(shipped)} change{'s' if len(shipped) != 1 else ''}*\n"
            + ("\n".join(change_lines) or "No changes recorded for this deploy.")
        )
    )
    if incidents:
        blocks.append(
            _section(
                "*Incidents linked to it*\n"
                + "\n".join(
                    f"• `{mrkdwn(i.key)}` {mrkdwn(one_line(i.title))} · opened "
                    f"{i.opened_at:%Y-%m-%d %H:%M} UTC" + (" · resolved" if i.resolved_at else "")
                    for i in incidents
                )
            )
        )
    score_text = f"risk {row.score} ({row.band})" if row else "not scored"
    return Reply(text=f"Deploy {key}: {score_text}", blocks=tuple(blocks))


def _briefing_payload(
    session: Session, user_id: str, card: str, message_ts: str | None
) -> BriefingPayload | None:
    """The stored briefing a Details button of a delivered message belongs to."""
    if message_ts:
        delivery = session.exec(
            select(Delivery).where(Delivery.channel == "slack", Delivery.external_id == message_ts)
        ).first()
        if delivery is not None and delivery.briefing_id is not None:
            briefing = session.get(Briefing, delivery.briefing_id)
            if briefing is not None:
                return BriefingPayload.model_validate(briefing.payload)
    # No delivery record (a message sent before they were kept, or by hand): the
    # caller's newest briefing that has the card.
    subscriber = subscriber_of(session, user_id)
    if subscriber is None:
        return None
    for briefing in session.exec(
        select(Briefing)
        .where(Briefing.subscriber_id == subscriber.id)
        .order_by(col(Briefing.week).desc())
    ):
        payload = BriefingPayload.model_validate(briefing.payload)
        if payload.card(card) is not None:
            return payload
    return None


def _evidence_line(session: Session, payload: BriefingPayload, key: str, version: str) -> str:
    change = payload.change(key)
    if change is not None:
        title = truncate(one_line(change.title), 120) or key
        why = "; ".join(mrkdwn(one_line(s.explanation)) for s in change.signals[:2])
        return f"• {link(change.url, title)} · `{mrkdwn(key)}` · {change.score} ({change.band})" + (
            f"\n    {why}" if why else ""
        )
    incident = next((i for i in payload.incidents if i.id == key), None)
    if incident is not None:
        resolved = (
            f"resolved in {format_value(incident.minutes_to_resolve, 'min')}"
            if incident.minutes_to_resolve is not None
            else "not resolved"
        )
        return f"• `{mrkdwn(key)}` {mrkdwn(one_line(incident.title))} · {resolved}"
    for kind in ("change", "deploy"):
        row = load_scores(session, kind, version, [key]).get(key)
        if row is not None:
            signals = "; ".join(line.removeprefix("• ") for line in _signal_lines(row, 2))
            return f"• `{mrkdwn(key)}` · {row.score} ({mrkdwn(row.band)})" + (
                f"\n    {signals}" if signals else ""
            )
    return f"• `{mrkdwn(key)}`"


def _card_evidence(
    session: Session, org: OrgConfig, payload: BriefingPayload, card: CardView
) -> Reply:
    version = _version(org)
    head = f"*{mrkdwn(one_line(card.title))}* · {card.severity} · week {mrkdwn(payload.week.id)}"
    facts = "\n".join(f"• {mrkdwn(fact_text(f))}" for f in card.facts)
    blocks = [_section(head + ("\n" + facts if facts else ""))]
    if card.evidence:
        lines = [_evidence_line(session, payload, k, version) for k in card.evidence]
        # Split over sections so a long list stays within a section's 3000 characters.
        chunk: list[str] = []
        for line in lines:
            if sum(len(x) + 1 for x in chunk) + len(line) > _SECTION - 100:
                blocks.append(_section("\n".join(chunk)))
                chunk = []
            chunk.append(line)
        blocks.append(_section("*Evidence*\n" + "\n".join(chunk)))
    blocks.append(_context(f"Scope: {mrkdwn(one_line(payload.scope.label))}"))
    return Reply(text=f"Details: {one_line(card.title)}", blocks=tuple(blocks))


def details_reply(
    session: Session, org: OrgConfig, value: str, user_id: str, message_ts: str | None
) -> Reply:
    """The evidence behind the card a Details button names: facts, changes, signals, numbers."""
    ref = CardRef.from_value(value)
    payload: BriefingPayload | None
    if ref is not None:
        try:
            week = IsoWeek.parse(ref.week)
            ZoneInfo(ref.timezone)
        except Exception:
            return Reply.plain("That button is from an unknown briefing; run `/risk brief`.")
        payload = _week_payload(session, org, ref.scope, ref.timezone, week)
        card_id = ref.card
    else:
        card_id = value
        payload = _briefing_payload(session, user_id, card_id, message_ts)
    card = payload.card(card_id) if payload is not None else None
    if payload is None or card is None:
        return Reply.plain(
            "That card is no longer in a briefing I have; run `/risk brief` for this week so far."
        )
    return _card_evidence(session, org, payload, card)


def _settings_text(org: OrgConfig, subscriber: Subscriber | None) -> str:
    if subscriber is None or not subscriber.active:
        return (
            "*Your briefing*: not subscribed. "
            "`/risk subscribe [team|service …]` sends it to you every "
            f"{org.delivery.day.capitalize()} at {org.delivery.time}."
        )
    scope = scope_label(org, subscriber.teams, subscriber.services)
    owner = (
        "managed in riskbrief.toml"
        if subscriber.origin == "config"
        else "made in Slack; `/risk subscribe` or `/risk unsubscribe` changes it"
    )
    email = mrkdwn(subscriber.email) if subscriber.email else "none"
    return (
        f"*Your briefing*: {mrkdwn(scope)} · every {org.delivery.day.capitalize()} at "
        f"{org.delivery.time} {mrkdwn(subscriber.timezone)} · email {email} · {owner}"
    )


def home_view(
    session: Session, org: OrgConfig, user_id: str, now: datetime, fallback_timezone: str
) -> dict[str, Any]:
    """The App Home tab: the caller's settings, then this week so far for their scope."""
    subscriber = subscriber_of(session, user_id)
    active = subscriber is not None and subscriber.active
    scope = (
        Scope(tuple(subscriber.teams), tuple(subscriber.services))
        if subscriber is not None and active
        else Scope()
    )
    timezone = subscriber.timezone if subscriber is not None and active else fallback_timezone
    brief = brief_reply(session, org, scope, timezone, now)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "riskbrief"}},
        _section(_settings_text(org, subscriber)),
        {"type": "divider"},
        *brief.blocks,
    ]
    return {"type": "home", "blocks": blocks[:_HOME_BLOCKS]}


def settings_text(org: OrgConfig, subscriber: Subscriber | None) -> str:
    """The caller's subscription in one mrkdwn paragraph."""
    return _settings_text(org, subscriber)
