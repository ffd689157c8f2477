"""The week page says which services burned their error budget fastest, as the briefing does."""

from __future__ import annotations

import html
from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session
from werkzeug.test import Client

from bot.answers.access import Access
from bot.pages.app import PagesApp, PagesConfig
from briefing.budget_burns import burn_line
from briefing.build import Recipient, build_payload
from briefing.week import IsoWeek
from tests.samples import LoadedSample


def _page(scored: LoadedSample, week: IsoWeek) -> str:
    """The whole organisation's page of ``week``, asked on the sample's Monday night."""
    now = datetime.combine(scored.as_of, time(23, 59), UTC)
    client = Client(PagesApp(scored.engine, scored.org, PagesConfig(open=True), clock=lambda: now))
    return html.unescape(client.get(f"/web/week/{week.id}").get_data(as_text=True))


def test_the_week_page_names_the_fastest_burns_and_a_steady_week_none(
    scored: LoadedSample,
) -> None:
    """The sample's latest week: Notifications then Checkout, in the briefing's own line, above
    the cards; the week before, every budget spent at a steady pace, has no line."""
    week = IsoWeek.of(scored.as_of - timedelta(days=7))
    access = Access.organisation(scored.org)
    with Session(scored.engine) as session:
        recipient = Recipient("web", "", access.timezone, access.scope)
        burns = build_payload(session, scored.org, recipient, week).budget_burns
    assert [b.service for b in burns] == ["notifications", "checkout"]
    line = burn_line(burns)
    assert line is not None
    assert line in _page(scored, week).split("<h2>Cards</h2>", 1)[0]
    assert "Error budgets this week" not in _page(scored, week.previous())
