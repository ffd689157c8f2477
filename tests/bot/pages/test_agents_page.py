"""The agents page: what became of agents' changes by kind of work, beside people's, and its CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, time

from werkzeug.test import Client

from bot.answers.access import Access
from bot.answers.records.agent_outcomes import agent_outcomes
from bot.pages.app import PagesApp, PagesConfig
from bot.pages.links import LinkSigner
from data.store.engine import session_scope
from tests.samples import LoadedSample


def _now(scored: LoadedSample) -> datetime:
    return datetime.combine(scored.as_of, time(23, 59), tzinfo=UTC)


def _client(scored: LoadedSample) -> Client:
    config = PagesConfig(signer=LinkSigner(["k" * 32]), open=True)
    return Client(PagesApp(scored.engine, scored.org, config, clock=lambda: _now(scored)))


def test_the_outcomes_table_has_each_kind_beside_peoples(scored: LoadedSample) -> None:
    """Every agent row of the outcomes CSV is followed by people's row of its kind, and all
    agents' changes there add up to the record's over the page's 12 weeks."""
    got = _client(scored).get("/web/agents?csv=outcomes")
    assert got.status_code == 200
    rows = list(csv.reader(io.StringIO(got.get_data(as_text=True))))
    header, body = rows[0], rows[1:]
    assert header[:2] == ["Whose · kind", "Changes"]
    assert "Review unknown" in header
    assert len(body) % 2 == 0
    for agent, people in zip(body[::2], body[1::2], strict=True):
        assert people[0] == "people · " + agent[0].split(" · ")[1]
    with session_scope(scored.engine) as session:
        record = agent_outcomes(
            session, scored.org, Access.organisation(scored.org), None, 12, None, _now(scored), {}
        )
    whole = [r for r in body[::2] if r[0].startswith("all agents · ")]
    assert sum(int(r[1]) for r in whole) == record.agent_changes


def test_the_page_says_what_gone_wrong_means(scored: LoadedSample) -> None:
    """The page states the window, that unknown review is apart and what counts as gone wrong."""
    text = _client(scored).get("/web/agents").get_data(as_text=True)
    assert "What became of them" in text
    assert "never as unreviewed" in text
    assert "per 1,000 lines of code" in text
