"""A week's error-budget burn from samples of the budget left: what it burned, how fast, and
which services the briefing names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scoring.budget_burn import BudgetPoint, WeekBurn, fastest_burns, week_burn

MONDAY = datetime(2026, 11, 16, tzinfo=UTC)
NEXT_MONDAY = MONDAY + timedelta(days=7)


def _points(*pairs: tuple[float, float]) -> list[BudgetPoint]:
    """Samples ``(days after Monday, budget left)``."""
    return [BudgetPoint(MONDAY + timedelta(days=d), left) for d, left in pairs]


def _burn(points: list[BudgetPoint], window_days: int = 30) -> WeekBurn | None:
    return week_burn("search", points, MONDAY, NEXT_MONDAY, window_days)


def test_no_samples_give_no_reading() -> None:
    """A service no source sampled this week has no burn to tell."""
    assert _burn([]) is None


def test_one_sample_gives_no_reading() -> None:
    """One sample says how much is left, not how fast it goes."""
    assert _burn(_points((3, 0.5))) is None


def test_samples_covering_less_than_a_day_give_no_reading() -> None:
    """Twelve hours of samples are too few to say a week's pace by."""
    assert _burn(_points((6, 0.9), (6.5, 0.5))) is None


def test_an_even_spend_over_the_window_is_a_burn_rate_of_one() -> None:
    """A 30-day budget losing 7/30 of itself over the week burns at exactly 1×."""
    burn = _burn(_points((0, 0.9), (3.5, 0.9 - 3.5 / 30), (7 - 1e-9, 0.9 - 7 / 30)))
    assert burn is not None
    assert burn.burned == pytest.approx(7 / 30)
    assert burn.days == pytest.approx(7)
    assert burn.rate == pytest.approx(1.0)
    assert burn.start_left == 0.9
    assert burn.end_left == pytest.approx(0.9 - 7 / 30)


def test_the_window_sets_the_pace_a_rate_is_read_against() -> None:
    """The same 10 points burned in a week is 0.1× against a 7-day window's even pace and
    about 1.3× against a 90-day window's."""
    points = _points((0, 0.8), (7 - 1e-9, 0.7))
    week = _burn(points, window_days=7)
    quarter = _burn(points, window_days=90)
    assert week is not None
    assert quarter is not None
    assert week.rate == pytest.approx(0.1)
    assert quarter.rate == pytest.approx(0.1 * 90 / 7)


def test_a_refilled_budget_still_counts_what_it_burned() -> None:
    """From 90% burned to 20%, then refilled to 100% (a new period), then burned to 95%: 75
    points burned, although the week ends with more left than it began with."""
    burn = _burn(_points((0, 0.9), (2, 0.2), (3, 1.0), (6, 0.95)))
    assert burn is not None
    assert burn.burned == pytest.approx(0.75)
    assert burn.end_left > burn.start_left
    assert burn.rate == pytest.approx(0.75 * 30 / 6)


def test_an_overspent_budget_keeps_burning_below_zero() -> None:
    """A budget already spent that falls further still burns: -10% to -40% is 30 points."""
    burn = _burn(_points((0, -0.1), (5, -0.4)))
    assert burn is not None
    assert burn.burned == pytest.approx(0.3)


def test_the_last_sample_before_the_week_is_its_start() -> None:
    """A sample six hours before Monday stands for the budget at the week's start; the drop
    from it counts, and the week is read from Monday."""
    points = [BudgetPoint(MONDAY - timedelta(hours=6), 0.9), *_points((3, 0.6))]
    burn = _burn(points)
    assert burn is not None
    assert burn.start_left == 0.9
    assert burn.burned == pytest.approx(0.3)
    assert burn.days == pytest.approx(3)


def test_a_sample_days_before_the_week_is_not_its_start() -> None:
    """A sample three days stale does not stand for Monday: the week starts at its own first."""
    points = [BudgetPoint(MONDAY - timedelta(days=3), 1.0), *_points((1, 0.6), (4, 0.5))]
    burn = _burn(points)
    assert burn is not None
    assert burn.start_left == 0.6
    assert burn.burned == pytest.approx(0.1)


def test_samples_after_the_week_are_not_read() -> None:
    """Next Monday's drop belongs to next week."""
    burn = _burn(_points((0, 0.9), (6, 0.8), (7, 0.1)))
    assert burn is not None
    assert burn.burned == pytest.approx(0.1)
    assert burn.end_left == 0.8


def test_samples_out_of_order_are_read_in_time_order() -> None:
    """A source may hand samples in any order; the drops are between neighbours in time."""
    burn = _burn(_points((6, 0.5), (0, 0.9), (3, 0.7)))
    assert burn is not None
    assert burn.burned == pytest.approx(0.4)


def _made(service: str, rate: float) -> WeekBurn:
    return WeekBurn(service, 1.0, 1.0 - rate * 7 / 30, rate * 7 / 30, 7.0, 30)


def test_the_fastest_three_at_one_or_more_are_named_fastest_first() -> None:
    """Services burning at 1× or more, fastest first and at most three; ties by name."""
    burns = [
        _made("search", 4.9),
        _made("checkout", 1.6),
        _made("payments", 0.99),
        _made("identity", 1.6),
        _made("infra", 6.0),
    ]
    named = fastest_burns(burns)
    assert [b.service for b in named] == ["infra", "search", "checkout"]
    assert fastest_burns([_made("payments", 0.99)]) == ()
