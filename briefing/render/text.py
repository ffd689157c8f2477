"""Wording shared by the Slack and email renderers: facts, weeks, bars and the narrative's source.

Nothing here escapes: callers escape for their medium (mrkdwn or HTML) at the edge.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from briefing.card_words import fact_label
from briefing.labels import BAND_LABELS, band_label
from briefing.narrative import Narrative
from briefing.payload import (
    BriefingPayload,
    CardView,
    Counts,
    DeployView,
    FactView,
    UnknownView,
    WeekView,
)

__all__ = [
    "BANDS",
    "SEVERITIES",
    "deploy_line",
    "distribution_lines",
    "evidence_items",
    "fact_text",
    "fallback_paragraph",
    "format_value",
    "narrative_label",
    "ordered_cards",
    "unknown_line",
    "unsaid_facts",
    "week_span",
]

SEVERITIES = ("critical", "warning", "info")
# Most severe first, like the cards: a reader scans from the top.
BANDS = ("critical", "high", "moderate", "safe")

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
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


def evidence_items(
    card: CardView, payload: BriefingPayload, shown: int
) -> tuple[tuple[tuple[str, str | None], ...], int]:
    """Up to ``shown`` of the card's evidence as (id, URL or None), and how many more there are."""
    urls = {c.id: c.url for c in payload.top_changes}
    items = tuple((e, urls.get(e.removeprefix("revert:"))) for e in card.evidence[:shown])
    return items, max(0, len(card.evidence) - shown)


def deploy_line(deploy: DeployView, service: str, timezone: str) -> str:
    """A high-risk deploy in words: ``"Checkout, Fri 20 Nov 15:35: score 77, high risk"``.

    ``service`` is the display name and the time is in ``timezone``; nothing is escaped.
    """
    when = deploy.finished_at.astimezone(ZoneInfo(timezone))
    text = (
        f"{service}, {when:%a} {when.day} {_MONTHS[when.month - 1]} {when:%H:%M}: "
        f"score {deploy.score}, {band_label(deploy.band)}"
    )
    if not deploy.succeeded:
        text += ", failed"
    if deploy.incidents:
        text += "; followed by " + ", ".join(deploy.incidents)
    return text


def fallback_paragraph(card: CardView) -> str:
    """What to say about a card the narrative left out, built from its facts alone."""
    if not card.facts:
        return card.evidence[0] if card.evidence else "No further detail this week."
    return "; ".join(fact_text(f) for f in card.facts) + "."


def unknown_line(unknown: UnknownView) -> str | None:
    """The partial-data footer, e.g. ``"Not known this week: review of 12 of 12 changes."``.

    ``None`` when every source the cards rely on reported.
    """
    gaps = unknown.gaps()
    if not gaps:
        return None
    fixes = []
    if unknown.review:
        fixes.append("reviews come with a code host ([sources.github] and GITHUB_TOKEN)")
    if unknown.codeowners:
        fixes.append("owners with a CODEOWNERS file in the repository")
    if unknown.incidents:
        fixes.append("incidents with PagerDuty, Opsgenie or an incidents file")
    return (
        "Not known this week: "
        + "; ".join(gaps)
        + ". Cards count none of it as no risk. To add it: "
        + "; ".join(fixes)
        + "."
    )


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
