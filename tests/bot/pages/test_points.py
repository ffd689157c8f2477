"""A signal's points are made whole one way everywhere: a week's top changes show the points
the change's own page shows (``signal_points``), whatever the stored fractions."""

from __future__ import annotations

import html
import re

import pytest
from sqlmodel import Session, col, select

from bot.answers.access import Access
from bot.answers.records.briefing import scope_briefing
from bot.answers.records.change import change_risk
from bot.answers.records.models import points_of, signal_points
from data.store.tables import RiskScoreRow
from scoring.risk import Band
from scoring.risk_score import RiskScore
from scoring.signal import Signal
from tests.bot.pages.small_history import BIG_WEEK, SmallHistory, end_of_week_after

# Stored points at x.25, x.5 and x.75 adding up to a whole score; ``round`` alone would make
# 63.25 + 10.25 + 6.25 + 0.25 = 80 into 63 + 10 + 6 + 0 = 79, and 10.5 into 10 (to even).
CASES = {
    "quarters": ({"size": 63.25, "review": 10.25, "codeowners": 6.25, "tests": 0.25}, 80),
    "halves": ({"size": 63.25, "review": 10.5, "codeowners": 5.75, "tests": 0.5}, 80),
    "three-quarters": ({"size": 40.75, "review": 20.75, "codeowners": 7.5, "tests": 1.0}, 70),
}


def _score(points: dict[str, float], score: int) -> RiskScore:
    signals = tuple(Signal(n, 1.0, p, f"{n} words", 0.1) for n, p in points.items())
    return RiskScore("k", score, Band.CRITICAL, signals, (), "v")


@pytest.mark.parametrize("case", CASES)
def test_whole_points_add_up_and_a_top_signal_keeps_its_points(case: str) -> None:
    points, score = CASES[case]
    full = signal_points(_score(points, score))
    assert sum(p.points for p in full) == score
    top = points_of(_score(points, score), ["size", "review", "codeowners"])
    assert top == {p.name: p.points for p in full if p.name in top} | {
        n: 0 for n in top if n not in {p.name for p in full}
    }


def _store(h: SmallHistory, points: dict[str, float], score: int) -> None:
    """The big change's stored score, rewritten with ``points``."""
    with Session(h.engine) as session:
        row = session.exec(
            select(RiskScoreRow).where(
                col(RiskScoreRow.subject_kind) == "change", col(RiskScoreRow.subject_key) == h.big
            )
        ).one()
        row.signals = [
            {"name": n, "value": 1.0, "points": p, "explanation": f"{n} words", "share": 0.1}
            for n, p in points.items()
        ]
        row.top_signals = ["size", "review", "codeowners"]
        row.score = score
        row.band = Band.CRITICAL.value
        session.add(row)
        session.commit()


def _shown(page: str, key: str) -> dict[str, int]:
    """The ``+N name`` points listed under ``key`` on a page (the first list after it)."""
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))
    after = text[text.index(key) :]
    return {n: int(p) for p, n in re.findall(r"([+-]\d+) (\w+) :", after)[:3]}


@pytest.mark.parametrize("case", CASES)
def test_the_week_page_shows_the_points_the_change_page_shows(
    small_history: SmallHistory, case: str
) -> None:
    h = small_history
    points, score = CASES[case]
    _store(h, points, score)
    now = end_of_week_after()
    whole = Access.organisation(h.org)
    with Session(h.engine) as session:
        risk = change_risk(session, h.org, whole, h.big)
        facts = scope_briefing(session, h.org, whole, None, BIG_WEEK, now)
    own = {s.name: s.points for s in risk.signals}
    assert sum(own.values()) == score
    (top,) = [c for c in facts.top_changes if c.key == h.big]
    assert {s.name: s.points for s in top.signals} == {
        n: own.get(n, 0) for n in ("size", "review", "codeowners")
    }
    client = h.client(now)
    week = client.get(f"/web/week/{BIG_WEEK}").get_data(as_text=True)
    change = client.get("/web/change/" + h.big).get_data(as_text=True)
    on_week = _shown(week[week.index("Top changes") :], h.big)
    on_change = _shown(change, "Points adding up to")
    assert on_week
    assert on_week == {n: on_change[n] for n in on_week}
