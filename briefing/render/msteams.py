"""A briefing as a Microsoft Teams Adaptive Card, posted the way a Workflows webhook takes it.

Severity counts come first, then the headline, then the cards most severe first,
the riskiest deploys and changes with their links, the distribution, the review
plan, and the week and scope in small print: the Slack message's order.

Outside text never reaches a markdown-capable ``TextBlock``: every word of the
card is a ``TextRun`` of a ``RichTextBlock``, which Adaptive Cards render as
plain text (no markdown, so a title's ``[x](https://…)`` or ``**`` shows as
typed), with bidi and invisible characters removed. The only links are
``Action.OpenUrl`` on runs whose URL passed :func:`safe_url`. The whole posted
body is kept under Teams' message size limit (about 28 KB) by dropping the
least severe cards first and saying how many were left out.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

from briefing.budget_burns import burn_line
from briefing.headline import very_high_clause
from briefing.labels import band_label
from briefing.narrative import Narrative
from briefing.payload import BriefingPayload, CardView, ChangeView, DeployView
from briefing.render.escape import neutralise, one_line, safe_url, truncate
from briefing.render.text import (
    PLAN_TITLE,
    cited_changes,
    deploy_lines,
    distribution_lines,
    evidence_items,
    fact_text,
    fallback_paragraph,
    listed_changes,
    narrative_label,
    one_liner,
    ordered_cards,
    plan_detail,
    plan_head,
    plan_items,
    unknown_line,
    unsaid_facts,
    week_span,
)
from briefing.track_record import short_record_line
from scoring.card_terms import EvidenceKind

__all__ = ["CARD_VERSION", "MAX_MESSAGE_BYTES", "MsTeamsMessage", "plain", "render_msteams"]

CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
# 1.5 is what Teams renders today (desktop, web and mobile); RichTextBlock needs 1.2.
CARD_VERSION = "1.5"
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
# Teams refuses a message over about 28 KB; kept under with room for the envelope.
MAX_MESSAGE_BYTES = 27_000

# Budgets for the parts of a card, as in the Slack message.
_HEADLINE_BUDGET = 150
_TITLE_BUDGET = 300
_PARAGRAPH_BUDGET = 1500
_FACTS_BUDGET = 600
_ACTION_BUDGET = 500
_EVIDENCE_BUDGET = 200
_EVIDENCE_SHOWN = 3
_CHANGE_TITLE_BUDGET = 150
_CHANGES_SHOWN = 2
# The briefing lists at most three risky deploys; a payload made elsewhere is held to it too,
# so a long list can never push the cards out of the size limit.
_DEPLOYS_SHOWN = 3
_CONTEXT_BUDGET = 300

# Container styles Teams colours: red, amber, blue.
_STYLE = {"critical": "attention", "warning": "warning", "info": "accent"}
_EMOJI = {"critical": "🔴", "warning": "🟠", "info": "🔵"}
_SEVERITY_WORD = {"critical": "Critical", "warning": "Warning", "info": "Info"}


@dataclass(frozen=True)
class MsTeamsMessage:
    """A rendered briefing: a one-line ``summary`` and the Adaptive Card ``card``."""

    summary: str
    card: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """The body a Teams Workflows webhook takes: a message with one Adaptive Card."""
        # A deep copy, so a caller changing the body cannot change this message.
        return {
            "type": "message",
            "summary": self.summary,
            "attachments": [
                {
                    "contentType": CONTENT_TYPE,
                    "contentUrl": None,
                    "content": copy.deepcopy(self.card),
                }
            ],
        }

    def size(self) -> int:
        """The posted body's size in bytes, as sent (UTF-8 JSON)."""
        return len(json.dumps(self.to_json(), ensure_ascii=False).encode("utf-8"))


def plain(text: str, budget: int, *, single_line: bool = True) -> str:
    """Outside ``text`` for a ``TextRun``: invisible characters removed, cut to ``budget``."""
    cleaned = neutralise(text)
    return truncate(one_line(cleaned) if single_line else cleaned.strip(), budget)


