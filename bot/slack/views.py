"""Slack's own views: the evidence behind a briefing card's Details button, and App Home.

Both are Slack's alone (a button's value, a Home tab), so they are made here, from the
answer core's pieces (``bot.answers``) and rendered by ``bot.slack.render``. Every
string from outside (titles, names, ids) is escaped with ``briefing.render.escape``
before it goes into mrkdwn.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.answers.briefs import brief_answer, week_payload
from bot.answers.lines import signal_lines
from bot.answers.lookups import version_of
from bot.answers.subscriptions import settings_line
from bot.slack.render import CardRef, slack_reply, slack_text
from bot.slack.reply import SECTION_CHARS, Reply, context, section
from briefing.labels import band_label
from briefing.payload import BriefingPayload, CardView
from briefing.render.blocks import divider, header
from briefing.render.escape import inert, link, mrkdwn, one_line, truncate
from briefing.render.text import evidence_words, fact_text, format_value, week_local_time
from briefing.week import IsoWeek
from data.config import OrgConfig
from data.scope import Scope
from data.store.reads.briefings import briefings_newest_first
from data.store.reads.deliveries import slack_delivery
from data.store.reads.deploys import deploys_by_key
from data.store.reads.lookups import subscriber_of
from data.store.scores import load_scores
from data.store.tables import Briefing, Service
from scoring.card_terms import Evidence, EvidenceKind

__all__ = ["details_reply", "home_view"]

# Slack's limit of 100 blocks in a Home view or a modal.
_HOME_BLOCKS = 100


def _briefing_payload(
    session: Session, user_id: str, card: str, message_ts: str | None
) -> BriefingPayload | None:
    """The stored briefing a Details button of a delivered message belongs to."""
    if message_ts:
        delivery = slack_delivery(session, message_ts)
        if delivery is not None and delivery.briefing_id is not None:
            briefing = session.get(Briefing, delivery.briefing_id)
            if briefing is not None:
                return BriefingPayload.model_validate(briefing.payload)
    # No delivery record (a message sent before they were kept, or by hand): the
    # caller's newest briefing that has the card.
    subscriber = subscriber_of(session, user_id)
    if subscriber is None:
        return None
    for briefing in briefings_newest_first(session, subscriber.id):
        payload = BriefingPayload.model_validate(briefing.payload)
        if payload.card(card) is not None:
            return payload
    return None


def _deploy_named(
    session: Session, org: OrgConfig, payload: BriefingPayload, card: CardView, item: Evidence
) -> str:
    """A deploy as the briefing words it (its service at the reader's local time), its id beside
    so it can be asked about with ``/risk deploy``; never the id alone when anything knows more."""
    key = item.key
    words = evidence_words(card, payload, item)
    if not words.startswith("deploy of "):
        # The briefing's payload does not know this deploy (or a tag deploy's key): the store may.
        deploy = deploys_by_key(session, [key]).get(key)
        if deploy is None:
            return f"deploy `{mrkdwn(key)}`"
        service = session.get(Service, deploy.service_id)
        names = {s.key: s.display_name for s in org.services}
        who = names.get(service.key, service.name) if service else "a service"
        when = week_local_time(deploy.finished_at, payload.week.timezone, payload.week)
        words = f"deploy of {who}, {when}"
    if key in words:
        # A briefing stored before deploy times were kept already names the id.
        return mrkdwn(words).replace(mrkdwn(key), f"`{mrkdwn(key)}`", 1)
    return f"{mrkdwn(words)} (`{mrkdwn(key)}`)"


def _evidence_line(
    session: Session, org: OrgConfig, payload: BriefingPayload, card: CardView, item: Evidence
) -> str:
    key = str(item)
    change = payload.change(key)
    if change is not None:
        title = truncate(one_line(change.title), 120) or key
        why = "; ".join(mrkdwn(one_line(s.explanation)) for s in change.signals[:2])
        risk = f"{change.score}, {band_label(change.band)}"
        line = f"• {link(change.url, title)} · `{mrkdwn(key)}` · {risk}"
        return line + (f"\n    {why}" if why else "")
    incident = next((i for i in payload.incidents if i.id == key), None)
    if incident is not None:
        resolved = (
            f"resolved in {format_value(incident.minutes_to_resolve, 'min')}"
            if incident.minutes_to_resolve is not None
            else "not resolved"
        )
        opened = week_local_time(incident.opened_at, payload.week.timezone, payload.week)
        return (
            f"• `{mrkdwn(key)}` {inert(mrkdwn(one_line(incident.title)))} · opened {opened}"
            f" · {resolved}"
        )
    is_deploy = item.kind is EvidenceKind.DEPLOY
    kinds = ("deploy",) if is_deploy else ("change", "deploy")
    named = _deploy_named(session, org, payload, card, item) if is_deploy else f"`{mrkdwn(key)}`"
    version = version_of(org)
    for kind in kinds:
        row = load_scores(session, kind, version, [key]).get(key)
        if row is not None:
            signals = "; ".join(
                line.removeprefix("• ") for line in map(slack_text, signal_lines(row, 2))
            )
            return f"• {named} · {row.score}, {band_label(row.band)}" + (
                f"\n    {signals}" if signals else ""
            )
    return f"• {named}"


def _card_evidence(
    session: Session, org: OrgConfig, payload: BriefingPayload, card: CardView
) -> Reply:
    title = inert(mrkdwn(one_line(card.title)))
    head = f"*{title}* · {card.severity} · week {mrkdwn(payload.week.id)}"
    facts = "\n".join(f"• {mrkdwn(fact_text(f))}" for f in card.facts)
    blocks = [section(head + ("\n" + facts if facts else ""))]
    if card.evidence:
        lines = [_evidence_line(session, org, payload, card, k) for k in card.evidence]
        # Split over sections so a long list stays within a section's 3000 characters.
        chunk: list[str] = []
        for line in lines:
            if sum(len(x) + 1 for x in chunk) + len(line) > SECTION_CHARS - 100:
                blocks.append(section("\n".join(chunk)))
                chunk = []
            chunk.append(line)
        blocks.append(section("*Evidence*\n" + "\n".join(chunk)))
    blocks.append(context(f"Scope: {mrkdwn(one_line(payload.scope.label))}"))
    return Reply(text=f"Details: {title}", blocks=tuple(blocks))


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
        payload = week_payload(session, org, ref.scope, ref.timezone, week)
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


def home_view(
    session: Session, org: OrgConfig, user_id: str, now: datetime, fallback_timezone: str
) -> dict[str, Any]:
    """The App Home tab: the caller's settings, then this week so far for their scope."""
    subscriber = subscriber_of(session, user_id)
    active = subscriber is not None and subscriber.active
    scope = (
        Scope.of(subscriber.teams, subscriber.services)
        if subscriber is not None and active
        else Scope()
    )
    timezone = subscriber.timezone if subscriber is not None and active else fallback_timezone
    brief = slack_reply(brief_answer(session, org, scope, timezone, now))
    blocks: list[dict[str, Any]] = [
        header("riskbrief"),
        section(slack_text(settings_line(org, subscriber))),
        divider(),
        *brief.blocks,
    ]
    return {"type": "home", "blocks": blocks[:_HOME_BLOCKS]}
