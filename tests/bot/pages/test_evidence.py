"""A week page's evidence names each change once, with its score and band: never
"acme/platform#4503 very high 80 acme/platform#4503 (score 80, very high risk)"."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session
from werkzeug.test import Client

from bot.answers.access import Access
from bot.answers.records.briefing import scope_briefing
from bot.pages.app import PagesApp, PagesConfig
from tests.samples import LoadedSample


def test_each_piece_of_evidence_names_its_change_once_with_score_and_band(
    scored: LoadedSample,
) -> None:
    now = datetime.combine(scored.as_of, time(23, 59), UTC)
    iso = (scored.as_of - timedelta(days=7)).isocalendar()
    week = f"{iso.year}-W{iso.week:02d}"
    with Session(scored.engine) as session:
        facts = scope_briefing(
            session, scored.org, Access.organisation(scored.org), None, week, now
        )
    cited = [e for c in facts.cards for e in c.evidence if e.kind in ("change", "revert")]
    assert cited
    # Every cited change has its score and band, listed by the briefing or not.
    assert all(e.score is not None and e.band for e in cited)
    client = Client(PagesApp(scored.engine, scored.org, PagesConfig(open=True), clock=lambda: now))
    page = client.get(f"/web/week/{week}").get_data(as_text=True)
    items = [
        html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", li))).strip()
        for block in re.findall(r'<ul class="evidence">(.*?)</ul>', page, re.S)
        for li in re.findall(r"<li>(.*?)</li>", block, re.S)
    ]
    assert len(items) == sum(len(c.evidence) for c in facts.cards)
    for e in cited:
        (item,) = [i for i in items if e.key in i]
        assert item.count(e.key) == 1, item
        assert f"{e.band} {e.score}" in item, item
        assert "(score" not in item, item
    # Incidents and deploys are named once too, in the briefing's words.
    for e in (e for c in facts.cards for e in c.evidence if e.kind in ("incident", "deploy")):
        assert e.words in items
        assert all(i.count(e.key) <= 1 for i in items)
