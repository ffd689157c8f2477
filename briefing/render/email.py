"""A briefing as an email: HTML with inlined CSS, a plain-text part and a chart image.

Outside strings reach the templates only after :func:`neutralise`, cut to a
budget (a 100,000-character title must not make a message mail clients clip);
the HTML template is autoescaped, so they can never become markup. Links are
made only from URLs that passed :func:`safe_url`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from functools import cache

import css_inline
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from briefing.budget_burns import burn_line
from briefing.labels import band_label
from briefing.narrative import Narrative
from briefing.payload import BriefingPayload, CardView, ChangeView
from briefing.render.chart import distribution_png
from briefing.render.escape import neutralise, one_line, safe_url, truncate
from briefing.render.text import (
    BANDS,
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
from briefing.track_record import record_line
from data.clock import utcnow

__all__ = ["EmailMessageParts", "build_mime", "render_email", "render_text"]

# Changes no card links, listed after the very-high-risk ones (which are always listed).
_CHANGES_SHOWN = 3
_GATE_BUDGET = 120

# Budgets for outside text, as in the Slack message: a whole briefing stays far
# below the 102 KB at which Gmail clips a message, whatever the titles hold.
_HEADLINE_BUDGET = 300
_TITLE_BUDGET = 300
_PARAGRAPH_BUDGET = 1500
_FACT_BUDGET = 300
_EVIDENCE_BUDGET = 200
_EVIDENCE_SHOWN = 5
_ACTION_BUDGET = 800
_CHANGE_TITLE_BUDGET = 150
_NAME_BUDGET = 150
_SCOPE_BUDGET = 300


@dataclass(frozen=True)
class EmailMessageParts:
    """A rendered briefing email, before it is put into MIME."""

    subject: str
    html: str
    text: str
    chart_png: bytes
    chart_cid: str


@dataclass(frozen=True)
class _CardContext:
    """A card as the templates show it, its strings already neutralised."""

    severity: str
    title: str
    paragraphs: tuple[str, ...]
    facts: tuple[str, ...]
    # What to do about it; critical and warning cards have one.
    action: str | None
    # (id, URL or None) of the evidence shown, and how many more the card has.
    evidence: tuple[tuple[str, str | None], ...]
    more_evidence: int = 0


@dataclass(frozen=True)
class _ChangeContext:
    """A top change as the templates show it; ``url`` is ``None`` unless safe to link."""

    title: str
    url: str | None
    detail: str


@dataclass(frozen=True)
class _PlanContext:
    """The review plan as the templates show it: its title and sentence, the items shown (as
    listed changes) and how many more the week's page lists."""

    title: str
    sentence: str
    items: tuple[_ChangeContext, ...]
    more: int
    # The briefing's week: `/risk plan <week>` is its plan; `/risk plan` alone is today's.
    week: str = ""


@dataclass(frozen=True)
class _EmailContext:
    """Everything the two templates show, with no outside string left unneutralised."""

    subject: str
    counts: str
    headline: str
    # A quiet week or no data: the whole briefing is this line and the footer.
    one: str | None
    cards: tuple[_CardContext, ...]
    # The week's high-risk deploys in words.
    deploys: tuple[str, ...]
    changes: tuple[_ChangeContext, ...]
    distribution: tuple[str, ...]
    chart_cid: str
    chart_alt: str
    week: str
    scope: str
    narrative: str
    unsubscribe_url: str | None
    # This week in the web view, when its address is configured and the URL is safe.
    details_url: str | None = None
    # The partial-data line: what no source knew this week.
    unknown: str | None = None
    # The scorer's record on the organisation's own history (``briefing.track_record``).
    record: str | None = None
    # The review plan, the last section (``briefing.plan``).
    plan: _PlanContext | None = None
    # The services that burned their error budget fastest (``briefing.budget_burns``).
    budgets: str | None = None


