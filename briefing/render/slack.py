"""A briefing as a Slack Block Kit message, within Slack's limits by construction.

Severity counts come first, then the headline, then the cards most severe first, and
last the review plan, cut so that the whole message stays within ``MAX_WORDS``.
Every string from outside goes through :func:`mrkdwn`; the only ``<...>`` markup
in the message is links to changes whose URL passed :func:`safe_url`. A card's title and
every link's label are :func:`inert` too: their ``*``, ``_``, ``~`` and backticks format
nothing. Every
mrkdwn text object is ``verbatim``: otherwise Slack itself turns a bare URL, a
``#channel`` name or an ``@here`` in a title into a link or a mention.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from briefing.budget_burns import burn_line
from briefing.headline import very_high_clause
from briefing.labels import band_label
from briefing.narrative import MAX_WORDS, Narrative
from briefing.payload import BriefingPayload, CardView, ChangeView, DeployView
from briefing.render.blocks import (
    HEADER_CHARS,
    MAX_BLOCKS,
    NOTIFICATION_CHARS,
    SECTION_CHARS,
    SlackMessage,
    context,
    header,
    section,
)
from briefing.render.escape import inert, link, mrkdwn, one_line, truncate
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

__all__ = ["MAX_BLOCKS", "SlackMessage", "render_slack"]

# Slack's documented limits for messages and the blocks used here.
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000

# Budgets for the parts of a card; with the separators they stay well under
# SECTION_CHARS, so the final truncate of a section is only a safety net.
_TITLE_BUDGET = 300
_PARAGRAPH_BUDGET = 1500
_EVIDENCE_BUDGET = 200
_EVIDENCE_SHOWN = 3
_FACTS_BUDGET = 600
_ACTION_BUDGET = 500
_CHANGE_TITLE_BUDGET = 150
_CHANGES_SHOWN = 2
_CONTEXT_BUDGET = 300

_EMOJI = {"critical": "🔴", "warning": "🟠", "info": "🔵"}
_SEVERITY_WORD = {"critical": "Critical", "warning": "Warning", "info": "Info"}


def _outside(text: str, budget: int, *, single_line: bool = False) -> str:
    """Outside ``text`` escaped for mrkdwn, then cut to ``budget`` without splitting an escape."""
    return truncate(mrkdwn(one_line(text) if single_line else text.strip()), budget)


def _details_button(card: CardView) -> dict[str, Any]:
    """The "Details" button whose value tells the action handler which card was asked about."""
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": truncate("Details", MAX_BUTTON_TEXT)},
        "action_id": "card_details",
        # Not escaped: it is never displayed, and the handler looks the card up by it.
        "value": truncate(card.id, MAX_BUTTON_VALUE),
    }


def _card_block(
    card: CardView, narrative: Narrative, payload: BriefingPayload, brief: bool = False
) -> dict[str, Any]:
    """One card: severity, title, paragraph, the facts it did not say, its action and evidence,
    with a Details button; ``brief``: its title and evidence only."""
    title = inert(_outside(card.title, _TITLE_BUDGET, single_line=True)) or "(untitled card)"
    lines = [f"{_EMOJI[card.severity]} *{_SEVERITY_WORD[card.severity]}* · {title}"]
    paragraph = narrative.paragraph(card.id)
    if brief:
        pass
    elif paragraph is not None and paragraph.strip():
        lines.append(_outside(paragraph, _PARAGRAPH_BUDGET))
        facts = " · ".join(fact_text(f) for f in unsaid_facts(card, paragraph))
        if facts:
            lines.append(_outside(facts, _FACTS_BUDGET, single_line=True))
    else:
        # The fallback already states the facts; listing them again adds nothing.
        lines.append(_outside(fallback_paragraph(card), _PARAGRAPH_BUDGET))
    if not brief and (action := narrative.action(card.id)):
        lines.append(f"*Do:* {_outside(action, _ACTION_BUDGET, single_line=True)}")
    items, more = evidence_items(card, payload, _EVIDENCE_SHOWN)
    # Links are added whole while they fit: a section cut by Slack's limit could split one.
    room = SECTION_CHARS - len("\n".join(lines)) - 40
    shown: list[str] = []
    for e, url in items:
        item = link(url, truncate(one_line(e), _EVIDENCE_BUDGET))
        if len(item) + 2 > room:
            break
        shown.append(item)
        room -= len(item) + 2
    more += len(items) - len(shown)
    if shown or more:
        lines.append("› " + " · ".join(shown) + (f" +{more} more" if more else ""))
    return section("\n".join(lines), _details_button(card))


def _deploys_block(
    payload: BriefingPayload, deploys: tuple[DeployView, ...], more: int = 0
) -> dict[str, Any]:
    """The week's high-risk deploys and releases, whether or not an incident followed, and how
    many more the week's page lists."""
    lines = ["• " + mrkdwn(one_line(line)) for line in deploy_lines(payload, deploys)]
    if more:
        where = link(payload.details_url, "this week's page") if payload.details_url else None
        lines.append(f"+{more} more on {where or '`/risk brief`'}")
    return section("*Riskiest deploys*\n" + "\n".join(lines))


