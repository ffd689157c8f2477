"""Wording shared by the Slack and email renderers: facts, weeks, bars and the narrative's source.

Nothing here escapes: callers escape for their medium (mrkdwn or HTML) at the edge.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from functools import partial

from briefing.fact_words import fact_label
from briefing.labels import BAND_LABELS, band_label
from briefing.names import incident_name, incident_words
from briefing.narrative import Narrative
from briefing.payload import (
    BriefingPayload,
    CardView,
    ChangeView,
    Counts,
    DeployView,
    FactView,
    IncidentView,
    PlanItemView,
    UnknownView,
    WeekView,
)
from briefing.plan import action_words, owner_words, plan_sentence
from briefing.week import MONTHS as _MONTHS
from briefing.week import week_local_time
from scoring.card_terms import Evidence, EvidenceKind
from scoring.plural import many

__all__ = [
    "BANDS",
    "PLAN_TITLE",
    "SEVERITIES",
    "cited_changes",
    "deploy_line",
    "deploy_lines",
    "distribution_lines",
    "evidence_items",
    "evidence_words",
    "fact_text",
    "fallback_paragraph",
    "format_value",
    "listed_changes",
    "narrative_label",
    "one_liner",
    "ordered_cards",
    "plan_detail",
    "plan_head",
    "plan_items",
    "unknown_line",
    "unsaid_facts",
    "week_local_time",
    "week_span",
]

SEVERITIES = ("critical", "warning", "info")
# Most severe first, like the cards: a reader scans from the top.
BANDS = ("critical", "high", "moderate", "safe")

_EIGHTHS = " ▏▎▍▌▋▊▉"
_BAR_WIDTH = 16


def ordered_cards(cards: Iterable[CardView]) -> tuple[CardView, ...]:
    """``cards`` most severe first, keeping their given order within a severity."""
    return tuple(sorted(cards, key=lambda c: SEVERITIES.index(c.severity)))


def format_value(value: float, unit: str = "") -> str:
    """A fact's number as a person reads it, e.g. ``"42%"``, ``"3"`` or ``"12.5 min"``."""
    if not math.isfinite(value):
        number = "n/a"
    elif value.is_integer():
        number = str(int(value))
    else:
        number = f"{value:.2f}".rstrip("0").rstrip(".")
    if not unit:
        return number
    # Symbols hug the number; words are spaced from it.
    return f"{number}{unit}" if unit in ("%", "×", "x") else f"{number} {unit}"


def fact_text(fact: FactView) -> str:
    """One fact as ``"label: value unit"``."""
    return f"{fact_label(fact.key, fact.signal)}: {format_value(fact.value, fact.unit)}"


def unsaid_facts(card: CardView, paragraph: str) -> tuple[FactView, ...]:
    """The card's facts whose number the paragraph does not already give: no number twice."""
    said = {m.group() for m in re.finditer(r"\d+(?:\.\d+)?", paragraph)}
    return tuple(f for f in card.facts if format_value(f.value) not in said)


def _service_name(payload: BriefingPayload, key: str) -> str:
    return next((s.name for s in payload.services if s.id == key), key)


def _deploy_words(payload: BriefingPayload, deploy_id: str) -> str:
    """A deploy named by its service and local time, never by its id alone."""
    tz = payload.week.timezone
    for d in payload.risky_deploys:
        if d.id == deploy_id:
            when = week_local_time(d.finished_at, tz, payload.week)
            return f"deploy of {_service_name(payload, d.service)}, {when}"
    for i in payload.incidents:
        if i.deploy == deploy_id:
            name = _service_name(payload, i.service)
            if i.deploy_finished_at is None:
                # A briefing stored before deploy times were kept: the id, zone-free.
                return f"deploy of {name} ({deploy_id})"
            return f"deploy of {name}, {week_local_time(i.deploy_finished_at, tz, payload.week)}"
    return f"deploy {deploy_id}"


# The evidence that names a change: the change, or the change a revert incident undid with.
_CHANGES = (EvidenceKind.CHANGE, EvidenceKind.REVERT)


def _incident_evidence(payload: BriefingPayload, card: CardView, incident: IncidentView) -> str:
    service = _service_name(payload, incident.service)
    where = "" if incident.service == card.subject else f" in {service}"
    if Evidence.parse(incident.id, EvidenceKind.INCIDENT).kind is EvidenceKind.REVERT:
        # Linked to the reverting change; its own title says what it undid.
        return f"{incident_words(incident.id)}{where}"
    opened = week_local_time(incident.opened_at, payload.week.timezone, payload.week)
    name = incident_name(payload, incident.id)
    return f"{name} ({where.strip() + ', ' if where else ''}opened {opened})"