@cache
def _environment() -> Environment:
    """The template environment: HTML autoescaped, plain text left as written."""
    return Environment(
        loader=PackageLoader("briefing.render", "templates"),
        # Matched by suffix, so only `*.html.j2` is escaped and `*.txt.j2` is not.
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@cache
def _inliner() -> css_inline.CSSInliner:
    """The CSS inliner; it never fetches anything, as the template has no remote CSS."""
    return css_inline.CSSInliner(load_remote_stylesheets=False)


def _line(text: str, budget: int) -> str:
    """Outside ``text`` neutralised, on one line and cut to ``budget``."""
    return truncate(one_line(neutralise(text)), budget)


def _budgets(payload: BriefingPayload) -> str | None:
    """The error budgets' line, its service names neutralised; ``None`` without one."""
    line = burn_line(payload.budget_burns) if not payload.no_data else None
    return _line(line, _HEADLINE_BUDGET * 2) if line is not None else None


def _paragraphs(text: str) -> tuple[str, ...]:
    """``text`` split into its non-empty paragraphs, cut to the paragraph budget in all."""
    out: list[str] = []
    room = _PARAGRAPH_BUDGET
    for p in neutralise(text).split("\n"):
        if p.strip() and room > 1:
            out.append(truncate(p.strip(), room))
            room -= len(out[-1])
    return tuple(out)


def _card_context(card: CardView, narrative: Narrative, payload: BriefingPayload) -> _CardContext:
    """What the templates need of one card."""
    paragraph = narrative.paragraph(card.id)
    has_paragraph = paragraph is not None and bool(paragraph.strip())
    text = paragraph if paragraph is not None and has_paragraph else fallback_paragraph(card)
    action = narrative.action(card.id)
    items, more = evidence_items(card, payload, _EVIDENCE_SHOWN)
    return _CardContext(
        severity=card.severity,
        title=_line(card.title, _TITLE_BUDGET) or "(untitled card)",
        paragraphs=_paragraphs(text),
        # The fallback paragraph already states the facts; a paragraph's own numbers
        # are not listed again.
        facts=tuple(_line(fact_text(f), _FACT_BUDGET) for f in unsaid_facts(card, text))
        if has_paragraph
        else (),
        action=_line(action, _ACTION_BUDGET) if action else None,
        evidence=tuple((_line(e, _EVIDENCE_BUDGET), safe_url(url)) for e, url in items),
        more_evidence=more,
    )


def _change_context(change: ChangeView) -> _ChangeContext:
    """What the templates need of one listed change: its id, service, score and, when a gate
    set the score, why."""
    detail = [_line(change.id, _NAME_BUDGET)]
    if change.service:
        detail.append(_line(change.service, _NAME_BUDGET))
    detail.append(f"score {change.score}, {band_label(change.band)}")
    if change.gates and change.band == "critical":
        # The gate's reason without its evidence: "contains a schema migration".
        detail.append(_line(change.gates[0].split(" (", 1)[0], _GATE_BUDGET))
    return _ChangeContext(
        title=_line(change.title, _CHANGE_TITLE_BUDGET) or change.id,
        url=safe_url(change.url),
        detail=" · ".join(detail),
    )


def _plan_context(payload: BriefingPayload, narrative: Narrative) -> _PlanContext | None:
    """The review plan's section, or ``None`` when the briefing has none."""
    sentence = plan_head(payload, narrative)
    if sentence is None:
        return None
    items, more = plan_items(payload)
    return _PlanContext(
        title=PLAN_TITLE,
        sentence=_line(sentence, _HEADLINE_BUDGET),
        items=tuple(
            _ChangeContext(
                title=_line(i.title, _CHANGE_TITLE_BUDGET) or i.id,
                url=safe_url(i.url),
                detail=_line(f"{i.id} · {plan_detail(i)}", _ACTION_BUDGET),
            )
            for i in items
        ),
        more=more,
        week=payload.week.id,
    )


def _deploy_lines(payload: BriefingPayload) -> tuple[str, ...]:
    return tuple(
        _line(line, _CHANGE_TITLE_BUDGET) for line in deploy_lines(payload, payload.risky_deploys)
    )


def _chart_alt(payload: BriefingPayload) -> str:
    """The chart in words, for readers and mail clients that show no images."""
    this, last = payload.distribution, payload.distribution_last_week
    bands = ", ".join(
        f"{band_label(b)} {getattr(this, b)} (last week {getattr(last, b)})" for b in BANDS
    )
    return f"Changes by risk score this week: {bands}"


def _unsubscribe_link(url: str | None) -> str | None:
    """``url`` if the footer may link to it: an http(s) or mailto URL that cannot break out."""
    return safe_url(url, schemes=("https", "http", "mailto"))


def _context(
    payload: BriefingPayload,
    narrative: Narrative,
    chart_png: bytes,
    unsubscribe_url: str | None,
) -> _EmailContext:
    """What both templates show of ``payload`` and ``narrative``, every string neutralised."""
    counts = payload.severity_counts.line()
    week_id = one_line(neutralise(payload.week.id))
    one = one_liner(payload, narrative.headline)
    # Named after its bytes, so the same chart always gets the same Content-ID.
    chart_cid = f"distribution.{hashlib.sha256(chart_png).hexdigest()[:16]}@riskbrief"
    week = payload.week
    cards = ordered_cards(payload.cards)
    cited = cited_changes(cards)
    return _EmailContext(
        subject=f"[riskbrief] {'no data' if payload.no_data else counts} — week {week_id}",
        counts=counts,
        headline=_line(narrative.headline, _HEADLINE_BUDGET) or "Weekly delivery-risk briefing",
        one=_line(one, _HEADLINE_BUDGET + 50) if one is not None else None,
        cards=tuple(_card_context(c, narrative, payload) for c in cards),
        deploys=_deploy_lines(payload),
        # The cards link the changes they cite; very-high-risk ones are named whatever.
        changes=tuple(
            _change_context(c)
            for c in listed_changes(payload, cited, _CHANGES_SHOWN if cards else 0)
        ),
        distribution=distribution_lines(payload.distribution, payload.distribution_last_week),
        chart_cid=chart_cid,
        chart_alt=_chart_alt(payload),
        week=f"Week {week_id} · {week_span(week)} ({neutralise(week.timezone)})",
        scope=_line(payload.scope.label, _SCOPE_BUDGET),
        narrative=one_line(neutralise(narrative_label(narrative))),
        unsubscribe_url=_unsubscribe_link(unsubscribe_url),
        details_url=safe_url(payload.details_url),
        unknown=unknown_line(payload.unknown) if not payload.no_data else None,
        record=record_line(payload.record) if not payload.no_data else None,
        plan=_plan_context(payload, narrative),
        budgets=_budgets(payload),
    )


def render_email(
    payload: BriefingPayload, narrative: Narrative, *, unsubscribe_url: str | None = None
) -> EmailMessageParts:
    """Render ``payload`` and its ``narrative`` as an email's subject, HTML, text and chart.

    A quiet week or a week with no data is one line and the footer; a week without cards
    has no chart (``chart_png`` is empty).
    """
    # The chart goes with the cards: a week without any has nothing for it to explain.
    chart_png = (
        distribution_png(payload.distribution, payload.distribution_last_week)
        if payload.cards
        else b""
    )
    context = _context(payload, narrative, chart_png, unsubscribe_url)
    env = _environment()
    html = env.get_template("email.html.j2").render(c=context)
    text = env.get_template("email.txt.j2").render(c=context)
    return EmailMessageParts(
        subject=context.subject,
        html=_inliner().inline(html),
        text=text,
        chart_png=chart_png,
        chart_cid=context.chart_cid,
    )


def render_text(payload: BriefingPayload, narrative: Narrative) -> str:
    """The briefing as plain text: the email's text part, drawn without its chart (a terminal
    shows the chart's numbers as lines instead)."""
    context = _context(payload, narrative, b"", None)
    return _environment().get_template("email.txt.j2").render(c=context)


def _domain(sender: str) -> str:
    """The domain of ``sender``'s address, for the Message-ID."""
    domain = parseaddr(sender)[1].rpartition("@")[2]
    # Passing a domain also stops make_msgid from asking DNS for the host name.
    return domain or "riskbrief.invalid"


def build_mime(
    parts: EmailMessageParts,
    *,
    sender: str,
    recipient: str,
    unsubscribe_url: str | None,
    unsubscribe_post: bool,
    sent_at: datetime | None = None,
) -> EmailMessage:
    """A multipart/alternative message: text, then HTML related to its chart image."""
    message = EmailMessage()
    message["Subject"] = parts.subject
    message["From"] = sender
    message["To"] = recipient
    message["Date"] = format_datetime(sent_at or utcnow())
    message["Message-ID"] = make_msgid(domain=_domain(sender))
    checked = safe_url(unsubscribe_url, schemes=("https",))
    # RFC 8058 one-click unsubscribe needs an https URL; mail providers ignore others.
    if checked is not None:
        message["List-Unsubscribe"] = f"<{checked}>"
        if unsubscribe_post:
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(parts.text)
    message.add_alternative(parts.html, subtype="html")
    for part in message.iter_parts():
        # A one-line briefing (a quiet week, no data) has no chart to attach.
        if part.get_content_type() == "text/html" and parts.chart_png:
            part.add_related(
                parts.chart_png,
                maintype="image",
                subtype="png",
                cid=f"<{parts.chart_cid}>",
                filename="risk-distribution.png",
                disposition="inline",
            )
    return message