def _change_line(change: ChangeView) -> str:
    """A change as a bullet by title and id, linked only when its URL is a safe http(s) URL."""
    title = truncate(one_line(change.title), _CHANGE_TITLE_BUDGET) or change.id
    named = f" ({mrkdwn(one_line(change.id))})" if title != change.id else ""
    where = f" · {mrkdwn(one_line(change.service))}" if change.service else ""
    return (
        f"• {link(change.url, title)}{named}{where} · score {change.score}, "
        f"{band_label(change.band)}"
    )


def _changes_block(changes: tuple[ChangeView, ...]) -> dict[str, Any]:
    """The week's very-high-risk changes, and the riskiest others no card links."""
    return section("*Riskiest changes*\n" + "\n".join(_change_line(c) for c in changes))


def _plan_block(payload: BriefingPayload, sentence: str, shown: int) -> dict[str, Any]:
    """The review plan, the message's last section: its sentence, then its first ``shown``
    items, each linked by title with its state, risk, uncovered owners and one action, and
    how many more the week's page (or `/risk plan`) lists."""
    items, more = plan_items(payload)
    more += len(items) - min(shown, len(items))
    lines = [f"*{PLAN_TITLE}* · {_outside(sentence, _PARAGRAPH_BUDGET, single_line=True)}"]
    for n, item in enumerate(items[:shown], start=1):
        title = truncate(one_line(item.title), _CHANGE_TITLE_BUDGET) or item.id
        detail = mrkdwn(one_line(plan_detail(item)))
        lines.append(f"{n}. {link(item.url, title)} · {detail}")
    if more:
        where = link(payload.details_url, "this week's page") if payload.details_url else None
        # The briefing's own week: `/risk plan` alone is the plan as of now, not this week's.
        where = where or f"`/risk plan {payload.week.id}`"
        lines.append(f"+{more} more on {where}" if shown else f"All {more} on {where}")
    return section("\n".join(lines))


def _words(node: Any) -> int:
    """The words a reader sees in ``node`` (blocks, a block or a part of one): every text,
    buttons' labels included, a link counted by its label, not its address."""
    if isinstance(node, list | tuple):
        return sum(_words(n) for n in node)
    if not isinstance(node, dict):
        return 0
    text = node.get("text")
    own = len(_LINKED.sub(r"\1", text).split()) if isinstance(text, str) else 0
    return own + sum(_words(v) for v in node.values())


_LINKED = re.compile(r"<[^|>]+\|([^>]*)>")


