"""Expected fixes against a scope's own weeks: the statistical test the risk cards are judged by."""

from __future__ import annotations

import math

import pytest

from scoring.card_rules.usual import YOUNG_WEEKS, dispersion, nb_upper_tail, rise

# A calm service's changes (chance of a fix about 0.1) and an always-risky one's (about 0.45).
CALM = 0.1
RISKY = 0.45


def _week(chance: float, changes: int) -> list[float]:
    return [chance] * changes


def test_the_negative_binomial_tail_is_the_poisson_tail_when_the_rate_is_known() -> None:
    """With a rate known from very many weeks the tail is Poisson's: P(X ≥ 3) at mean 1."""
    poisson = 1 - sum(math.exp(-1) / math.factorial(k) for k in range(3))
    assert nb_upper_tail(3, 1_000_000.0, 1_000_000.0) == pytest.approx(poisson, rel=1e-3)


def test_a_rate_known_from_few_weeks_makes_the_tail_heavier() -> None:
    """The same mean known from 4 weeks leaves more room for a high week than from 400."""
    assert nb_upper_tail(5, 4 * 1.0 + 0.5, 4.0) > nb_upper_tail(5, 400 * 1.0 + 0.5, 400.0)


def test_a_whole_count_and_its_neighbours_bound_a_count_between_them() -> None:
    """A scaled count between two whole counts has a tail between theirs."""
    assert nb_upper_tail(4, 8.5, 4.0) >= nb_upper_tail(4.5, 8.5, 4.0) >= nb_upper_tail(5, 8.5, 4.0)


def test_dispersion_is_the_mean_squared_chance_per_expected_fix() -> None:
    """Σp² / Σp: one for certain changes, the chance itself for changes all alike."""
    assert dispersion([1.0, 1.0]) == 1.0
    assert dispersion([0.2] * 10) == pytest.approx(0.2)


def test_a_calm_service_with_a_jump_rises_beyond_its_weeks() -> None:
    """A calm service's five usual changes plus five very-high rewrites is far beyond its weeks."""
    before = _week(CALM, 5 * 4)
    found = rise([*_week(CALM, 5), *_week(0.93, 5)], before, 4, 4)
    assert found is not None
    assert found.usual == pytest.approx(0.5)
    assert found.ratio > 5
    assert found.p_value < 1e-4
    assert not found.pooled


def test_an_always_risky_service_at_its_usual_is_no_rise() -> None:
    """A service whose twelve changes a week are always somewhat risky, this week as usual, is
    not beyond its own weeks, though its expected fixes are many."""
    found = rise(_week(RISKY, 12), _week(RISKY, 12 * 4), 4, 4)
    assert found is not None
    assert found.this_week == pytest.approx(5.4)
    assert found.ratio == pytest.approx(1.0)
    assert found.p_value > 0.3


def test_an_always_risky_service_more_risky_than_usual_rises_by_its_very_high_changes() -> None:
    """The same service with seven of its twelve changes very-high rewrites: its expected fixes
    rise by a ratio of 1.6, and its very-high changes (none in its usual weeks) far beyond."""
    fixes = rise([*_week(RISKY, 5), *_week(0.93, 7)], _week(RISKY, 12 * 4), 4, 4)
    very_high = rise([*_week(0.0, 5), *_week(1.0, 7)], _week(0.0, 12 * 4), 4, 4)
    assert fixes is not None
    assert very_high is not None
    assert fixes.ratio > 1.5
    assert very_high.excess == 7
    assert very_high.p_value < 1e-4


def test_a_young_service_is_pooled_with_the_organisations_chance() -> None:
    """A service seen only last week has its missing weeks filled in at the organisation's usual
    chance per change, so one busy week of its own does not make its yardstick."""
    own = _week(0.6, 3)
    found = rise(_week(0.6, 3), own, 4, 1, pool_chance=0.1)
    alone = rise(_week(0.6, 3), own, 1, 1)
    assert found is not None
    assert alone is not None
    assert found.pooled
    assert not alone.pooled
    # Three of its own weeks are missing before it is judged on its own: filled at 3 × 0.1.
    missing = min(4, YOUNG_WEEKS) - 1
    assert found.usual == pytest.approx((1.8 + missing * 3 * 0.1) / 4)
    assert found.usual_chance == pytest.approx((1.8 + missing * 3 * 0.1) / (3 + missing * 3))


def test_nothing_to_judge_by_is_no_rise() -> None:
    """A scope without changes this week, or without any yardstick, has no rise."""
    assert rise([], _week(CALM, 4), 4, 4) is None
    assert rise(_week(CALM, 4), [], 4, 0) is None