def evidence_words(card: CardView, payload: BriefingPayload, item: Evidence) -> str:
    """One piece of a card's evidence in words: changes by id, incidents and deploys described.

    ``"INC-1039 (incident, opened Fri 20 Nov 12:10 EST)"``, ``"deploy of Checkout, Fri 20 Nov
    10:35 EST"``, ``"revert acme/platform#4522"``; anything else as it is.
    """
    if item.kind is EvidenceKind.CHANGE:
        change = payload.change(item.key)
        if change is not None and change.band == "critical":
            # A card gives a change by its id; one of very high risk says so where it is cited.
            return f"{item.key} (score {change.score}, {band_label(change.band)})"
        return item.key
    if item.kind is EvidenceKind.DEPLOY:
        return _deploy_words(payload, item.key)
    incident = next((i for i in payload.incidents if i.id == str(item)), None)
    if incident is not None:
        return _incident_evidence(payload, card, incident)
    return incident_words(str(item))


def evidence_items(
    card: CardView, payload: BriefingPayload, shown: int
) -> tuple[tuple[tuple[str, str | None], ...], int]:
    """Up to ``shown`` of the card's evidence as (words, URL or None), and how many more."""
    urls = {c.id: c.url for c in payload.top_changes}
    pages = {i.id: i.url for i in payload.incidents}
    # A change links to itself, a revert to the reverting change, an incident to its page.
    items = tuple(
        (
            evidence_words(card, payload, e),
            urls.get(e.key) if e.kind in _CHANGES else pages.get(str(e)),
        )
        for e in card.evidence[:shown]
    )
    return items, max(0, len(card.evidence) - shown)


def cited_changes(cards: Iterable[CardView]) -> set[str]:
    """The ids of the changes the cards cite: a list of changes does not repeat them."""
    return {e.key for card in cards for e in card.evidence_of(*_CHANGES)}


def listed_changes(payload: BriefingPayload, cited: set[str], limit: int) -> tuple[ChangeView, ...]:
    """The changes a briefing lists on their own, none a card already cites: every very-high-risk
    one, then up to ``limit`` others."""
    very_high = tuple(c for c in payload.very_high_risk if c.id not in cited)
    others = tuple(c for c in payload.top_changes if c.id not in cited and c not in very_high)
    return (*very_high, *others[:limit])


def deploy_line(
    deploy: DeployView,
    service: str,
    week: WeekView,
    named: Callable[[str], str] = incident_words,
) -> str:
    """A high-risk deploy in words: ``"Checkout, Fri 10:35 EST: score 77, high risk"``, a
    release with its tag: ``"Checkout v2.1.0, Fri 10:35 EST: ..."``.

    ``service`` is the display name and the time is in the week's zone; ``named`` names an
    incident that followed it by its id (the payload's ``incident_name``); nothing is escaped.
    """
    tag = f" {deploy.tag}" if deploy.tag else ""
    text = (
        f"{service}{tag}, {week_local_time(deploy.finished_at, week.timezone, week)}: "
        f"score {deploy.score}, {band_label(deploy.band)}"
    )
    if not deploy.succeeded:
        text += ", failed"
    if deploy.incidents:
        text += "; followed by " + " and ".join(named(i) for i in deploy.incidents)
    return text


def deploy_lines(payload: BriefingPayload, deploys: Iterable[DeployView]) -> tuple[str, ...]:
    """Each of ``deploys`` as its ``deploy_line``, by its service's display name, its incidents
    named as the payload knows them; nothing is escaped (each renderer escapes its own way)."""
    names = {s.id: s.name for s in payload.services}
    return tuple(
        deploy_line(
            d, names.get(d.service, d.service), payload.week, partial(incident_name, payload)
        )
        for d in deploys
    )


def one_liner(payload: BriefingPayload, headline: str) -> str | None:
    """A quiet week or no data as the one line it is, ``None`` for a week with something to say.

    A quiet week is its counts and its headline on one line; with no data, the counts of
    cards over nothing would mislead, so the line is the headline alone.
    """
    if payload.no_data:
        return headline
    if payload.quiet:
        return f"{payload.severity_counts.line()} — {_continued(headline)}"
    return None


def _continued(headline: str) -> str:
    """``headline`` continuing a line: "A quiet week…" becomes "a quiet week…", "No material
    shift…" "no material shift…"; names keep their capital."""
    first, _, rest = headline.partition(" ")
    if first in ("A", "An", "No") and rest[:1].islower():
        return f"{first.lower()} {rest}"
    return headline


# The plan's section title in every renderer.
PLAN_TITLE = "Review first"