def _chart_block(payload: BriefingPayload) -> dict[str, Any]:
    """The risk distribution as text bars in a code block, this week against last."""
    # Only band names and numbers go in here, so nothing in it needs escaping.
    lines = distribution_lines(payload.distribution, payload.distribution_last_week)
    return section("*Changes by risk score*\n```\n" + "\n".join(lines) + "\n```")


def _context_block(payload: BriefingPayload, narrative: Narrative) -> dict[str, Any]:
    """Week, scope and who wrote the narrative, in small print."""
    week = payload.week
    when = f"{week_span(week)} ({mrkdwn(week.timezone)})"
    # The week links to its page in the web view when there is one (no words added), as an
    # element of its own so that the budget never cuts the link's long URL.
    linked = link(payload.details_url, f"Week {week.id}")
    dated = (
        [linked, when]
        if payload.details_url and len(linked) <= _CONTEXT_BUDGET
        else [f"Week {mrkdwn(week.id)} · {when}"]
    )
    texts = [
        *dated,
        f"Scope: {mrkdwn(one_line(payload.scope.label))}",
        f"Narrative: {mrkdwn(one_line(narrative_label(narrative)))}",
    ]
    if gaps := unknown_line(payload.unknown):
        texts.append(gaps)
    if budgets := burn_line(payload.budget_burns):
        # Service names are outside text: escaped for mrkdwn like every other.
        texts.append(mrkdwn(one_line(budgets)))
    if record := short_record_line(payload.record):
        texts.append(record)
    return context(*texts, budget=_CONTEXT_BUDGET)


def _very_high_line(payload: BriefingPayload, headline: str) -> str | None:
    """The week's very-high-risk changes and deploys in a line (a few of each, then "N more"),
    unless the header already says all of it; ``None`` when there were none."""
    clause = very_high_clause(payload)
    if clause is None or mrkdwn(one_line(clause)) in headline:
        return None
    # Escaped here, once: the line names changes by their (outside) titles, and goes both
    # into a section and into the notification text.
    return truncate(mrkdwn(one_line(clause[:1].upper() + clause[1:])) + ".", SECTION_CHARS)


def _cards_body(
    cards: Sequence[CardView],
    shown: Sequence[CardView],
    narrative: Narrative,
    payload: BriefingPayload,
    whole: int | None = None,
) -> list[dict[str, Any]]:
    """The blocks of the ``shown`` cards, the first ``whole`` (all: ``None``) in full and the
    rest by title and evidence, and how many more of ``cards`` `/risk brief` shows."""
    whole = len(shown) if whole is None else whole
    body: list[dict[str, Any]] = [
        _card_block(card, narrative, payload, brief=n >= whole) for n, card in enumerate(shown)
    ]
    if len(shown) < len(cards):
        more = len(cards) - len(shown)
        noun = "card" if more == 1 else "cards"
        body.append(section(f"+{more} more {noun} — use `/risk brief` for all"))
    return body