def _run(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextRun", "text": text, **style}


def _link(url: str | None, text: str) -> dict[str, Any]:
    """A run that opens ``url`` when it is a safe http(s) URL, else the words alone."""
    run = _run(text)
    checked = safe_url(url)
    if checked is not None:
        run["selectAction"] = {"type": "Action.OpenUrl", "url": checked}
    return run


def _block(*runs: dict[str, Any], spacing: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "RichTextBlock", "inlines": list(runs)}
    if spacing is not None:
        block["spacing"] = spacing
    return block


def _card_container(
    card: CardView, narrative: Narrative, payload: BriefingPayload
) -> dict[str, Any]:
    """One card: severity and title, paragraph, the facts it did not say, action, evidence."""
    title = plain(card.title, _TITLE_BUDGET) or "(untitled card)"
    items: list[dict[str, Any]] = [
        _block(
            _run(f"{_EMOJI[card.severity]} {_SEVERITY_WORD[card.severity]} · ", weight="Bolder"),
            _run(title, weight="Bolder"),
        )
    ]
    paragraph = narrative.paragraph(card.id)
    if paragraph is not None and paragraph.strip():
        items.append(_block(_run(plain(paragraph, _PARAGRAPH_BUDGET, single_line=False))))
        facts = " · ".join(fact_text(f) for f in unsaid_facts(card, paragraph))
        if facts:
            items.append(_block(_run(plain(facts, _FACTS_BUDGET), isSubtle=True)))
    else:
        # The fallback already states the facts; listing them again adds nothing.
        items.append(
            _block(_run(plain(fallback_paragraph(card), _PARAGRAPH_BUDGET, single_line=False)))
        )
    if action := narrative.action(card.id):
        items.append(_block(_run("Do: ", weight="Bolder"), _run(plain(action, _ACTION_BUDGET))))
    evidence, more = evidence_items(card, payload, _EVIDENCE_SHOWN)
    if evidence or more:
        runs: list[dict[str, Any]] = [_run("› ")]
        for n, (words, url) in enumerate(evidence):
            if n:
                runs.append(_run(" · "))
            runs.append(_link(url, plain(words, _EVIDENCE_BUDGET)))
        if more:
            runs.append(_run(f" +{more} more"))
        items.append(_block(*runs))
    return {
        "type": "Container",
        "style": _STYLE[card.severity],
        "items": items,
        "spacing": "Medium",
    }


def _deploys(payload: BriefingPayload, deploys: tuple[DeployView, ...]) -> list[dict[str, Any]]:
    lines = [_block(_run("• " + plain(line, 400))) for line in deploy_lines(payload, deploys)]
    return [_block(_run("Riskiest deploys", weight="Bolder"), spacing="Medium"), *lines]


def _change(change: ChangeView) -> dict[str, Any]:
    """A change as a bullet by title and id, linked only when its URL is a safe http(s) URL."""
    title = plain(change.title, _CHANGE_TITLE_BUDGET) or plain(change.id, 100)
    runs = [_run("• "), _link(change.url, title)]
    if title != change.id:
        runs.append(_run(f" ({plain(change.id, 100)})"))
    if change.service:
        runs.append(_run(f" · {plain(change.service, 100)}"))
    runs.append(_run(f" · score {change.score}, {band_label(change.band)}"))
    return _block(*runs)


def _changes(changes: tuple[ChangeView, ...]) -> list[dict[str, Any]]:
    heading = _block(_run("Riskiest changes", weight="Bolder"), spacing="Medium")
    return [heading, *(_change(c) for c in changes)]


def _chart(payload: BriefingPayload) -> list[dict[str, Any]]:
    """The risk distribution as text bars in monospace, this week against last."""
    lines = distribution_lines(payload.distribution, payload.distribution_last_week)
    return [
        _block(_run("Changes by risk score", weight="Bolder"), spacing="Medium"),
        _block(
            *(
                _run(line + ("\n" if i < len(lines) - 1 else ""), fontType="Monospace")
                for i, line in enumerate(lines)
            )
        ),
    ]


def _plan(payload: BriefingPayload, sentence: str) -> list[dict[str, Any]]:
    """The review plan, the card's last section: its sentence, the items a briefing shows
    (linked by title, with state, risk, uncovered owners and one action), how many more."""
    items, more = plan_items(payload)
    blocks = [
        _block(_run(PLAN_TITLE, weight="Bolder"), spacing="Medium"),
        _block(_run(plain(sentence, _PARAGRAPH_BUDGET))),
    ]
    for n, item in enumerate(items, start=1):
        title = plain(item.title, _CHANGE_TITLE_BUDGET) or plain(item.id, 100)
        detail = plain(plan_detail(item), _ACTION_BUDGET)
        blocks.append(_block(_run(f"{n}. "), _link(item.url, title), _run(f" · {detail}")))
    if more:
        # Without the web view's address there is no week page to point at.
        where = (
            "on this week's page"
            if payload.details_url
            else f"with /risk plan {payload.week.id} in Slack"
        )
        blocks.append(_block(_run(f"+{more} more {where}", isSubtle=True)))
    return blocks


def _context(payload: BriefingPayload, narrative: Narrative) -> list[dict[str, Any]]:
    """Week, scope and who wrote the narrative, in small print."""
    week = payload.week
    texts = [
        f"Week {week.id} · {week_span(week)} ({week.timezone})",
        f"Scope: {payload.scope.label}",
        f"Narrative: {narrative_label(narrative)}",
    ]
    if gaps := unknown_line(payload.unknown):
        texts.append(gaps)
    if budgets := burn_line(payload.budget_burns):
        texts.append(budgets)
    if record := short_record_line(payload.record):
        texts.append(record)
    blocks = [
        _block(_run(plain(t, _CONTEXT_BUDGET), size="Small", isSubtle=True), spacing="Small")
        for t in texts
    ]
    if payload.details_url and safe_url(payload.details_url):
        blocks.insert(
            0, _block(_link(payload.details_url, "Open in the web view"), spacing="Small")
        )
    return blocks


def _card(body: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "AdaptiveCard",
        "$schema": CARD_SCHEMA,
        "version": CARD_VERSION,
        "msteams": {"width": "Full"},
        "body": body,
    }


def _more(n: int) -> dict[str, Any]:
    noun = "card" if n == 1 else "cards"
    return _block(_run(f"+{n} more {noun} — ask riskbrief for the full briefing", isSubtle=True))


def render_msteams(payload: BriefingPayload, narrative: Narrative) -> MsTeamsMessage:
    """Render ``payload`` and its ``narrative`` as an Adaptive Card Teams will take."""
    counts = payload.severity_counts.line()
    headline = plain(narrative.headline, _HEADLINE_BUDGET) or "Weekly delivery-risk briefing"
    one = one_liner(payload, narrative.headline)
    if one is not None:
        # A quiet week, or no data: one line, and the week and scope in small print.
        line = plain(one, 1000)
        return MsTeamsMessage(line, _card([_block(_run(line)), *_context(payload, narrative)]))
    head = [
        _block(_run(counts, weight="Bolder")),
        _block(_run(headline, size="Large", weight="Bolder"), spacing="Small"),
    ]
    cards = ordered_cards(payload.cards)
    tail: list[dict[str, Any]] = []
    told = {e.key for card in cards for e in card.evidence_of(EvidenceKind.DEPLOY)}
    deploys = tuple(d for d in payload.risky_deploys if d.id not in told)[:_DEPLOYS_SHOWN]
    if deploys:
        tail += _deploys(payload, deploys)
    # As in Slack: a very-high deploy in neither a card nor the three deploys listed is named
    # in a line under the headline, and the summary (what a notification shows) names the
    # week's very-high items whatever else it had to leave out (issue 40).
    very_high = very_high_clause(payload)
    shown_deploys = told | {d.id for d in deploys}
    if very_high is not None and any(d.id not in shown_deploys for d in payload.very_high_deploys):
        head.append(_block(_run(plain(very_high[:1].upper() + very_high[1:] + ".", 1000))))
    listed = listed_changes(payload, cited_changes(cards), _CHANGES_SHOWN if cards else 0)
    if listed:
        tail += _changes(listed)
    if cards:
        tail += _chart(payload)
    if (plan := plan_head(payload, narrative)) is not None:
        tail += _plan(payload, plan)
    tail += _context(payload, narrative)
    # The very-high items before the headline: the summary is cut at 300 characters.
    first = f"{counts} — {very_high}" if very_high else counts
    summary = plain(f"{first} — {narrative.headline}", 300)
    body = [_card_container(c, narrative, payload) for c in cards]
    # Cards are ordered most severe first, so the ones left out are the least severe.
    shown = len(body)
    while True:
        parts = [*head, *body[:shown]]
        if shown < len(body):
            parts.append(_more(len(body) - shown))
        message = MsTeamsMessage(summary, _card([*parts, *tail]))
        if message.size() <= MAX_MESSAGE_BYTES or shown == 0:
            return message
        shown -= 1
