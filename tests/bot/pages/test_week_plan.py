"""The week page's review plan: every change the briefing's plan chose, with its figures, owners
and action, outside text escaped."""

from __future__ import annotations

import html
from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session, col, select
from werkzeug.test import Client

from bot.answers.access import Access
from bot.pages.app import PagesApp, PagesConfig
from briefing.build import Recipient, build_payload
from briefing.plan import owner_words, plan_sentence
from briefing.week import IsoWeek
from data.store.engine import session_scope
from data.store.tables import Change
from tests.samples import LoadedSample

_HOSTILE = "<script>alert(1)</script> <!channel>"


def _page(scored: LoadedSample, week: IsoWeek) -> str:
    """The whole organisation's page of ``week``, asked on the sample's Monday night."""
    now = datetime.combine(scored.as_of, time(23, 59), UTC)
    client = Client(PagesApp(scored.engine, scored.org, PagesConfig(open=True), clock=lambda: now))
    return client.get(f"/web/week/{week.id}").get_data(as_text=True)


def test_the_week_page_lists_the_whole_plan(scored: LoadedSample) -> None:
    """The page gives the plan's sentence and its sums, and every chosen change (not only the
    briefing's first three) with its risk points, lines, uncovered owners and action."""
    week = IsoWeek.of(scored.as_of - timedelta(days=7))
    access = Access.organisation(scored.org)
    with Session(scored.engine) as session:
        recipient = Recipient("web", "", access.timezone, access.scope)
        plan = build_payload(session, scored.org, recipient, week).plan
    assert plan is not None
    assert len(plan.items) > 3
    page = html.unescape(_page(scored, week))
    section = page.split('<h2 id="plan">Review first</h2>', 1)[1]
    sentence = plan_sentence(plan)
    assert sentence is not None
    assert sentence in section
    assert f"{plan.plan_risk} of {plan.predicted_risk} risk points" in section
    for item in plan.items:
        assert f"{item.id}</a>" in section
        assert f"{item.predicted_risk} risk points in {item.lines} lines of code" in section
        if words := owner_words(item):
            assert words in section
        if item.action_text:
            assert f"To lower it: {item.action_text}" in section


def test_a_hostile_title_on_the_plan_is_escaped(scored: LoadedSample) -> None:
    """A planned change titled `<script>…` and `<!channel>` is shown as text, never markup."""
    week = IsoWeek.of(scored.as_of - timedelta(days=7))
    before = _page(scored, week).split('<h2 id="plan">', 1)[1]
    key = html.unescape(before).split("/web/change/", 1)[1].split('"', 1)[0]
    with session_scope(scored.engine) as session:
        # The first listed change's key, as its link names it (the path is URL-quoted).
        row = session.exec(select(Change).where(col(Change.key) == key.replace("%23", "#"))).one()
        row.title = _HOSTILE
    section = _page(scored, week).split('<h2 id="plan">', 1)[1]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;!channel&gt;" in section
    assert "<script>" not in section
