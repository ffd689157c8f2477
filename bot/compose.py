"""From the store to a finished briefing: payload, narrative, Slack and email, recorded."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from briefing.build import Audience, build_payload
from briefing.deterministic import write_deterministic
from briefing.narrative import Narrative
from briefing.payload import BriefingPayload
from briefing.render import EmailMessageParts, SlackMessage, render_email, render_slack
from briefing.week import IsoWeek
from data.config import OrgConfig
from data.tables import Briefing, Subscriber, utcnow

__all__ = ["Composed", "compose", "record", "write_files"]


@dataclass(frozen=True, slots=True)
class Composed:
    """One subscriber's briefing for one week in every form riskbrief sends it."""

    subscriber: Subscriber
    week: IsoWeek
    payload: BriefingPayload
    narrative: Narrative
    slack: SlackMessage
    email: EmailMessageParts


def compose(session: Session, org: OrgConfig, subscriber: Subscriber, week: IsoWeek) -> Composed:
    """Build the payload, write the narrative and render both channels."""
    payload = build_payload(session, org, Audience.of(subscriber), week)
    narrative = write_deterministic(payload)
    return Composed(
        subscriber=subscriber,
        week=week,
        payload=payload,
        narrative=narrative,
        slack=render_slack(payload, narrative),
        email=render_email(payload, narrative),
    )


def record(session: Session, composed: Composed) -> Briefing:
    """Store the briefing of the subscriber's week, replacing an earlier build of it."""
    assert composed.subscriber.id is not None
    row = session.exec(
        select(Briefing).where(
            Briefing.subscriber_id == composed.subscriber.id, Briefing.week == composed.week.id
        )
    ).first() or Briefing(
        subscriber_id=composed.subscriber.id, week=composed.week.id, created_at=utcnow()
    )
    row.payload = composed.payload.model_dump(mode="json")
    row.narrative = composed.narrative.model_dump(mode="json")
    row.narrative_source = composed.narrative.source
    row.model = composed.narrative.model
    row.created_at = utcnow()
    session.add(row)
    session.flush()
    return row


def write_files(out: Path, composed: Composed) -> list[Path]:
    """Write ``<subscriber>.slack.json``, ``.email.html``, ``.email.txt`` and ``.chart.png``."""
    out.mkdir(parents=True, exist_ok=True)
    key = composed.subscriber.key
    chart = out / f"{key}.chart.png"
    # The sent email carries the chart inline (cid:); the file points at the PNG beside
    # it so that the preview shows the chart when opened in a browser.
    html = composed.email.html.replace(f"cid:{composed.email.chart_cid}", chart.name)
    files = {
        out / f"{key}.slack.json": json.dumps(
            composed.slack.to_json(), indent=2, ensure_ascii=False
        ),
        out / f"{key}.email.html": html,
        out / f"{key}.email.txt": composed.email.text,
    }
    for path, text in files.items():
        path.write_text(text + ("" if text.endswith("\n") else "\n"), encoding="utf-8")
    chart.write_bytes(composed.email.chart_png)
    return [*files, chart]
