"""From the store to a finished briefing: payload, narrative, Slack and email, recorded."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from sqlmodel import Session

from bot.pages.links import BriefingLinks
from bot.settings import Settings
from briefing.build import Recipient, build_payloads
from briefing.narrative import Narrative
from briefing.payload import BriefingPayload
from briefing.render import EmailMessageParts, SlackMessage, render_email, render_slack
from briefing.week import IsoWeek
from briefing.writer import NarrativeLLM, write_narrative
from data.clock import utcnow
from data.config import OrgConfig
from data.store.reads.briefings import briefing_of
from data.store.tables import Briefing, Subscriber
from evaluation.change_outcomes import Outcomes, change_outcomes
from scoring.record import RECORD_DAYS

__all__ = [
    "Composed",
    "compose",
    "compose_all",
    "make_narrator",
    "record",
    "went_wrong",
    "write_files",
]


@dataclass(frozen=True, slots=True)
class Composed:
    """One subscriber's briefing for one week in every form riskbrief sends it."""

    subscriber: Subscriber
    week: IsoWeek
    payload: BriefingPayload
    narrative: Narrative
    slack: SlackMessage
    email: EmailMessageParts


def make_narrator(settings: Settings) -> NarrativeLLM | None:
    """Claude as configured in the environment, or ``None`` when no API key is set."""
    if settings.anthropic_api_key is None:
        return None
    # Imported here: the SDK takes seconds to import, and runs without a key never need it.
    from briefing.llm import ClaudeNarrator

    return ClaudeNarrator(
        api_key=settings.anthropic_api_key.get_secret_value(),
        model=settings.model,
        base_url=settings.anthropic_base_url,
        timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
    )


def _known_names(org: OrgConfig) -> tuple[str, ...]:
    """Every service and team name of the organisation, for the grounding check.

    Display names, not keys: a key such as ``search`` is also an everyday word.
    """
    names = [s.display_name for s in org.services] + [t.display_name for t in org.teams]
    return tuple(dict.fromkeys(names))


def compose_all(
    session: Session,
    org: OrgConfig,
    requests: Sequence[tuple[Subscriber, IsoWeek]],
    narrator: NarrativeLLM | None = None,
    links: BriefingLinks | None = None,
) -> list[Composed]:
    """Briefings for many subscribers: payloads from one read of the store, then words.

    With ``links`` (the web view's address is configured), each briefing links its week and
    its changes to the web view, opening in its subscriber's scope.
    """
    outcomes = went_wrong(session, org, [week for _, week in requests])
    payloads = build_payloads(
        session,
        org,
        [(Recipient.of(s), week) for s, week in requests],
        went_wrong=outcomes.bad,
        later_fixes=any(s.skipped is None for s in outcomes.szz),
        blamed={s.repository: s.bad for s in outcomes.szz if s.skipped is None},
    )
    if links is not None:
        payloads = [links.apply(p) for p in payloads]
    names = _known_names(org)
    out: list[Composed] = []
    for (subscriber, week), payload in zip(requests, payloads, strict=True):
        narrative = write_narrative(payload, narrator, names).narrative
        out.append(
            Composed(
                subscriber=subscriber,
                week=week,
                payload=payload,
                narrative=narrative,
                slack=render_slack(payload, narrative),
                email=render_email(payload, narrative),
            )
        )
    return out


def went_wrong(session: Session, org: OrgConfig, weeks: Sequence[IsoWeek]) -> Outcomes:
    """The changes that later went wrong, for the scorer's record of ``weeks``' briefings:
    linked incidents and reverts from the store, and SZZ over the configured clones from
    the fixes since the earliest record window begins (not the whole history's)."""
    if not weeks:
        return Outcomes(frozenset(), 0, 0)
    first = min(w.monday for w in weeks)
    since = datetime.combine(first, time(), UTC) - timedelta(days=RECORD_DAYS)
    return change_outcomes(session, org, fixes_since=since)


def compose(
    session: Session,
    org: OrgConfig,
    subscriber: Subscriber,
    week: IsoWeek,
    narrator: NarrativeLLM | None = None,
    links: BriefingLinks | None = None,
) -> Composed:
    """Build the payload, write the narrative (with ``narrator`` if given) and render both."""
    return compose_all(session, org, [(subscriber, week)], narrator, links)[0]


def record(session: Session, composed: Composed) -> Briefing:
    """Store the briefing of the subscriber's week, replacing an earlier build of it."""
    assert composed.subscriber.id is not None
    row = briefing_of(session, composed.subscriber.id, composed.week.id) or Briefing(
        subscriber_id=composed.subscriber.id, week=composed.week.id, created_at=utcnow()
    )
    row.payload = composed.payload.model_dump(mode="json")
    row.narrative = composed.narrative.model_dump(mode="json")
    usage = composed.narrative.usage
    row.narrative_source = composed.narrative.source
    # The model that was paid for, even when its answer was refused for the fallback.
    row.model = composed.narrative.model or usage.model
    row.input_tokens = usage.input_tokens
    row.output_tokens = usage.output_tokens
    # The table has one column for cached tokens: the ones read from the cache. Cache
    # writes are in the narrative's usage (row.narrative) and in the cost.
    row.cached_tokens = usage.cache_read_input_tokens
    row.cost_usd = usage.cost_usd
    row.created_at = utcnow()
    session.add(row)
    session.flush()
    return row


def write_files(out: Path, composed: Composed) -> list[Path]:
    """Write ``<subscriber>.slack.json``, ``.email.html``, ``.email.txt`` and ``.chart.png``.

    A briefing without a chart (a quiet week, no data) leaves no ``.chart.png``, and removes
    one an earlier run left, so the directory never shows another week's chart.
    """
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
    if not composed.email.chart_png:
        chart.unlink(missing_ok=True)
        return list(files)
    chart.write_bytes(composed.email.chart_png)
    return [*files, chart]
