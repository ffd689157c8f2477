"""The start page shows the last complete week, the one the Monday briefing speaks of: never the
week in progress's 0% beside the briefing's counts."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session
from werkzeug.test import Client

from bot.answers.access import Access
from bot.answers.records.briefing import scope_briefing
from bot.pages.app import PagesApp, PagesConfig
from tests.samples import LoadedSample


def test_home_shows_the_briefings_week_for_every_team(scored: LoadedSample) -> None:
    # Monday night: the week in progress has hardly begun, last week is the briefing's.
    now = datetime.combine(scored.as_of, time(23, 59), UTC)
    iso = (scored.as_of - timedelta(days=7)).isocalendar()
    week = f"{iso.year}-W{iso.week:02d}"
    client = Client(PagesApp(scored.engine, scored.org, PagesConfig(open=True), clock=lambda: now))
    page = client.get("/web/").get_data(as_text=True)
    assert f"Teams side by side (the four weeks to {week})" in page
    got = client.get("/web/?csv=teams")
    rows = list(csv.DictReader(io.StringIO(got.get_data(as_text=True))))
    assert {r["Team"] for r in rows} == {t.display_name for t in scored.org.teams}
    whole = Access.organisation(scored.org)
    shares = []
    with Session(scored.engine) as session:
        for team in scored.org.teams:
            facts = scope_briefing(session, scored.org, whole, [team.key], week, now)
            (row,) = [r for r in rows if r["Team"] == team.display_name]
            short = week.split("-")[1]
            assert float(row[f"High-risk share {short} %"]) == facts.high_risk_share, team.key
            assert float(row["Week before %"]) == facts.high_risk_share_last_week, team.key
            shares.append(facts.high_risk_share)
    # The briefing's week has high-risk changes: a 0% for every team would be the week begun.
    assert any(shares)


def test_a_teams_services_side_by_side_end_with_the_briefings_week(scored: LoadedSample) -> None:
    now = datetime.combine(scored.as_of, time(23, 59), UTC)
    iso = (scored.as_of - timedelta(days=7)).isocalendar()
    week = f"{iso.year}-W{iso.week:02d}"
    team = scored.org.teams[0]
    client = Client(PagesApp(scored.engine, scored.org, PagesConfig(open=True), clock=lambda: now))
    page = client.get(f"/web/team/{team.key}").get_data(as_text=True)
    assert f"Its services side by side (the four weeks to {week})" in page
    # Its week-by-week table says which week is still in progress.
    assert (
        f"{(scored.as_of).isocalendar().year}-W{scored.as_of.isocalendar().week:02d} (so far)"
        in (page)
    )