def render_slack(payload: BriefingPayload, narrative: Narrative) -> SlackMessage:
    """Render ``payload`` and its ``narrative`` as a Slack message that Slack will accept."""
    counts = payload.severity_counts.line()
    headline = _outside(narrative.headline, HEADER_CHARS, single_line=True)
    headline = headline or "Weekly delivery-risk briefing"
    one = one_liner(payload, narrative.headline)
    if one is not None:
        # A quiet week, or no data: one line, and the week and scope in small print.
        line = truncate(mrkdwn(one_line(one)), SECTION_CHARS)
        blocks = (section(line), _context_block(payload, narrative))
        return SlackMessage(text=truncate(one_line(one), NOTIFICATION_CHARS), blocks=blocks)
    head: list[dict[str, Any]] = [
        section(f"*{counts}*"),
        # Escaped although plain_text: Slack stores plain_text with the same three
        # entities and decodes them for display, and the rule stays uniform.
        header(headline),
    ]
    cards = ordered_cards(payload.cards)
    tail: list[dict[str, Any]] = []
    # A deploy a card already tells of (an incident followed it) is not listed again.
    told = {e.key for card in cards for e in card.evidence_of(EvidenceKind.DEPLOY)}
    deploys = tuple(d for d in payload.risky_deploys if d.id not in told)
    # Every very-high-risk change is listed below; when a very-high deploy is in neither a
    # card nor the (short) deploys' list, a line under the header names the week's very-high
    # items, however short the header had to be cut (issue 40).
    # The notification's text always names them: it is what a phone shows of the message.
    very_high = _very_high_line(payload, headline)
    shown_deploys = told | {d.id for d in deploys}
    if very_high is not None and any(d.id not in shown_deploys for d in payload.very_high_deploys):
        head.append(section(very_high))
    if deploys:
        tail.append(_deploys_block(payload, deploys))
    # Very-high-risk changes are named by title and score whether or not a card links
    # them; the cards already link the others they cite.
    listed = listed_changes(payload, cited_changes(cards), _CHANGES_SHOWN if cards else 0)
    if listed:
        tail.append(_changes_block(listed))
    chart = [_chart_block(payload)] if cards else []
    plan = plan_head(payload, narrative)
    context_block = _context_block(payload, narrative)
    room = MAX_BLOCKS - len(head) - len(tail) - len(chart) - 1 - (plan is not None)
    shown = cards if len(cards) <= room else cards[: room - 1]
    body = _cards_body(cards, shown, narrative, payload)
    # Should the cards not read in 90 seconds even beside the least of the rest (one deploy,
    # the plan's sentence alone, no chart), the least severe (they come last: good news, then
    # warnings) are told by their title and evidence, and should that not do, counted; the
    # most severe card always shows whole. Every card is whole in `/risk brief`, the email
    # and the week's page.
    least = [*tail]
    if deploys and plan is not None:
        # The plan's room is made by listing fewer deploys (below): one at the least.
        least[0] = _deploys_block(payload, deploys[:1], len(deploys) - 1)
    if plan is not None:
        least.append(_plan_block(payload, plan, 0))
    least.append(context_block)
    whole = len(shown)
    while whole > 1 and _words([*head, *body, *least]) > MAX_WORDS:
        whole -= 1
        body = _cards_body(cards, shown, narrative, payload, whole)
    while len(shown) > 1 and _words([*head, *body, *least]) > MAX_WORDS:
        shown = shown[:-1]
        body = _cards_body(cards, shown, narrative, payload, whole)
    if plan is not None and len(deploys) > 1:
        # Should even the plan's sentence alone not fit beside every high-risk deploy, the
        # lowest deploys are counted rather than listed (the week's page lists them all; the
        # notification's text names the week's very-high items whenever the header does not).
        floor = [_plan_block(payload, plan, 0), context_block]
        kept = deploys
        while len(kept) > 1 and _words([*head, *body, *tail, *floor]) > MAX_WORDS:
            kept = kept[:-1]
            tail[0] = _deploys_block(payload, kept, len(deploys) - len(kept))
    if plan is not None:
        # The plan is the last section, and the message stays a 90-second read with it: the
        # chart goes first (its numbers are in the headline, the email and the week page),
        # then the plan's items from the last, down to its sentence alone.
        before = [*head, *body, *tail]
        most = len(plan_items(payload)[0])
        tries = [(chart, most)] + [([], n) for n in range(most, -1, -1)]
        for chart_kept, n in tries:
            block = _plan_block(payload, plan, n)
            if _words([*before, *chart_kept, block, context_block]) <= MAX_WORDS:
                break
        tail = [*tail, *chart_kept, block]
    else:
        tail = [*tail, *chart]
    tail.append(context_block)
    said = f"{counts}\n{headline}" + (f"\n{very_high}" if very_high else "")
    text = truncate(said, NOTIFICATION_CHARS)
    return SlackMessage(text=text, blocks=(*head, *body, *tail))
