"""Expected fixes against a scope's own weeks: the statistical test the risk cards are judged by."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from scoring.band import Band
from scoring.card_rules.rises import weeks_seen, working_weeks
from scoring.card_rules.usual import YOUNG_WEEKS, dispersion, nb_upper_tail, rise
from scoring.weekly import WeekChange, aggregate
from tests.scoring.card_builders import at, change, mix, severities

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


def test_a_service_spans_only_the_weeks_its_scope_worked() -> None:
    """A service whose first change is an import four idle weeks before its scope's first pull
    request spans the three weeks the scope worked, not seven."""
    imported = change("import", "pay", Band.HIGH, week=-7)
    since = [imported, *mix("pay", 5, 0, week=-2), *mix("pay", 5, 0, week=-1)]
    working = working_weeks([*since, *mix("web", 5, 0, week=-2)])
    assert weeks_seen(since, working, 8) == 3
    assert weeks_seen(mix("pay", 5, 0, week=-1), working, 8) == 1
    assert weeks_seen([], working, 8) == 0


def _young_org(service: str) -> list[WeekChange]:
    """Two weeks of five moderate changes in each of three services, and the repository's initial
    import five idle weeks before them in ``service``."""
    weeks = [c for s in ("pay", "web", "api") for w in (-2, -1) for c in mix(s, 5, 0, w)]
    moderate = [replace(c, score=50, band=Band.MODERATE) for c in weeks]
    return [change("import", service, Band.HIGH, week=-8), *moderate]


def test_a_young_history_s_initial_import_makes_no_service_look_old_and_calm() -> None:
    """Ten moderate changes in a service whose history is two weeks of five and, five idle weeks
    before, the repository's import are its usual week, pooled with the organisation's while it
    is young: no concentration card (before, its yardstick spanned eight weeks with eleven
    changes and called its usual week 0.4 expected fixes, a critical card)."""
    baseline = aggregate(_young_org("pay"), weeks=8)
    now = [replace(c, score=50, band=Band.MODERATE) for c in mix("pay", 10, 0)]
    this = aggregate(now, baseline=baseline)
    last = aggregate([c for c in baseline.changes if c.merged_at >= at(-1)])
    assert "concentration:pay" not in severities(this, last)
    # The same week of rewrites, all high risk, still concentrates risk there.
    risky = aggregate([replace(c, score=75, band=Band.HIGH) for c in now], baseline=baseline)
    assert severities(risky, last).get("concentration:pay") == "critical"
