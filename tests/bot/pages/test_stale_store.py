"""A store nobody synced for months reads as stale, not broken: no "Teams: None", no months of
zeros up to today without a word, and every week page links the weeks either side."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

from tests.bot.pages.small_history import BIG_WEEK, SmallHistory, end_of_week_after

# Months after the small history's data ends (2026-11-18, in 2026-W47).
MONTHS_LATER = datetime(2027, 3, 10, 12, tzinfo=UTC)


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_home_without_teams_says_none_are_configured(small_history: SmallHistory) -> None:
    page = small_history.client(end_of_week_after()).get("/web/")
    assert page.status_code == 200
    text = _text(page.get_data(as_text=True))
    assert "No teams are configured" in text
    assert "side by side" not in text
    assert "None." not in text


def test_a_stale_store_says_where_its_data_ends_and_what_to_run(
    small_history: SmallHistory,
) -> None:
    client = small_history.client(MONTHS_LATER)
    note = "The data ends on 18 Nov 2026 (week 2026-W47), before the last complete week (2027-W09)"
    for path in (
        "/web/",
        "/web/service/lib",
        "/web/week",
        f"/web/week/{BIG_WEEK}",
        "/web/agents",
        "/web/rows/2027-W09",
    ):
        got = client.get(path)
        assert got.status_code == 200, path
        text = _text(got.get_data(as_text=True))
        assert note in text, path
        assert "riskbrief sync" in text, path
        # And the week its data ends in is one click away.
        assert "Open week 2026-W47" in text, path
        assert f'href="/web/week/{BIG_WEEK}"' in got.get_data(as_text=True), path
    # The week page asked for no week is the default week every reader briefs: the last
    # complete week holding data.
    default = _text(client.get("/web/week").get_data(as_text=True))
    assert "whole organisation: week 2026-W47" in default
    # A week with no data is its verdict alone: no counts of cards over nothing.
    empty = _text(client.get("/web/week/2027-W09").get_data(as_text=True))
    assert "No data for the organisation in week 2027-W09" in empty
    assert "0 critical" not in empty


def test_a_stale_stores_weeks_end_where_its_data_does(small_history: SmallHistory) -> None:
    text = _text(small_history.client(MONTHS_LATER).get("/web/service/lib").get_data(as_text=True))
    assert "12 weeks to 2026-W47" in text
    # The week-by-week table starts (newest first) with the data's last week, which has a change.
    table = text[text.index("Week by week") :]
    assert "2027-W" not in table
    assert re.search(r"2026-W47 [1-9]", table)


def test_a_stale_stores_agents_page_shows_the_week_its_data_ends_in(
    small_history: SmallHistory,
) -> None:
    text = _text(small_history.client(MONTHS_LATER).get("/web/agents").get_data(as_text=True))
    assert f"Agents in {BIG_WEEK}" in text
    table = text[text.index("Week by week") :]
    assert "2027-W" not in table


def test_a_fresh_store_says_nothing_of_its_end(small_history: SmallHistory) -> None:
    client = small_history.client(end_of_week_after())
    for path in ("/web/", "/web/service/lib", f"/web/week/{BIG_WEEK}", "/web/agents"):
        text = _text(client.get(path).get_data(as_text=True))
        assert "The data ends" not in text, path


def test_a_week_page_links_the_week_after_up_to_the_week_in_progress(
    small_history: SmallHistory,
) -> None:
    client = small_history.client(end_of_week_after())
    before = client.get("/web/week/2026-W46").get_data(as_text=True)
    assert 'href="/web/week/2026-W47"' in before
    assert "Week after" in before
    last = client.get(f"/web/week/{BIG_WEEK}").get_data(as_text=True)
    assert 'href="/web/week/2026-W48"' in last
    assert 'href="/web/week/2026-W46"' in last
    # 2026-W48 is the week in progress: nothing after it is linked.
    running = client.get("/web/week/2026-W48").get_data(as_text=True)
    assert "Week after" not in running
    assert 'href="/web/week/2026-W47"' in running
