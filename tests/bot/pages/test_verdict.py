"""One verdict for a week: Slack, email, the terminal, MCP and the web view state it alike."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from sqlmodel import Session

from bot.answers.access import Access
from bot.answers.briefs import brief_answer
from bot.answers.records.briefing import scope_briefing, verdict
from bot.answers.text import answer_text
from briefing.build import Recipient, build_payload
from briefing.deterministic import write_deterministic
from briefing.render.email import render_email, render_text
from briefing.render.slack import render_slack
from briefing.week import IsoWeek
from data.scope import Scope
from tests.bot.pages.small_history import BIG_WEEK, SmallHistory, end_of_week_after


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_every_reader_states_the_weeks_verdict_alike(small_history: SmallHistory) -> None:
    """A week with no card but a very-high-risk change is never "quiet" on any reader, and every
    reader's verdict is the one ``verdict`` words."""
    h = small_history
    week = IsoWeek.parse(BIG_WEEK)
    now = end_of_week_after()
    with Session(h.engine) as session:
        payload = build_payload(session, h.org, Recipient("x", "", "UTC", Scope()), week)
        narrative = write_deterministic(payload)
        facts = scope_briefing(session, h.org, Access.organisation(h.org), None, BIG_WEEK, now)
        # ``/risk brief`` briefs the week so far: asked on the week's own Sunday night.
        asked = brief_answer(session, h.org, Scope(), "UTC", now - timedelta(days=7))
    said = verdict(payload)
    # The history makes no card and one very-high-risk change.
    assert not payload.cards
    assert payload.very_high_risk
    assert "very high risk" in said
    assert h.big in said
    assert "quiet" not in said.lower()
    assert narrative.headline == said
    slack = render_slack(payload, narrative)
    assert any(said in str(block) for block in slack.blocks)
    email = render_email(payload, narrative)
    assert said in email.text
    assert said in html.unescape(email.html)
    assert said in render_text(payload, narrative)
    assert said in answer_text(asked)
    assert facts.headline == said
    assert facts.counts == payload.severity_counts.line()
    page = h.client(now).get(f"/web/week/{BIG_WEEK}")
    assert page.status_code == 200
    shown = _text(page.get_data(as_text=True))
    assert said in shown
    assert "quiet" not in shown.lower()
