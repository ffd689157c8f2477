"""A team shipped with less risk: by its high-risk share, or back from last week's rise.

Weeks are built here: -1 is last week, -2 … -8 the weeks before it, and the baseline is
the eight of them pooled, as the briefing builds it. The team ``find`` owns ``search``,
which makes ten changes a week, one of them high risk; thirty changes a week spread over
ten small services of their own teams make the scope an organisation's.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from briefing.card_words import KIND_WORDS
from briefing.sections import card_view
from scoring.card_rules.usual import fix_chance
from scoring.card_terms import Card, CardKind, FactKey, Severity
from scoring.risk import Band
from scoring.weekly import WeekAggregate, WeekChange, aggregate
from tests.briefing.render.factory import make_payload
from tests.scoring.card_builders import cards, change, facts, mix, spread

_WEEKS = 8


def _search(week: int, total: int, high: int, critical: int = 0) -> list[WeekChange]:
    """``find``'s changes of ``search`` in ``week``: ``high`` high risk, ``critical`` very high,
    the rest safe."""
    made = mix("search", total, high, week, team="find")
    made += [
        change(f"rewrite#{week}.{n}", "search", Band.CRITICAL, week, team="find")
        for n in range(critical)
    ]
    return made


def _weeks(last: list[WeekChange], now: list[WeekChange]) -> tuple[WeekAggregate, WeekAggregate]:
    """This week (with its eight weeks' baseline) and last week: ``search`` steady at one high-risk
    change in ten before last week, ``last`` and ``now`` its changes of the two weeks."""
    weeks = {w: [*_search(w, 10, 1), *spread(30, 0, w)] for w in range(-_WEEKS, -1)}
    weeks[-1] = [*last, *spread(30, 0, -1)]
    baseline = aggregate([c for w in weeks.values() for c in w], weeks=_WEEKS)
    return aggregate([*now, *spread(30, 0)], baseline=baseline), aggregate(weeks[-1])


def _improvements(this: WeekAggregate, last: WeekAggregate) -> list[Card]:
    return [c for c in cards(this, last) if c.kind is CardKind.IMPROVEMENT]


def _fixes(changes: list[WeekChange]) -> float:
    return round(sum(fix_chance(c) for c in changes), 1)


def test_a_team_back_from_last_weeks_rise_is_good_news_though_its_share_fell_little() -> None:
    """Seven rewrites last week on top of the usual week, none this week but three ordinary
    high-risk changes: the share falls 14 points (under 15), the expected fixes come back from
    a rise far beyond the weeks before to within their noise, and the card says so."""
    then = _search(-1, 10, 1, critical=7)
    now = _search(0, 12, 4)
    this, last = _weeks(then, now)
    [card] = _improvements(this, last)
    assert card.severity is Severity.INFO
    assert card.subject == "find"
    said = facts(card)
    assert said[FactKey.HIGH_RISK_SHARE_LAST_WEEK] - said[FactKey.HIGH_RISK_SHARE_THIS_WEEK] < 15
    usual = sum(fix_chance(c) for c in _search(-2, 10, 1))
    assert said[FactKey.EXPECTED_FIXES_LAST_WEEK] == _fixes(then)
    assert said[FactKey.EXPECTED_FIXES_THIS_WEEK] == _fixes(now)
    assert said[FactKey.EXPECTED_FIXES_USUAL] == pytest.approx(usual, abs=0.05)


def test_a_rise_last_week_within_its_noise_is_nothing_to_come_back_from() -> None:
    """Two high-risk changes last week instead of one, three this week: no rise last week beyond
    what the weeks before make likely, and a share that fell by less than 15 points: no card."""
    this, last = _weeks(_search(-1, 10, 2), _search(0, 12, 2))
    assert _improvements(this, last) == []


def test_a_team_still_risky_this_week_has_not_come_back() -> None:
    """Seven rewrites last week and four this week: this week still rises beyond its usual, so
    its fall from last week is no way back (and its share fell by less than 15 points)."""
    this, last = _weeks(_search(-1, 10, 1, critical=7), _search(0, 10, 1, critical=4))
    assert _improvements(this, last) == []


def test_without_weeks_before_last_week_only_the_share_tells_an_improvement() -> None:
    """With last week alone to compare with, the rewrites' way back is judged by the share: a
    fall of 14 points makes no card, the expected fixes are not said."""
    then = _search(-1, 10, 1, critical=7)
    this = aggregate([*_search(0, 12, 4), *spread(30, 0)])
    assert _improvements(this, aggregate([*then, *spread(30, 0, -1)])) == []


def test_the_card_words_a_way_back_by_its_expected_fixes() -> None:
    """The paragraph of a team back from last week's rise says its expected fixes this week, last
    week and usually, not a share it may not have cut."""
    this, last = _weeks(_search(-1, 10, 1, critical=7), _search(0, 12, 4))
    [card] = _improvements(this, last)
    view = card_view(card, {})
    paragraph = KIND_WORDS[CardKind.IMPROVEMENT].paragraph(make_payload((view,)), view)
    said = facts(card)
    assert paragraph.startswith("find is back from last week's rise in risk: ")
    assert f"{said[FactKey.EXPECTED_FIXES_THIS_WEEK]:g} of its 12 changes" in paragraph
    assert f"down from {said[FactKey.EXPECTED_FIXES_LAST_WEEK]:g} last week" in paragraph
    assert "share" not in paragraph


def test_a_busy_week_of_usual_work_is_no_rise_to_come_back_from() -> None:
    """Last week ``find`` made six times its usual ten changes of its usual kind (half of them
    moderate), six times its usual expected fixes, and this week ten again: that busy week was
    no concentration, so the usual week after it is no way back from one."""

    def usual(week: int, total: int = 10) -> list[WeekChange]:
        return mix("search", total, total // 2, week, team="find", band=Band.MODERATE)

    weeks = {w: [*usual(w), *spread(30, 0, w)] for w in range(-_WEEKS, -1)}
    weeks[-1] = [*usual(-1, 60), *spread(30, 0, -1)]
    baseline = aggregate([c for w in weeks.values() for c in w], weeks=_WEEKS)
    this = aggregate([*usual(0), *spread(30, 0)], baseline=baseline)
    assert _improvements(this, aggregate(weeks[-1])) == []


def test_a_busy_week_that_brought_more_high_risk_changes_is_a_rise_to_come_back_from() -> None:
    """Last week ``find`` made four times its usual ten changes (the rest moderate), five of them
    at the high bound where one is usual: no riskier per change, its high-risk changes' expected
    fixes 1.9 over their usual (under two), but four more high-risk changes than usual, which is
    a concentration's rise; back at its usual week, the team is told it came back."""

    def week_of(n: int, week: int, high: int) -> list[WeekChange]:
        made = mix("search", n, n, week, team="find", band=Band.MODERATE)
        return [replace(c, score=60, band=Band.HIGH) if i < high else c for i, c in enumerate(made)]

    def other(week: int) -> list[WeekChange]:
        return mix("shop", 10, 0, week, team="sell")

    weeks = {w: [*week_of(10, w, 1), *other(w)] for w in range(-_WEEKS, -1)}
    weeks[-1] = [*week_of(40, -1, 5), *other(-1)]
    baseline = aggregate([c for w in weeks.values() for c in w], weeks=_WEEKS)
    this = aggregate([*week_of(10, 0, 1), *other(0)], baseline=baseline)
    [card] = _improvements(this, aggregate(weeks[-1]))
    assert card.subject == "find"
    assert facts(card)[FactKey.EXPECTED_FIXES_LAST_WEEK] == _fixes(weeks[-1][:40])