def plan_head(payload: BriefingPayload, narrative: Narrative) -> str | None:
    """The plan section's sentence (the narrative's, else the rules'), or ``None`` when the
    briefing has no plan section: no plan to review, or a week that is one line."""
    plan = payload.plan
    if plan is None or not plan.items or payload.quiet or payload.no_data:
        return None
    return narrative.plan or plan_sentence(plan)


def plan_items(payload: BriefingPayload) -> tuple[tuple[PlanItemView, ...], int]:
    """The plan's items a briefing shows, and how many more its week page lists."""
    plan = payload.plan
    if plan is None:
        return (), 0
    return plan.shown, len(plan.items) - len(plan.shown)


def plan_detail(item: PlanItemView) -> str:
    """What follows an item's title: its state and predicted risk, who has not approved it,
    and the one thing that would lower it, e.g. "merged · 26 risk points in 785 lines of code
    · not approved by @acme/commerce · to lower it: add tests for the touched code (−1
    point)"."""
    parts = [
        f"{item.state} · {many(item.predicted_risk, 'risk point')} in "
        f"{many(item.lines, 'line')} of code"
    ]
    if owners := owner_words(item):
        parts.append(owners)
    if action := action_words(item):
        parts.append(f"to lower it: {action}")
    return " · ".join(parts)


def fallback_paragraph(card: CardView) -> str:
    """What to say about a card the narrative left out, built from its facts alone."""
    if not card.facts:
        return str(card.evidence[0]) if card.evidence else "No further detail this week."
    return "; ".join(fact_text(f) for f in card.facts) + "."


def unknown_line(unknown: UnknownView) -> str | None:
    """The partial-data footer, e.g. ``"Not known this week: review of 12 of 12 changes."``.

    ``None`` when every source the cards rely on reported.
    """
    gaps = unknown.gaps()
    if not gaps:
        return None
    fixes = []
    why = ""
    unread = min(unknown.review_approvals_unread, unknown.review)
    if unread:
        # GitLab is configured and reported these merge requests, but not their approvals:
        # pointing at [sources.gitlab] would send the reader to what they already have.
        why = (
            f" Why: GitLab gave no approvals for {many(unread, 'merge request')} (its "
            "approvals API refused the token: approvals need GitLab Premium or Ultimate, "
            "and a token whose user may read them)."
        )
    if unknown.review > unread:
        fixes.append(
            "reviews come with a code host ([sources.github] and GITHUB_TOKEN, or [sources.gitlab])"
        )
    if unknown.codeowners:
        fixes.append("owners with a CODEOWNERS file in the repository")
    if unknown.incidents:
        fixes.append("incidents with PagerDuty, Opsgenie or an incidents file")
    text = "Not known this week: " + "; ".join(gaps) + ". Unknown is not counted as safe." + why
    return text + (" To add it: " + "; ".join(fixes) + "." if fixes else "")


def week_span(week: WeekView) -> str:
    """The week's dates, e.g. ``"17–23 Nov 2026"`` or ``"29 Dec 2025 – 4 Jan 2026"``."""
    start, end = week.start, week.end
    end_text = f"{end.day} {_MONTHS[end.month - 1]} {end.year}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end_text}"
    if start.year == end.year:
        return f"{start.day} {_MONTHS[start.month - 1]} – {end_text}"
    return f"{start.day} {_MONTHS[start.month - 1]} {start.year} – {end_text}"


def narrative_label(narrative: Narrative) -> str:
    """Who wrote the words: ``"deterministic"`` or the LLM's model name."""
    if narrative.source == "deterministic":
        return "deterministic"
    return narrative.model or "llm"


def _bar(value: int, scale: int) -> str:
    """A text bar of ``value`` on a ``scale`` that fills the bar width, in eighths."""
    eighths = round(value * _BAR_WIDTH * 8 / scale) if scale else 0
    if value > 0:
        # A band with any change shows a sliver, so it never reads as zero.
        eighths = max(eighths, 1)
    full, part = divmod(eighths, 8)
    return ("█" * full + (_EIGHTHS[part] if part else "")).ljust(_BAR_WIDTH)


def distribution_lines(this: Counts, last: Counts) -> tuple[str, ...]:
    """Per band, a text bar for this week and the number last week, most severe band first."""
    values = [(band, max(getattr(this, band), 0), max(getattr(last, band), 0)) for band in BANDS]
    scale = max((max(now, before) for _, now, before in values), default=0)
    width = max(len(str(now)) for _, now, _ in values)
    return tuple(
        f"{BAND_LABELS[band]:<9} {_bar(now, scale)} {now:>{width}} (last week {before})"
        for band, now, before in values
    )
